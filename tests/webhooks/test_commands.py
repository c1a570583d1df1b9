"""pinax_connect_replay_events and pinax_connect_fetch_events."""
import io

import pytest
from django.core.management import CommandError, call_command

from pinax_connect.client import get_client
from pinax_connect.models import Account, Customer, Event
from pinax_connect.webhooks import processing, storage

from .conftest import account_object, make_event

pytestmark = pytest.mark.django_db


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def store(event_type, obj=None, **kwargs):
    return storage.store(make_event(event_type, obj or {"id": "in_1", "object": "invoice"}, **kwargs))[0]


@pytest.fixture
def flaky(register_handler):
    """A handler on invoice.* that fails while ``flaky["broken"]``; counts its runs."""
    state = {"broken": True, "runs": []}

    def handler(event, source, subtype):
        state["runs"].append(event.stripe_id)
        if state["broken"]:
            raise RuntimeError("broken")

    register_handler("invoice", handler)
    return state


def test_replay_needs_a_selection():
    with pytest.raises(CommandError):
        run("pinax_connect_replay_events")


def test_replay_failed_fixes_failed_events_only(flaky):
    failed = store("invoice.paid", created=1700000000)
    processing.process_event(failed)
    flaky["broken"] = False
    ok = store("invoice.created")
    processing.process_event(ok)
    flaky["runs"].clear()

    output = run("pinax_connect_replay_events", "--failed")

    assert flaky["runs"] == [failed.stripe_id]
    assert Event.objects.get(pk=failed.pk).status == Event.PROCESSED
    assert "Replayed 1 event(s): 1 processed." in output


def test_replay_filters_by_type_ids_and_since(flaky):
    flaky["broken"] = False
    old = store("invoice.paid", created=1600000000)  # 2020-09-13
    new = store("invoice.paid", created=1700000000)  # 2023-11-14
    other = store("invoice.created", created=1700000000)
    unrelated = store("payout.paid", {"id": "po_1", "object": "payout"}, created=1700000000)
    for event in (old, new, other, unrelated):
        Event.objects.filter(pk=event.pk).update(status=Event.PROCESSED)

    run("pinax_connect_replay_events", "--type", "invoice.paid", "--since", "2021-01-01")
    assert flaky["runs"] == [new.stripe_id]

    flaky["runs"].clear()
    run("pinax_connect_replay_events", "--type", "invoice")
    assert sorted(flaky["runs"]) == sorted([old.stripe_id, new.stripe_id, other.stripe_id])

    flaky["runs"].clear()
    run("pinax_connect_replay_events", "--ids", other.stripe_id, old.stripe_id)
    assert flaky["runs"] == [old.stripe_id, other.stripe_id]  # oldest first


def test_replay_since_rejects_a_bad_date():
    with pytest.raises(CommandError):
        run("pinax_connect_replay_events", "--since", "last tuesday")


def test_replay_flagged_applies_events_once_their_account_is_mirrored(recorder):
    recorder.listen("customer.created", signal=False)
    event = store("customer.created", {"id": "cus_1", "object": "customer"}, account="acct_late")
    assert run("pinax_connect_replay_events", "--flagged").endswith("1 flagged.\n")
    Account.objects.create(stripe_id="acct_late")
    run("pinax_connect_replay_events", "--flagged")
    assert recorder.handled == [(event.stripe_id, "customer.created", "")]
    assert Event.objects.get().flag == ""


def test_replay_reports_failures(flaky):
    processing.process_event(store("invoice.paid"))
    out, err = io.StringIO(), io.StringIO()
    call_command("pinax_connect_replay_events", "--failed", stdout=out, stderr=err)
    assert "1 failed" in out.getvalue() and "failed again" in err.getvalue()


def test_fetch_events_stores_and_processes_what_we_missed(fake_stripe):
    stripe = get_client().v1
    acct = stripe.accounts.create(
        {"type": "custom", "country": "US", "capabilities": {"transfers": {"requested": True}}}
    ).id
    Account.objects.create(stripe_id=acct, stripe_data=account_object(acct))
    platform_customer = stripe.customers.create({"email": "p@example.com"}).id
    direct_customer = stripe.customers.create({"email": "d@example.com"}, {"stripe_account": acct}).id
    already = next(e for e in fake_stripe.events if e["data"]["object"]["id"] == platform_customer)
    storage.store(already)

    output = run("pinax_connect_fetch_events", "--since", "2020-01-01")

    stored_ids = set(Event.objects.values_list("stripe_id", flat=True))
    assert stored_ids == {e["id"] for e in fake_stripe.events}
    assert Event.objects.get(stripe_id=already["id"]).deliveries == 1
    direct_event = Event.objects.get(type="customer.created", account=acct)
    assert direct_event.status == Event.PROCESSED
    assert Customer.objects.get(stripe_id=direct_customer).stripe_account.stripe_id == acct
    # The event we already had is neither counted as a delivery nor processed again.
    assert Event.objects.get(stripe_id=already["id"]).status == Event.RECEIVED
    assert not Customer.objects.filter(stripe_id=platform_customer).exists()
    assert "Read 2 event list(s)" in output

    # Nothing new the second time.
    before = Event.objects.count()
    assert "stored 0 missing event(s)" in run("pinax_connect_fetch_events", "--since", "2020-01-01")
    assert Event.objects.count() == before


def test_fetch_events_no_process_and_account_filter(fake_stripe):
    stripe = get_client().v1
    acct = stripe.accounts.create(
        {"type": "custom", "country": "US", "capabilities": {"transfers": {"requested": True}}}
    ).id
    Account.objects.create(stripe_id=acct)
    stripe.customers.create({"email": "p@example.com"})
    stripe.customers.create({"email": "d@example.com"}, {"stripe_account": acct})

    run("pinax_connect_fetch_events", "--since", "2020-01-01", "--account", acct, "--no-process")

    assert set(Event.objects.values_list("account", flat=True)) == {acct}
    assert set(Event.objects.values_list("status", flat=True)) == {Event.RECEIVED}


def test_fetch_events_refuses_too_many_types(fake_stripe):
    args = ["--since", "2020-01-01"] + [arg for n in range(21) for arg in ("--type", f"t{n}.x")]
    with pytest.raises(CommandError):
        run("pinax_connect_fetch_events", *args)
    assert fake_stripe.requests == []
