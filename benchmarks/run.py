"""One benchmark run on one database: ``python -m benchmarks.run --out results/sqlite.json``.

The database comes from :mod:`benchmarks.settings` (PostgreSQL when
``PINAX_CONNECT_TEST_DATABASE_URL`` is set, else a fresh SQLite file in a temp
dir). Tables are created with ``migrate``; rows are removed between workloads.
``--scale full|reduced|quick`` picks the sizes (``BENCH_QUICK=1``: quick, a smoke run).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

# Sizes per scale: "full" (SQLite in `make bench`), "reduced" (PostgreSQL in
# `make bench`: the 50k runs and the memory runs measure costs that do not depend
# on the database, the stripe-python objects and our mapping), "quick" (BENCH_QUICK=1).
SIZES = {
    "full": {
        "events": 1000,
        "bulk": (1_000, 10_000, 50_000),
        "per_object": (1_000, 10_000),
        "resync": 10_000,
        # tracemalloc slows Python down ~2x: traced runs cost as much as the timed
        # ones, so the default run traces the charges only (accounts in quick runs).
        "memory": {"charges": (10_000, 50_000)},
    },
    "reduced": {"events": 1000, "bulk": (1_000, 10_000), "per_object": (1_000,), "resync": 10_000, "memory": {}},
    "quick": {"events": 200, "bulk": (200, 1_000), "per_object": (200,), "resync": 1_000,
              "memory": {"accounts": (200, 1_000), "charges": (200, 1_000)}},
}
WEBHOOK_ACCOUNTS = 100  # sellers the webhook events are about
CONCURRENCY = 4  # load generator threads against the HTTP server


def sizes(name, scale):
    return SIZES[scale][name]


def log(message):
    print(f"    {message}", file=sys.stderr, flush=True)


def run_webhooks(fake, scale, results):
    from pinax_connect.actions import bulk
    from pinax_connect.models import Account, Customer

    from . import bench_webhooks, workloads
    from .bench_sync import empty_mirror

    n = sizes("events", scale)
    empty_mirror()
    fake.reset()
    workloads.seed(fake, "Account", WEBHOOK_ACCOUNTS)
    workloads.seed(fake, "Customer", workloads.CUSTOMERS)
    bulk.sync_all(Account)
    bulk.sync_all(Customer)
    fake.reset()  # events must be applied from their payload alone
    fake.reset_counters()
    for kind in workloads.EVENT_TYPES:
        events = workloads.webhook_events(kind, n, accounts=WEBHOOK_ACCOUNTS)
        row = bench_webhooks.through_test_client(kind, events, fake)
        log(f"webhooks test_client {kind}: {row['events_per_s']}/s, {row['queries_per_event']} queries/event")
        results["webhooks"].append(row)
    with bench_webhooks.Server() as server:
        for kind in workloads.EVENT_TYPES:
            events = workloads.webhook_events(kind, n, accounts=WEBHOOK_ACCOUNTS, offset=n)
            row = bench_webhooks.through_http(kind, events, server, concurrency=CONCURRENCY)
            log(f"webhooks http {kind}: {row['events_per_s']}/s, {row['queries_per_event']} queries/event")
            results["webhooks"].append(row)


def run_sync(fake, scale, results):
    from . import bench_sync

    for resource in bench_sync.RESOURCES:
        for n in sizes("bulk", scale):
            row = bench_sync.run(fake, resource, n, "bulk")
            log(f"sync bulk {resource} {n}: {row['objects_per_s']}/s")
            results["sync"].append(row)
            if n == sizes("resync", scale):
                row = bench_sync.resync(fake, resource)
                log(f"sync bulk_resync {resource} {n}: {row['objects_per_s']}/s")
                results["sync"].append(row)
        for n in sizes("per_object", scale):
            row = bench_sync.run(fake, resource, n, "per_object")
            log(f"sync per_object {resource} {n}: {row['objects_per_s']}/s")
            results["sync"].append(row)
        for n in sizes("memory", scale).get(resource, ()):
            row = bench_sync.peak_memory(fake, resource, n)
            log(f"memory bulk {resource} {n}: {row['peak_bytes'] / 1e6:.1f} MB")
            results["memory"].append(row)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", help="write the results (JSON) here")
    parser.add_argument("--scale", choices=sorted(SIZES), default=None,
                        help="sizes to run (default: full, or quick when BENCH_QUICK=1)")
    parser.add_argument("--parts", default="webhooks,sync", help="comma-separated: webhooks, sync")
    args = parser.parse_args(argv)
    scale = args.scale or (
        "quick" if os.environ.get("BENCH_QUICK") == "1" else os.environ.get("BENCH_SCALE") or "full"
    )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    tmp = None
    if not os.environ.get("PINAX_CONNECT_TEST_DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="pinax-connect-bench-")
        os.environ["PINAX_BENCH_SQLITE"] = os.path.join(tmp, "bench.sqlite3")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from pinax_connect.client import use_http_client

        from . import machine, report
        from .instrument import CountingFake

        call_command("migrate", verbosity=0)
        fake = CountingFake()
        use_http_client(fake)
        results = {
            "scale": scale,
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "taken_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": machine.describe(),
            "webhooks": [],
            "sync": [],
            "memory": [],
        }
        parts = set(args.parts.split(","))
        started = time.perf_counter()
        if "webhooks" in parts:
            run_webhooks(fake, scale, results)
        if "sync" in parts:
            run_sync(fake, scale, results)
        results["run_seconds"] = round(time.perf_counter() - started, 1)
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        if args.out:
            os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
            with open(args.out, "w") as f:
                json.dump(results, f, indent=2, sort_keys=True)
                f.write("\n")
        print(report.render([results]), file=sys.stderr)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
