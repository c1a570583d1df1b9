"""Early events: events of a connected account that arrived before we mirrored it.

Such an event is stored flagged ``unknown_account`` (applying it would mirror, say,
a connected account's customer as a platform customer). As soon as the Account row
is created — by an action, OAuth, ``account.updated``, or a sync through
``sync_account_from_stripe_object`` — its early events are applied, oldest
``created`` first, once that creation commits (``post_save`` → ``on_commit``). In
task mode they are enqueued instead. Accounts created by a bulk list sync
(``bulk_create`` sends no signal) are caught by ``pinax_connect_retry_events``
(:func:`apply_all_ready`).
"""
from __future__ import annotations

import collections
import functools
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Subquery

from ..conf import settings
from ..models import Account, Event
from . import storage

logger = logging.getLogger("pinax_connect.webhooks.processing")


def waiting(account_ids: Iterable[str] | None = None) -> QuerySet[Event]:
    """Early events (flagged ``unknown_account``, not applied), oldest ``created`` first."""
    events = Event.objects.filter(flag=storage.FLAG_UNKNOWN_ACCOUNT, status=Event.RECEIVED)
    if account_ids is not None:
        events = events.filter(account__in=account_ids)
    return events.order_by("created", "pk")


def apply_one(event: Event) -> str:
    """Apply an early event if its account is mirrored now; returns the outcome (``"flagged"`` if not).

    The flag is cleared with a conditional UPDATE and the event then claimed like any
    stored event, so concurrent triggers apply it once.
    """
    from . import processing

    flag, account = storage.flag_and_account(event.payload)
    if flag:
        return processing.FLAGGED
    if not Event.objects.filter(pk=event.pk, flag=event.flag).update(flag=""):
        return processing.SKIPPED
    event.flag, event.mirrored_account = "", account
    if settings.PINAX_CONNECT_WEBHOOK_PROCESSING == "task":
        from . import tasks

        tasks.enqueue(event)
        return processing.QUEUED
    return processing.process_event(event)


def apply_for(account_ids: Iterable[str]) -> collections.Counter:
    """Apply the early events of these connected accounts (ids), in ``created`` order."""
    outcomes: collections.Counter = collections.Counter()
    for event in waiting(account_ids).iterator():
        outcomes[apply_one(event)] += 1
    if outcomes:
        logger.info("Applied early events of %s: %s", ", ".join(account_ids), dict(outcomes))
    return outcomes


def apply_all_ready() -> collections.Counter:
    """Apply every early event whose account is mirrored by now (the retry command's sweep)."""
    mirrored = Account.objects.filter(stripe_id__in=Subquery(waiting().values("account"))).values_list(
        "stripe_id", flat=True
    )
    ids = list(mirrored)
    return apply_for(ids) if ids else collections.Counter()


def account_created(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """``post_save`` of Account: apply its early events once the creation commits."""
    if created and not raw and instance.stripe_id:
        transaction.on_commit(functools.partial(_apply_for_quietly, instance.stripe_id))


def _apply_for_quietly(account_id: str) -> None:
    # Runs in whatever created the account (an action, a view): a problem here must
    # not fail that; the events stay flagged for the retry command.
    try:
        apply_for([account_id])
    except Exception:
        logger.exception("Early events of %s not applied; pinax_connect_retry_events will", account_id)
