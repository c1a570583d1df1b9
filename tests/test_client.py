import pytest
import stripe
from django.core.exceptions import ImproperlyConfigured

from pinax_connect import client


class RecordingHTTPClient(stripe.HTTPClient):
    """A minimal HTTP layer that records what stripe-python sends."""

    name = "recording"

    def __init__(self):
        super().__init__()
        self.calls = []

    def request(self, method, url, headers, post_data=None):
        self.calls.append((method, url, dict(headers), post_data))
        return '{"id": "acct_platform", "object": "account"}', 200, {}


@pytest.fixture
def recorder():
    http = RecordingHTTPClient()
    with client.http_client_override(http):
        yield http


def test_missing_secret_key_names_the_setting(settings):
    settings.PINAX_CONNECT_SECRET_KEY = None
    with pytest.raises(ImproperlyConfigured, match="PINAX_CONNECT_SECRET_KEY"):
        client.get_client()


def test_client_uses_settings_at_call_time(settings, recorder):
    settings.PINAX_CONNECT_SECRET_KEY = "sk_test_one"
    settings.PINAX_CONNECT_API_VERSION = "2024-06-20"
    client.get_client().v1.accounts.retrieve_current()
    settings.PINAX_CONNECT_SECRET_KEY = "sk_test_two"
    client.get_client().v1.accounts.retrieve_current()
    (m1, url1, h1, _), (_, _, h2, _) = recorder.calls
    assert m1 == "get" and url1 == "https://api.stripe.com/v1/account"
    assert h1["Authorization"] == "Bearer sk_test_one"
    assert h2["Authorization"] == "Bearer sk_test_two"
    assert h1["Stripe-Version"] == "2024-06-20"


def test_default_api_version_is_stripe_pythons(settings, recorder):
    assert settings.PINAX_CONNECT_API_VERSION == stripe.api_version
    client.get_client().v1.accounts.retrieve_current()
    assert recorder.calls[0][2]["Stripe-Version"] == stripe.api_version


def test_api_base_points_elsewhere(settings, recorder):
    settings.PINAX_CONNECT_API_BASE = "http://127.0.0.1:12111"
    client.get_client().v1.accounts.retrieve_current()
    assert recorder.calls[0][1] == "http://127.0.0.1:12111/v1/account"


def test_api_base_also_routes_the_oauth_host(settings, recorder):
    settings.PINAX_CONNECT_API_BASE = "http://127.0.0.1:12111"
    settings.PINAX_CONNECT_CLIENT_ID = "ca_test"
    client.get_client().oauth.deauthorize({"client_id": "ca_test", "stripe_user_id": "acct_1"})
    assert recorder.calls[0][1] == "http://127.0.0.1:12111/oauth/deauthorize"


def test_no_global_api_key_is_set(settings, recorder):
    before = stripe.api_key
    client.get_client().v1.accounts.retrieve_current()
    assert stripe.api_key == before


def test_client_is_reused_for_the_same_configuration(recorder):
    assert client.get_client() is client.get_client()


def test_override_is_restored():
    sentinel = RecordingHTTPClient()
    before = client.current_http_client()
    with client.http_client_override(sentinel):
        assert client.current_http_client() is sentinel
    assert client.current_http_client() is before


def test_request_options_accepts_models_and_ids():
    class Acct:
        stripe_id = "acct_1"

    assert client.request_options(stripe_account=Acct(), idempotency_key="k") == {
        "stripe_account": "acct_1",
        "idempotency_key": "k",
    }
    assert client.request_options(stripe_account="acct_2") == {"stripe_account": "acct_2"}
    assert client.request_options() == {}


def test_live_key_detection(settings):
    settings.PINAX_CONNECT_SECRET_KEY = "sk_live_abc"
    assert client.is_live_key()
    assert not client.is_live_key("sk_test_abc")


def test_idempotency_keys_are_unique():
    assert len({client.new_idempotency_key() for _ in range(100)}) == 100


def test_request_bodies_never_reach_the_stripe_logger(caplog, recorder):
    import logging

    caplog.set_level(logging.DEBUG, logger="stripe")
    client.get_client().v1.accounts.create({"individual": {"id_number": "123456789"}})
    lines = [r.getMessage() for r in caplog.records if r.name == "stripe"]
    assert any("Request to Stripe api" in line for line in lines)  # the logger itself still works
    assert not any("123456789" in line for line in lines)


def test_http_client_setting_is_instantiated_once_and_clients_stay_cached(settings):
    settings.PINAX_CONNECT_HTTP_CLIENT = "tests.test_client.RecordingHTTPClient"
    first = client.get_client()
    assert isinstance(client.current_http_client(), RecordingHTTPClient)
    assert client.current_http_client() is client.current_http_client()
    assert client.get_client() is first
    first.v1.accounts.retrieve_current()
    assert len(client.current_http_client().calls) == 1


def test_raw_list_returns_plain_json_pages(recorder):
    page = client.raw_list("/v1/accounts")(params={"limit": 2}, options={"stripe_account": "acct_9"})
    assert page == {"id": "acct_platform", "object": "account"}  # what the recorder answers
    method, url, headers, _ = recorder.calls[0]
    assert (method, url) == ("get", "https://api.stripe.com/v1/accounts?limit=2")
    assert headers["Stripe-Account"] == "acct_9"


def test_importing_the_client_installs_nothing_and_ready_installs_the_log_filter():
    import os
    import subprocess
    import sys

    script = (
        "import logging, django\n"
        "import pinax_connect.client\n"
        "names = lambda: [type(f).__name__ for f in logging.getLogger('stripe').filters]\n"
        "print(names())\n"
        "django.setup()\n"
        "print(names())\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "['DropRequestBodies']"]
