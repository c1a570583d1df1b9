"""Stripe outages and rate limits, throttled writes, and sensitive inputs never echoed or logged."""
import json
import logging

import pytest
import stripe
from django.urls import reverse

from pinax_connect.rest.errors import stripe_error_response

from ..actions.conftest import ready_custom_account_params

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("pinax_connect_rest:connected-account-list")
EXTERNAL = reverse("pinax_connect_rest:external-account-list")
ACCOUNT_NUMBER = "000123456789"
ID_NUMBER = "078051120"  # not a substring of the fake's ids (acct_0000000000...)


@pytest.mark.parametrize("fault", [{"connection_error": True}, {"status": 500}])
def test_stripe_unreachable_is_a_503(api, fake_stripe, fault):
    fake_stripe.fail_next(5, path="/v1/accounts", **fault)
    response = api.post(ACCOUNTS, {"type": "express", "country": "US"}, format="json")
    assert response.status_code == 503 and response.data["code"]
    assert "sk_test" not in json.dumps(response.data)


def test_stripe_rate_limit_is_a_503_with_retry_after(api, fake_stripe):
    fake_stripe.fail_next(5, status=429, path="/v1/accounts")
    response = api.post(ACCOUNTS, {"type": "express", "country": "US"}, format="json")
    assert response.status_code == 503 and response["Retry-After"]


def test_idempotency_key_header_reaches_stripe_scoped_to_user(api, seller, fake_stripe):
    first = api.post(ACCOUNTS, {"type": "express", "country": "US"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(ACCOUNTS, {"type": "express", "country": "US"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 201
    assert first.data["stripe_id"] == again.data["stripe_id"]  # Stripe replayed the first creation
    keys = {r.idempotency_key for r in fake_stripe.requests if r.route_pattern == "/v1/accounts"}
    assert len(keys) == 1 and "k-1" not in keys.pop()  # hashed with the user, not sent as given


def test_writes_are_throttled_reads_are_not(api, settings, fake_stripe):
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": {"pinax_connect_write": "2/minute"}}
    codes = [api.post(ACCOUNTS, {"type": "express", "country": "US"}, format="json").status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    assert [api.get(ACCOUNTS).status_code for _ in range(5)] == [200] * 5


def test_reads_that_ask_stripe_are_throttled_too(api, settings, seller_account):
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": {"pinax_connect_write": "2/minute"}}
    balance = reverse("pinax_connect_rest:connected-account-balance", kwargs={"pk": seller_account.pk})
    assert [api.get(balance).status_code for _ in range(3)] == [200, 200, 429]
    detail = reverse("pinax_connect_rest:connected-account-detail", kwargs={"pk": seller_account.pk})
    assert api.get(detail).status_code == 200  # the mirror stays readable


def test_unmapped_param_is_a_non_field_error():
    exc = stripe.InvalidRequestError("Nope", param="something_else[x]", code="parameter_invalid")
    response = stripe_error_response(exc)
    assert response.status_code == 400 and response.data == {"non_field_errors": ["Nope"]}


def test_messages_are_scrubbed_of_submitted_secrets():
    exc = stripe.InvalidRequestError(f"Bad account {ACCOUNT_NUMBER}", param=None, code="account_number_invalid")
    response = stripe_error_response(exc, secrets=[ACCOUNT_NUMBER])
    assert ACCOUNT_NUMBER not in json.dumps(response.data) and response.data["code"] == "account_number_invalid"


def _everything_said(caplog, fake_stripe, *responses):
    logged = "\n".join(record.getMessage() for record in caplog.records)
    bodies = "\n".join(r.content.decode() for r in responses)
    sent = json.dumps([r.params for r in fake_stripe.requests])
    return logged, bodies, sent


def test_sensitive_inputs_never_echoed_or_logged(api, seller_account, fake_stripe, caplog):
    caplog.set_level(logging.DEBUG)
    params = ready_custom_account_params()
    assert params["external_account"]["account_number"] == ACCOUNT_NUMBER
    params["individual"]["id_number"] = ID_NUMBER
    created = api.post(ACCOUNTS, {"type": "custom", "country": "US", **params}, format="json")
    assert created.status_code == 201
    bank = api.post(EXTERNAL, {"account": seller_account.stripe_id, "bank_account": {
        "country": "US", "currency": "usd", "routing_number": "110000000", "account_number": "000999999991"}},
        format="json")
    assert bank.status_code == 201
    bad_bank = api.post(EXTERNAL, {"account": seller_account.stripe_id, "bank_account": {
        "country": "US", "currency": "usd", "routing_number": "110000000", "account_number": "12"}},
        format="json")
    assert bad_bank.status_code == 400 and list(bad_bank.data["bank_account"]) == ["account_number"]
    bad_person = api.patch(reverse("pinax_connect_rest:connected-account-detail", kwargs={"pk": created.data["id"]}),
                           {"individual": {"id_number": "12-34-ABC-99"}}, format="json")
    assert bad_person.status_code == 400 and list(bad_person.data["individual"]) == ["id_number"]
    logged, bodies, sent = _everything_said(caplog, fake_stripe, created, bank, bad_bank, bad_person)
    for secret in (ACCOUNT_NUMBER, ID_NUMBER, "000999999991", "12-34-ABC-99"):
        assert secret not in bodies, secret
        assert secret not in logged, secret
        assert secret not in sent, secret  # the fake's request log redacts, as our logs must
    assert caplog.records  # the requests were logged: only without the secrets
