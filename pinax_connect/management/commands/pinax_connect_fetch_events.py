"""Catch up on missed webhooks from Stripe's Events API: ``manage.py pinax_connect_fetch_events``."""
import datetime
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pinax_connect.exceptions import InvalidRequest
from pinax_connect.management.commands.pinax_connect_replay_events import parse_date
from pinax_connect.models import Account, Event

# Event ids are looked up in the database this many at a time.
CHUNK = 500


class Command(BaseCommand):
    help = (
        "Read events from Stripe (GET /v1/events; Stripe keeps 30 days) for the platform and "
        "each connected account we mirror, store those we do not have and process them, oldest first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", type=parse_date, required=True, metavar="YYYY-MM-DD", help="events created on or after"
        )
        parser.add_argument(
            "--type",
            action="append",
            dest="types",
            metavar="TYPE",
            help="an event type, wildcards like account.* allowed; repeatable (at most 20)",
        )
        parser.add_argument(
            "--account",
            action="append",
            dest="accounts",
            metavar="ACCOUNT_ID",
            help="only these connected accounts (acct_...), not the platform; repeatable",
        )
        parser.add_argument("--no-process", action="store_true", help="store the missing events without processing")

    def handle(
        self,
        *,
        since: datetime.datetime,
        types: list[str] | None,
        accounts: list[str] | None,
        no_process: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        from pinax_connect.actions.events import fetch_events
        from pinax_connect.webhooks import processing, storage

        scopes: list[Account | None] = [None] if not accounts else []
        mirrored = Account.objects.filter(authorized=True).order_by("pk")
        if accounts:
            mirrored = mirrored.filter(stripe_id__in=accounts)
        scopes += list(mirrored)

        missing = []
        for scope in scopes:
            try:
                fetched = list(fetch_events(since=since, stripe_account=scope, types=types))
            except InvalidRequest as exc:
                raise CommandError(str(exc)) from exc
            for data in fetched:
                # Events read with Stripe-Account may lack "account"; a webhook would carry it.
                if scope is not None and not data.get("account"):
                    data["account"] = scope.stripe_id
            missing += _not_stored(fetched)
            if verbosity >= 2:
                self.stdout.write(f"{getattr(scope, 'stripe_id', 'platform')}: {len(fetched)} event(s) read")

        outcomes: dict[str, int] = {}
        for data in sorted(missing, key=lambda d: (d.get("created") or 0, d["id"])):
            event, created = storage.store(data, delivery=False)
            if created and not no_process:
                outcome = processing.process_event(event)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        self.stdout.write(
            f"Read {len(scopes)} event list(s); stored {len(missing)} missing event(s)"
            + (f": {summary}." if summary else ".")
        )


def _not_stored(datas: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The event dicts whose id has no Event row, without duplicates."""
    by_id = {data["id"]: data for data in datas}
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        known = Event.objects.filter(stripe_id__in=ids[start : start + CHUNK]).values_list("stripe_id", flat=True)
        for stripe_id in known:
            by_id.pop(stripe_id, None)
    return list(by_id.values())
