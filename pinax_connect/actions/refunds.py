"""Refunds of charges and payment intents, with Connect's transfer and fee reversal."""
import datetime
from collections.abc import Callable, Mapping
from typing import Any, cast

import stripe

from .. import sync
from ..client import get_client, write_options
from ..exceptions import InvalidRequest
from ..models import Account, Charge, PaymentIntent, Refund
from ..money import Amount
from ._shared import (
    amount_column,
    authorized,
    find_account,
    index_by_stripe_id,
    left_of,
    minor_amount,
    part_of,
    sync_list,
)

REASONS = {"duplicate", "fraudulent", "requested_by_customer"}


# --------------------------------------------------------------------------- mapping


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict[str, Any]:
    return {
        "stripe_account": find_account(stripe_account),
        "charges": index_by_stripe_id(Charge, [sync.object_id(d.get("charge")) for d in datas]),
    }


def _columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``Refund`` columns from a Stripe refund dict."""
    lookups = lookups or {}
    return {
        "stripe_account": lookups.get("stripe_account"),
        "charge": lookups.get("charges", {}).get(sync.object_id(data.get("charge"))),
        "amount": amount_column(data),
        "currency": data.get("currency") or "",
        "status": data.get("status") or "",
        "reason": data.get("reason") or "",
    }


def sync_refund_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    stripe_account: Account | str | None = None, reread: Callable[[], Any] | None = None, **context: Any,
) -> Refund:
    """Mirror a Stripe refund into ``Refund`` (linked to its charge when mirrored) and return the row."""
    data = sync.to_dict(stripe_object)
    return sync.upsert(
        Refund, data, lambda d: _columns(d, _lookups([d], stripe_account)), event_created=event_created, reread=reread
    )


def sync_refunds(
    *, stripe_account: Account | str | None = None, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every refund of the platform (or of ``stripe_account``); returns ``(created, updated)``."""
    return sync_list(
        Refund, "/v1/refunds", _columns, _lookups,
        stripe_account=stripe_account, created_gte=created_gte, progress=progress,
    )


# --------------------------------------------------------------------------- writes


def _target(charge_or_payment_intent: Charge | PaymentIntent) -> tuple[str, str, Charge | None, int, str, bool]:
    """``(param name, id, charge or None, refundable minor amount, currency, is destination)``."""
    obj = charge_or_payment_intent
    charge: Charge | None
    if isinstance(obj, Charge):
        charge = obj
    elif isinstance(obj, PaymentIntent):
        charge = Charge.objects.filter(stripe_id=obj.latest_charge).first() if obj.latest_charge else None
        if charge is None and obj.status != "succeeded":
            raise InvalidRequest(f"PaymentIntent {obj.stripe_id} has no payment to refund ({obj.status})")
    else:
        raise InvalidRequest(f"Refund a Charge or a PaymentIntent, not {obj!r}")
    if charge is not None:
        paid = charge.amount_captured if charge.captured else charge.amount
        remaining = left_of(paid, charge.amount_refunded, charge.currency)
        destination = charge.destination_id is not None or bool(
            (charge.stripe_data.get("transfer_data") or {}).get("destination")
        )
        currency = charge.currency
    else:
        intent = cast(PaymentIntent, obj)  # a Charge always has its charge
        remaining = minor_amount(intent.amount_received, intent.currency, allow_zero=True)
        destination = intent.transfer_destination_id is not None
        currency = intent.currency
    param = "charge" if isinstance(obj, Charge) else "payment_intent"
    return param, obj.stripe_id, charge, remaining, currency, destination


def _resync(charge_or_payment_intent: Charge | PaymentIntent) -> Charge | PaymentIntent:
    """The charge or payment intent re-read from Stripe (imported late: those modules import this one)."""
    if isinstance(charge_or_payment_intent, Charge):
        from .charges import sync_charge

        return sync_charge(charge_or_payment_intent)
    from .payment_intents import sync_payment_intent

    return sync_payment_intent(charge_or_payment_intent)


def create(
    charge_or_payment_intent: Charge | PaymentIntent,
    amount: Amount | None = None,
    *,
    reason: str | None = None,
    reverse_transfer: bool | None = None,
    refund_application_fee: bool | None = None,
    metadata: dict[str, str] | None = None,
    idempotency_key: str | None = None,
) -> Refund:
    """Refund a ``Charge`` or ``PaymentIntent`` (``POST /v1/refunds``), fully or ``amount``.

    Sent: ``charge`` or ``payment_intent``, ``amount`` in minor units when given,
    ``reason``, ``metadata``, ``reverse_transfer`` (default ``True`` for destination
    charges, so the seller gives the money back too) and ``refund_application_fee``.
    A direct charge is refunded on its connected account. Stores the ``Refund``
    and re-syncs the charge; returns the ``Refund``.

    Raises :class:`InvalidRequest` when ``amount`` exceeds what is left to refund
    (per the mirror), nothing is left, ``reason`` is not one of Stripe's, or
    ``reverse_transfer`` is asked for a charge without destination.
    """
    target = _target(charge_or_payment_intent)
    wanted = minor_amount(amount, target[4]) if amount is not None else 1
    if target[3] < wanted:
        # The mirror may lag Stripe (a refund made elsewhere, a capture not delivered yet): read once.
        charge_or_payment_intent = _resync(charge_or_payment_intent)
        target = _target(charge_or_payment_intent)
    param, target_id, charge, remaining, currency, is_destination = target
    params: dict[str, Any] = {param: target_id}
    minor = part_of(amount, currency, remaining, target_id, verb="refund", done="refunded")
    if minor is not None:
        params["amount"] = minor
    if reason is not None:
        if reason not in REASONS:
            raise InvalidRequest(f"reason must be one of {sorted(REASONS)}, got {reason!r}")
        params["reason"] = reason
    if reverse_transfer is None:
        reverse_transfer = is_destination or None
    if reverse_transfer:
        if not is_destination:
            raise InvalidRequest("reverse_transfer only applies to destination charges")
        params["reverse_transfer"] = True
    elif reverse_transfer is False and is_destination:
        params["reverse_transfer"] = False
    if refund_application_fee is not None:
        params["refund_application_fee"] = bool(refund_application_fee)
    if metadata:
        params["metadata"] = metadata
    account = charge_or_payment_intent.stripe_account
    authorized(account)
    obj = get_client().v1.refunds.create(
        params,
        options=write_options(stripe_account=account, idempotency_key=idempotency_key),
    )
    refund = sync_refund_from_stripe_object(obj, stripe_account=account)
    if charge is not None:
        from .charges import sync_charge

        sync_charge(charge)
    elif isinstance(charge_or_payment_intent, PaymentIntent):
        from .payment_intents import sync_payment_intent

        sync_payment_intent(charge_or_payment_intent)
    if refund.charge_id is None:
        refund = sync_refund_from_stripe_object(obj, stripe_account=account)
    return refund
