"""actions.account_sessions and the fake's POST /v1/account_sessions; the embedded_components tag."""
import json
import re

import pytest
import stripe
from django.template import Context, Template

from pinax_connect.actions import account_sessions
from pinax_connect.client import get_client
from pinax_connect.exceptions import AccountDeauthorized, InvalidRequest
from pinax_connect.models import Account

pytestmark = pytest.mark.django_db


def test_create_returns_the_client_secret_and_stores_nothing(custom_account, fake_stripe, caplog):
    before = {m: m.objects.count() for m in (Account,)}
    secret = account_sessions.create(custom_account, ["account_onboarding", "payments"])
    assert secret.startswith("_") and len(secret) > 20
    (request,) = [r for r in fake_stripe.requests if r.path == "/v1/account_sessions"]
    assert request.params["account"] == custom_account.stripe_id and request.account is None
    assert request.params["components"] == {"account_onboarding": {"enabled": "true"},
                                            "payments": {"enabled": "true"}}
    assert request.idempotency_key
    assert {m: m.objects.count() for m in before} == before
    custom_account.refresh_from_db()
    assert secret not in json.dumps(custom_account.stripe_data) and secret not in caplog.text


def test_features_pass_through_and_defaults_cover_the_four_components(custom_account, fake_stripe):
    account_sessions.create(custom_account, {"payments": {"enabled": True, "features": {"refund_management": True}}})
    account_sessions.create(custom_account)
    first, second = [r for r in fake_stripe.requests if r.path == "/v1/account_sessions"]
    assert first.params["components"]["payments"]["features"] == {"refund_management": "true"}
    assert set(second.params["components"]) == {"account_onboarding", "notification_banner", "payments", "payouts"}


@pytest.mark.parametrize("components", [["nope"], [], "payments", {"payments": {"enabled": False}}])
def test_bad_components_are_refused_before_stripe(custom_account, fake_stripe, components):
    sent = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest):
        account_sessions.create(custom_account, components)
    assert fake_stripe.requests[sent:] == []


def test_deauthorized_accounts_are_refused(custom_account, fake_stripe):
    Account.objects.filter(pk=custom_account.pk).update(authorized=False)
    custom_account.refresh_from_db()
    with pytest.raises(AccountDeauthorized):
        account_sessions.create(custom_account)


@pytest.mark.parametrize("params,param", [
    ({"components": {"payments": {"enabled": True}}}, "account"),
    ({"account": "acct_missing", "components": {"payments": {"enabled": True}}}, "account"),
    ({"account": "ACCOUNT", "components": {"payments": {"features": {"refund_management": True}}}},
     "components[payments][enabled]"),
    ({"account": "ACCOUNT", "components": {"bogus": {"enabled": True}}}, "components[bogus]"),
    ({"account": "ACCOUNT", "components": {"payments": {"enabled": True, "features": {"x": True}}}},
     "components[payments][features][x]"),
    ({"account": "ACCOUNT"}, "components"),
])
def test_the_fake_refuses_what_stripe_refuses(custom_account, fake_stripe, params, param):
    if params.get("account") == "ACCOUNT":
        params = {**params, "account": custom_account.stripe_id}
    with pytest.raises(stripe.InvalidRequestError) as exc:
        get_client().v1.account_sessions.create(params)
    assert exc.value.param == param


def test_the_fake_answers_an_account_session(custom_account, fake_stripe):
    session = get_client().v1.account_sessions.create(
        {"account": custom_account.stripe_id, "components": {"account_onboarding": {"enabled": True}}})
    assert session.object == "account_session" and session.account == custom_account.stripe_id
    assert session.components.account_onboarding.enabled is True and session.components.payouts.enabled is False
    assert session.expires_at == fake_stripe.now() + 30 * 60
    other = get_client().v1.account_sessions.create(
        {"account": custom_account.stripe_id, "components": {"account_onboarding": {"enabled": True}}})
    assert other.client_secret != session.client_secret


def test_embedded_components_tag_renders_connect_js_with_the_publishable_key(settings):
    settings.PINAX_CONNECT_PUBLISHABLE_KEY = "pk_test_embedded"
    html = Template(
        "{% load pinax_connect_embedded %}"
        "{% embedded_components secret 'account_onboarding,payouts,bogus' exit_url='/back/' %}"
    ).render(Context({"secret": "_sec</script><script>alert(1)"}))
    assert "https://connect-js.stripe.com/v1.0/connect.js" in html
    assert 'data-component="account-onboarding"' in html and 'data-component="payouts"' in html
    assert "bogus" not in html and "<script>alert(1)" not in html
    config = json.loads(re.search(r'<script id="[^"]+-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["publishableKey"] == "pk_test_embedded" and config["clientSecret"] == "_sec</script><script>alert(1)"
    assert config["exitUrl"] == "/back/" and config["components"] == ["account-onboarding", "payouts"]
