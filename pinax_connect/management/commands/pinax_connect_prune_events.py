"""Drop the payloads of old processed webhook events: ``manage.py pinax_connect_prune_events``."""
import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from pinax_connect.conf import settings
from pinax_connect.models import Event
from pinax_connect.progress import Progress


def retention(value: object) -> "datetime.timedelta | None":
    """``PINAX_CONNECT_EVENT_RETENTION`` (a timedelta or a number of days) as a timedelta, or None."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return datetime.timedelta(days=value)
    raise CommandError(f"PINAX_CONNECT_EVENT_RETENTION must be a timedelta, a number of days or None, not {value!r}")


def prunable(older_than: datetime.datetime) -> QuerySet[Event]:
    """Processed events received before ``older_than`` that still carry their payload.

    Failed, dead and flagged events keep theirs (they may still be applied); rows are
    never deleted, so a redelivery of a pruned event is still recognised as a duplicate.
    """
    return Event.objects.filter(status=Event.PROCESSED, pruned_at__isnull=True, received_at__lt=older_than)


class Command(BaseCommand):
    help = (
        "Empty the payload (sellers' names, birth dates, addresses...) of processed webhook events "
        "older than PINAX_CONNECT_EVENT_RETENTION, keeping each row's id, type, status and dates "
        "(de-duplication of redeliveries keeps working). Batched; --dry-run only counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be pruned, change nothing")
        parser.add_argument("--days", type=float, default=None, help="override PINAX_CONNECT_EVENT_RETENTION")
        parser.add_argument("--batch-size", type=int, default=500, help="events per transaction (default 500)")

    def handle(
        self, *, dry_run: bool, days: float | None, batch_size: int, verbosity: int, **options: Any
    ) -> None:
        keep = retention(days if days is not None else settings.PINAX_CONNECT_EVENT_RETENTION)
        if keep is None:
            self.stdout.write("PINAX_CONNECT_EVENT_RETENTION is None: payloads are kept; nothing to do.")
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be positive")
        cutoff = timezone.now() - keep
        events = prunable(cutoff)
        total = events.count()
        if dry_run:
            self.stdout.write(f"Would prune {total} event payload(s) received before {cutoff:%Y-%m-%d %H:%M} UTC.")
            return
        progress = Progress("Pruning event payloads", stream=self.stdout._out, verbosity=verbosity, total=total)
        pruned = 0
        try:
            while True:
                with transaction.atomic():
                    batch = list(events.order_by("pk").values_list("pk", flat=True)[:batch_size])
                    if not batch:
                        break
                    # Re-check the conditions: an event replayed meanwhile is not touched.
                    done = prunable(cutoff).filter(pk__in=batch).update(payload={}, pruned_at=timezone.now())
                pruned += done
                progress(done)
                if len(batch) < batch_size:
                    break
        finally:
            progress.close()
        self.stdout.write(f"Pruned {pruned} event payload(s) received before {cutoff:%Y-%m-%d %H:%M} UTC.")
