"""pinax_connect.actions.onboarding: account links, login links, Standard OAuth."""
from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe
import stripe.oauth_error
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from pinax_connect.actions import accounts, onboarding
from pinax_connect.exceptions import AccountDeauthorized, AccountOwnedByAnotherUser, InvalidRequest, OAuthStateMismatch
from pinax_connect.models import Account

pytestmark = pytest.mark.django_db

REFRESH = "https://shop.example.com/onboarding/refresh"
RETURN = "https://shop.example.com/onboarding/done"


def make_request(user):
    request = RequestFactory().get("/connect/")
    request.session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    request.user = user
    return request


@pytest.fixture
def client_id(settings, fake_stripe):
    settings.PINAX_CONNECT_CLIENT_ID = fake_stripe.client_id()
    return settings.PINAX_CONNECT_CLIENT_ID


# ---- account links ---------------------------------------------------------------------


def test_account_link_returns_the_url(fake_stripe, express_account):
    url = onboarding.create_account_link(
        express_account, refresh_url=REFRESH, return_url=RETURN, idempotency_key="link-1"
    )
    req = fake_stripe.requests[-1]
    assert (req.method, req.path) == ("POST", "/v1/account_links")
    assert req.params == {
        "account": express_account.stripe_id,
        "type": "account_onboarding",
        "refresh_url": REFRESH,
        "return_url": RETURN,
    }
    assert req.idempotency_key == "link-1"
    assert isinstance(url, str) and url.startswith("https://")


def test_account_update_link_with_collect(fake_stripe, custom_account):
    url = onboarding.create_account_link(
        custom_account, type="account_update", refresh_url=REFRESH, return_url=RETURN, collect="eventually_due"
    )
    req = fake_stripe.requests[-1]
    assert req.params["type"] == "account_update"
    assert req.params["collect"] == "eventually_due"
    assert url.startswith("https://")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"type": "account_onboard"}, "Unknown account link type"),
        ({"refresh_url": "/relative"}, "refresh_url must be an absolute"),
        ({"return_url": "ftp://example.com/x"}, "return_url must be an absolute"),
        ({"return_url": None}, "return_url must be an absolute"),
        ({"collect": "everything"}, "collect must be one of"),
    ],
)
def test_account_link_validation(fake_stripe, custom_account, kwargs, message):
    sent = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest, match=message):
        onboarding.create_account_link(custom_account, **{"refresh_url": REFRESH, "return_url": RETURN, **kwargs})
    assert len(fake_stripe.requests) == sent


def test_account_update_link_is_for_custom_accounts_only(fake_stripe, express_account):
    sent = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest, match="custom accounts"):
        onboarding.create_account_link(
            express_account, type="account_update", refresh_url=REFRESH, return_url=RETURN
        )
    assert len(fake_stripe.requests) == sent


def test_account_link_on_a_deauthorized_account(fake_stripe, express_account):
    accounts.deauthorize(express_account)
    with pytest.raises(AccountDeauthorized):
        onboarding.create_account_link(express_account, refresh_url=REFRESH, return_url=RETURN)


def test_account_link_passes_stripe_errors_through(fake_stripe):
    ghost = accounts.sync_account_from_stripe_object(
        {"id": "acct_1Missing0000000", "object": "account", "type": "express"}
    )
    with pytest.raises(stripe.StripeError) as excinfo:
        onboarding.create_account_link(ghost, refresh_url=REFRESH, return_url=RETURN)
    assert "acct_1Missing0000000" in str(excinfo.value)


# ---- login links --------------------------------------------------------------------------


def test_login_link_for_an_express_account(fake_stripe, express_account):
    fake_stripe.complete_onboarding(express_account.stripe_id)
    url = onboarding.create_login_link(express_account, idempotency_key="ll-1")
    req = fake_stripe.requests[-1]
    assert (req.method, req.path) == ("POST", f"/v1/accounts/{express_account.stripe_id}/login_links")
    assert req.idempotency_key == "ll-1"
    assert url.startswith("https://") and express_account.stripe_id in url


def test_login_link_refuses_other_account_types(fake_stripe, custom_account):
    sent = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest, match="only for Express"):
        onboarding.create_login_link(custom_account)
    assert len(fake_stripe.requests) == sent


def test_login_link_on_a_deauthorized_account(fake_stripe, express_account):
    accounts.deauthorize(express_account)
    with pytest.raises(AccountDeauthorized):
        onboarding.create_login_link(express_account)


def test_login_link_passes_stripe_errors_through(fake_stripe, express_account):
    # Stripe refuses a dashboard link before onboarding is complete.
    with pytest.raises(stripe.InvalidRequestError, match="not completed onboarding"):
        onboarding.create_login_link(express_account)


# ---- Standard OAuth ---------------------------------------------------------------------


def test_authorize_url_carries_client_id_and_a_session_state(fake_stripe, client_id, user):
    request = make_request(user)
    url = onboarding.oauth_authorize_url(
        request, redirect_uri="https://shop.example.com/connect/done", stripe_user={"email": "jenny@example.com"}
    )
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "connect.stripe.com", "/oauth/authorize")
    assert query["response_type"] == "code"
    assert query["client_id"] == client_id
    assert query["scope"] == "read_write"
    assert query["redirect_uri"] == "https://shop.example.com/connect/done"
    assert query["stripe_user[email]"] == "jenny@example.com"
    assert query["state"] == request.session[onboarding.OAUTH_STATE_SESSION_KEY]
    assert len(query["state"]) >= 32
    assert fake_stripe.requests == []  # building the URL sends nothing


def test_authorize_url_state_is_fresh_each_time(client_id, user):
    request = make_request(user)
    first = state_of(onboarding.oauth_authorize_url(request))
    second = state_of(onboarding.oauth_authorize_url(request))
    assert first != second
    assert request.session[onboarding.OAUTH_STATE_SESSION_KEY] == second


def test_authorize_url_validation(client_id, user):
    request = make_request(user)
    with pytest.raises(InvalidRequest, match="scope"):
        onboarding.oauth_authorize_url(request, scope="admin")
    with pytest.raises(InvalidRequest, match="redirect_uri"):
        onboarding.oauth_authorize_url(request, redirect_uri="/relative")
    assert onboarding.OAUTH_STATE_SESSION_KEY not in request.session


def test_authorize_url_needs_the_client_id(settings, user):
    settings.PINAX_CONNECT_CLIENT_ID = None
    with pytest.raises(ImproperlyConfigured, match="PINAX_CONNECT_CLIENT_ID"):
        onboarding.oauth_authorize_url(make_request(user))


def state_of(url):
    return parse_qs(urlsplit(url).query)["state"][0]


def test_oauth_complete_links_and_authorizes_the_account(fake_stripe, client_id, user):
    code = fake_stripe.oauth_code(email="owner@example.com")  # what Stripe's redirect carries
    request = make_request(user)
    state = state_of(onboarding.oauth_authorize_url(request))
    account = onboarding.oauth_complete(request, code=code, state=state)
    token_req = [r for r in fake_stripe.requests if r.path == "/oauth/token"][-1]
    assert token_req.params["grant_type"] == "authorization_code"
    assert token_req.params["code"] == code
    # The account connected by that code is read and mirrored.
    assert fake_stripe.requests[-1].path == f"/v1/accounts/{account.stripe_id}"
    assert account.user == user
    assert account.type == "standard"
    assert account.authorized is True
    assert account.email == "owner@example.com"
    assert Account.objects.get(stripe_id=account.stripe_id).user == user
    assert onboarding.OAUTH_STATE_SESSION_KEY not in request.session  # single use


def test_oauth_complete_reauthorizes_a_deauthorized_account(fake_stripe, client_id, user):
    request = make_request(user)
    state = state_of(onboarding.oauth_authorize_url(request))
    account = onboarding.oauth_complete(request, code=fake_stripe.oauth_code(), state=state)
    accounts.deauthorize(account)
    assert Account.objects.get(pk=account.pk).authorized is False
    state = state_of(onboarding.oauth_authorize_url(request))
    again = onboarding.oauth_complete(request, code=fake_stripe.oauth_code(account.stripe_id), state=state)
    assert again.pk == account.pk
    assert Account.objects.get(pk=account.pk).authorized is True


@pytest.mark.parametrize("state", ["wrong", "", None])
def test_oauth_complete_rejects_a_wrong_state_and_consumes_it(fake_stripe, client_id, user, state):
    request = make_request(user)
    onboarding.oauth_authorize_url(request)
    with pytest.raises(OAuthStateMismatch):
        onboarding.oauth_complete(request, code="ac_123", state=state)
    assert onboarding.OAUTH_STATE_SESSION_KEY not in request.session
    assert fake_stripe.requests == []


def test_oauth_state_works_once(fake_stripe, client_id, user):
    request = make_request(user)
    state = state_of(onboarding.oauth_authorize_url(request))
    onboarding.oauth_complete(request, code=fake_stripe.oauth_code(), state=state)
    with pytest.raises(OAuthStateMismatch):
        onboarding.oauth_complete(request, code="ac_again", state=state)


def test_oauth_complete_without_a_session_state(fake_stripe, user):
    with pytest.raises(OAuthStateMismatch):
        onboarding.oauth_complete(make_request(user), code="ac_123", state="anything")
    assert fake_stripe.requests == []


def test_oauth_state_mismatch_is_an_invalid_request():
    assert issubclass(OAuthStateMismatch, InvalidRequest)


def test_oauth_complete_needs_a_code(fake_stripe, client_id, user):
    request = make_request(user)
    state = state_of(onboarding.oauth_authorize_url(request))
    with pytest.raises(InvalidRequest, match="code"):
        onboarding.oauth_complete(request, code="", state=state)
    assert fake_stripe.requests == []


def test_oauth_complete_needs_a_logged_in_user(fake_stripe, client_id):
    request = make_request(AnonymousUser())
    state = state_of(onboarding.oauth_authorize_url(request))
    with pytest.raises(InvalidRequest, match="logged-in"):
        onboarding.oauth_complete(request, code="ac_123", state=state)
    assert fake_stripe.requests == []


def test_oauth_complete_passes_stripe_errors_through(fake_stripe, client_id, user):
    request = make_request(user)
    state = state_of(onboarding.oauth_authorize_url(request))
    with pytest.raises(stripe.oauth_error.InvalidGrantError) as excinfo:
        onboarding.oauth_complete(request, code="ac_not_issued", state=state)
    assert excinfo.value.user_message
    assert not Account.objects.exists()


def test_oauth_complete_does_not_take_an_account_from_another_user(fake_stripe, client_id, user, other_user):
    first = make_request(user)
    account = onboarding.oauth_complete(
        first, code=fake_stripe.oauth_code(), state=state_of(onboarding.oauth_authorize_url(first))
    )
    second = make_request(other_user)
    state = state_of(onboarding.oauth_authorize_url(second))
    with pytest.raises(AccountOwnedByAnotherUser):
        onboarding.oauth_complete(second, code=fake_stripe.oauth_code(account.stripe_id), state=state)
    assert Account.objects.get(stripe_id=account.stripe_id).user == user


def test_oauth_complete_claims_conditionally_when_another_user_wins_the_race(
    fake_stripe, client_id, user, other_user, monkeypatch
):
    # The other user's connection lands between our read of the account and our
    # write: the claim must see it and refuse, not overwrite it.
    sync = accounts.sync_account_from_stripe_object

    def sync_then_lose_the_race(obj, **kwargs):
        row = sync(obj, **kwargs)
        Account.objects.filter(pk=row.pk).update(user=other_user)
        return row

    monkeypatch.setattr(accounts, "sync_account_from_stripe_object", sync_then_lose_the_race)
    request = make_request(user)
    state = state_of(onboarding.oauth_authorize_url(request))
    with pytest.raises(AccountOwnedByAnotherUser):
        onboarding.oauth_complete(request, code=fake_stripe.oauth_code(), state=state)
    assert Account.objects.get().user == other_user
