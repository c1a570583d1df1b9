"""pinax_connect_prune_events: payloads of old processed events are dropped, rows kept."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pinax_connect.models import Event
from pinax_connect.webhooks import processing

from .conftest import account_object, make_event

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("pinax_connect_prune_events", *args, stdout=out)
    return out.getvalue()


def age(event_id, days):
    Event.objects.filter(stripe_id=event_id).update(received_at=timezone.now() - datetime.timedelta(days=days))


@pytest.fixture
def events(register_handler):
    def broken(event, source, subtype):
        raise RuntimeError("no")

    register_handler("invoice.payment_failed", broken)
    old = make_event("account.updated", account_object("acct_pii", email="seller@example.com"), account="acct_pii")
    recent = make_event("account.updated", account_object("acct_new"), account="acct_new")
    failed = make_event("invoice.payment_failed", {"id": "in_1", "object": "invoice"})
    for data in (old, recent, failed):
        processing.deliver(data)
    age(old["id"], 40)
    age(failed["id"], 40)
    return old, recent, failed


def test_dry_run_counts_and_changes_nothing(events):
    assert "Would prune 1 event payload(s)" in run("--dry-run")
    assert not Event.objects.filter(pruned_at__isnull=False).exists()


def test_old_processed_payloads_are_emptied_rows_and_dedup_kept(events, settings):
    old, recent, failed = events
    settings.PINAX_CONNECT_EVENT_RETENTION = datetime.timedelta(days=30)
    assert "Pruned 1 event payload(s)" in run()

    pruned = Event.objects.get(stripe_id=old["id"])
    assert pruned.payload == {} and pruned.pruned_at is not None
    assert (pruned.type, pruned.status, pruned.account) == ("account.updated", Event.PROCESSED, "acct_pii")
    assert "seller@example.com" not in str(Event.objects.filter(stripe_id=old["id"]).values().get())
    assert Event.objects.get(stripe_id=recent["id"]).payload == recent
    assert Event.objects.get(stripe_id=failed["id"]).payload == failed  # may still be retried
    # A redelivery of the pruned event is still a duplicate: nothing applied again.
    assert processing.deliver(old)[1] == "skipped"
    assert Event.objects.get(stripe_id=old["id"]).deliveries == 2
    assert "Pruned 0" in run()  # idempotent


def test_batches_cover_every_event():
    for n in range(7):
        processing.deliver(make_event("invoice.paid", {"id": f"in_{n}", "object": "invoice"}))
    Event.objects.update(received_at=timezone.now() - datetime.timedelta(days=2))
    output = run("--days", "1", "--batch-size", "3")
    assert "Pruned 7 event payload(s)" in output
    assert not Event.objects.exclude(payload={}).exists()


def test_retention_none_keeps_everything(events, settings):
    settings.PINAX_CONNECT_EVENT_RETENTION = None
    assert "nothing to do" in run()
    assert not Event.objects.filter(pruned_at__isnull=False).exists()


def test_bad_retention_is_refused(settings):
    settings.PINAX_CONNECT_EVENT_RETENTION = "30d"
    with pytest.raises(CommandError):
        run()
