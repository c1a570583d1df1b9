"""Full sync of N objects from the fake Stripe: the bulk path against per-object syncs.

* ``bulk`` — :func:`pinax_connect.actions.bulk.sync_all` (one ``bulk_upsert`` per
  list page of 100: a SELECT of the existing rows, the lookups of linked rows, one
  INSERT (or a few on SQLite, see :func:`insert_batches_per_page`) and one UPDATE).
* ``per_object`` — the same list pages, each object then passed to the model's
  ``sync_<model>_from_stripe_object`` (the webhook path), as a naive full sync would.

Each run starts from an empty mirror and a fake holding exactly N objects (seeded
directly, see :mod:`benchmarks.workloads`). Reported: objects/s (wall clock, and
without the time spent inside the fake answering the list calls — real Stripe
would cost network round trips instead), list calls, SQL per page, and with
:func:`peak_memory` the tracemalloc peak of a run.
"""
import gc
import math
import time
import tracemalloc

from django.core.management.color import no_style
from django.db import connection

from pinax_connect.actions import accounts, bulk, charges
from pinax_connect.client import get_client
from pinax_connect.models import Account, Charge, Customer

from . import workloads
from .instrument import QueryCounter

PAGE = 100
SELLERS = 1000  # charges are spread over at most this many destination accounts

RESOURCES = {
    # name: (model, list service, per-object sync function)
    "accounts": (Account, "accounts", accounts.sync_account_from_stripe_object),
    "charges": (Charge, "charges", charges.sync_charge_from_stripe_object),
}


def empty_mirror():
    """Delete every pinax_connect row (one flush statement per table, no per-row signals)."""
    from django.apps import apps

    tables = [m._meta.db_table for m in apps.get_app_config("pinax_connect").get_models()]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))


def insert_batches_per_page(model, page=PAGE):
    """INSERT statements Django needs for one page of ``model``: 1, unless the backend
    caps query parameters (SQLite: 999 variables, so a wide table's 100 rows are split)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, [None] * page)
    return math.ceil(page / size)


def prepare(fake, resource, n):
    """An empty mirror, and a fake holding exactly ``n`` objects of ``resource``.

    For charges the sellers and customers they link to are mirrored first (not
    measured), so the lookups find them as they would in a live marketplace.
    """
    empty_mirror()
    fake.reset()
    if resource == "accounts":
        workloads.seed(fake, "Account", n)
        return
    sellers = min(n, SELLERS)
    workloads.seed(fake, "Account", sellers)
    workloads.seed(fake, "Customer", workloads.CUSTOMERS)
    bulk.sync_all(Account)
    bulk.sync_all(Customer)
    workloads.seed(fake, "Charge", n, accounts=sellers)


def per_object_sync(resource, progress=None):
    """List every object (pages of 100) and mirror each with its single-object sync."""
    _, service_name, sync_one = RESOURCES[resource]
    service = getattr(get_client().v1, service_name)
    params = {"limit": PAGE}
    while True:
        page = service.list(params=params)
        for obj in page.data:
            sync_one(obj)
        if progress:
            progress(len(page.data))
        if not page.has_more or not page.data:
            return
        params = {**params, "starting_after": page.data[-1].id}


def run(fake, resource, n, path):
    """Mirror ``n`` objects of ``resource`` by ``path`` ("bulk" / "per_object"); return a result row."""
    model = RESOURCES[resource][0]
    prepare(fake, resource, n)
    fake.reset_counters()
    requests_before = len(fake.requests)
    marks = []
    counter = QueryCounter()

    def progress(done):
        marks.append((counter.queries, counter.statements))

    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    with counter:
        if path == "bulk":
            bulk.sync_all(model, progress=progress)
        else:
            per_object_sync(resource, progress=progress)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    requests = fake.requests[requests_before:]
    pages_q = [b[0] - a[0] for a, b in zip([(0, 0)] + marks, marks)]
    pages_s = [b[1] - a[1] for a, b in zip([(0, 0)] + marks, marks)]
    mirrored = model.objects.count()
    library = wall - fake.total_seconds
    return {
        "resource": resource,
        "path": path,
        "n": n,
        "mirrored": mirrored,
        "seconds": round(wall, 3),
        "objects_per_s": round(n / wall, 1),
        "cpu_seconds": round(cpu, 3),
        "objects_per_cpu_s": round(n / cpu, 1),
        "fake_seconds": round(fake.total_seconds, 3),
        "objects_per_s_without_fake": round(n / library, 1) if library > 0 else None,
        "list_calls": sum(1 for r in requests if r.method == "GET" and r.route_pattern == f"/v1/{resource}"),
        "api_calls": len(requests),
        "expected_list_calls": math.ceil(n / PAGE),
        "pages": len(marks),
        "queries_per_page_max": max(pages_q),
        "queries_per_page_mean": round(sum(pages_q) / len(pages_q), 2),
        "statements_per_page_max": max(pages_s),
        "queries_per_object": round(counter.queries / n, 2),
        "statements": dict(sorted(counter.kinds.items())),
        "insert_batches_per_page": insert_batches_per_page(model),
    }


def resync(fake, resource):
    """Sync again what the previous :func:`run` mirrored, nothing having changed (bulk path)."""
    model = RESOURCES[resource][0]
    fake.reset_counters()
    counter = QueryCounter()
    n = model.objects.count()
    start, cpu = time.perf_counter(), time.process_time()
    with counter:
        created, updated = bulk.sync_all(model)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "resource": resource,
        "path": "bulk_resync",
        "n": n,
        "seconds": round(wall, 3),
        "objects_per_s": round(n / wall, 1),
        "cpu_seconds": round(cpu, 3),
        "objects_per_cpu_s": round(n / cpu, 1),
        "objects_per_s_without_fake": round(n / (wall - fake.total_seconds), 1),
        "list_calls": fake.total_calls,
        "expected_list_calls": math.ceil(n / PAGE),
        "written": created + updated,
        "queries_per_page_max": None,
        "queries_per_object": round(counter.queries / n, 3),
        "statements": dict(sorted(counter.kinds.items())),
    }


def peak_memory(fake, resource, n):
    """The tracemalloc peak (bytes above what was allocated before) of a bulk sync of ``n``.

    A separate run, because tracemalloc slows Python down: the timed runs are not traced.
    """
    model = RESOURCES[resource][0]
    prepare(fake, resource, n)
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        bulk.sync_all(model)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {"resource": resource, "path": "bulk", "n": n, "peak_bytes": peak - baseline}
