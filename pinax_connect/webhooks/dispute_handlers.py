"""Default handlers for disputes and early fraud warnings (registered by ``handlers.register_defaults``).

* ``charge.dispute.created/updated/closed/funds_withdrawn/funds_reinstated`` →
  ``Dispute`` (with ``created``, the charge is read once so ``Charge.disputed`` is
  true; platform events for destination charges and separate charges &
  transfers; Connect events, with ``account``, for direct charges). Then, whichever
  event it is: withdrawn funds not yet recovered are recovered per the policy, and
  a won dispute gives the seller back what was reversed
  (:mod:`pinax_connect.actions.dispute_recovery`, each movement exactly once).
* ``radar.early_fraud_warning.created/updated`` → ``EarlyFraudWarning``, then the
  optional automatic refund.

The signals of :mod:`pinax_connect.dispute_signals` are sent after commit.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..client import get_client, request_options
from ..dispute_signals import DISPUTE_EVENT_SIGNALS, early_fraud_warning, send_after_commit
from ..models import Dispute, EarlyFraudWarning
from .handlers import stripe_object


def _actions(module: str) -> Any:
    return importlib.import_module(f"pinax_connect.actions.{module}")


def _reread_dispute(dispute_id: Any, account: str | None) -> Callable[[], Any]:
    return lambda: get_client().v1.disputes.retrieve(dispute_id, options=request_options(stripe_account=account))


def _reread_warning(warning_id: Any, account: str | None) -> Callable[[], Any]:
    return lambda: get_client().v1.radar.early_fraud_warnings.retrieve(
        warning_id, options=request_options(stripe_account=account)
    )


def dispute_event(event: Any, source: dict, subtype: str) -> Dispute:
    """``charge.dispute.*``: mirror the dispute, then recover from / give back to the seller."""
    obj = stripe_object(source)
    account = event.account or None
    dispute = _actions("disputes").sync_dispute_from_stripe_object(
        obj, event_created=source.get("created"), stripe_account=account,
        reread=_reread_dispute(obj.get("id"), account),
    )
    subtype = event.type.rsplit(".", 1)[-1]  # registered by exact type, so ``subtype`` is ""
    if subtype == "created" and dispute.charge is not None and not dispute.charge.disputed:
        # No charge event tells us the charge is now disputed: read it once.
        _actions("charges").sync_charge(dispute.charge)
    # Every event may be the first to arrive (or the only one): each checks both ways,
    # and each movement happens once whichever event asks.
    recovery = _actions("dispute_recovery")
    recovery.recover(dispute)
    recovery.restore(dispute)
    signal = DISPUTE_EVENT_SIGNALS.get(subtype)
    if signal is not None:
        send_after_commit(signal, Dispute, dispute=dispute, event=event)
    return dispute


def early_fraud_warning_event(event: Any, source: dict, subtype: str) -> EarlyFraudWarning:
    """``radar.early_fraud_warning.created/updated``: mirror it, refund when the setting says so."""
    obj = stripe_object(source)
    account = event.account or None
    efw = _actions("early_fraud_warnings")
    warning = efw.sync_early_fraud_warning_from_stripe_object(
        obj, event_created=source.get("created"), stripe_account=account,
        reread=_reread_warning(obj.get("id"), account),
    )
    efw.refund_if_actionable(warning)
    send_after_commit(early_fraud_warning, EarlyFraudWarning, warning=warning, event=event)
    return warning


DISPUTE_HANDLERS = [
    *((f"charge.dispute.{name}", dispute_event)
      for name in ("created", "updated", "closed", "funds_withdrawn", "funds_reinstated")),
    ("radar.early_fraud_warning.created", early_fraud_warning_event),
    ("radar.early_fraud_warning.updated", early_fraud_warning_event),
]
