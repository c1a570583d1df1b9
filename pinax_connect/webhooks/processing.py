"""Apply webhook events: store, claim, run the handlers, mark — and send the signal.

:func:`receive` is what the endpoint calls with a verified event dict. Inline (the
default), a delivery is **one transaction and one commit**:

    BEGIN
    INSERT ... ON CONFLICT (stripe_id) DO UPDATE SET deliveries = deliveries + 1 RETURNING ...
    [SELECT the connected account]          -- Connect events only; handed to the handlers
    SAVEPOINT                               -- the handlers' work
    ...handlers...
    COMMIT

The row is inserted already ``processed`` (``attempts`` 1): nobody sees it before the
COMMIT, and if a handler raises, the savepoint is rolled back and the row updated
to ``failed`` in the same transaction — the event stays stored with its error.
A duplicate delivery is the one ``INSERT ... ON CONFLICT`` statement (plus BEGIN and
COMMIT). Guarantees:

* **Once.** The unique ``stripe_id`` picks the delivery that inserts; a concurrent
  one waits on it and then only counts itself. Stored events (task mode, retries,
  replays) are claimed with a conditional UPDATE in the transaction that applies
  them; of concurrent workers exactly one gets rowcount 1. A worker that dies
  mid-event rolls everything back (inline: the row too, and Stripe redelivers).
* **All or nothing.** A handler failure rolls back every handler write.
* **Signals after commit**, to every receiver even when one raises; a failing receiver
  is recorded on the event (``receiver_errors``) and retried alone (see
  :mod:`.receivers` and :mod:`.retries`).
"""
from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from .. import upserts
from ..conf import settings
from ..models import Account, Event
from . import handlers, receivers, retries, storage
from .registry import registry

logger = logging.getLogger(__name__)

# What process_event / receive return.
PROCESSED = "processed"
FAILED = "failed"
DEAD = "dead"  # failed, and no retry left
SKIPPED = "skipped"  # already processed, or being processed by another worker
FLAGGED = "flagged"  # stored but not applied: see storage.flag_for
QUEUED = "queued"  # handed to the task queue (task mode)

MAX_ERROR_LENGTH = 2000
# Stripe keys and webhook secrets that an exception message might carry.
_SECRET = re.compile(r"\b(sk|rk|whsec|pk)_[A-Za-z0-9_]+")


def error_text(exc: BaseException) -> str:
    """``"ExceptionClass: message"``, with Stripe keys/secrets redacted, truncated.

    Only the exception, never the event payload, is recorded in ``Event.last_error``.
    """
    text = _SECRET.sub(r"\1_[redacted]", f"{type(exc).__name__}: {exc}")
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


def send_signal(event: Event, stripe_object: dict) -> dict[str, str]:
    """Send ``WEBHOOK_SIGNALS[event.type]`` to every receiver; record the ones that raise."""
    return receivers.send_and_record(event, stripe_object)


def _source(event: Event) -> dict:
    """The event dict handlers see: as delivered, or with a freshly read object."""
    if settings.PINAX_CONNECT_WEBHOOK_REFETCH:
        return handlers.refetched_source(event)
    return event.payload


@contextlib.contextmanager
def _handlers_savepoint() -> Iterator[None]:
    """A savepoint around the handlers, rolled back (and the error re-raised) if they raise.

    Like ``transaction.atomic()`` nested, except that on success the savepoint is not
    released when our own block is the outermost one: the COMMIT that follows ends
    it, one statement fewer per event. ``on_commit`` callbacks a failing handler
    registered are discarded, as ``atomic`` does.
    """
    connection = transaction.get_connection()
    sid = connection.savepoint()
    connection.savepoint_ids.append(sid)
    try:
        yield
    except BaseException:
        connection.savepoint_ids.pop()
        connection.savepoint_rollback(sid)
        connection.needs_rollback = False  # rolled back to before the error
        raise
    connection.savepoint_ids.pop()
    if len(connection.atomic_blocks) > 1:
        connection.savepoint_commit(sid)


def _apply(event: Event, *, previous: Mapping[str, Any] | None = None) -> str:
    """Run the handlers of a claimed ``event`` (in the caller's transaction) and schedule its signal.

    ``event`` is already marked processed in the transaction. On a handler error the
    handlers' writes are rolled back and the row updated to ``failed`` (or ``dead``),
    or back to ``previous`` (status and ``processed_at``) when the event had been
    applied before (a replay that failed does not undo the earlier application).
    """
    try:
        with _handlers_savepoint():
            source = _source(event)
            for handler, subtype in registry.handlers_for(event.type):
                handler(event, source, subtype)
    except Exception as exc:
        return _record_failure(event, exc, previous)
    transaction.on_commit(functools.partial(send_signal, event, handlers.stripe_object(source)))
    return PROCESSED


def _record_failure(event: Event, exc: Exception, previous: Mapping[str, Any] | None) -> str:
    logger.exception("Webhook event %s (%s) failed (attempt %d)", event.stripe_id, event.type, event.attempts)
    error = error_text(exc)
    if previous is not None and previous["processed_at"] is not None:
        state = {"status": previous["status"], "next_attempt_at": None, "processed_at": previous["processed_at"]}
        if state["status"] == Event.PROCESSING:
            state["status"] = Event.PROCESSED
    else:
        state = {**retries.next_state(event.attempts), "processed_at": None}
    Event.objects.filter(pk=event.pk).update(last_error=error, receiver_errors={}, **state)
    event.last_error, event.receiver_errors = error, {}
    event.status, event.next_attempt_at = state["status"], state["next_attempt_at"]
    event.processed_at = state["processed_at"]
    transaction.on_commit(functools.partial(retries.after_failure, event))
    return DEAD if event.status == Event.DEAD else FAILED


# ---- the endpoint's entry point ----------------------------------------------------


def receive(data: dict) -> tuple[Event, str]:
    """Store and process a verified event dict the configured way; ``(event, outcome)``.

    ``PINAX_CONNECT_WEBHOOK_PROCESSING = "inline"`` (default): :func:`deliver`.
    ``"task"``: store it and enqueue it after commit (``"queued"``), or say why not.
    """
    mode = settings.PINAX_CONNECT_WEBHOOK_PROCESSING
    if mode == "inline":
        return deliver(data)
    if mode == "task":
        event, _created = storage.store(data)
        return event, dispatch(event)
    raise ImproperlyConfigured(f"PINAX_CONNECT_WEBHOOK_PROCESSING must be 'inline' or 'task', not {mode!r}.")


def deliver(data: dict) -> tuple[Event, str]:
    """Store, claim, apply and mark one delivered event in one transaction (see the module doc).

    Returns the event and ``"processed"``, ``"failed"``/``"dead"`` (a handler or, once
    committed, a receiver raised), ``"flagged"`` (stored, not applied) or ``"skipped"``
    (a duplicate of an event already applied, being retried, or dead).
    """
    if not upserts.supported():
        event, _created = storage.store(data)
        return event, process_event(event)
    flag = storage.static_flag(data)
    if flag:
        values = {"status": Event.RECEIVED, "attempts": 0, "processed_at": None, "flag": flag}
    else:
        values = {"status": Event.PROCESSED, "attempts": 1, "processed_at": timezone.now(), "flag": ""}
    retry_receivers = False
    account_id = data["account"] if not flag and storage.needs_account(data) else None
    with transaction.atomic():
        stored = storage.insert_delivery(data, account_id=account_id, **values)
        if not stored.created:
            event, outcome, retry_receivers = _redelivered(data, stored)
        else:
            event = storage.event_from(data, stored, **values)
            outcome = FLAGGED if flag else _apply_new(event, data, stored)
    if retry_receivers:
        event = Event.objects.get(pk=stored.pk)
        outcome = receivers.retry_failed_receivers(event)
    elif outcome == PROCESSED and event.status == Event.FAILED:
        outcome = FAILED  # a receiver raised after the commit
    elif outcome == PROCESSED and event.status == Event.DEAD:
        outcome = DEAD
    return event, outcome


def _apply_new(event: Event, data: dict, stored: storage.Stored) -> str:
    if storage.needs_account(data):
        if stored.account_pk is None:
            waiting = {
                "status": Event.RECEIVED, "attempts": 0, "processed_at": None, "flag": storage.FLAG_UNKNOWN_ACCOUNT,
            }
            Event.objects.filter(pk=event.pk).update(**waiting)
            for name, value in waiting.items():
                setattr(event, name, value)
            return FLAGGED
        # The account the INSERT found, for the handlers: its pk and stripe_id are all a
        # mirror row's foreign key needs; any other field loads on first use (deferred).
        event.mirrored_account = Account.from_db(
            connection.alias, ["id", "stripe_id"], [stored.account_pk, data["account"]]
        )
    return _apply(event)


def _redelivered(data: dict, stored: storage.Stored) -> tuple[Event, str, bool]:
    """A further delivery of a stored event (its row is locked by our transaction).

    A failed event is retried now: Stripe redelivers a delivery we answered with an
    error on its own backoff, which makes that the inline retry (see :mod:`.retries`).
    Returns ``(event, outcome, retry_receivers_after_commit)``.
    """
    if not stored.flag and stored.status in (Event.RECEIVED, Event.FAILED) and not stored.applied:
        event = Event.objects.get(pk=stored.pk)
        return event, process_event(event), False
    event = storage.event_from(data, stored, status=stored.status, flag=stored.flag)
    if stored.flag:
        return event, FLAGGED, False
    return event, SKIPPED, stored.status == Event.FAILED and stored.applied


# ---- stored events: task worker, retries, replays ------------------------------------


def process_event(event: Event, *, replay: bool = False) -> str:
    """Apply a stored ``event`` once; return the outcome.

    Claims it when its status is ``received`` or ``failed`` (handlers not applied
    yet), or any status but ``processing`` with ``replay=True``. Runs every handler
    registered for its type in one transaction with the claim, marks it ``processed``
    and sends its signal after commit. Returns ``"processed"``, ``"failed"``/``"dead"``
    (the handler error is logged and recorded in ``last_error``; ``attempts`` counts
    every try; a retry is scheduled unless ``dead``), ``"skipped"`` (already
    processed or claimed by another worker) or ``"flagged"`` (``event.flag`` is set:
    stored, never applied; see :func:`replay`). An event whose handlers committed
    but whose receivers failed has those receivers retried instead.
    """
    if event.flag:
        logger.info("Webhook event %s not applied: flagged %s", event.stripe_id, event.flag)
        return FLAGGED
    if not replay:
        if event.status == Event.FAILED and event.processed_at is not None and event.receiver_errors:
            return receivers.retry_failed_receivers(event)
        if event.status not in (Event.RECEIVED, Event.FAILED):
            return SKIPPED
    now = timezone.now()
    with transaction.atomic():
        if replay:
            previous = (
                Event.objects.select_for_update()
                .filter(pk=event.pk)
                .values("status", "processed_at", "attempts")
                .first()
            )
            if previous is None or previous["status"] == Event.PROCESSING:
                return SKIPPED
        else:
            previous = {"status": event.status, "processed_at": None, "attempts": event.attempts}
        # ``attempts`` in the condition: a worker that failed the event since we read
        # it has scheduled the next try; this one is not it.
        claimed = Event.objects.filter(
            pk=event.pk, status=previous["status"], attempts=previous["attempts"], flag=""
        ).update(
            status=Event.PROCESSED,
            processed_at=now,
            attempts=previous["attempts"] + 1,
            last_error="",
            next_attempt_at=None,
            receiver_errors={},
        )
        if not claimed:
            return SKIPPED
        event.status, event.processed_at, event.attempts = Event.PROCESSED, now, previous["attempts"] + 1
        event.last_error, event.next_attempt_at, event.receiver_errors = "", None, {}
        return _apply(event, previous=previous if replay else None)


def replay(event: Event) -> str:
    """Apply ``event`` again, whatever its status (except one being processed right now).

    Its flag is computed again first, so an ``unknown_account`` event is applied
    once its account is mirrored. An event whose handlers committed but whose
    receivers failed gets the signal again, sent to those receivers only. Returns
    what :func:`process_event` returns.
    """
    if event.processed_at is not None and event.receiver_errors and not event.flag:
        return receivers.retry_failed_receivers(event)
    flag, account = storage.flag_and_account(event.payload)
    if flag != event.flag:
        Event.objects.filter(pk=event.pk).update(flag=flag)
        event.flag = flag
    if account is not None:
        event.mirrored_account = account
    return process_event(event, replay=True)


def dispatch(event: Event) -> str:
    """Process a just-stored event the configured way (``PINAX_CONNECT_WEBHOOK_PROCESSING``).

    ``"inline"``: :func:`process_event` now, returns its outcome.
    ``"task"``: enqueue it on Django's tasks framework after commit, returns ``"queued"``
    (or ``"skipped"``/``"flagged"`` without enqueueing when there is nothing to do).
    """
    mode = settings.PINAX_CONNECT_WEBHOOK_PROCESSING
    if mode == "inline":
        return process_event(event)
    if mode == "task":
        if event.flag:
            return FLAGGED
        if event.status not in (Event.RECEIVED, Event.FAILED):
            return SKIPPED
        from . import tasks

        tasks.enqueue(event)
        return QUEUED
    raise ImproperlyConfigured(f"PINAX_CONNECT_WEBHOOK_PROCESSING must be 'inline' or 'task', not {mode!r}.")
