"""External accounts (bank accounts and debit cards for payouts) of connected
accounts in the fake Stripe: building one from a token or a raw hash,
attaching it (``default_for_currency``), and
``/v1/accounts/{account}/external_accounts``."""

import copy
from typing import Any, cast

from . import banking
from .account_state import _text, externals, load_account, touch
from .core import FakeStripe, FakeStripeError, Request, route
from .core import param_path as _p


def _external_from_param(
    fake: FakeStripe, acct: dict[str, Any], raw: Any, param: str, account_scope: str | None
) -> dict[str, Any]:
    """A validated, unsaved external account built from a token id or raw hash."""
    if isinstance(raw, str):
        token = banking.use_token(fake, raw, account_scope, {"bank_account", "card"}, param)
        # A bank_account or card token always carries that object.
        obj = cast("dict[str, Any]", copy.deepcopy(token.get("bank_account") or token.get("card")))
        if obj["object"] == "card":
            obj["id"] = fake.new_id("card")
    elif isinstance(raw, dict):
        kind = raw.get("object") or "bank_account"
        if kind == "card":
            obj = banking.new_card(fake, raw, param)
        elif kind == "bank_account":
            obj = banking.new_bank_account(fake, raw, param, acct["country"])
        else:
            raise FakeStripeError.invalid(_p(param, "object"), "Invalid object: must be one of bank_account or card")
    else:
        raise FakeStripeError.invalid(param, "Invalid external_account")
    if obj["object"] == "card" and obj["funding"] != "debit":
        raise FakeStripeError.invalid(
            param, "This card doesn't appear to be a debit card. Only debit cards can be used for payouts.",
            code="invalid_card_type")
    obj["account"] = acct["id"]
    obj["customer"] = None
    obj.setdefault("metadata", {})
    if obj["object"] == "card" and obj["currency"] is None:
        obj["currency"] = acct["default_currency"]
    return obj


def attach_external(
    fake: FakeStripe, acct_id: str, obj: dict[str, Any], make_default: bool | None = None,
    replace_default: bool = False,
) -> dict[str, Any]:
    """Store a new external account on the account (emitting
    ``account.external_account.created``). The first one for a currency, or
    ``make_default``, becomes ``default_for_currency``; ``replace_default``
    deletes the previous default of that currency (what ``external_account``
    on an account update does)."""
    same = [o for o in externals(fake, acct_id) if o["currency"] == obj["currency"]]
    old_default = next((o for o in same if o.get("default_for_currency")), None)
    obj["default_for_currency"] = bool(make_default or replace_default or old_default is None)
    if obj["default_for_currency"] and old_default is not None:
        if replace_default:
            fake.remove(old_default["id"], acct_id)
            fake.emit("account.external_account.deleted", old_default, account=acct_id)
        else:
            old_default["default_for_currency"] = False
            fake.save(old_default, acct_id)
            fake.emit("account.external_account.updated", old_default, account=acct_id,
                      previous_attributes={"default_for_currency": True})
    fake.save(obj, acct_id)
    fake.emit("account.external_account.created", obj, account=acct_id)
    return obj


# --------------------------------------------------------------------------
# External accounts


@route("POST", "/v1/accounts/{account}/external_accounts",
       params={"bank_account", "default_for_currency", "external_account", "metadata"})
def create_external_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Add a bank account or debit card for payouts."""
    acct = load_account(fake, req.path_args["account"], req)
    p = req.params
    param = "external_account" if "external_account" in p else "bank_account"
    raw = p.get(param)
    if not raw:
        raise FakeStripeError.required("external_account")
    obj = _external_from_param(fake, acct, raw, param, req.account)
    if "metadata" in p:
        obj["metadata"] = fake.merge_metadata({}, p["metadata"])
    make_default = fake.to_bool(p["default_for_currency"], "default_for_currency") if "default_for_currency" in p else None
    attach_external(fake, acct["id"], obj, make_default=make_default)
    touch(fake, acct["id"])
    return cast("dict[str, Any]", fake.get(obj["id"], acct["id"]))  # just attached


def _load_external(fake: FakeStripe, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    acct = load_account(fake, req.path_args["account"], req)
    obj = next((o for o in externals(fake, acct["id"]) if o["id"] == req.path_args["id"]), None)
    if obj is None:
        raise FakeStripeError.missing("external account", req.path_args["id"])
    return acct, obj


@route("GET", "/v1/accounts/{account}/external_accounts/{id}")
def retrieve_external_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _load_external(fake, req)[1]


_EXTERNAL_UPDATE = {
    "account_holder_name", "account_holder_type", "account_type", "address_city", "address_country",
    "address_line1", "address_line2", "address_state", "address_zip", "default_for_currency",
    "documents", "exp_month", "exp_year", "metadata", "name",
}


@route("POST", "/v1/accounts/{account}/external_accounts/{id}", params=_EXTERNAL_UPDATE)
def update_external_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Update holder details, card expiry, metadata or ``default_for_currency``."""
    acct, stored = _load_external(fake, req)
    obj = copy.deepcopy(stored)
    p = req.params
    bank_only = {"account_holder_name", "account_holder_type", "account_type"}
    for key, value in p.items():
        if key in ("default_for_currency", "documents", "expand"):
            continue
        if key == "metadata":
            obj["metadata"] = fake.merge_metadata(obj.get("metadata"), value)
        elif (key in bank_only) != (obj["object"] == "bank_account"):
            raise FakeStripeError.unknown(key)
        elif key in ("exp_month", "exp_year"):
            obj[key] = fake.to_int(value, key)
        elif key == "account_holder_type" and value not in ("individual", "company"):
            raise FakeStripeError.invalid(key, "Invalid account_holder_type: must be one of individual or company")
        else:
            obj[key] = _text(value)
    promote = "default_for_currency" in p and fake.to_bool(p["default_for_currency"], "default_for_currency")
    if promote and not obj["default_for_currency"]:
        for other in externals(fake, acct["id"]):
            if other["currency"] == obj["currency"] and other.get("default_for_currency"):
                other["default_for_currency"] = False
                fake.save(other, acct["id"])
                fake.emit("account.external_account.updated", other, account=acct["id"],
                          previous_attributes={"default_for_currency": True})
        obj["default_for_currency"] = True
    fake.save(obj, acct["id"])
    changed = {k: stored.get(k) for k in obj if obj[k] != stored.get(k)}
    if changed:
        fake.emit("account.external_account.updated", obj, account=acct["id"], previous_attributes=changed)
    touch(fake, acct["id"])
    return obj


@route("DELETE", "/v1/accounts/{account}/external_accounts/{id}")
def delete_external_account(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Delete an external account; the default one for the account's default
    currency cannot be deleted (400, as on Stripe)."""
    acct, obj = _load_external(fake, req)
    if obj.get("default_for_currency") and obj["currency"] == acct["default_currency"]:
        raise FakeStripeError(
            400,
            message="You cannot delete the default external account for your default currency. "
            "Please make another external account the default using the `default_for_currency` "
            "param, and then delete this one.",
        )
    fake.remove(obj["id"], acct["id"])
    fake.emit("account.external_account.deleted", obj, account=acct["id"])
    touch(fake, acct["id"])
    return {"id": obj["id"], "object": obj["object"], "currency": obj["currency"], "deleted": True}


@route("GET", "/v1/accounts/{account}/external_accounts", params={"ending_before", "limit", "object", "starting_after"})
def list_external_accounts(fake: FakeStripe, req: Request) -> dict[str, Any]:
    acct = load_account(fake, req.path_args["account"], req)
    objs = externals(fake, acct["id"])
    kind = req.params.get("object")
    if kind is not None:
        if kind not in ("bank_account", "card"):
            raise FakeStripeError.invalid("object", "Invalid object: must be one of bank_account or card")
        objs = [o for o in objs if o["object"] == kind]
    return fake.list_response(objs, req, "/v1/accounts/{}/external_accounts".format(acct["id"]))
