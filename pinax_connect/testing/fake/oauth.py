"""Connect OAuth (connect.stripe.com ``/oauth/token`` and ``/oauth/deauthorize``)
for Standard accounts in the fake Stripe. Errors use the OAuth shape
``{"error": ..., "error_description": ...}`` that stripe-python maps to
``stripe.oauth_error.*``. Use ``fake.oauth_code(...)`` to get a code; the test
helpers ``fake.client_id()`` and ``fake.deauthorize()`` are here too."""

from typing import Any, cast

from .account_state import TEST_PLATFORM_NAME, _conn, _private, commit, load_account, new_account
from .capabilities import _request_capability
from .core import FakeOAuthError, FakeStripe, Request, route
from .onboarding import complete_onboarding


def _token_response(fake: FakeStripe, account_id: str, scope: str) -> dict[str, Any]:
    access = "sk_test_" + fake.new_id("x")[2:]
    refresh = "rt_" + fake.new_id("x")[2:]
    _conn(fake)["refresh_tokens"][refresh] = {"account": account_id, "scope": scope}
    return {
        "access_token": access,
        "livemode": False,
        "refresh_token": refresh,
        "scope": scope,
        "stripe_publishable_key": "pk_test_" + account_id.split("_", 1)[1],
        "stripe_user_id": account_id,
        "token_type": "bearer",
    }


@route("POST", "/oauth/token")
def oauth_token(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Exchange an authorization code (or a refresh token) for account access."""
    p = req.params
    grant = p.get("grant_type")
    if not grant:
        raise FakeOAuthError("invalid_request", "No grant type specified")
    conn = _conn(fake)
    if grant == "authorization_code":
        code = p.get("code")
        if not code:
            raise FakeOAuthError("invalid_request", "No authorization code provided")
        entry = conn["oauth_codes"].get(code)
        if entry is None:
            raise FakeOAuthError("invalid_grant", f"Authorization code does not exist: {code}")
        if entry["used"]:
            raise FakeOAuthError("invalid_grant", f"Authorization code already used: {code}")
        entry["used"] = True
        account_id = entry["account"]
        if account_id is None:
            account_id = connect_standard_account(fake, entry["email"], entry["country"])["id"]
            entry["account"] = account_id
        fake.state.setdefault("revoked", {}).pop(account_id, None)
        return _token_response(fake, account_id, p.get("scope") or entry["scope"])
    if grant == "refresh_token":
        entry = conn["refresh_tokens"].get(p.get("refresh_token") or "")
        if entry is None or fake.state.get("revoked", {}).get(entry["account"]):
            raise FakeOAuthError("invalid_grant", "Invalid refresh token: {}".format(p.get("refresh_token")))
        return _token_response(fake, entry["account"], p.get("scope") or entry["scope"])
    raise FakeOAuthError("unsupported_grant_type", f"Unsupported grant type: {grant}")


@route("POST", "/oauth/deauthorize")
def oauth_deauthorize(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Disconnect an account from the platform (emits
    ``account.application.deauthorized``)."""
    p = req.params
    if not p.get("client_id"):
        raise FakeOAuthError("invalid_request", "No client_id provided")
    account_id = p.get("stripe_user_id")
    acct = fake.get(account_id, None, "account") if account_id else None
    if acct is None or fake.state.get("revoked", {}).get(account_id) or p["client_id"] != client_id(fake):
        raise FakeOAuthError(
            "invalid_client",
            f"This application is not connected to stripe account {account_id}, or that account does not exist.",
        )
    deauthorize(fake, acct["id"])  # the account stripe_user_id names
    return {"stripe_user_id": account_id}


def client_id(fake: FakeStripe) -> str:
    """The platform's Connect client id (``ca_...``)."""
    conn = _conn(fake)
    if not conn.get("client_id"):
        conn["client_id"] = "ca_" + fake.new_id("x")[2:]
    return conn["client_id"]


def deauthorize(fake: FakeStripe, account_id: str) -> dict[str, Any]:
    """The account disconnects from the platform: its access is revoked
    (Stripe-Account requests get 403) and ``account.application.deauthorized``
    is emitted with ``account`` set. Returns the event."""
    load_account(fake, account_id)
    application = {"id": client_id(fake), "object": "application", "name": TEST_PLATFORM_NAME}
    event = fake.emit("account.application.deauthorized", application, account=account_id)
    fake.state.setdefault("revoked", {})[account_id] = True
    return event


def oauth_code(
    fake: FakeStripe, account_id: str | None = None, *, email: str | None = None, country: str = "US",
    scope: str = "read_write",
) -> str:
    """An authorization code as Stripe's OAuth redirect would carry it. Exchanging
    it at ``/oauth/token`` connects ``account_id`` or a new standard account."""
    code = "ac_" + fake.new_id("x")[2:]
    _conn(fake)["oauth_codes"][code] = {
        "account": account_id, "email": email, "country": country, "scope": scope, "used": False,
    }
    return code


def connect_standard_account(fake: FakeStripe, email: str | None = None, country: str = "US") -> dict[str, Any]:
    """Create a fully onboarded standard account owned by its user (OAuth)."""
    acct = new_account(fake, "standard", country, {"type": "account"})
    acct["email"] = email
    priv = _private(fake, acct["id"])
    for name in ("card_payments", "transfers"):
        _request_capability(fake, priv, name, True)
    commit(fake, acct)
    complete_onboarding(fake, acct["id"])
    return cast("dict[str, Any]", fake.get(acct["id"], None, "account"))  # just committed


for _helper in (deauthorize, oauth_code, client_id):
    setattr(FakeStripe, _helper.__name__, _helper)
