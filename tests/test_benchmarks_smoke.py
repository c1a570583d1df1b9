"""The benchmark code paths at tiny sizes, so ``make bench`` does not rot.

Only deterministic counts are asserted (list calls, SQL queries, API calls,
responses), never times: the figures themselves come from ``make bench``.
"""
import math

import pytest

from benchmarks import bench_sync, bench_webhooks, workloads
from benchmarks.instrument import CountingFake
from pinax_connect.actions import bulk
from pinax_connect.client import http_client_override
from pinax_connect.models import Account, Customer, Event

pytestmark = pytest.mark.django_db

N = 200  # objects per bulk sync (two list pages)
SMALL = 100  # objects per per-object sync and memory run (the slow paths)
EVENTS = 20  # events per webhook type
# Lookups of linked rows per page in the bulk path: charges look up their
# destination accounts and their customers (one query each per page).
LOOKUPS = {"accounts": 0, "charges": 2}
# Queries per object in the per-object path: lookups, SELECT, INSERT.
# A new object: the UPDATE that finds no row, then the INSERT (linked rows found by sub-selects).
PER_OBJECT = {"accounts": 2, "charges": 2}


@pytest.fixture
def fake():
    fake = CountingFake()
    with http_client_override(fake):
        yield fake


def test_webhook_events_cost_at_most_8_queries_and_no_api_call(fake):
    workloads.seed(fake, "Account", 10)
    workloads.seed(fake, "Customer", workloads.CUSTOMERS)
    bulk.sync_all(Account)
    bulk.sync_all(Customer)
    fake.reset()
    for kind in workloads.EVENT_TYPES:
        row = bench_webhooks.through_test_client(kind, workloads.webhook_events(kind, EVENTS, accounts=10), fake)
        assert row["outcomes"] == {"200 processed": EVENTS}, kind
        assert row["max_queries_per_event"] <= 8, kind
        assert row["max_api_calls_per_event"] == 0, kind
    assert Event.objects.filter(status=Event.PROCESSED).count() == 3 * EVENTS
    assert fake.requests == []


@pytest.mark.parametrize("resource", sorted(bench_sync.RESOURCES))
def test_bulk_sync_costs_one_list_call_and_a_fixed_number_of_queries_per_page(fake, resource):
    row = bench_sync.run(fake, resource, N, "bulk")
    assert row["mirrored"] == N
    assert row["list_calls"] == row["api_calls"] == row["pages"] == math.ceil(N / 100)
    # SELECT of the existing rows + lookups + the INSERT (split where the backend caps parameters).
    assert row["queries_per_page_max"] == 1 + LOOKUPS[resource] + row["insert_batches_per_page"]
    again = bench_sync.resync(fake, resource)
    assert again["written"] == 0
    assert again["list_calls"] == math.ceil(N / 100)


@pytest.mark.parametrize("resource", sorted(bench_sync.RESOURCES))
def test_per_object_sync_costs_queries_per_object(fake, resource):
    row = bench_sync.run(fake, resource, SMALL, "per_object")
    assert row["mirrored"] == SMALL
    assert row["list_calls"] == row["api_calls"] == math.ceil(SMALL / 100)
    assert row["queries_per_object"] == PER_OBJECT[resource]


def test_peak_memory_is_measured(fake):
    row = bench_sync.peak_memory(fake, "charges", SMALL)
    assert row["peak_bytes"] > 0
    assert Account.objects.exists()
