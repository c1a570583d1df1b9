"""Connected accounts in the fake Stripe: ``/v1/accounts`` (create, retrieve,
update, delete, list, reject), ``/v1/account`` and the platform's own account
(``fake.platform_account()``). Parameters are applied by :mod:`.account_params`;
derived fields are recomputed by :mod:`.account_state`."""

import copy
import re
from typing import Any, cast

from . import country_specs
from .account_params import CREATE_PARAMS, UPDATE_PARAMS, _kind_from_controller, apply_account_params
from .account_state import (
    TEST_PLATFORM_NAME,
    _conn,
    _private,
    commit,
    is_custom,
    load_account,
    new_account,
    refresh,
    touch,
)
from .capabilities import _request_capability
from .core import FakeStripe, FakeStripeError, Request, route
from .external_accounts import attach_external

ACCOUNT_TYPES = ("custom", "express", "standard")


@route("POST", "/v1/accounts", params=CREATE_PARAMS)
def create_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Create a connected account (custom, express or standard)."""
    p = req.params
    if req.account:
        raise FakeStripeError(400, message="You cannot create connected accounts on behalf of a connected account.")
    if "type" in p and "controller" in p:
        raise FakeStripeError.invalid("controller", "You cannot pass both type and controller.")
    if "controller" in p:
        kind, controller = _kind_from_controller(fake, p["controller"])
    else:
        kind, controller = p.get("type") or "standard", None
        if kind not in ACCOUNT_TYPES:
            raise FakeStripeError.invalid("type", "Invalid type: must be one of custom, express, or standard")
    country = (p.get("country") or "US")
    if not re.fullmatch(r"[A-Za-z]{2}", country):
        raise FakeStripeError.invalid("country", f"Country '{country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.")
    country_specs.check_country(country)
    acct = new_account(fake, kind, country.upper(), controller)
    priv = _private(fake, acct["id"])
    if kind == "standard":
        for name in ("card_payments", "transfers"):
            _request_capability(fake, priv, name, True)
    if kind == "custom" and "capabilities" not in p:
        raise FakeStripeError.invalid(
            "capabilities",
            "In order to create a custom connected account, you must request at least one capability.",
            code="parameter_missing",
        )
    try:
        external = apply_account_params(fake, acct, p, None)
    except FakeStripeError:
        _conn(fake)["accounts"].pop(acct["id"], None)
        raise
    commit(fake, acct)
    if external is not None:
        attach_external(fake, acct["id"], external)
        touch(fake, acct["id"])
    return cast("dict[str, Any]", fake.get(acct["id"], None, "account"))  # just committed


@route("GET", "/v1/accounts/{account}")
def retrieve_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Retrieve an account (the platform, or the account itself)."""
    acct = load_account(fake, req.path_args["account"], req)
    _refresh_clock_dependent(fake, acct)
    return cast("dict[str, Any]", fake.get(acct["id"], None, "account"))  # load_account found it


def _refresh_clock_dependent(fake: FakeStripe, acct: dict[str, Any]) -> None:
    # A requirement deadline may have passed since the last write: Stripe
    # would have moved the fields to past_due and said so with an event.
    snapshot = copy.deepcopy(acct)
    fresh = refresh(fake, copy.deepcopy(acct))
    if fresh["requirements"] != snapshot["requirements"]:
        commit(fake, fresh, snapshot)


@route("POST", "/v1/accounts/{account}", params=UPDATE_PARAMS)
def update_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Update an account; emits ``account.updated`` with previous attributes."""
    stored = load_account(fake, req.path_args["account"], req)
    before = copy.deepcopy(stored)
    acct = copy.deepcopy(stored)
    priv_before = copy.deepcopy(_private(fake, acct["id"]))
    try:
        external = apply_account_params(fake, acct, req.params, req.account)
    except FakeStripeError:
        _conn(fake)["accounts"][acct["id"]] = priv_before
        raise
    if external is not None:
        attach_external(fake, acct["id"], external, replace_default=True)
    return commit(fake, acct, before)


@route("DELETE", "/v1/accounts/{account}")
def delete_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Delete a connected account (test mode allows any type)."""
    acct = load_account(fake, req.path_args["account"], req)
    if req.account:
        raise FakeStripeError(400, message="Only the platform can delete a connected account.")
    fake.remove(acct["id"])
    _conn(fake)["accounts"].pop(acct["id"], None)
    return {"id": acct["id"], "object": "account", "deleted": True}


@route("GET", "/v1/accounts", params={"created", "ending_before", "limit", "starting_after"})
def list_accounts(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """List the platform's connected accounts, newest first."""
    if req.account:
        raise FakeStripeError(400, message="This endpoint is only available to platforms: do not pass a Stripe-Account header.")
    revoked = fake.state.get("revoked", {})
    accounts = [a for a in fake.all("account") if not revoked.get(a["id"])]
    return fake.list_response(accounts, req, "/v1/accounts")


@route("POST", "/v1/accounts/{account}/reject", params={"reason"})
def reject_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Reject a custom/express account for ``reason`` (fraud, terms_of_service, other)."""
    stored = load_account(fake, req.path_args["account"], req)
    if not is_custom(stored) and stored["type"] != "express":
        raise FakeStripeError(400, message="You can only reject Custom and Express accounts.")
    reason = fake.require(req.params, "reason")
    if reason not in ("fraud", "terms_of_service", "other"):
        raise FakeStripeError.invalid("reason", "Invalid reason: must be one of fraud, terms_of_service, or other")
    before = copy.deepcopy(stored)
    _private(fake, stored["id"])["rejected"] = reason
    return commit(fake, copy.deepcopy(stored), before)


@route("GET", "/v1/account")
def retrieve_own_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """The account of the API key (the platform), or the Stripe-Account one."""
    if req.account:
        return retrieve_account(fake, _with_args(req, account=req.account))
    return platform_account(fake)


def platform_account(fake: FakeStripe) -> dict[str, Any]:
    """The platform's own (fully enabled, standard) account."""
    conn = _conn(fake)
    if conn["platform"] is None:
        acct = new_account(fake, "standard", "US", {"type": "account"})
        acct.update(
            business_type="company", charges_enabled=True, payouts_enabled=True, details_submitted=True,
            capabilities={"card_payments": "active", "transfers": "active"}, email="platform@example.com",
        )
        acct["business_profile"]["name"] = TEST_PLATFORM_NAME
        acct["settings"]["dashboard"]["display_name"] = TEST_PLATFORM_NAME
        conn["platform"] = acct
    return conn["platform"]


def _with_args(req: Request, **args: str) -> Request:
    clone = copy.copy(req)
    clone.path_args = {**req.path_args, **args}
    return clone


FakeStripe.platform_account = platform_account
