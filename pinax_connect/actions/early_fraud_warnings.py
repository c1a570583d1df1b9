"""Early fraud warnings (Radar): the mirror, and the optional refund before a dispute.

An issuer's fraud report often precedes a chargeback by days. Refunding while the
warning is ``actionable`` (not disputed, not fully refunded) avoids the dispute and
its fee; ``PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND = True`` does it automatically
(see :func:`refund_if_actionable`).
"""
from __future__ import annotations

from typing import Any

import stripe
from django.db import transaction

from .. import sync
from ..client import get_client, intent_key, request_options
from ..conf import settings
from ..dispute_signals import early_fraud_warning_refunded, send_after_commit
from ..exceptions import InvalidRequest
from ..models import Charge, EarlyFraudWarning, PaymentIntent, Refund
from ._shared import find_account, index_by_stripe_id, sync_list


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict:
    return {
        "stripe_account": find_account(stripe_account),
        "charges": index_by_stripe_id(Charge, [sync.object_id(d.get("charge")) for d in datas]),
        "payment_intents": index_by_stripe_id(PaymentIntent, [sync.object_id(d.get("payment_intent")) for d in datas]),
    }


def _columns(data: dict, lookups: dict | None = None) -> dict:
    """Typed ``EarlyFraudWarning`` columns from a Stripe ``radar.early_fraud_warning`` dict."""
    lookups = lookups or {}
    return {
        "stripe_account": lookups.get("stripe_account"),
        "charge": lookups.get("charges", {}).get(sync.object_id(data.get("charge"))),
        "payment_intent": lookups.get("payment_intents", {}).get(sync.object_id(data.get("payment_intent"))),
        "actionable": bool(data.get("actionable")),
        "fraud_type": data.get("fraud_type") or "",
    }


columns = _columns


def sync_early_fraud_warning_from_stripe_object(stripe_object: Any, *, event_created: Any = None,
                                                stripe_account: Any = None, reread: Any = None,
                                                **context: Any) -> EarlyFraudWarning:
    """Mirror a Stripe early fraud warning into ``EarlyFraudWarning`` and return the row.

    The charge is linked when mirrored; when it is not, it is read once from Stripe
    (on ``stripe_account`` for a direct charge) and mirrored first.
    """
    data = sync.to_dict(stripe_object)
    charge_id = sync.object_id(data.get("charge"))
    if charge_id and not Charge.objects.filter(stripe_id=charge_id).exists():
        from .disputes import _mirror_charge

        _mirror_charge(charge_id, stripe_account)
    return sync.upsert(
        EarlyFraudWarning, data, lambda d: _columns(d, _lookups([d], stripe_account)),
        event_created=event_created, reread=reread,
    )


def sync_early_fraud_warning(warning: EarlyFraudWarning) -> EarlyFraudWarning:
    """Re-read ``warning`` from Stripe (on its account) and mirror it."""
    obj = get_client().v1.radar.early_fraud_warnings.retrieve(
        warning.stripe_id, options=request_options(stripe_account=warning.stripe_account)
    )
    return sync_early_fraud_warning_from_stripe_object(obj, stripe_account=warning.stripe_account)


def sync_early_fraud_warnings(*, stripe_account: Any = None, created_gte: Any = None,
                              progress: Any = None) -> tuple[int, int]:
    """Mirror every early fraud warning of the platform (or of ``stripe_account``).

    Stripe's list has no ``created`` filter, so ``created_gte`` is not sent.
    """
    return sync_list(
        EarlyFraudWarning, "/v1/radar/early_fraud_warnings", _columns, _lookups,
        stripe_account=stripe_account, created_gte=None, progress=progress,
    )


def refund(warning: EarlyFraudWarning) -> Refund | None:
    """Refund the warned charge in full, once (``POST /v1/refunds``); return the ``Refund``.

    Sent: ``charge``, ``reason=fraudulent``, ``reverse_transfer=true`` for a
    destination charge (the seller gives the money back) and
    ``refund_application_fee=true`` when the charge carries an application fee (the
    platform gives its fee back); a direct charge is refunded on its account. The idempotency key is derived
    from the warning, and the warning row is locked while Stripe is called, so
    duplicate or concurrent deliveries refund once. Returns ``None`` when the
    charge is unknown or has nothing left to refund.
    """
    from . import refunds

    with transaction.atomic():
        warning = EarlyFraudWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.refund_id is not None:
            return warning.refund
        charge = warning.charge
        if charge is None or charge.refunded:
            return None
        is_destination = charge.destination_id is not None or bool(
            (charge.stripe_data.get("transfer_data") or {}).get("destination")
        )
        try:
            made = refunds.create(
                charge, reason="fraudulent",
                reverse_transfer=True if is_destination else None,
                refund_application_fee=True if charge.application_fee_amount else None,
                metadata={"pinax_connect_early_fraud_warning": warning.stripe_id},
                idempotency_key=intent_key("early-fraud-warning-refund", warning.stripe_id),
            )
        except InvalidRequest:
            return None  # nothing left to refund, per a fresh read of the charge
        except stripe.InvalidRequestError as exc:
            if getattr(exc, "code", None) in ("charge_already_refunded", "charge_disputed"):
                return None
            raise
        EarlyFraudWarning.objects.filter(pk=warning.pk).update(refund=made)
        warning.refund = made
        send_after_commit(early_fraud_warning_refunded, EarlyFraudWarning, warning=warning, refund=made)
        return made


def refund_if_actionable(warning: EarlyFraudWarning) -> Refund | None:
    """:func:`refund` when ``PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND`` is on and the warning is actionable."""
    if not settings.PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND or not warning.actionable:
        return None
    return refund(warning)
