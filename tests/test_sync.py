"""The single write path for mirror rows: upsert, watermark, bulk pages."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pinax_connect import sync, upserts
from pinax_connect.models import Account, Charge, Customer

from .threads import run_threads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["returning", "select-then-write"])
def write_path(request, monkeypatch):
    """Every test runs on both write paths: INSERT/UPDATE … RETURNING, and the
    select-then-write path of databases without RETURNING (SQLite < 3.35, MySQL)."""
    if request.param == "select-then-write":
        monkeypatch.setattr(upserts, "supported", lambda: False)
    elif not upserts.supported():  # pragma: no cover - an old SQLite
        pytest.skip("this database has no INSERT … RETURNING")
    return request.param


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


def test_a_new_row_sends_post_save_created_and_an_update_sends_none():
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.stripe_id, instance.email, created, instance.pk is not None))

    post_save.connect(receiver, sender=Account)
    try:
        sync.upsert(Account, acct(1, email="a@x.test"), {"email": "a@x.test"}, event_created=1800000000)
        sync.upsert(Account, acct(1, email="b@x.test"), {"email": "b@x.test"}, event_created=1800000001)
    finally:
        post_save.disconnect(receiver, sender=Account)
    assert seen == [("acct_1", "a@x.test", True, True)]


def test_the_row_returned_is_the_row_stored():
    Customer.objects.create(stripe_id="cus_1")
    data = {"id": "ch_1", "object": "charge", "created": 1700000000, "livemode": False, "metadata": {"k": "v"}}
    columns = {"amount": Decimal("12.5"), "currency": "usd", "customer": upserts.Ref(Customer, "cus_1"), "paid": True}
    row = sync.upsert(Charge, data, columns, event_created=1700000000)
    stored = Charge.objects.get()
    for field in Charge._meta.concrete_fields:
        assert getattr(row, field.attname) == getattr(stored, field.attname), field.name
    assert row.amount == Decimal("12.5") and row.paid is True
    assert row.stripe_data["metadata"] == {"k": "v"} and row.customer.stripe_id == "cus_1"


def test_a_ref_is_the_row_of_that_stripe_id_or_null():
    Account.objects.create(stripe_id="acct_dest")
    charge = {"id": "ch_1", "object": "charge", "created": 1700000000, "livemode": False}
    row = sync.upsert(Charge, charge, {
        "amount": 1, "destination": upserts.Ref(Account, "acct_dest"), "customer": upserts.Ref(Customer, "cus_unknown"),
    })
    assert row.destination.stripe_id == "acct_dest" and row.customer_id is None
    Customer.objects.create(stripe_id="cus_unknown")
    row = sync.upsert(Charge, charge, {"amount": 1, "customer": upserts.Ref(Customer, "cus_unknown")})
    assert Charge.objects.get().customer.stripe_id == "cus_unknown" == row.customer.stripe_id


def test_a_newer_event_is_one_statement_and_a_new_row_two(write_path):
    if write_path != "returning":
        pytest.skip("the select-then-write path reads first")
    Account.objects.create(stripe_id="acct_dest")
    charge = {"id": "ch_1", "object": "charge", "created": 1700000000, "livemode": False}
    with CaptureQueriesContext(connection) as ctx:
        columns = {"amount": 1, "destination": upserts.Ref(Account, "acct_dest")}
        sync.upsert(Charge, charge, columns, event_created=1700000000)
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["UPDATE", "INSERT"]
    with CaptureQueriesContext(connection) as ctx:
        sync.upsert(Charge, charge, {"amount": 1, "status": "succeeded"}, event_created=1700000001)
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["UPDATE"]
    assert Charge.objects.get().status == "succeeded"


def test_bulk_upsert_finds_refs_with_one_query_per_model():
    Account.objects.create(stripe_id="acct_dest")
    Customer.objects.create(stripe_id="cus_1")
    page = [{"id": f"ch_{i}", "object": "charge", "created": 1700000000 + i, "livemode": False} for i in range(20)]

    def columns(data, lookups):
        return {
            "amount": 1,
            "destination": upserts.Ref(Account, "acct_dest"),
            "customer": upserts.Ref(Customer, f"cus_{data['id'][3:]}"),
        }

    with CaptureQueriesContext(connection) as ctx:
        assert sync.bulk_upsert(Charge, page, columns) == (20, 0)
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 3, selects  # the page's rows, the accounts, the customers
    assert Charge.objects.filter(destination__stripe_id="acct_dest").count() == 20
    assert list(Charge.objects.exclude(customer=None).values_list("stripe_id", flat=True)) == ["ch_1"]


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_events_leave_the_newest_state():
    t = 1800000000
    _results, errors = run_threads(
        lambda n: sync.upsert(Account, acct(7, email=f"w{n}"), {"email": f"w{n}"}, event_created=t + n), 8
    )
    assert errors == []
    row = Account.objects.get(stripe_id="acct_7")
    assert (row.email, row.last_event_created) == ("w7", sync.stripe_datetime(t + 7))


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_make_one_row():
    _results, errors = run_threads(lambda n: sync.upsert(Account, acct(7, email=f"w{n}"), {"email": f"w{n}"}), 8)
    assert errors == []
    assert Account.objects.filter(stripe_id="acct_7").count() == 1
