"""Apply stored webhook events again: ``manage.py pinax_connect_replay_events``."""
import argparse
import collections
import datetime
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from pinax_connect.models import Event


def parse_date(value: str) -> datetime.datetime:
    """``YYYY-MM-DD`` → midnight UTC of that day (an aware datetime), for ``--since``."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def type_filter(types: Iterable[str]) -> Q:
    """Events whose type is one of ``types`` or starts with one of them followed by a dot."""
    query = Q()
    for name in types:
        query |= Q(type=name) | Q(type__startswith=name + ".")
    return query


class Command(BaseCommand):
    help = (
        "Run the handlers (and signals) of stored webhook events again, oldest first. "
        "Select events with at least one of --failed, --dead, --flagged, --type, --ids, --since "
        "(they combine with AND)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--failed",
            action="store_true",
            help="only events whose processing failed (a handler, or receivers: those are re-sent the signal alone)",
        )
        parser.add_argument("--dead", action="store_true", help="only events whose automatic retries ran out")
        parser.add_argument(
            "--flagged",
            action="store_true",
            help="only events stored but not applied (unknown account, other livemode); "
            "their flag is checked again first",
        )
        parser.add_argument(
            "--type",
            action="append",
            dest="types",
            metavar="TYPE",
            help="an event type or dotted prefix (account.updated, charge); repeatable",
        )
        parser.add_argument("--ids", nargs="+", metavar="EVENT_ID", help="Stripe event ids (evt_...)")
        parser.add_argument("--since", type=parse_date, metavar="YYYY-MM-DD", help="events created on or after")

    def handle(
        self,
        *,
        failed: bool,
        dead: bool,
        flagged: bool,
        types: list[str] | None,
        ids: list[str] | None,
        since: datetime.datetime | None,
        verbosity: int,
        **options: Any,
    ) -> None:
        from pinax_connect.webhooks import processing

        if not (failed or dead or flagged or types or ids or since):
            raise CommandError("Select events to replay: --failed, --dead, --flagged, --type, --ids and/or --since.")
        events = Event.objects.all()
        if failed:
            events = events.filter(status=Event.FAILED)
        if dead:
            events = events.filter(status=Event.DEAD)
        if flagged:
            events = events.exclude(flag="")
        if types:
            events = events.filter(type_filter(types))
        if ids:
            events = events.filter(stripe_id__in=ids)
        if since:
            events = events.filter(created__gte=since)
        outcomes: collections.Counter[str] = collections.Counter()
        for event in events.order_by("created", "pk").iterator():
            outcome = processing.replay(event)
            outcomes[outcome] += 1
            if verbosity >= 2:
                self.stdout.write(f"{event.stripe_id} {event.type}: {outcome}")
        total = sum(outcomes.values())
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "nothing to do"
        self.stdout.write(f"Replayed {total} event(s): {summary}.")
        if outcomes[processing.FAILED]:
            self.stderr.write("Some events failed again: see Event.last_error or the log.")
