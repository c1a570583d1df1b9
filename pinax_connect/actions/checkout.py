"""Stripe Checkout for a marketplace sale.

Sessions are not mirrored (they are short-lived pages): :func:`create_session`
returns Stripe's session object, and when a session completes the payment
intent and charge it produced are mirrored by :func:`sync_from_checkout_session`
(the ``checkout.session.completed`` webhook handler calls it).
"""
from typing import Any

from .. import sync
from ..client import get_client, request_options, write_options
from ..exceptions import InvalidRequest
from ._shared import connect_routing, currency_code, minor_amount, stripe_id_of
from .customers import customer_account_check


def _line_item(item: dict, index: int) -> tuple[dict, str | None, int | None]:
    """Stripe's ``line_items[]`` entry from ``{name, amount, currency, quantity}`` (or ``{price, quantity}``)."""
    quantity = item.get("quantity", 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidRequest(f"line_items[{index}].quantity must be a positive integer, got {quantity!r}")
    if item.get("price"):
        return {"price": stripe_id_of(item["price"]), "quantity": quantity}, None, None
    if not item.get("name"):
        raise InvalidRequest(f"line_items[{index}] needs a name (or a price id)")
    currency = currency_code(item.get("currency"))
    unit_amount = minor_amount(item.get("amount"), currency, name=f"line_items[{index}].amount", allow_zero=True)
    product: dict[str, str] = {"name": item["name"]}
    entry: dict[str, Any] = {
        "price_data": {"currency": currency, "unit_amount": unit_amount, "product_data": product},
        "quantity": quantity,
    }
    if item.get("description"):
        product["description"] = item["description"]
    return entry, currency, unit_amount * quantity


def create_session(
    *,
    line_items: list[dict],
    success_url: str,
    cancel_url: str,
    destination: Any = None,
    application_fee_amount: Any = None,
    customer: Any = None,
    customer_email: str | None = None,
    client_reference_id: str | None = None,
    metadata: dict | None = None,
    stripe_account: Any = None,
    idempotency_key: str | None = None,
) -> Any:
    """Create a Checkout Session in ``payment`` mode (``POST /v1/checkout/sessions``); return Stripe's object.

    ``line_items``: dicts with ``name``, ``amount`` (Decimal, major units, per
    unit), ``currency``, ``quantity`` — sent as ``price_data`` — or with a
    ``price`` id. ``destination`` (``Account`` or id) makes it a destination
    charge (``payment_intent_data[transfer_data][destination]``);
    ``application_fee_amount`` (major units) becomes
    ``payment_intent_data[application_fee_amount]``; ``stripe_account`` makes it a
    direct charge on that account. ``client_reference_id`` and ``metadata`` (also
    copied to the payment intent) let the completion webhook find your order.
    Nothing is stored.

    Raises :class:`InvalidRequest` (no items, mixed currencies, bad amounts, both
    ``customer`` and ``customer_email``, a fee above the total or without a
    connected account), :class:`AccountNotReady`, :class:`CustomerAccountMismatch`.
    """
    if not line_items:
        raise InvalidRequest("line_items must not be empty")
    if not success_url or not cancel_url:
        raise InvalidRequest("success_url and cancel_url are required")
    entries, currencies, total = [], set(), 0
    for index, item in enumerate(line_items):
        entry, currency, subtotal = _line_item(item, index)
        entries.append(entry)
        if currency:
            currencies.add(currency)
            total += subtotal or 0
    if len(currencies) > 1:
        raise InvalidRequest(f"All line items must share one currency, got {sorted(currencies)}")
    params: dict[str, Any] = {
        "mode": "payment", "line_items": entries, "success_url": success_url, "cancel_url": cancel_url,
    }
    intent_data: dict[str, Any] = {}
    if application_fee_amount is not None and not currencies:
        raise InvalidRequest("application_fee_amount needs line items with an amount and currency")
    account, destination_id, fee = connect_routing(
        amount=total, currency=next(iter(currencies), ""), destination=destination,
        stripe_account=stripe_account, application_fee=application_fee_amount,
    )
    if destination_id:
        intent_data["transfer_data"] = {"destination": destination_id}
    if fee is not None:
        intent_data["application_fee_amount"] = fee
    if customer is not None and customer_email:
        raise InvalidRequest("Pass customer or customer_email, not both")
    customer_account_check(customer, stripe_account)
    if customer is not None:
        params["customer"] = stripe_id_of(customer)
    if customer_email:
        params["customer_email"] = customer_email
    if client_reference_id:
        params["client_reference_id"] = str(client_reference_id)
    if metadata:
        params["metadata"] = metadata
        intent_data["metadata"] = metadata
    if intent_data:
        params["payment_intent_data"] = intent_data
    return get_client().v1.checkout.sessions.create(
        params,
        options=write_options(
            stripe_account=account or stripe_account, idempotency_key=idempotency_key
        ),
    )


def sync_from_checkout_session(
    session_dict: Any, *, event_created: int | None = None, stripe_account: Any = None
) -> Any:
    """Mirror the payment intent (and its charge) a completed session produced; return the ``PaymentIntent``.

    ``session_dict`` is a ``checkout.session`` (a webhook's ``data.object``).
    When its ``payment_intent`` is an id, the intent is read from Stripe with
    ``latest_charge`` expanded (on ``stripe_account`` for direct charges); an
    expanded intent is mirrored as is. Returns ``None`` for sessions without a
    payment intent (unpaid, setup or subscription mode).
    """
    from .payment_intents import EXPAND, sync_payment_intent_from_stripe_object

    data = sync.to_dict(session_dict)
    intent = data.get("payment_intent")
    if not intent:
        return None
    if isinstance(intent, str):
        intent = get_client().v1.payment_intents.retrieve(
            intent, {"expand": EXPAND}, options=request_options(stripe_account=stripe_account)
        )
        event_created = None  # a fresh read is newer than the event
    return sync_payment_intent_from_stripe_object(intent, event_created=event_created, stripe_account=stripe_account)
