"""Charges (the Charges API): platform charges, destination charges, direct charges.

New integrations usually prefer :mod:`pinax_connect.actions.payment_intents`;
this module keeps pinax-stripe's ``charges.create(amount, customer,
destination_account=...)`` working and mirrors every charge, whichever API made it.
"""
import datetime
from collections.abc import Callable, Mapping
from typing import Any

import stripe

from .. import sync
from ..client import get_client, request_options, write_options
from ..exceptions import InvalidRequest
from ..models import Account, Charge, Customer, PaymentIntent
from ..money import Amount
from ._payments import routed_payment
from ._shared import (
    amount_column,
    authorized,
    currency_code,
    find_account,
    fresh,
    index_by_stripe_id,
    minor_amount,
    stripe_id_of,
    sync_list,
)

# --------------------------------------------------------------------------- mapping


def _destination_id(data: Mapping[str, Any]) -> str | None:
    transfer_data = data.get("transfer_data") or {}
    # `destination` is the pre-2019 spelling some old charges still carry.
    return sync.object_id(transfer_data.get("destination")) or sync.object_id(data.get("destination"))


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict[str, Any]:
    return {
        "stripe_account": find_account(stripe_account),
        "accounts": index_by_stripe_id(Account, [_destination_id(d) for d in datas]),
        "customers": index_by_stripe_id(Customer, [sync.object_id(d.get("customer")) for d in datas]),
        "payment_intents": index_by_stripe_id(PaymentIntent, [sync.object_id(d.get("payment_intent")) for d in datas]),
    }


def _columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``Charge`` columns from a Stripe charge dict (shared by single and bulk sync)."""
    lookups = lookups or {}
    currency = data.get("currency") or "usd"
    return {
        "stripe_account": lookups.get("stripe_account"),
        "customer": lookups.get("customers", {}).get(sync.object_id(data.get("customer"))),
        "payment_intent": lookups.get("payment_intents", {}).get(sync.object_id(data.get("payment_intent"))),
        "destination": lookups.get("accounts", {}).get(_destination_id(data)),
        "amount": amount_column(data, "amount", currency),
        "amount_captured": amount_column(data, "amount_captured", currency) or 0,
        "amount_refunded": amount_column(data, "amount_refunded", currency) or 0,
        "application_fee_amount": amount_column(data, "application_fee_amount", currency),
        "currency": currency,
        "status": data.get("status") or "",
        "paid": bool(data.get("paid")),
        "captured": bool(data.get("captured")),
        "refunded": bool(data.get("refunded")),
        "disputed": bool(data.get("disputed")),
        "description": data.get("description") or "",
        "transfer_group": data.get("transfer_group") or "",
        "on_behalf_of": sync.object_id(data.get("on_behalf_of")) or "",
        "failure_code": data.get("failure_code") or "",
        "failure_message": data.get("failure_message") or "",
    }


def sync_charge_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    stripe_account: Account | str | None = None, reread: Callable[[], Any] | None = None, **context: Any,
) -> Charge:
    """Mirror a Stripe charge into ``Charge`` and return the row.

    ``stripe_account``: the connected account a direct charge lives on. The
    customer, payment intent and destination account are linked when mirrored.
    Refunds embedded in the object (``refunds.data``, when Stripe includes them)
    are mirrored too.
    """
    data = sync.to_dict(stripe_object)
    charge = sync.upsert(
        Charge, data, lambda d: _columns(d, _lookups([d], stripe_account)), event_created=event_created, reread=reread
    )
    data = charge.stripe_data
    embedded = (data.get("refunds") or {}).get("data") if isinstance(data.get("refunds"), dict) else None
    if embedded:
        from .refunds import sync_refund_from_stripe_object

        for refund in embedded:
            sync_refund_from_stripe_object(refund, event_created=event_created, stripe_account=stripe_account)
    return charge


def sync_charge(charge: Charge) -> Charge:
    """Re-read ``charge`` from Stripe (on its account) and mirror it."""
    obj = get_client().v1.charges.retrieve(
        charge.stripe_id, options=request_options(stripe_account=charge.stripe_account)
    )
    return sync_charge_from_stripe_object(obj, stripe_account=charge.stripe_account)


def sync_charges(
    *, stripe_account: Account | str | None = None, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every charge of the platform (or of ``stripe_account``); returns ``(created, updated)``."""
    return sync_list(
        Charge, "/v1/charges", _columns, _lookups,
        stripe_account=stripe_account, created_gte=created_gte, progress=progress,
    )


# --------------------------------------------------------------------------- writes


def create(
    amount: Amount,
    customer: Customer | str | None = None,
    source: str | stripe.StripeObject | None = None,
    currency: str | None = None,
    description: str | None = None,
    destination_account: Account | str | None = None,
    destination_amount: Amount | None = None,
    application_fee: Amount | None = None,
    on_behalf_of: Account | str | bool | None = None,
    capture: bool = True,
    transfer_group: str | None = None,
    idempotency_key: str | None = None,
    stripe_account: Account | str | None = None,
    metadata: dict[str, str] | None = None,
    send_receipt: bool | None = None,
) -> Charge:
    """Create a charge (``POST /v1/charges``) and mirror it; returns the ``Charge``.

    Sent: ``amount`` in minor units (``amount`` is a Decimal/int/float in major
    units), ``currency`` (default ``PINAX_CONNECT_DEFAULT_CURRENCY``), ``customer``
    (a ``Customer`` or ``cus_`` id) and/or ``source``, ``description``,
    ``capture``, ``transfer_group``, ``metadata``, ``on_behalf_of``.
    Destination charge: ``destination_account`` (an ``Account`` or ``acct_`` id)
    becomes ``transfer_data[destination]``, ``destination_amount`` becomes
    ``transfer_data[amount]``. ``application_fee`` becomes
    ``application_fee_amount`` (destination or direct charges only). Direct
    charge: ``stripe_account`` sends the ``Stripe-Account`` header.
    ``send_receipt=True`` asks Stripe to email a receipt to the customer's email.

    Raises :class:`InvalidRequest` (non-positive amount, no customer nor source,
    inconsistent amounts), :class:`AccountNotReady` (destination or account
    without ``charges_enabled`` in the mirror) or :class:`CustomerAccountMismatch`
    (the customer lives on another account) before calling Stripe; Stripe's
    errors (``stripe.CardError`` for declines) pass through unchanged.
    """
    currency = currency_code(currency)
    params: dict[str, Any] = {"amount": minor_amount(amount, currency), "currency": currency, "capture": bool(capture)}
    if customer is None and not source:
        raise InvalidRequest("A charge needs a customer or a source")
    if destination_amount is not None and application_fee is not None:
        raise InvalidRequest("Use destination_amount or application_fee, not both")
    account, routed = routed_payment(
        amount=params["amount"], currency=currency, customer=customer, destination=destination_account,
        stripe_account=stripe_account, application_fee=application_fee, on_behalf_of=on_behalf_of,
        transfer_group=transfer_group, metadata=metadata, description=description,
        destination_name="destination_account", fee_name="application_fee",
    )
    params.update(routed)
    if source:
        params["source"] = stripe_id_of(source)
    if destination_amount is not None:
        if "transfer_data" not in params:
            raise InvalidRequest("destination_amount needs a destination_account")
        transfer_amount = minor_amount(destination_amount, currency, name="destination_amount")
        if transfer_amount > params["amount"]:
            raise InvalidRequest("destination_amount cannot exceed the charge amount")
        params["transfer_data"]["amount"] = transfer_amount
    if send_receipt:
        email = getattr(customer, "email", "") if isinstance(customer, Customer) else ""
        if email:
            params["receipt_email"] = email
    obj = get_client().v1.charges.create(
        params,
        options=write_options(
            stripe_account=account or stripe_account, idempotency_key=idempotency_key
        ),
    )
    return sync_charge_from_stripe_object(obj, stripe_account=account or stripe_account)


def capture(
    charge: Charge, amount: Amount | None = None, *, idempotency_key: str | None = None
) -> Charge:
    """Capture an authorized charge (``POST /v1/charges/{id}/capture``), fully or ``amount``; mirror it.

    Raises :class:`InvalidRequest` when it is captured already (per the mirror and
    a fresh read) or ``amount`` exceeds the authorized amount.
    """
    charge = fresh(charge, lambda c: not c.captured, sync_charge)
    if charge.captured:
        raise InvalidRequest(f"Charge {charge.stripe_id} is already captured")
    params = {}
    if amount is not None:
        minor = minor_amount(amount, charge.currency)
        if minor > minor_amount(charge.amount, charge.currency):
            raise InvalidRequest(f"Cannot capture {amount}: charge {charge.stripe_id} authorized {charge.amount}")
        params["amount"] = minor
    authorized(charge.stripe_account)
    obj = get_client().v1.charges.capture(
        charge.stripe_id,
        params,
        options=write_options(
            stripe_account=charge.stripe_account, idempotency_key=idempotency_key
        ),
    )
    return sync_charge_from_stripe_object(obj, stripe_account=charge.stripe_account)
