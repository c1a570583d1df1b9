"""One configuration of the webhook-pipeline benchmark (run by :mod:`benchmarks.pipeline`).

    python benchmarks/pipeline_worker.py --profile default --types account.updated --n 300 --out r.json

Run with ``PYTHONPATH`` set to the code tree being measured (this branch, or the
baseline commit extracted to a temp dir): ``pinax_connect`` and the ``benchmarks``
workloads are imported from there, and the JSON records which file was imported.
Django is configured here, not from a settings module, so both trees run under the
same settings:

* ``default``: Django's default SQLite settings (no OPTIONS): rollback journal,
  ``synchronous=FULL``, deferred transactions;
* ``wal``: ``init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"`` and
  ``transaction_mode="IMMEDIATE"`` (Django >= 5.1);
* ``postgresql``: the server at ``PINAX_CONNECT_TEST_DATABASE_URL``.

Each type: ``--n`` signed events through Django's test client, timed without any
instrumentation; then ``--count`` more with every statement counted (cursor
statements including BEGIN/SAVEPOINT/RELEASE, plus COMMIT/ROLLBACK, plus
PostgreSQL's implicit BEGIN) and every commit (explicit ones, and each write run
in autocommit, which commits by itself). ``--setup-only`` stops after the setup (used to
subtract the setup's fsyncs under strace).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from urllib.parse import unquote, urlsplit


def database(profile, path):
    if profile == "postgresql":
        url = urlsplit(os.environ["PINAX_CONNECT_TEST_DATABASE_URL"])
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(url.path.lstrip("/")) or "postgres",
            "USER": unquote(url.username or ""),
            "HOST": url.hostname or "",
            "PORT": str(url.port or ""),
        }
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if profile == "wal":
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return db


def configure(profile, path):
    import django
    from django.conf import settings

    settings.configure(
        DATABASES={"default": database(profile, path)},
        SECRET_KEY="bench",
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "pinax_connect"],
        MIDDLEWARE=[],
        ROOT_URLCONF="benchmarks.urls",
        PINAX_CONNECT_SECRET_KEY="sk_test_pinax_connect_bench",
        PINAX_CONNECT_WEBHOOK_SECRETS=["whsec_bench_platform"],
        LOGGING_CONFIG=None,
    )
    django.setup()


class Statements:
    """Counts every statement sent to the database (see the module docstring)."""

    def __init__(self, connection):
        self.connection = connection
        self.n = 0
        self.commits = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        if not self.connection.in_atomic_block and sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.commits += 1  # a write in autocommit is a transaction (and a commit) of its own
        return execute(sql, params, many, context)

    def __enter__(self):
        conn = self.connection
        self._wrapper = conn.execute_wrapper(self)
        self._wrapper.__enter__()
        self._commit, self._rollback = conn._commit, conn._rollback
        implicit_begin = conn.vendor == "postgresql"

        def commit():
            self.n += 2 if implicit_begin else 1
            self.commits += 1
            return self._commit()

        def rollback():
            self.n += 2 if implicit_begin else 1
            return self._rollback()

        conn._commit, conn._rollback = commit, rollback
        return self

    def __exit__(self, *exc):
        self.connection._commit, self.connection._rollback = self._commit, self._rollback
        self._wrapper.__exit__(*exc)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", choices=["default", "wal", "postgresql"], required=True)
    parser.add_argument("--types", default="account.updated,charge.succeeded,payout.paid")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--offset", type=int, default=0, help="first event index (distinct events per run)")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--bare", action="store_true", help="only the timed deliveries (for strace counts)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="pinax-pipeline-bench-")
    configure(args.profile, os.path.join(tmp, "bench.sqlite3"))

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    import pinax_connect
    from benchmarks import workloads
    from benchmarks.instrument import CountingFake
    from pinax_connect.actions import bulk
    from pinax_connect.client import use_http_client
    from pinax_connect.models import Account, Customer
    from pinax_connect.testing.webhooks import signed_webhook

    if connection.vendor == "postgresql":
        # Each run starts from an empty schema: the trees' migrations differ.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    fake = CountingFake()
    use_http_client(fake)
    accounts = 100
    workloads.seed(fake, "Account", accounts)
    workloads.seed(fake, "Customer", workloads.CUSTOMERS)
    bulk.sync_all(Account)
    bulk.sync_all(Customer)
    fake.reset()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            sync_mode = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
            settings_used = {"journal_mode": journal, "synchronous": sync_mode}
        else:
            settings_used = {}
            for name in ("fsync", "synchronous_commit", "server_version"):
                cursor.execute(f"SHOW {name}")
                settings_used[name] = cursor.fetchone()[0]
    result = {
        "profile": args.profile,
        "pinax_connect": os.path.dirname(pinax_connect.__file__),
        "database": {"vendor": connection.vendor, **settings_used},
        "options": connection.settings_dict.get("OPTIONS", {}),
        "types": {},
    }
    if not args.setup_only:
        client = Client()
        url = reverse("pinax_connect:webhook")
        secret = "whsec_bench_platform"
        for kind in args.types.split(","):
            events = workloads.webhook_events(kind, args.n + args.count, accounts=accounts, offset=args.offset)
            signed = [signed_webhook(e, secret) for e in events]
            outcomes = {}
            start = time.perf_counter()
            for payload, header in signed[: args.n]:
                response = client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
                key = f"{response.status_code} {response.content.decode()}"
                outcomes[key] = outcomes.get(key, 0) + 1
            wall = time.perf_counter() - start
            if args.bare:
                result["types"][kind] = {"n": args.n, "events_per_s": round(args.n / wall, 1), "outcomes": outcomes}
                continue
            with Statements(connection) as counter:
                for payload, header in signed[args.n :]:
                    client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
            # A duplicate of the last one.
            with Statements(connection) as duplicate:
                response = client.post(url, data=signed[-1][0], content_type="application/json",
                                       HTTP_STRIPE_SIGNATURE=signed[-1][1])
            result["types"][kind] = {
                "n": args.n,
                "seconds": round(wall, 3),
                "events_per_s": round(args.n / wall, 1),
                "statements_per_event": round(counter.n / max(args.count, 1), 2),
                "commits_per_event": round(counter.commits / max(args.count, 1), 2),
                "duplicate_statements": duplicate.n,
                "duplicate_response": f"{response.status_code} {response.content.decode()}",
                "outcomes": outcomes,
            }
            print(f"    {args.profile} {kind}: {result['types'][kind]['events_per_s']}/s, "
                  f"{result['types'][kind]['statements_per_event']} statements/event", file=sys.stderr, flush=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
