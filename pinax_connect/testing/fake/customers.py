"""Customers and their card sources in the fake Stripe (``/v1/customers``,
``/v1/customers/{customer}/sources``). Cards and payment methods are resolved
by :mod:`.payment_sources`; the PaymentMethods API is in :mod:`.payment_methods`.
"""

import copy
from typing import Any

from .core import FakeStripe, FakeStripeError, Request, route
from .ledger import list_of, merge_metadata, param, sub_list, update_fields
from .payment_sources import _already_attached, card_from_token, resolve_payment_method

CUSTOMER_CREATE = {
    "address", "balance", "cash_balance", "coupon", "description", "email", "invoice_prefix",
    "invoice_settings", "metadata", "name", "next_invoice_sequence", "payment_method", "phone",
    "preferred_locales", "promotion_code", "shipping", "source", "tax", "tax_exempt",
    "tax_id_data", "test_clock",
}
CUSTOMER_UPDATE = (CUSTOMER_CREATE - {"payment_method", "tax_id_data", "test_clock"}) | {
    "bank_account", "card", "default_alipay_account", "default_bank_account", "default_card",
    "default_source",
}


def _customer_sources(fake: FakeStripe, customer: dict[str, Any], account: str | None) -> dict[str, Any]:
    cards = [c for c in fake.all("card", account) if c.get("customer") == customer["id"]]
    return sub_list("/v1/customers/{}/sources".format(customer["id"]), reversed(cards))


def _refresh_sources(fake: FakeStripe, customer: dict[str, Any], account: str | None) -> None:
    customer["sources"] = _customer_sources(fake, customer, account)


def _add_source(
    fake: FakeStripe, customer: dict[str, Any], token: str, account: str | None, name: str = "source"
) -> dict[str, Any]:
    card = card_from_token(fake, token, account, customer["id"], name)
    if card is None:
        raise FakeStripeError.missing("token", token, param=name)
    if not customer.get("default_source"):
        customer["default_source"] = card["id"]
    _refresh_sources(fake, customer, account)
    return card


def find_customer(fake: FakeStripe, cus_id: str, account: str | None, name: str = "customer") -> dict[str, Any]:
    """A live (not deleted) customer in ``account``'s scope, else 404."""
    cus = fake.get(cus_id, account, "customer")
    if cus is None or cus.get("deleted"):
        raise FakeStripeError.missing("customer", cus_id, param=name)
    return cus


def _set_default_payment_method(
    fake: FakeStripe, customer: dict[str, Any], pm_id: str | None, account: str | None
) -> None:
    name = "invoice_settings[default_payment_method]"
    if pm_id:
        pm = fake.get(pm_id, account, "payment_method")
        if pm is None or pm.get("customer") != customer["id"]:
            raise FakeStripeError.invalid(
                name,
                f"No such PaymentMethod: '{pm_id}'; The customer does not have a payment method "
                f"with the ID {pm_id}. The payment method must be attached to the customer.",
                code="resource_missing",
            )
    customer["invoice_settings"]["default_payment_method"] = pm_id or None


def _apply_invoice_settings(fake: FakeStripe, customer: dict[str, Any], req: Request, account: str | None) -> None:
    settings = req.params.get("invoice_settings")
    if isinstance(settings, dict):
        for key in ("custom_fields", "footer", "rendering_options"):
            if key in settings:
                customer["invoice_settings"][key] = settings[key] or None
        if "default_payment_method" in settings:
            _set_default_payment_method(fake, customer, settings["default_payment_method"], account)


@route("POST", "/v1/customers", params=CUSTOMER_CREATE)
def create_customer(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    cus_id = fake.new_id("cus")
    cus = {
        "id": cus_id,
        "object": "customer",
        "address": param(req, "address"),
        "balance": fake.to_int(param(req, "balance", 0), "balance"),
        "cash_balance": None,
        "created": fake.now(),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": param(req, "description"),
        "discount": None,
        "email": param(req, "email"),
        "invoice_credit_balance": {},
        "invoice_prefix": param(req, "invoice_prefix") or cus_id[-8:].upper(),
        "invoice_settings": {"custom_fields": None, "default_payment_method": None,
                             "footer": None, "rendering_options": None},
        "livemode": False,
        "metadata": merge_metadata({}, req.params.get("metadata")),
        "name": param(req, "name"),
        "next_invoice_sequence": 1,
        "phone": param(req, "phone"),
        "preferred_locales": param(req, "preferred_locales") or [],
        "shipping": param(req, "shipping"),
        "sources": sub_list(f"/v1/customers/{cus_id}/sources"),
        "subscriptions": sub_list(f"/v1/customers/{cus_id}/subscriptions"),
        "tax": {"automatic_tax": "unrecognized_location", "ip_address": None, "location": None},
        "tax_exempt": param(req, "tax_exempt") or "none",
        "tax_ids": sub_list(f"/v1/customers/{cus_id}/tax_ids"),
        "test_clock": None,
    }
    events = []
    if param(req, "source"):
        card = _add_source(fake, cus, param(req, "source"), account)
        events.append(("customer.source.created", card))
    if param(req, "payment_method"):
        pm = resolve_payment_method(fake, param(req, "payment_method"), account)
        if pm.get("customer"):
            raise _already_attached()
        pm["customer"] = cus_id
        fake.save(pm, account)
        events.append(("payment_method.attached", pm))
    _apply_invoice_settings(fake, cus, req, account)
    fake.save(cus, account)
    fake.emit("customer.created", cus, account)
    for kind, obj in events:
        fake.emit(kind, obj, account)
    return cus


@route("GET", "/v1/customers/{id}")
def retrieve_customer(fake: FakeStripe, req: Request) -> dict[str, Any]:
    # A deleted customer is still retrievable as its deletion stub.
    return fake.find(req.path_args["id"], req.account, "customer")


@route("POST", "/v1/customers/{id}", params=CUSTOMER_UPDATE)
def update_customer(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    cus = find_customer(fake, req.path_args["id"], account, "id")
    before = copy.deepcopy(cus)
    update_fields(cus, req, ("address", "description", "email", "name", "phone", "shipping",
                             "preferred_locales", "tax_exempt", "invoice_prefix"))
    if "balance" in req.params:
        cus["balance"] = fake.to_int(req.params["balance"], "balance")
    for name in ("source", "card"):
        if param(req, name):
            card = _add_source(fake, cus, param(req, name), account, name)
            cus["default_source"] = card["id"]
            fake.emit("customer.source.created", card, account)
    if "default_source" in req.params:
        value = param(req, "default_source")
        if value and not any(c["id"] == value for c in cus["sources"]["data"]):
            raise FakeStripeError.missing("source", value, param="default_source")
        cus["default_source"] = value
    _apply_invoice_settings(fake, cus, req, account)
    fake.save(cus, account)
    previous = {k: v for k, v in before.items() if cus.get(k) != v}
    if previous:
        fake.emit("customer.updated", cus, account, previous_attributes=previous)
    return cus


@route("DELETE", "/v1/customers/{id}", params=set())
def delete_customer(fake: FakeStripe, req: Request) -> dict[str, Any]:
    cus = find_customer(fake, req.path_args["id"], req.account, "id")
    stub = {"id": cus["id"], "object": "customer", "deleted": True}
    fake.save(stub, req.account)
    fake.emit("customer.deleted", cus, req.account)
    return stub


@route("GET", "/v1/customers", params={"created", "email", "ending_before", "limit",
                                       "starting_after", "test_clock"})
def list_customers(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "customer", "/v1/customers", req.account, email=param(req, "email"))


@route("GET", "/v1/customers/{customer}/sources", params={"ending_before", "limit", "object",
                                                          "starting_after"})
def list_customer_sources(fake: FakeStripe, req: Request) -> dict[str, Any]:
    cus = find_customer(fake, req.path_args["customer"], req.account, "customer")
    cards = [c for c in fake.all("card", req.account) if c.get("customer") == cus["id"]]
    return fake.list_response(cards, req, "/v1/customers/{}/sources".format(cus["id"]))


@route("POST", "/v1/customers/{customer}/sources", params={"source", "metadata", "card",
                                                           "bank_account", "alipay_account"})
def create_customer_source(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    cus = find_customer(fake, req.path_args["customer"], account, "customer")
    token = param(req, "source") or param(req, "card")
    if not token:
        raise FakeStripeError.required("source")
    card = _add_source(fake, cus, token, account)
    card["metadata"] = merge_metadata({}, req.params.get("metadata"))
    fake.save(card, account)
    fake.save(cus, account)
    fake.emit("customer.source.created", card, account)
    return card


@route("DELETE", "/v1/customers/{customer}/sources/{id}", params=set())
def delete_customer_source(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    cus = find_customer(fake, req.path_args["customer"], account, "customer")
    card = fake.get(req.path_args["id"], account, "card")
    if card is None or card.get("customer") != cus["id"]:
        raise FakeStripeError.missing("source", req.path_args["id"])
    fake.remove(card["id"], account)
    if cus["default_source"] == card["id"]:
        rest = [c for c in fake.all("card", account) if c.get("customer") == cus["id"]]
        cus["default_source"] = rest[0]["id"] if rest else None
    _refresh_sources(fake, cus, account)
    fake.save(cus, account)
    fake.emit("customer.source.deleted", card, account)
    return {"id": card["id"], "object": "card", "deleted": True}
