"""Checkout Sessions in the fake Stripe (``mode=payment``).

A session is created ``open``; the customer "pays" on the hosted page through
the test helper ``fake.complete_checkout_session(session_id)``, which creates
and confirms the PaymentIntent (destination transfer and application fee
included) and emits ``checkout.session.completed``.
"""

import copy
from typing import Any

from .charges import validate_connect_params
from .core import FakeStripe, FakeStripeError, Request, route
from .customers import find_customer, resolve_payment_method
from .ledger import as_amount, as_currency, check_minimum, list_of, merge_metadata, param, sub_list
from .payments import confirm_payment_intent, payment_intent_object

SESSION_CREATE = {
    "after_expiration", "allow_promotion_codes", "automatic_tax", "billing_address_collection",
    "cancel_url", "client_reference_id", "consent_collection", "currency", "custom_fields",
    "custom_text", "customer", "customer_creation", "customer_email", "customer_update",
    "discounts", "expires_at", "invoice_creation", "line_items", "locale", "metadata", "mode",
    "payment_intent_data", "payment_method_collection", "payment_method_options",
    "payment_method_types", "phone_number_collection", "setup_intent_data",
    "shipping_address_collection", "shipping_options", "submit_type", "subscription_data",
    "success_url", "tax_id_collection",
}
EXPIRES_AFTER = 24 * 3600


def _sessions(fake: FakeStripe) -> dict[str, Any]:
    """Per-session data Stripe keeps but does not show (``payment_intent_data``,
    the account scope, line items), kept in ``fake.state`` so it persists."""
    return fake.state.setdefault("checkout_sessions", {})


def _inline_price(fake: FakeStripe, currency: str, unit_amount: int) -> dict[str, Any]:
    """The inactive one-time price Stripe makes for ``line_items[i][price_data]``."""
    return {
        "id": fake.new_id("price"), "object": "price", "active": False,
        "billing_scheme": "per_unit", "created": fake.now(), "currency": currency, "currency_options": None,
        "custom_unit_amount": None, "livemode": False, "lookup_key": None, "metadata": {},
        "nickname": None, "product": fake.new_id("prod"), "recurring": None,
        "tax_behavior": "unspecified", "tiers": None, "tiers_mode": None,
        "transform_quantity": None, "type": "one_time", "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }


def _line_items(fake: FakeStripe, req: Request) -> tuple[list[dict[str, Any]], str, int]:
    """``(items, currency, total)`` from ``line_items[i][price_data|price]``."""
    raw = req.params.get("line_items")
    if not raw:
        raise FakeStripeError.required("line_items")
    if not isinstance(raw, list):
        raise FakeStripeError.invalid("line_items", "Invalid array")
    items: list[dict[str, Any]] = []
    currency: str | None = None
    price: dict[str, Any] | None
    for i, line in enumerate(raw):
        at = "line_items[%d]" % i
        qty = as_amount(fake, line.get("quantity", "1") or "1", at + "[quantity]", 1)
        data = line.get("price_data")
        if isinstance(data, dict):
            cur = as_currency(data.get("currency"), at + "[price_data][currency]")
            if "unit_amount" not in data:
                raise FakeStripeError.required(at + "[price_data][unit_amount]")
            unit = as_amount(fake, data["unit_amount"], at + "[price_data][unit_amount]")
            product = data.get("product_data") or {}
            name = product.get("name") if isinstance(product, dict) else None
            if not name:
                raise FakeStripeError.required(at + "[price_data][product_data][name]")
            price, description = _inline_price(fake, cur, unit), name
        elif line.get("price"):
            price = fake.find(line["price"], req.account, "price", param=at + "[price]")
            cur, unit, description = price["currency"], price["unit_amount"], price.get("nickname")
        else:
            raise FakeStripeError.required(at + "[price]")
        if currency not in (None, cur):
            raise FakeStripeError.invalid(at + "[price_data][currency]",
                                          "All line items must use the same currency.")
        currency = cur
        items.append({
            "id": fake.new_id("li"), "object": "item", "amount_discount": 0,
            "amount_subtotal": unit * qty, "amount_tax": 0, "amount_total": unit * qty,
            "currency": cur, "description": description, "discounts": [], "price": price,
            "quantity": qty, "taxes": [],
        })
    assert currency is not None  # line_items is a non-empty list: each line set it
    total = sum(item["amount_total"] for item in items)
    check_minimum(total, currency, "line_items")
    return items, currency, total


def _pi_data(fake: FakeStripe, req: Request, total: int) -> dict[str, Any]:
    """Validate ``payment_intent_data`` like a PaymentIntent create would."""
    data = req.params.get("payment_intent_data") or {}
    if not isinstance(data, dict):
        raise FakeStripeError.invalid("payment_intent_data", "Invalid hash")
    td = data.get("transfer_data")
    name = "payment_intent_data[transfer_data][destination]"
    transfer_data = None
    if td:
        if not isinstance(td, dict) or not td.get("destination"):
            raise FakeStripeError.required(name)
        amount = td.get("amount")
        transfer_data = {
            "destination": td["destination"],
            "amount": None if amount in (None, "") else as_amount(
                fake, amount, "payment_intent_data[transfer_data][amount]"),
        }
    fee = data.get("application_fee_amount")
    fee = None if fee in (None, "") else as_amount(
        fake, fee, "payment_intent_data[application_fee_amount]")
    try:
        validate_connect_params(fake, req, total, transfer_data, name, fee,
                                data.get("on_behalf_of") or None)
    except FakeStripeError as err:
        # Report the parameter as sent: transfer_data[amount] ->
        # payment_intent_data[transfer_data][amount].
        if err.param and not err.param.startswith("payment_intent_data"):
            head, _, rest = err.param.partition("[")
            err.param = "payment_intent_data[{}]{}".format(head, "[" + rest if rest else "")
        raise
    capture = data.get("capture_method") or "automatic"
    if capture not in ("automatic", "automatic_async", "manual"):
        raise FakeStripeError.invalid("payment_intent_data[capture_method]",
                                      "Invalid capture_method")
    return {
        "application_fee_amount": fee,
        "transfer_data": transfer_data,
        "on_behalf_of": data.get("on_behalf_of") or None,
        "transfer_group": data.get("transfer_group") or None,
        "description": data.get("description") or None,
        "metadata": merge_metadata({}, data.get("metadata")),
        "capture_method": capture,
        "receipt_email": data.get("receipt_email") or None,
        "statement_descriptor": data.get("statement_descriptor") or None,
        "setup_future_usage": data.get("setup_future_usage") or None,
    }


@route("POST", "/v1/checkout/sessions", params=SESSION_CREATE)
def create_session(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    mode = param(req, "mode")
    if not mode:
        raise FakeStripeError.required("mode")
    if mode != "payment":
        raise FakeStripeError.invalid("mode", "The fake only supports mode=payment.")
    if not param(req, "success_url"):
        raise FakeStripeError.required("success_url")
    customer = param(req, "customer")
    if customer:
        find_customer(fake, customer, account)
        if param(req, "customer_email"):
            raise FakeStripeError.invalid(
                "customer_email", "You may only specify one of these parameters: customer, "
                                  "customer_email.")
    items, currency, total = _line_items(fake, req)
    pi_data = _pi_data(fake, req, total)
    expires_at = param(req, "expires_at")
    now = fake.now()
    cs_id = fake.new_id("cs_test")
    base = fake.state.get("hosted_base_url", "https://checkout.stripe.test")
    session = {
        "id": cs_id,
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": total,
        "amount_total": total,
        "automatic_tax": {"enabled": False, "status": None},
        "billing_address_collection": param(req, "billing_address_collection"),
        "cancel_url": param(req, "cancel_url"),
        "client_reference_id": param(req, "client_reference_id"),
        "consent": None,
        "consent_collection": None,
        "created": now,
        "currency": currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {"shipping_address": None, "submit": None},
        "customer": customer,
        "customer_creation": None if customer else (param(req, "customer_creation")
                                                    or "if_required"),
        "customer_details": None,
        "customer_email": param(req, "customer_email"),
        "expires_at": now + EXPIRES_AFTER if expires_at is None else fake.to_int(expires_at,
                                                                                "expires_at"),
        "invoice": None,
        "invoice_creation": {"enabled": False, "invoice_data": {
            "account_tax_ids": None, "custom_fields": None, "description": None,
            "footer": None, "metadata": {}, "rendering_options": None}},
        "line_items": sub_list(f"/v1/checkout/sessions/{cs_id}/line_items", items),
        "livemode": False,
        "locale": param(req, "locale"),
        "metadata": merge_metadata({}, req.params.get("metadata")),
        "mode": mode,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "always",
        "payment_method_options": {},
        "payment_method_types": param(req, "payment_method_types") or ["card"],
        "payment_status": "unpaid",
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_details": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": param(req, "submit_type"),
        "subscription": None,
        "success_url": param(req, "success_url"),
        "tax_id_collection": None,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "url": f"{base}/checkout/{cs_id}",
    }
    _sessions(fake)[cs_id] = {"account": account, "payment_intent_data": pi_data}
    return fake.save(session, account)


def _find_session(fake: FakeStripe, req: Request, name: str = "session") -> dict[str, Any]:
    return fake.find(req.path_args[name], req.account, "checkout.session", param=name)


@route("GET", "/v1/checkout/sessions/{session}")
def retrieve_session(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _find_session(fake, req)


@route("GET", "/v1/checkout/sessions", params={"customer", "customer_details", "ending_before",
                                               "limit", "payment_intent", "payment_link",
                                               "starting_after", "subscription"})
def list_sessions(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "checkout.session", "/v1/checkout/sessions", req.account,
                   customer=param(req, "customer"), payment_intent=param(req, "payment_intent"))


@route("GET", "/v1/checkout/sessions/{session}/line_items", params={"ending_before", "limit",
                                                                    "starting_after"})
def list_session_line_items(fake: FakeStripe, req: Request) -> dict[str, Any]:
    cs = _find_session(fake, req)
    # list_response puts the newest first; line items come back in the order given.
    return fake.list_response(list(reversed(cs["line_items"]["data"])), req,
                              cs["line_items"]["url"])


@route("POST", "/v1/checkout/sessions/{session}/expire", params=set())
def expire_session(fake: FakeStripe, req: Request) -> dict[str, Any]:
    cs = _find_session(fake, req)
    if cs["status"] != "open":
        raise FakeStripeError.invalid(
            "session", 'Only Checkout Sessions with a status in ["open"] can be expired.')
    cs["status"] = "expired"
    fake.save(cs, req.account)
    fake.emit("checkout.session.expired", cs, req.account,
              previous_attributes={"status": "open"})
    return cs


def complete_checkout_session(
    fake: FakeStripe, session_id: str, payment_method: str = "pm_card_visa", email: str | None = None
) -> dict[str, Any]:
    """Test helper: the customer pays an open session on the hosted page.

    Creates and confirms its PaymentIntent with ``payment_method`` (moving the
    money: destination transfer, application fee), marks the session
    ``complete`` / ``paid`` and emits ``checkout.session.completed`` after the
    PaymentIntent and charge events. A declined card raises the 402
    ``FakeStripeError`` and leaves the session open. Returns the session.
    """
    info = _sessions(fake).get(session_id)
    if info is None:
        raise FakeStripeError.missing("checkout.session", session_id)
    account = info["account"]
    cs = fake.find(session_id, account, "checkout.session")
    if cs["status"] != "open":
        raise FakeStripeError.invalid("session", "This Checkout Session is {}.".format(cs["status"]))
    data = info["payment_intent_data"]
    pi = payment_intent_object(
        fake, account, amount=cs["amount_total"], currency=cs["currency"],
        customer=cs["customer"], description=data["description"],
        metadata=dict(data["metadata"]), transfer_data=copy.deepcopy(data["transfer_data"]),
        application_fee_amount=data["application_fee_amount"],
        on_behalf_of=data["on_behalf_of"], transfer_group=data["transfer_group"],
        capture_method=data["capture_method"], payment_method_types=cs["payment_method_types"],
        receipt_email=data["receipt_email"], statement_descriptor=data["statement_descriptor"],
        setup_future_usage=data["setup_future_usage"],
    )
    fake.emit("payment_intent.created", pi, account)
    pm = resolve_payment_method(fake, payment_method, account)
    pi["payment_method"] = pm["id"]
    cs["payment_intent"] = pi["id"]
    fake.save(cs, account)
    confirm_payment_intent(fake, pi, account)
    if pi["status"] not in ("succeeded", "requires_capture"):
        raise FakeStripeError.invalid(
            "payment_method", "Payment needs customer action ({}).".format(pi["status"]))
    customer_email = email or cs["customer_email"]
    if cs["customer"] and not customer_email:
        customer_email = find_customer(fake, cs["customer"], account).get("email")
    cs.update(
        status="complete",
        payment_status="paid",
        customer_details={"address": None, "email": customer_email, "name": None,
                          "phone": None, "tax_exempt": "none", "tax_ids": []},
    )
    fake.save(cs, account)
    fake.emit("checkout.session.completed", cs, account)
    return cs


FakeStripe.complete_checkout_session = complete_checkout_session
