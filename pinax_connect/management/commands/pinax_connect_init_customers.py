"""``manage.py pinax_connect_init_customers``: a Stripe customer for every user who lacks one."""
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from pinax_connect import models
from pinax_connect.progress import Progress
from pinax_connect.ratelimit import call_with_backoff


class Command(BaseCommand):
    help = (
        "Create Stripe customers for existing users (on the platform, or on --account). "
        "Idempotent: users who already have one are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", metavar="ACCT_ID", help="Create the customers on this connected account.")
        parser.add_argument("--concurrency", type=int, default=4,
                            help="Parallel Stripe requests (stay under Stripe's rate limit; default 4).")

    def handle(self, *args: Any, **options: Any) -> None:
        account = None
        if options["account"]:
            account = models.Account.objects.filter(stripe_id=options["account"]).first()
            if account is None:
                raise CommandError(f"Unknown account {options['account']}")
        users = get_user_model().objects.filter(is_active=True)
        if account is None:
            users = users.filter(stripe_customer__isnull=True)
        else:
            users = users.exclude(user_accounts__account=account)
        pks = list(users.order_by("pk").values_list("pk", flat=True))
        progress = Progress("customers", stream=self.stdout._out, verbosity=options["verbosity"], total=len(pks))
        failures = 0
        for pk, error in self.run(pks, account, options["concurrency"]):
            if error:
                failures += 1
                self.stderr.write(f"user {pk}: {error}")
            progress(1)
        progress.close()
        if options["verbosity"]:
            self.stdout.write(f"{len(pks) - failures} customers created, {failures} failed")
        if failures:
            raise CommandError(f"{failures} customer(s) could not be created")

    def run(
        self, pks: Iterable[Any], account: models.Account | None, concurrency: int
    ) -> Iterator[tuple[Any, str | None]]:
        """Yield ``(user pk, error or None)``; in this thread when concurrency is 1."""
        if concurrency <= 1:
            for pk in pks:
                yield pk, self.create_one(pk, account)
            return
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = {pool.submit(self.create_one_in_thread, pk, account): pk for pk in pks}
            for future in as_completed(futures):
                yield futures[future], future.result()

    @classmethod
    def create_one_in_thread(cls, pk: Any, account: models.Account | None) -> str | None:
        try:
            return cls.create_one(pk, account)
        finally:
            connections.close_all()  # worker threads own their connections

    @staticmethod
    def create_one(pk: Any, account: models.Account | None) -> str | None:
        from pinax_connect.actions import customers

        try:
            user = get_user_model().objects.get(pk=pk)
            call_with_backoff(customers.get_or_create, user, stripe_account=account)
            return None
        except Exception as exc:
            return str(exc)
