"""Account links and login links in the fake Stripe: ``POST /v1/account_links``
(single-use links to Stripe-hosted onboarding), ``POST
/v1/accounts/{account}/login_links`` (the Express dashboard), and
``fake.visit_account_link()``, which follows a link as the seller would."""

import re
from typing import Any

from .account_state import _conn, _private, is_custom, load_account
from .core import FakeStripe, FakeStripeError, Request, route
from .core import reject_unknown as _unknown
from .onboarding import complete_onboarding

_HTTP_URL = re.compile(r"^https?://\S+$", re.I)


@route("POST", "/v1/account_links", params={"account", "collect", "collection_options", "refresh_url", "return_url", "type"})
def create_account_link(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """A single-use link to Stripe-hosted onboarding (served by the example site
    at ``state["hosted_base_url"] + "/account_link/<token>"``)."""
    p = req.params
    acct = load_account(fake, fake.require(p, "account"), req)
    kind = fake.require(p, "type")
    if kind not in ("account_onboarding", "account_update"):
        raise FakeStripeError.invalid("type", "Invalid type: must be one of account_onboarding or account_update")
    if kind == "account_update" and not is_custom(acct):
        raise FakeStripeError.invalid("type", "account_update links can only be created for accounts where "
                                      "controller[requirement_collection]=application (Custom accounts).")
    for key in ("refresh_url", "return_url"):
        value = fake.require(p, key)
        if not _HTTP_URL.match(value):
            raise FakeStripeError.invalid(key, "Not a valid URL", code="url_invalid")
    collect = p.get("collect")
    if collect is not None and collect not in ("currently_due", "eventually_due"):
        raise FakeStripeError.invalid("collect", "Invalid collect: must be one of currently_due or eventually_due")
    options = p.get("collection_options") or {}
    _unknown({"fields", "future_requirements"}, options, "collection_options")
    token = fake.new_id("alink").split("_", 1)[1]
    expires_at = fake.now() + 300
    _conn(fake)["account_links"][token] = {
        "account": acct["id"], "type": kind, "refresh_url": p["refresh_url"],
        "return_url": p["return_url"], "expires_at": expires_at, "used": False,
    }
    return {
        "object": "account_link",
        "created": fake.now(),
        "expires_at": expires_at,
        "url": "{}/account_link/{}".format(fake.state["hosted_base_url"], token),
    }


@route("POST", "/v1/accounts/{account}/login_links", params=set())
def create_login_link(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """A login link to the Express dashboard (Express accounts only)."""
    acct = load_account(fake, req.path_args["account"], req)
    if acct["type"] != "express":
        raise FakeStripeError(400, message="Cannot create a login link for an account that is not an Express account.",
                              param="account")
    if not _private(fake, acct["id"])["onboarded"]:
        raise FakeStripeError(400, message="Cannot create a login link for an account that has not completed onboarding.",
                              param="account")
    token = fake.new_id("llink").split("_", 1)[1]
    return {"object": "login_link", "created": fake.now(),
            "url": "{}/express/{}/{}".format(fake.state["hosted_base_url"], acct["id"], token)}


def visit_account_link(fake: FakeStripe, token_or_url: str) -> str:
    """Follow an account link as the user would: an unused, unexpired link
    completes onboarding and returns its ``return_url``; a used or expired one
    returns its ``refresh_url`` (as Stripe redirects there)."""
    token = token_or_url.rstrip("/").rsplit("/", 1)[-1]
    link = _conn(fake)["account_links"].get(token)
    if link is None:
        raise KeyError(f"No such account link: {token_or_url}")
    if link["used"] or fake.now() > link["expires_at"]:
        return link["refresh_url"]
    link["used"] = True
    complete_onboarding(fake, link["account"])
    return link["return_url"]


FakeStripe.visit_account_link = visit_account_link
