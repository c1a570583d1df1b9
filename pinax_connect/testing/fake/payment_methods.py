"""The PaymentMethods API of the fake Stripe (``/v1/payment_methods``: create,
retrieve, update, list, attach, detach) and
``/v1/customers/{customer}/payment_methods``. The objects are built by
:mod:`.payment_sources`."""

from typing import Any

from .cards import card_details
from .core import FakeStripe, FakeStripeError, Request, route
from .customers import find_customer
from .ledger import list_of, merge_metadata, param, update_fields
from .payment_sources import (
    _PM_TYPES,
    _already_attached,
    payment_method_object,
    resolve_payment_method,
    resolve_source,
)


@route("POST", "/v1/payment_methods", params={
    "billing_details", "card", "customer", "metadata", "payment_method", "type",
} | set(_PM_TYPES) - {"card_present"})  # card_present is read-only: in-person payments
def create_payment_method(fake: FakeStripe, req: Request) -> dict[str, Any]:
    kind = param(req, "type")
    if kind != "card":
        if not kind:
            raise FakeStripeError.required("type")
        raise FakeStripeError.invalid("type", "The fake only supports type=card.")
    card = req.params.get("card") or {}
    if not isinstance(card, dict):
        raise FakeStripeError.invalid("card", "Invalid hash")
    if card.get("token"):
        _, details = resolve_source(fake, card["token"], req.account, name="card[token]")
    elif card.get("number"):
        number = str(card["number"]).replace(" ", "")
        if not number.isdigit() or not 13 <= len(number) <= 19:
            raise FakeStripeError(402, "card_error", "Your card number is incorrect.",
                                  code="incorrect_number", param="card[number]")
        details = card_details(number, card.get("exp_month") or 12, card.get("exp_year") or 2034)
    else:
        raise FakeStripeError.required("card")
    return payment_method_object(fake, details, req.account, req.params.get("billing_details"),
                                 merge_metadata({}, req.params.get("metadata")))


@route("GET", "/v1/payment_methods/{id}")
def retrieve_payment_method(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "payment_method")


@route("POST", "/v1/payment_methods/{id}", params={"billing_details", "card", "link",
                                                    "metadata", "us_bank_account"})
def update_payment_method(fake: FakeStripe, req: Request) -> dict[str, Any]:
    pm = fake.find(req.path_args["id"], req.account, "payment_method")
    previous = update_fields(pm, req, ())
    fake.save(pm, req.account)
    fake.emit("payment_method.updated", pm, req.account, previous_attributes=previous)
    return pm


@route("GET", "/v1/payment_methods", params={"customer", "ending_before", "limit",
                                             "starting_after", "type"})
def list_payment_methods(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "payment_method", "/v1/payment_methods", req.account,
                   customer=param(req, "customer"), type=param(req, "type"))


@route("POST", "/v1/payment_methods/{id}/attach", params={"customer"})
def attach_payment_method(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    cus_id = param(req, "customer")
    if not cus_id:
        raise FakeStripeError.required("customer")
    pm = resolve_payment_method(fake, req.path_args["id"], account, "payment_method")
    cus = find_customer(fake, cus_id, account)
    if pm.get("customer"):
        raise _already_attached()
    pm["customer"] = cus["id"]
    fake.save(pm, account)
    fake.emit("payment_method.attached", pm, account)
    return pm


@route("POST", "/v1/payment_methods/{id}/detach", params=set())
def detach_payment_method(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    pm = fake.find(req.path_args["id"], account, "payment_method")
    if not pm.get("customer"):
        raise FakeStripeError.invalid(
            "payment_method",
            "The payment method {} is not attached to a customer so detachment is impossible.".format(pm["id"]),
            code="payment_method_unexpected_state",
        )
    cus = fake.get(pm["customer"], account, "customer")
    if cus and not cus.get("deleted") and cus["invoice_settings"]["default_payment_method"] == pm["id"]:
        cus["invoice_settings"]["default_payment_method"] = None
        fake.save(cus, account)
    previous = {"customer": pm["customer"]}
    pm["customer"] = None
    fake.save(pm, account)
    fake.emit("payment_method.detached", pm, account, previous_attributes=previous)
    return pm


@route("GET", "/v1/customers/{customer}/payment_methods", params={"ending_before", "limit",
                                                                  "starting_after", "type"})
def list_customer_payment_methods(fake: FakeStripe, req: Request) -> dict[str, Any]:
    cus = find_customer(fake, req.path_args["customer"], req.account)
    return list_of(fake, req, "payment_method", "/v1/customers/{}/payment_methods".format(cus["id"]),
                   req.account, customer=cus["id"], type=param(req, "type"))
