"""Run the automatic retries that are due: ``manage.py pinax_connect_retry_events``."""
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Retry failed webhook events whose next attempt is due (handlers, or only the receivers "
        "that failed), and apply early events whose connected account is now mirrored. "
        "Safe to run from cron every minute and beside task workers: every retry is claimed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many retries in one run")

    def handle(self, *, limit: int | None, verbosity: int, **options: Any) -> None:
        from pinax_connect.webhooks import early, retries

        outcomes = retries.run_due(limit=limit)
        applied = early.apply_all_ready()
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"Retried {sum(outcomes.values())} event(s): {summary}.")
        if applied:
            self.stdout.write(f"Applied {sum(applied.values())} early event(s).")
