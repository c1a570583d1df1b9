"""Apply a stored webhook event: claim it, run its handlers, send its signal.

:func:`process_event` is what the endpoint (inline), the task worker and the replay
command call. Guarantees:

* **Once.** The event is claimed with a conditional UPDATE (``status`` in the
  claimable states → ``processing``) inside the transaction that runs the handlers
  and marks it processed; of concurrent workers exactly one gets rowcount 1, the
  others wait on the row lock and then see it processed. A worker that dies
  mid-event rolls the claim back with its work, so nothing stays "processing".
* **All or nothing.** Handlers run in that one transaction; if one raises, all their
  writes roll back and the event is kept as ``failed`` with the error text.
* **Signals after commit.** ``WEBHOOK_SIGNALS[type]`` is sent through
  ``transaction.on_commit``, with ``send_robust``: a receiver's exception is logged
  and never marks the event failed.
"""
import functools
import logging
import re

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from ..conf import settings
from ..models import Event
from . import handlers, storage
from .registry import registry
from .signals import WEBHOOK_SIGNALS

logger = logging.getLogger(__name__)

# What process_event returns.
PROCESSED = "processed"
FAILED = "failed"
SKIPPED = "skipped"  # already processed, or being processed by another worker
FLAGGED = "flagged"  # stored but not applied: see storage.flag_for
QUEUED = "queued"  # handed to the task queue (dispatch in task mode)

MAX_ERROR_LENGTH = 2000
# Stripe keys and webhook secrets that an exception message might carry.
_SECRET = re.compile(r"\b(sk|rk|whsec|pk)_[A-Za-z0-9_]+")


def error_text(exc):
    """``"ExceptionClass: message"``, with Stripe keys/secrets redacted, truncated.

    Only the exception, never the event payload, is recorded in ``Event.last_error``.
    """
    text = _SECRET.sub(r"\1_[redacted]", f"{type(exc).__name__}: {exc}")
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


def send_signal(event, stripe_object):
    """Send ``WEBHOOK_SIGNALS[event.type]`` robustly; receivers' exceptions are logged."""
    signal = WEBHOOK_SIGNALS[event.type]
    for receiver, result in signal.send_robust(sender=Event, event=event, stripe_object=stripe_object):
        if isinstance(result, Exception):
            logger.error(
                "Receiver %r of webhook signal %s failed on event %s",
                receiver,
                event.type,
                event.stripe_id,
                exc_info=(type(result), result, result.__traceback__),
            )


def _source(event):
    """The event dict handlers see: as delivered, or with a freshly read object."""
    if settings.PINAX_CONNECT_WEBHOOK_REFETCH:
        return handlers.refetched_source(event)
    return event.payload


def process_event(event, *, replay=False):
    """Apply ``event`` (an :class:`~pinax_connect.models.Event`) once; return the outcome.

    Claims it when its status is ``received`` or ``failed`` (a failed event is
    retried when delivered or queued again), or also ``processed`` with
    ``replay=True``. Runs every handler registered for its type in one transaction
    with the claim, marks it ``processed`` and sends its signal after commit.
    Returns ``"processed"``, ``"failed"`` (the handler error is logged and recorded in
    ``last_error``; ``attempts`` counts every try), ``"skipped"`` (already processed
    or claimed by another worker) or ``"flagged"`` (``event.flag`` is set: stored,
    never applied; see :func:`replay`).
    """
    if event.flag:
        logger.info("Webhook event %s not applied: flagged %s", event.stripe_id, event.flag)
        return FLAGGED
    if event.status == Event.PROCESSED and not replay:
        return SKIPPED
    claimable = [Event.RECEIVED, Event.FAILED] + ([Event.PROCESSED] if replay else [])
    try:
        with transaction.atomic():
            claimed = Event.objects.filter(pk=event.pk, status__in=claimable).update(status=Event.PROCESSING)
            if not claimed:
                return SKIPPED
            source = _source(event)
            for handler, subtype in registry.handlers_for(event.type):
                handler(event, source, subtype)
            now = timezone.now()
            Event.objects.filter(pk=event.pk).update(
                status=Event.PROCESSED, processed_at=now, attempts=F("attempts") + 1, last_error=""
            )
            event.status, event.processed_at, event.last_error = Event.PROCESSED, now, ""
            transaction.on_commit(functools.partial(send_signal, event, handlers.stripe_object(source)))
    except Exception as exc:
        _record_failure(event, exc)
        return FAILED
    return PROCESSED


def _record_failure(event, exc):
    logger.exception("Webhook event %s (%s) failed", event.stripe_id, event.type)
    error = error_text(exc)
    # The claim rolled back with the handlers' work. An event that had been processed
    # before (a failed replay) keeps that status: its earlier application stands.
    Event.objects.filter(pk=event.pk).update(
        status=Case(When(status=Event.PROCESSED, then=Value(Event.PROCESSED)), default=Value(Event.FAILED)),
        attempts=F("attempts") + 1,
        last_error=error,
    )
    event.refresh_from_db(fields=["status", "attempts", "last_error"])


def replay(event):
    """Apply ``event`` again, whatever its status (except one being processed right now).

    Its flag is computed again first, so an ``unknown_account`` event is applied
    once its account is mirrored. Returns what :func:`process_event` returns.
    """
    flag = storage.flag_for(event.payload)
    if flag != event.flag:
        Event.objects.filter(pk=event.pk).update(flag=flag)
        event.flag = flag
    return process_event(event, replay=True)


def dispatch(event):
    """Process a just-stored event the configured way (``PINAX_CONNECT_WEBHOOK_PROCESSING``).

    ``"inline"`` (default): :func:`process_event` now, returns its outcome.
    ``"task"``: enqueue it on Django's tasks framework after commit, returns ``"queued"``
    (or ``"skipped"``/``"flagged"`` without enqueueing when there is nothing to do).
    """
    mode = settings.PINAX_CONNECT_WEBHOOK_PROCESSING
    if mode == "inline":
        return process_event(event)
    if mode == "task":
        if event.flag:
            return FLAGGED
        if event.status == Event.PROCESSED:
            return SKIPPED
        from . import tasks

        tasks.enqueue(event)
        return QUEUED
    raise ImproperlyConfigured(
        f"PINAX_CONNECT_WEBHOOK_PROCESSING must be 'inline' or 'task', not {mode!r}."
    )
