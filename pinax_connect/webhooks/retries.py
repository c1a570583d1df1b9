"""Automatic retries of failed events: exponential backoff with jitter, then ``dead``.

An event fails when a handler raises (its work rolls back; ``processed_at`` stays
``None``) or when a signal receiver raises after the handlers committed
(``receiver_errors``; ``processed_at`` set). Either way it becomes ``failed`` with
``next_attempt_at`` = now + :func:`backoff`, until ``attempts`` reaches
``PINAX_CONNECT_WEBHOOK_MAX_ATTEMPTS``: then it is ``dead`` — logged at ERROR,
``webhook_event_dead`` sent, and it waits for a person (admin filter, replay command).

Who runs a due retry (see docs/webhooks.md, "Retries"):

* task mode, or ``PINAX_CONNECT_WEBHOOK_INLINE_RETRY = "task"``: a task deferred to
  ``next_attempt_at`` on the tasks backend;
* inline mode (default ``"stripe"``): the endpoint answers the failed delivery with a
  500, so Stripe delivers it again with its own backoff (up to three days live);
* any mode: ``manage.py pinax_connect_retry_events`` (e.g. from cron) runs what is due.

A retry of a handler failure runs the handlers and sends the signal to every
receiver; a retry of receiver failures sends it to the failed receivers only.
"""
from __future__ import annotations

import collections
import datetime
import functools
import logging
import random

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..conf import settings
from ..models import Event
from .signals import webhook_event_dead

logger = logging.getLogger("pinax_connect.webhooks.processing")

# How long a claimed receiver retry may run before another worker may take it again.
LEASE = datetime.timedelta(minutes=10)
# States from which the failed receivers of an applied event may be retried by hand.
RECEIVER_CLAIMABLE = [Event.FAILED, Event.DEAD]

_random = random.Random()


def backoff(attempt: int, rng: random.Random | None = None) -> datetime.timedelta:
    """The wait before retry number ``attempt`` (1 for the first retry).

    ``d = min(WEBHOOK_RETRY_DELAY * 2 ** (attempt - 1), WEBHOOK_RETRY_MAX_DELAY)``
    seconds, then a uniformly random point of ``[d/2, d]`` ("equal jitter"): retries
    of events that failed together (a database outage) spread out instead of
    arriving together again.
    """
    base = float(settings.PINAX_CONNECT_WEBHOOK_RETRY_DELAY)
    ceiling = float(settings.PINAX_CONNECT_WEBHOOK_RETRY_MAX_DELAY)
    delay = min(base * 2 ** max(attempt - 1, 0), ceiling)
    return datetime.timedelta(seconds=(rng or _random).uniform(delay / 2, delay))


def next_state(attempts: int) -> dict:
    """``status`` and ``next_attempt_at`` for an event that failed its ``attempts``-th try."""
    if attempts >= settings.PINAX_CONNECT_WEBHOOK_MAX_ATTEMPTS:
        return {"status": Event.DEAD, "next_attempt_at": None}
    return {"status": Event.FAILED, "next_attempt_at": timezone.now() + backoff(attempts)}


def after_failure(event: Event) -> None:
    """Once the failure is committed: report a dead event, or schedule the retry task.

    Registered with ``transaction.on_commit`` by whoever recorded the failure.
    """
    if event.status == Event.DEAD:
        logger.error(
            "Webhook event %s (%s) is dead after %d attempts: %s",
            event.stripe_id,
            event.type,
            event.attempts,
            event.last_error or "; ".join(f"{k}: {v}" for k, v in event.receiver_errors.items()),
        )
        webhook_event_dead.send_robust(sender=Event, event=event)
    elif event.status == Event.FAILED and uses_tasks():
        try:
            from . import tasks

            tasks.enqueue_retry(event)
        except Exception:
            # The failure is recorded; a missing or broken tasks backend must not turn
            # the delivery into an error. The retry command still finds it when due.
            logger.exception("Retry task of webhook event %s not enqueued", event.stripe_id)


def uses_tasks() -> bool:
    """True when retries are deferred tasks (task mode, or ``WEBHOOK_INLINE_RETRY = "task"``)."""
    return (
        settings.PINAX_CONNECT_WEBHOOK_PROCESSING == "task"
        or settings.PINAX_CONNECT_WEBHOOK_INLINE_RETRY == "task"
    )


def record_receiver_failures(event: Event, errors: dict[str, str]) -> None:
    """Mark an applied event ``failed`` (or ``dead``) with the receivers that raised (autocommit)."""
    state = next_state(event.attempts)
    Event.objects.filter(pk=event.pk).update(receiver_errors=errors, **state)
    event.receiver_errors = errors
    event.status, event.next_attempt_at = state["status"], state["next_attempt_at"]
    transaction.on_commit(functools.partial(after_failure, event))


def due(now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Events whose retry is due: ``failed`` ones past ``next_attempt_at``, receiver
    retries whose worker died (``processing`` past its lease), and stored events no
    worker applied within the lease (a task lost with a killed worker)."""
    now = now or timezone.now()
    return Event.objects.filter(
        Q(status__in=[Event.FAILED, Event.PROCESSING], next_attempt_at__lte=now)
        | Q(status=Event.RECEIVED, flag="", received_at__lte=now - LEASE)
    ).order_by("next_attempt_at", "pk")


def retry(event: Event) -> str:
    """Run one retry of ``event``: its handlers if they never committed, else its failed receivers."""
    from . import processing, receivers

    if event.processed_at is not None and event.receiver_errors:
        return receivers.retry_failed_receivers(event)
    return processing.process_event(event)


def run_due(limit: int | None = None, *, now: datetime.datetime | None = None) -> collections.Counter:
    """Retry every event due at ``now`` (at most ``limit``), oldest due first; returns outcome counts."""
    outcomes: collections.Counter = collections.Counter()
    events = due(now)
    for event in events[:limit] if limit else events.iterator():
        outcomes[retry(event)] += 1
    return outcomes
