"""The OpenAPI schema: served, valid OpenAPI 3, every endpoint in it, write-only and error shapes described."""
import json

import pytest
import yaml
from django.urls import reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get(reverse("pinax_connect_rest:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")


def test_schema_yaml_by_default(client):
    response = client.get(reverse("pinax_connect_rest:schema"))
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "pinax-connect REST API"


def test_schema_json_by_query_parameter(client):
    response = client.get(reverse("pinax_connect_rest:schema"), {"format": "json"})
    assert response.status_code == 200 and json.loads(response.content)["openapi"].startswith("3.")


def test_every_endpoint_is_described(schema):
    paths = schema["paths"]
    expected = {
        ("/api/stripe/accounts/", "post"), ("/api/stripe/accounts/{id}/", "patch"),
        ("/api/stripe/accounts/{id}/account-link/", "post"), ("/api/stripe/accounts/{id}/login-link/", "post"),
        ("/api/stripe/accounts/{id}/requirements/", "get"), ("/api/stripe/accounts/{id}/balance/", "get"),
        ("/api/stripe/external-accounts/", "post"), ("/api/stripe/external-accounts/{id}/set-default/", "post"),
        ("/api/stripe/external-accounts/{id}/", "delete"),
        ("/api/stripe/customers/", "post"), ("/api/stripe/customers/{id}/payment-methods/", "get"),
        ("/api/stripe/customers/{id}/payment-methods/", "post"),
        ("/api/stripe/customers/{id}/payment-methods/{payment_method}/", "delete"),
        ("/api/stripe/payment-intents/", "post"), ("/api/stripe/payment-intents/{id}/cancel/", "post"),
        ("/api/stripe/charges/", "get"), ("/api/stripe/charges/{id}/", "get"),
        ("/api/stripe/refunds/", "post"), ("/api/stripe/transfers/", "get"),
        ("/api/stripe/payouts/", "post"), ("/api/stripe/payouts/{id}/cancel/", "post"),
    }
    missing = {(p, m) for p, m in expected if m not in paths.get(p, {})}
    assert not missing


def test_sensitive_inputs_are_write_only_in_the_schema(schema):
    components = schema["components"]["schemas"]
    bank_request = components["BankAccountRequest"]["properties"]
    assert "account_number" in bank_request
    person_request = components["PersonRequest"]["properties"]
    assert {"id_number", "ssn_last_4"} <= set(person_request)
    # No answer carries them: only *Request components may name them.
    for name, component in components.items():
        if not name.endswith("Request"):
            assert not {"account_number", "id_number", "ssn_last_4"} & set(component.get("properties", {})), name


def test_write_errors_are_described(schema):
    create = schema["paths"]["/api/stripe/accounts/"]["post"]
    assert {"201", "400", "409", "503"} <= set(create["responses"])
    assert create["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "402" in schema["paths"]["/api/stripe/payment-intents/"]["post"]["responses"]
    assert {"429", "503"} <= set(schema["paths"]["/api/stripe/accounts/{id}/balance/"]["get"]["responses"])
    assert "429" not in schema["paths"]["/api/stripe/accounts/{id}/"]["get"]["responses"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AccountCreateRequest")
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Account")


def test_list_filters_and_cursor_are_described(schema):
    params = {p["name"] for p in schema["paths"]["/api/stripe/payment-intents/"]["get"]["parameters"]}
    assert {"status", "created_gte", "cursor", "limit"} <= params


def test_swagger_page(client):
    response = client.get(reverse("pinax_connect_rest:schema-docs"))
    assert response.status_code == 200 and b"swagger" in response.content.lower()


def test_schema_generation_has_no_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.settings import patched_settings

    from pinax_connect.rest.generators import SCHEMA_SETTINGS, StripeSchemaGenerator

    GENERATOR_STATS.reset()
    with patched_settings(SCHEMA_SETTINGS):
        StripeSchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache


def test_core_never_imports_the_rest_package():
    """`pinax_connect.rest` is optional: no module outside it may import it (or DRF)."""
    from pathlib import Path

    import pinax_connect

    root = Path(pinax_connect.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "rest" in path.relative_to(root).parts[:1]:
            continue
        text = path.read_text()
        if "rest_framework" in text or "drf_spectacular" in text or "pinax_connect.rest" in text \
                or "from .rest" in text or "from ..rest" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
