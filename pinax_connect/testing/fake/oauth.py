"""Connect OAuth (connect.stripe.com ``/oauth/token`` and ``/oauth/deauthorize``)
for Standard accounts in the fake Stripe. Errors use the OAuth shape
``{"error": ..., "error_description": ...}`` that stripe-python maps to
``stripe.oauth_error.*``. Use ``fake.oauth_code(...)`` to get a code."""

from . import connect
from .core import FakeOAuthError, route


def _token_response(fake, account_id, scope):
    access = "sk_test_" + fake.new_id("x")[2:]
    refresh = "rt_" + fake.new_id("x")[2:]
    connect._conn(fake)["refresh_tokens"][refresh] = {"account": account_id, "scope": scope}
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
def oauth_token(fake, req):
    """Exchange an authorization code (or a refresh token) for account access."""
    p = req.params
    grant = p.get("grant_type")
    if not grant:
        raise FakeOAuthError("invalid_request", "No grant type specified")
    conn = connect._conn(fake)
    if grant == "authorization_code":
        code = p.get("code")
        if not code:
            raise FakeOAuthError("invalid_request", "No authorization code provided")
        entry = conn["oauth_codes"].get(code)
        if entry is None:
            raise FakeOAuthError("invalid_grant", "Authorization code does not exist: %s" % code)
        if entry["used"]:
            raise FakeOAuthError("invalid_grant", "Authorization code already used: %s" % code)
        entry["used"] = True
        account_id = entry["account"]
        if account_id is None:
            account_id = connect.connect_standard_account(fake, entry["email"], entry["country"])["id"]
            entry["account"] = account_id
        fake.state.setdefault("revoked", {}).pop(account_id, None)
        return _token_response(fake, account_id, p.get("scope") or entry["scope"])
    if grant == "refresh_token":
        entry = conn["refresh_tokens"].get(p.get("refresh_token") or "")
        if entry is None or fake.state.get("revoked", {}).get(entry["account"]):
            raise FakeOAuthError("invalid_grant", "Invalid refresh token: %s" % p.get("refresh_token"))
        return _token_response(fake, entry["account"], p.get("scope") or entry["scope"])
    raise FakeOAuthError("unsupported_grant_type", "Unsupported grant type: %s" % grant)


@route("POST", "/oauth/deauthorize")
def oauth_deauthorize(fake, req):
    """Disconnect an account from the platform (emits
    ``account.application.deauthorized``)."""
    p = req.params
    if not p.get("client_id"):
        raise FakeOAuthError("invalid_request", "No client_id provided")
    account_id = p.get("stripe_user_id")
    acct = fake.get(account_id, None, "account") if account_id else None
    if acct is None or fake.state.get("revoked", {}).get(account_id) or p["client_id"] != connect.client_id(fake):
        raise FakeOAuthError(
            "invalid_client",
            "This application is not connected to stripe account %s, or that account does not exist." % account_id,
        )
    connect.deauthorize(fake, account_id)
    return {"stripe_user_id": account_id}
