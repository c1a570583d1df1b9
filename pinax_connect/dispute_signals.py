"""Signals about disputes, their recovery from sellers, and early fraud warnings.

Every signal is sent once the database work that caused it has committed (through
``transaction.on_commit``), with ``send_robust``: a failing receiver is logged and
never undoes the change. ``sender`` is the model class of the main keyword argument.

* ``dispute_created``, ``dispute_updated``, ``dispute_closed``,
  ``dispute_funds_withdrawn``, ``dispute_funds_reinstated``: ``dispute`` (the
  mirrored :class:`~pinax_connect.models.Dispute`) and ``event`` (the stored Event).
* ``dispute_recovery``: ``recovery`` (a :class:`~pinax_connect.models.DisputeRecovery`,
  succeeded or failed) and ``dispute``.
* ``early_fraud_warning``: ``warning`` and ``event`` (created or updated).
* ``early_fraud_warning_refunded``: ``warning`` and ``refund``.

    from pinax_connect.dispute_signals import dispute_created

    @receiver(dispute_created)
    def tell_the_seller(sender, dispute, event, **kwargs): ...
"""
import functools
import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

dispute_created = Signal()
dispute_updated = Signal()
dispute_closed = Signal()
dispute_funds_withdrawn = Signal()
dispute_funds_reinstated = Signal()
dispute_recovery = Signal()
early_fraud_warning = Signal()
early_fraud_warning_refunded = Signal()

# charge.dispute.<subtype> -> signal
DISPUTE_EVENT_SIGNALS = {
    "created": dispute_created,
    "updated": dispute_updated,
    "closed": dispute_closed,
    "funds_withdrawn": dispute_funds_withdrawn,
    "funds_reinstated": dispute_funds_reinstated,
}


def _send(signal: Signal, sender: Any, kwargs: dict) -> None:
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "Receiver %r of a pinax_connect dispute signal failed",
                receiver,
                exc_info=(type(result), result, result.__traceback__),
            )


def send_after_commit(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` robustly once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(_send, signal, sender, kwargs))
