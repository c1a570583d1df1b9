"""Getting a seller through Stripe's hosted onboarding.

* Custom and Express accounts: :func:`create_account_link` (Stripe-hosted onboarding
  or update form), and :func:`create_login_link` (the Express dashboard).
* Standard accounts: the OAuth flow, :func:`oauth_authorize_url` then
  :func:`oauth_complete` in the view Stripe redirects back to.

Links are short-lived and single-use, so they are returned, never stored.
"""
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from ..client import get_client, write_options
from ..exceptions import AccountOwnedByAnotherUser, InvalidRequest, OAuthStateMismatch
from ..models import Account
from . import accounts

LINK_TYPES = ("account_onboarding", "account_update")
COLLECT_OPTIONS = ("currently_due", "eventually_due")
OAUTH_SCOPES = ("read_write", "read_only")
# Where the OAuth ``state`` waits between the redirect to Stripe and the way back.
OAUTH_STATE_SESSION_KEY = "pinax_connect_oauth_state"


def _check_url(value: str, name: str) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidRequest(f"{name} must be an absolute http(s) URL, got {value!r}")
    return value


def create_account_link(
    account: Account, *, type: str = "account_onboarding", refresh_url: str, return_url: str,
    collect: str | None = None, idempotency_key: str | None = None,
) -> str:
    """Return the URL of a Stripe-hosted onboarding (or update) form for ``account``.

    Sends ``POST /v1/account_links`` with ``account``, ``type``, ``refresh_url``,
    ``return_url`` and ``collect`` when given. Returns the link's ``url`` (a string to
    redirect the user to; it expires within minutes and works once) and stores
    nothing: the account itself changes later, reported by ``account.updated``.
    ``account_update`` links exist only for custom accounts (Stripe's rule).
    """
    accounts.ensure_authorized(account)
    if type not in LINK_TYPES:
        raise InvalidRequest(f"Unknown account link type {type!r}: use one of {', '.join(LINK_TYPES)}.")
    if type == "account_update" and account.type != "custom":
        raise InvalidRequest("account_update links can only be created for custom accounts.")
    _check_url(refresh_url, "refresh_url")
    _check_url(return_url, "return_url")
    params = {
        "account": account.stripe_id,
        "type": type,
        "refresh_url": refresh_url,
        "return_url": return_url,
    }
    if collect is not None:
        if collect not in COLLECT_OPTIONS:
            raise InvalidRequest(f"collect must be one of {', '.join(COLLECT_OPTIONS)}, got {collect!r}")
        params["collect"] = collect
    link = get_client().v1.account_links.create(
        params, write_options(idempotency_key=idempotency_key)
    )
    return link.url


def create_login_link(account: Account, *, idempotency_key: str | None = None) -> str:
    """Return a single-use URL to the Express dashboard of an Express ``account``.

    Sends ``POST /v1/accounts/{id}/login_links``; stores nothing. Other account types
    have no Express dashboard: ``InvalidRequest`` before any call.
    """
    accounts.ensure_authorized(account)
    if account.type != "express":
        raise InvalidRequest(f"Login links exist only for Express accounts; {account.stripe_id} is {account.type!r}.")
    link = get_client().v1.accounts.login_links.create(
        account.stripe_id,
        options=write_options(idempotency_key=idempotency_key),
    )
    return link.url


def oauth_authorize_url(
    request: HttpRequest, *, redirect_uri: str | None = None, scope: str = "read_write", **extra: Any
) -> str:
    """Return the ``https://connect.stripe.com/oauth/authorize?...`` URL for a Standard account.

    A fresh random ``state`` is stored in ``request.session`` (checked and consumed by
    :func:`oauth_complete`, which defeats cross-site request forgery); the URL carries
    ``response_type=code``, ``client_id`` (``PINAX_CONNECT_CLIENT_ID``), ``scope``,
    ``state``, ``redirect_uri`` when given, and every extra parameter (e.g.
    ``stripe_user={"email": ...}`` to prefill the form). No request is sent.
    """
    if scope not in OAUTH_SCOPES:
        raise InvalidRequest(f"scope must be one of {', '.join(OAUTH_SCOPES)}, got {scope!r}")
    params = {"response_type": "code", "client_id": accounts.oauth_client_id(), "scope": scope}
    if redirect_uri is not None:
        params["redirect_uri"] = _check_url(redirect_uri, "redirect_uri")
    params.update(extra)
    state = secrets.token_urlsafe(32)
    params["state"] = state
    request.session[OAUTH_STATE_SESSION_KEY] = state
    return get_client().oauth.authorize_url(params)


def oauth_complete(request: HttpRequest, *, code: str, state: str) -> Account:
    """Finish the Standard OAuth flow and return the connected ``Account`` of ``request.user``.

    ``state`` must equal the one :func:`oauth_authorize_url` put in the session
    (compared in constant time, and consumed whatever the outcome, so a state works
    once); otherwise ``OAuthStateMismatch`` and nothing is sent. An account already
    linked to another user raises ``AccountOwnedByAnotherUser`` and stays theirs. Then sends
    ``POST https://connect.stripe.com/oauth/token`` (``grant_type=authorization_code``,
    ``code``), reads the account (``GET /v1/accounts/{stripe_user_id}``) and stores it
    linked to ``request.user`` with ``authorized=True`` (reconnecting a previously
    deauthorized account re-authorizes it). The access token in Stripe's answer is
    not stored: the platform acts on the account with its own key.
    """
    expected = request.session.pop(OAUTH_STATE_SESSION_KEY, None)
    if not expected or not isinstance(state, str) or not constant_time_compare(expected, state):
        raise OAuthStateMismatch("The OAuth state does not match this session (expired, reused or forged).")
    if not code or not isinstance(code, str):
        raise InvalidRequest("The OAuth code is missing.")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise InvalidRequest("Connecting a Stripe account needs a logged-in user.")
    client = get_client()
    token = client.oauth.token({"grant_type": "authorization_code", "code": code})
    stripe_account = client.v1.accounts.retrieve(token["stripe_user_id"])
    account = accounts.sync_account_from_stripe_object(stripe_account)
    # The claim is one conditional UPDATE, not a check then a write: of two users
    # connecting the same Standard account at once, exactly one gets it, and the
    # account is never silently taken from whoever connected it first.
    claimed = Account.objects.filter(Q(user__isnull=True) | Q(user=user), pk=account.pk).update(user=user)
    if not claimed:
        raise AccountOwnedByAnotherUser("This Stripe account is already connected to another user.")
    account.user = user
    if not account.authorized:
        accounts.set_authorized(account, True)
    return account
