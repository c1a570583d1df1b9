"""The single write path for mirror rows: upsert, watermark, bulk pages."""
import datetime
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pinax_connect import sync
from pinax_connect.models import Account

pytestmark = pytest.mark.django_db


def account_columns(data, lookups=None):
    return {"email": data.get("email") or "", "charges_enabled": bool(data.get("charges_enabled"))}


def acct(i, **extra):
    return {"id": f"acct_{i}", "object": "account", "created": 1700000000 + i, "livemode": False, **extra}


def test_upsert_creates_then_updates():
    row = sync.upsert(Account, acct(1, email="a@x.test"), account_columns(acct(1, email="a@x.test")))
    assert row.pk and row.email == "a@x.test"
    assert row.created == datetime.datetime(2023, 11, 14, 22, 13, 21, tzinfo=datetime.timezone.utc)
    assert row.stripe_data["email"] == "a@x.test" and row.synced_at is not None
    again = sync.upsert(Account, acct(1, email="b@x.test"), account_columns(acct(1, email="b@x.test")))
    assert again.pk == row.pk
    assert Account.objects.get().email == "b@x.test"


def test_older_event_does_not_overwrite_newer_state():
    t = 1800000000
    sync.upsert(Account, acct(1, email="new"), {"email": "new"}, event_created=t)
    stale = sync.upsert(Account, acct(1, email="old"), {"email": "old"}, event_created=t - 5)
    assert stale.email == "new"
    row = Account.objects.get()
    assert row.email == "new" and row.stripe_data["email"] == "new"
    assert row.last_event_created == sync.stripe_datetime(t)
    sync.upsert(Account, acct(1, email="newer"), {"email": "newer"}, event_created=t + 1)
    assert Account.objects.get().email == "newer"


def test_same_second_events_apply_in_arrival_order():
    t = 1800000000
    sync.upsert(Account, acct(1, email="first"), {"email": "first"}, event_created=t)
    sync.upsert(Account, acct(1, email="second"), {"email": "second"}, event_created=t)
    assert Account.objects.get().email == "second"


def test_an_api_read_does_not_move_the_watermark():
    t = 1800000000
    sync.upsert(Account, acct(1, email="event"), {"email": "event"}, event_created=t)
    row = sync.upsert(Account, acct(1, email="read"), {"email": "read"})  # from an API response
    assert row.email == "read"
    row.refresh_from_db()
    assert row.email == "read" and row.last_event_created == sync.stripe_datetime(t)
    # Events older than the last applied event are still refused after the read...
    sync.upsert(Account, acct(1, email="older"), {"email": "older"}, event_created=t - 1)
    assert Account.objects.get().email == "read"
    # ...and a newer one applies, whatever our own clock says.
    sync.upsert(Account, acct(1, email="newer"), {"email": "newer"}, event_created=t + 1)
    assert Account.objects.get().email == "newer"


def test_a_row_first_seen_through_an_api_read_accepts_any_event():
    sync.upsert(Account, acct(1, email="read"), {"email": "read"})
    assert Account.objects.get().last_event_created is None
    sync.upsert(Account, acct(1, email="event"), {"email": "event"}, event_created=1)
    assert Account.objects.get().email == "event"


def test_is_stale():
    row = Account(last_event_created=sync.stripe_datetime(100))
    assert sync.is_stale(row, 99)
    assert not sync.is_stale(row, 100)
    assert not sync.is_stale(row, None)
    assert not sync.is_stale(Account(), 1)


def test_helpers():
    assert sync.object_id(None) is None
    assert sync.object_id("cus_1") == "cus_1"
    assert sync.object_id({"id": "cus_2", "object": "customer"}) == "cus_2"
    assert sync.stripe_datetime(None) is None
    assert sync.to_dict({"a": 1}) == {"a": 1}


def test_bulk_upsert_page_costs_three_queries_and_skips_unchanged():
    page = [acct(i, email=f"{i}@x.test") for i in range(100)]
    Account.objects.create(stripe_id="acct_0", stripe_data={"stale": True})
    with CaptureQueriesContext(connection) as ctx:
        created, updated = sync.bulk_upsert(Account, page, account_columns)
    assert (created, updated) == (99, 1)
    statements = [q["sql"].split()[0] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        assert statements == ["SELECT", "INSERT", "UPDATE"]
    else:
        # Django caps SQLite statements at 999 parameters, so one bulk INSERT of
        # 99 accounts is split into batches; still one SELECT and one UPDATE.
        fields = [f for f in Account._meta.concrete_fields if not f.primary_key]
        batches = -(-99 // connection.ops.bulk_batch_size(fields, [None] * 99))
        assert statements == ["SELECT"] + ["INSERT"] * batches + ["UPDATE"]
    assert Account.objects.count() == 100
    assert Account.objects.get(stripe_id="acct_42").email == "42@x.test"
    with CaptureQueriesContext(connection) as ctx:
        assert sync.bulk_upsert(Account, page, account_columns) == (0, 0)
    assert len(ctx.captured_queries) == 1  # the SELECT; nothing written


def test_sync_all_pages_with_starting_after():
    objects = [acct(i) for i in range(250)]
    calls = []

    def list_method(params, options):
        calls.append(dict(params))
        start = 0
        if "starting_after" in params:
            start = [o["id"] for o in objects].index(params["starting_after"]) + 1
        chunk = objects[start : start + params["limit"]]
        return {"object": "list", "data": chunk, "has_more": start + len(chunk) < len(objects)}

    seen = []
    assert sync.sync_all(Account, list_method, account_columns, progress=seen.append) == (250, 0)
    assert len(calls) == 3 and seen == [100, 100, 50]
    assert calls[1]["starting_after"] == "acct_99"
    assert Account.objects.count() == 250


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_make_one_row():
    barrier = threading.Barrier(8)
    errors = []

    def work(n):
        try:
            barrier.wait()
            sync.upsert(Account, acct(7, email=f"w{n}"), {"email": f"w{n}"})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Account.objects.filter(stripe_id="acct_7").count() == 1
