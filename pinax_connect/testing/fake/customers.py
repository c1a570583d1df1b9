"""Customers, their card sources, and payment methods in the fake Stripe.

Test values: ``tok_<card>`` (charge and customer sources) and ``pm_card_<card>``
(payment methods) for the cards in :data:`.cards.TEST_CARDS`; raw card numbers work too.
The fake never keeps a full card number, only brand, last4 and a fingerprint.
"""

import copy

from .banking import use_token
from .cards import (
    card_details,
    card_object,
    details_of_card,
    test_card_number,
)
from .core import FakeStripeError, route
from .ledger import list_of, merge_metadata, param, sub_list, update_fields

# ---------------------------------------------------------------------------
# Cards and payment methods


def card_source(fake, details, account, customer=None):
    """A legacy ``card`` object (customer source / charge source), stored."""
    return fake.save(card_object(fake, details, customer), account)


_PM_TYPES = (
    "acss_debit affirm afterpay_clearpay alipay au_becs_debit bacs_debit bancontact blik boleto "
    "card_present cashapp customer_balance eps fpx giropay grabpay ideal interac_present klarna "
    "konbini link oxxo p24 paynow paypal pix promptpay sepa_debit sofort us_bank_account "
    "wechat_pay zip"
).split()


def payment_method_object(fake, details, account, billing_details=None, metadata=None):
    """Store and return a new card ``payment_method``."""
    pm = {
        "id": fake.new_id("pm"),
        "object": "payment_method",
        "billing_details": {
            "address": {"city": None, "country": None, "line1": None, "line2": None,
                        "postal_code": None, "state": None},
            "email": None,
            "name": None,
            "phone": None,
        },
        "card": {
            **details,
            "checks": {"address_line1_check": None, "address_postal_code_check": None,
                       "cvc_check": "pass"},
            "generated_from": None,
            "networks": {"available": [details["brand"]], "preferred": None},
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": fake.now(),
        "customer": None,
        "livemode": False,
        "metadata": metadata or {},
        "radar_options": {},
        "type": "card",
    }
    pm.update({t: None for t in _PM_TYPES})
    if isinstance(billing_details, dict):
        for key, value in billing_details.items():
            if key == "address" and isinstance(value, dict):
                pm["billing_details"]["address"].update(value)
            elif key in pm["billing_details"]:
                pm["billing_details"][key] = value or None
    return fake.save(pm, account)


def resolve_payment_method(fake, value, account, name="payment_method"):
    """A stored payment method for ``value``; ``pm_card_*`` test ids create a
    fresh one each time, as on Stripe."""
    number = test_card_number(value, ("pm_card_",))
    if number:
        return payment_method_object(fake, card_details(number), account)
    pm = fake.get(value, account, "payment_method")
    if pm is None:
        raise FakeStripeError.missing("payment_method", value, param=name)
    return pm


def card_from_token(fake, value, account, customer=None, name="source"):
    """The card (stored in ``account``'s scope) behind a test token such as
    ``tok_visa`` / ``tok_chargeDeclined``, or a token from ``POST /v1/tokens``
    (consumed); None if ``value`` is no token."""
    number = test_card_number(value, ("tok_",))
    if number:
        return card_source(fake, card_details(number), account, customer)
    if fake.get(value, account, "token") is None and fake.get(value, None, "token") is None:
        return None
    token = use_token(fake, value, account, {"card"}, name)
    card = dict(copy.deepcopy(token["card"]), customer=customer)
    return fake.save(card, account)


def resolve_source(fake, value, account, customer=None, name="source"):
    """``(id, card details)`` of a charge source: a card token, a card
    (``card_*``) of the customer, or a payment method."""
    card = card_from_token(fake, value, account, name=name)
    if card is not None:
        return card["id"], details_of_card(card)
    if isinstance(value, str) and value.startswith("pm_"):
        pm = resolve_payment_method(fake, value, account, name)
        return pm["id"], pm["card"]
    card = fake.get(value, account, "card")
    if card is None or (customer and card.get("customer") not in (None, customer)):
        raise FakeStripeError.missing("source", value, param=name)
    return card["id"], details_of_card(card)


# ---------------------------------------------------------------------------
# Customers

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


def _customer_sources(fake, customer, account):
    cards = [c for c in fake.all("card", account) if c.get("customer") == customer["id"]]
    return sub_list("/v1/customers/%s/sources" % customer["id"], reversed(cards))


def _refresh_sources(fake, customer, account):
    customer["sources"] = _customer_sources(fake, customer, account)


def _add_source(fake, customer, token, account, name="source"):
    card = card_from_token(fake, token, account, customer["id"], name)
    if card is None:
        raise FakeStripeError.missing("token", token, param=name)
    if not customer.get("default_source"):
        customer["default_source"] = card["id"]
    _refresh_sources(fake, customer, account)
    return card


def find_customer(fake, cus_id, account, name="customer"):
    """A live (not deleted) customer in ``account``'s scope, else 404."""
    cus = fake.get(cus_id, account, "customer")
    if cus is None or cus.get("deleted"):
        raise FakeStripeError.missing("customer", cus_id, param=name)
    return cus


def _set_default_payment_method(fake, customer, pm_id, account):
    name = "invoice_settings[default_payment_method]"
    if pm_id:
        pm = fake.get(pm_id, account, "payment_method")
        if pm is None or pm.get("customer") != customer["id"]:
            raise FakeStripeError.invalid(
                name,
                "No such PaymentMethod: '%s'; The customer does not have a payment method "
                "with the ID %s. The payment method must be attached to the customer."
                % (pm_id, pm_id),
                code="resource_missing",
            )
    customer["invoice_settings"]["default_payment_method"] = pm_id or None


def _apply_invoice_settings(fake, customer, req, account):
    settings = req.params.get("invoice_settings")
    if isinstance(settings, dict):
        for key in ("custom_fields", "footer", "rendering_options"):
            if key in settings:
                customer["invoice_settings"][key] = settings[key] or None
        if "default_payment_method" in settings:
            _set_default_payment_method(fake, customer, settings["default_payment_method"], account)


@route("POST", "/v1/customers", params=CUSTOMER_CREATE)
def create_customer(fake, req):
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
        "sources": sub_list("/v1/customers/%s/sources" % cus_id),
        "subscriptions": sub_list("/v1/customers/%s/subscriptions" % cus_id),
        "tax": {"automatic_tax": "unrecognized_location", "ip_address": None, "location": None},
        "tax_exempt": param(req, "tax_exempt") or "none",
        "tax_ids": sub_list("/v1/customers/%s/tax_ids" % cus_id),
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
def retrieve_customer(fake, req):
    # A deleted customer is still retrievable as its deletion stub.
    return fake.find(req.path_args["id"], req.account, "customer")


@route("POST", "/v1/customers/{id}", params=CUSTOMER_UPDATE)
def update_customer(fake, req):
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
def delete_customer(fake, req):
    cus = find_customer(fake, req.path_args["id"], req.account, "id")
    stub = {"id": cus["id"], "object": "customer", "deleted": True}
    fake.save(stub, req.account)
    fake.emit("customer.deleted", cus, req.account)
    return stub


@route("GET", "/v1/customers", params={"created", "email", "ending_before", "limit",
                                       "starting_after", "test_clock"})
def list_customers(fake, req):
    return list_of(fake, req, "customer", "/v1/customers", req.account, email=param(req, "email"))


@route("GET", "/v1/customers/{customer}/sources", params={"ending_before", "limit", "object",
                                                          "starting_after"})
def list_customer_sources(fake, req):
    cus = find_customer(fake, req.path_args["customer"], req.account, "customer")
    cards = [c for c in fake.all("card", req.account) if c.get("customer") == cus["id"]]
    return fake.list_response(cards, req, "/v1/customers/%s/sources" % cus["id"])


@route("POST", "/v1/customers/{customer}/sources", params={"source", "metadata", "card",
                                                           "bank_account", "alipay_account"})
def create_customer_source(fake, req):
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
def delete_customer_source(fake, req):
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


# ---------------------------------------------------------------------------
# Payment methods


def _already_attached():
    return FakeStripeError.invalid(
        "payment_method",
        "The payment method you provided has already been attached to a customer.",
        code="payment_method_unexpected_state",
    )


@route("POST", "/v1/payment_methods", params={
    "billing_details", "card", "customer", "metadata", "payment_method", "type",
} | set(_PM_TYPES) - {"card_present"})  # card_present is read-only: in-person payments
def create_payment_method(fake, req):
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
def retrieve_payment_method(fake, req):
    return fake.find(req.path_args["id"], req.account, "payment_method")


@route("POST", "/v1/payment_methods/{id}", params={"billing_details", "card", "link",
                                                    "metadata", "us_bank_account"})
def update_payment_method(fake, req):
    pm = fake.find(req.path_args["id"], req.account, "payment_method")
    previous = update_fields(pm, req, ())
    fake.save(pm, req.account)
    fake.emit("payment_method.updated", pm, req.account, previous_attributes=previous)
    return pm


@route("GET", "/v1/payment_methods", params={"customer", "ending_before", "limit",
                                             "starting_after", "type"})
def list_payment_methods(fake, req):
    return list_of(fake, req, "payment_method", "/v1/payment_methods", req.account,
                   customer=param(req, "customer"), type=param(req, "type"))


@route("POST", "/v1/payment_methods/{id}/attach", params={"customer"})
def attach_payment_method(fake, req):
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
def detach_payment_method(fake, req):
    account = req.account
    pm = fake.find(req.path_args["id"], account, "payment_method")
    if not pm.get("customer"):
        raise FakeStripeError.invalid(
            "payment_method",
            "The payment method %s is not attached to a customer so detachment is impossible."
            % pm["id"],
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
def list_customer_payment_methods(fake, req):
    cus = find_customer(fake, req.path_args["customer"], req.account)
    return list_of(fake, req, "payment_method", "/v1/customers/%s/payment_methods" % cus["id"],
                   req.account, customer=cus["id"], type=param(req, "type"))
