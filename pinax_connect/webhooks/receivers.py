"""Sending ``WEBHOOK_SIGNALS`` and remembering which receivers failed.

A receiver that raises does not stop the others, and is not forgotten: its dotted
name (``module.qualname``) and error are recorded in ``Event.receiver_errors`` and
the event becomes ``failed`` (its handlers' work stays committed: ``processed_at``
is set). A retry then sends the signal again **to the failed receivers only**, so
a receiver that already ran (``grant access on payment``) is not run twice.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from ..models import Event
from .signals import WEBHOOK_SIGNALS

logger = logging.getLogger("pinax_connect.webhooks.processing")


def receiver_name(receiver: Callable) -> str:
    """A receiver's stable name across processes: ``module.qualname`` of its function."""
    func = getattr(receiver, "__func__", receiver)  # bound methods
    module = getattr(func, "__module__", None) or type(func).__module__
    qualname = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{module}.{qualname}"


def live_receivers(signal: Signal, sender: Any) -> list[Callable]:
    """The receivers ``signal.send`` would call for ``sender``, sync and async, in order.

    Django has no public API for this; ``_live_receivers`` returns a list up to
    Django 4.2 and ``(sync, async)`` lists from 5.0.
    """
    found: Any = signal._live_receivers(sender)
    if isinstance(found, tuple) and len(found) == 2 and all(isinstance(part, list) for part in found):
        return [*found[0], *found[1]]
    return list(found)


def send(event: Event, stripe_object: dict, *, only: Iterable[str] | None = None) -> dict[str, str]:
    """Send ``WEBHOOK_SIGNALS[event.type]`` (to the receivers named in ``only``, if given).

    Every receiver is called even when an earlier one raises; each failure is
    logged at ERROR with its traceback. Returns ``{receiver name: error text}`` of
    the receivers that raised. Names in ``only`` that are no longer connected are
    dropped with a warning (the code that failed is gone).
    """
    from .processing import error_text

    signal = WEBHOOK_SIGNALS[event.type]
    wanted = set(only) if only is not None else None
    errors: dict[str, str] = {}
    for receiver in live_receivers(signal, Event):
        name = receiver_name(receiver)
        if wanted is not None:
            if name not in wanted:
                continue
            wanted.discard(name)
        call = async_to_sync(receiver) if iscoroutinefunction(receiver) else receiver
        try:
            call(signal=signal, sender=Event, event=event, stripe_object=stripe_object)
        except Exception as exc:
            logger.error(
                "Receiver %s of webhook signal %s failed on event %s",
                name,
                event.type,
                event.stripe_id,
                exc_info=(type(exc), exc, exc.__traceback__),
            )
            errors[name] = error_text(exc)
    for name in sorted(wanted or ()):
        logger.warning(
            "Receiver %s is no longer connected to %s: not retried for %s", name, event.type, event.stripe_id
        )
    return errors


def send_and_record(event: Event, stripe_object: dict, *, only: Iterable[str] | None = None) -> dict[str, str]:
    """:func:`send`, then record the outcome on the event (no query when every receiver succeeded
    on a first send).

    Failures make the event ``failed`` with ``receiver_errors`` and a retry scheduled
    (or ``dead`` once ``PINAX_CONNECT_WEBHOOK_MAX_ATTEMPTS`` tries are spent).
    After a retry of failed receivers (``only``), success makes it ``processed``
    again. Called after the handlers' transaction committed, in autocommit.
    """
    from . import retries

    errors = send(event, stripe_object, only=only)
    if errors:
        retries.record_receiver_failures(event, errors)
    elif only is not None:
        Event.objects.filter(pk=event.pk).update(
            status=Event.PROCESSED, receiver_errors={}, next_attempt_at=None, last_error=""
        )
        event.status, event.receiver_errors, event.next_attempt_at = Event.PROCESSED, {}, None
    return errors


def retry_failed_receivers(event: Event) -> str:
    """Send the signal again to ``event.receiver_errors``' receivers only; returns the outcome.

    Claimed first (``failed``/``dead`` → ``processing`` with one conditional UPDATE,
    committed), so of concurrent retries one sends; a worker that dies while
    sending leaves ``processing`` with ``next_attempt_at`` a lease ahead, and the
    retry runner takes it again after that. ``"processed"`` when they all
    succeed, ``"failed"``/``"dead"`` otherwise, ``"skipped"`` if nothing to do.
    """
    from . import retries
    from .handlers import stripe_object

    now = timezone.now()
    lease = now + retries.LEASE
    claimable = Q(status__in=retries.RECEIVER_CLAIMABLE) | Q(status=Event.PROCESSING, next_attempt_at__lte=now)
    claimed = (
        Event.objects.filter(claimable, pk=event.pk, processed_at__isnull=False)
        .exclude(receiver_errors={})
        .update(status=Event.PROCESSING, next_attempt_at=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    event.refresh_from_db(fields=["status", "receiver_errors", "attempts", "payload"])
    send_and_record(event, stripe_object(event.payload), only=list(event.receiver_errors))
    return event.status
