"""Capabilities in the fake Stripe: the capability names Stripe knows, requesting
one, and ``/v1/accounts/{account}/capabilities``. A capability's status is
derived from the account (:func:`.account_state.refresh`); the ``capability``
object is built by :func:`.account_state.capability`."""

import copy
from typing import Any

from .account_state import _private, capability, commit, load_account
from .core import FakeStripe, FakeStripeError, Request, route

CAPABILITIES = {
    "acss_debit_payments", "affirm_payments", "afterpay_clearpay_payments",
    "au_becs_debit_payments", "bacs_debit_payments", "bancontact_payments",
    "bank_transfer_payments", "blik_payments", "boleto_payments", "card_issuing",
    "card_payments", "cartes_bancaires_payments", "cashapp_payments", "eps_payments",
    "fpx_payments", "giropay_payments", "grabpay_payments", "ideal_payments",
    "india_international_payments", "jcb_payments", "klarna_payments",
    "konbini_payments", "legacy_payments", "link_payments", "oxxo_payments",
    "p24_payments", "paynow_payments", "promptpay_payments", "sepa_debit_payments",
    "sofort_payments", "tax_reporting_us_1099_k", "tax_reporting_us_1099_misc",
    "transfers", "treasury", "us_bank_account_ach_payments", "zip_payments",
}


def _request_capability(fake: FakeStripe, priv: dict[str, Any], name: str, requested: bool) -> None:
    if requested:
        if priv["caps"].get(name) is None:
            priv["caps"][name] = fake.now()
    elif name in priv["caps"]:
        priv["caps"][name] = None


@route("GET", "/v1/accounts/{account}/capabilities")
def list_capabilities(fake: FakeStripe, req: Request) -> dict[str, Any]:
    acct = load_account(fake, req.path_args["account"], req)
    names = sorted(set(_private(fake, acct["id"])["caps"]) | {"card_payments", "transfers"})
    data = [capability(fake, acct, n) for n in names]
    return {"object": "list", "data": data, "has_more": False,
            "url": "/v1/accounts/{}/capabilities".format(acct["id"])}


def _capability_name(req: Request) -> str:
    name = req.path_args["capability"]
    if name not in CAPABILITIES:
        raise FakeStripeError.missing("capability", name, param="capability")
    return name


@route("GET", "/v1/accounts/{account}/capabilities/{capability}")
def retrieve_capability(fake: FakeStripe, req: Request) -> dict[str, Any]:
    acct = load_account(fake, req.path_args["account"], req)
    return capability(fake, acct, _capability_name(req))


@route("POST", "/v1/accounts/{account}/capabilities/{capability}", params={"requested"})
def update_capability(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Request (or un-request) a capability."""
    stored = load_account(fake, req.path_args["account"], req)
    name = _capability_name(req)
    if "requested" in req.params:
        requested = fake.to_bool(req.params["requested"], "requested")
        before = copy.deepcopy(stored)
        _request_capability(fake, _private(fake, stored["id"]), name, requested)
        stored = commit(fake, copy.deepcopy(stored), before)
    return capability(fake, stored, name)
