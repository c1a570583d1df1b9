"""``manage.py pinax_connect_sync``: mirror Stripe objects into the database, page by page."""
import datetime
from collections.abc import Mapping
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model

from pinax_connect import models
from pinax_connect.progress import Progress
from pinax_connect.ratelimit import call_with_backoff

MODELS = {
    "accounts": models.Account,
    "customers": models.Customer,
    "payment_intents": models.PaymentIntent,
    "charges": models.Charge,
    "refunds": models.Refund,
    "transfers": models.Transfer,
    "payouts": models.Payout,
    "application_fees": models.ApplicationFee,
    "external_accounts": models.ExternalAccount,
    "disputes": models.Dispute,
    "early_fraud_warnings": models.EarlyFraudWarning,
}


def parse_since(value: str) -> int:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since wants a date like 2026-01-31, got {value!r}") from None
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())


class Command(BaseCommand):
    help = "Sync Stripe objects (all models or the ones named) into the local mirror."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("models", nargs="*", metavar="MODEL",
                            help=f"Models to sync (default: all): {', '.join(MODELS)}")
        parser.add_argument("--account", action="append", default=[], metavar="ACCT_ID",
                            help="Sync objects living on this connected account (repeatable).")
        parser.add_argument("--all-accounts", action="store_true",
                            help="Also sync objects on every authorized connected account we mirror.")
        parser.add_argument("--since", help="Only objects created on or after this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        from pinax_connect.actions import bulk

        names = options["models"]
        unknown = sorted(set(names) - set(MODELS))
        if unknown:
            raise CommandError(f"Unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
        since = parse_since(options["since"]) if options["since"] else None
        wanted = [MODELS[name] for name in (names or MODELS)]
        scopes = self.scopes(options)
        verbosity = options["verbosity"]
        failures = 0
        for model in wanted:
            for account in self.scopes_for(model, scopes):
                where = account.stripe_id if account else (
                    "every account" if model in bulk.PER_ACCOUNT_ONLY else "platform"
                )
                label = f"{model._meta.verbose_name_plural} ({where})"
                progress = Progress(label, stream=self.stdout._out, verbosity=verbosity)
                try:
                    created, updated = call_with_backoff(
                        bulk.sync_all, model, stripe_account=account, created_gte=since, progress=progress
                    )
                except Exception as exc:  # report and go on with the other scopes
                    failures += 1
                    self.stderr.write(f"{label}: failed: {exc}")
                    continue
                finally:
                    progress.close()
                if verbosity:
                    self.stdout.write(f"{label}: {progress.done} seen, {created} created, {updated} updated")
        if failures:
            raise CommandError(f"{failures} sync(s) failed")

    @staticmethod
    def scopes_for(
        model: type[Model], scopes: list[models.Account | None]
    ) -> list[models.Account | None]:
        """Where to sync ``model``: platform-only lists once, per-account lists on the
        accounts asked for (``None`` = every account), the rest on every scope."""
        from pinax_connect.actions import bulk

        if model in bulk.PLATFORM_ONLY:
            return [None] if None in scopes else []
        if model in bulk.PER_ACCOUNT_ONLY:
            return [a for a in scopes if a is not None] or [None]
        return scopes

    def scopes(self, options: Mapping[str, Any]) -> list[models.Account | None]:
        scopes: list[models.Account | None] = [None] if not options["account"] else []
        for stripe_id in options["account"]:
            account = models.Account.objects.filter(stripe_id=stripe_id).first()
            if account is None:
                raise CommandError(f"Unknown account {stripe_id}: sync accounts first.")
            scopes.append(account)
        if options["all_accounts"]:
            # Accounts are the scope list, so mirror them first.
            scopes.extend(models.Account.objects.filter(authorized=True).exclude(pk__in=[a.pk for a in scopes if a]))
        return scopes
