"""A failing signal receiver: recorded on the event, shown in the admin, retried alone."""
import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from pinax_connect.models import Event
from pinax_connect.webhooks import processing, receivers, retries

from .conftest import make_event

pytestmark = pytest.mark.django_db(transaction=True)


class Receivers:
    """Two receivers of invoice.paid: ``grant`` (fails while ``broken``) and ``notify``; both count calls."""

    def __init__(self):
        self.broken = True
        self.calls = []

    def grant(self, sender, event, stripe_object, **kwargs):
        self.calls.append("grant")
        if self.broken:
            raise RuntimeError("grant service down")

    def notify(self, sender, event, stripe_object, **kwargs):
        self.calls.append("notify")


GRANT = f"{__name__}.Receivers.grant"


@pytest.fixture
def two(connect_receiver):
    rec = Receivers()
    connect_receiver("invoice.paid", rec.grant)
    connect_receiver("invoice.paid", rec.notify)
    return rec



def test_a_failing_receiver_is_recorded_the_others_run_and_stripe_is_asked_to_redeliver(
    two, stripe_webhook_client, caplog
):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    with caplog.at_level(logging.ERROR, logger="pinax_connect"):
        response = stripe_webhook_client(event)

    assert (response.status_code, response.content) == (500, b"failed")
    assert two.calls == ["grant", "notify"]
    stored = Event.objects.get()
    assert stored.status == Event.FAILED and stored.processed_at is not None  # handlers' work kept
    assert stored.receiver_errors == {GRANT: "RuntimeError: grant service down"}
    assert stored.next_attempt_at is not None and stored.attempts == 1
    assert any(GRANT in r.getMessage() and r.exc_info for r in caplog.records)


def test_stripe_redelivery_resends_the_signal_to_the_failed_receiver_only(two, stripe_webhook_client):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    stripe_webhook_client(event)
    two.broken = False
    two.calls.clear()

    response = stripe_webhook_client(event)

    assert (response.status_code, response.content) == (200, b"processed")
    assert two.calls == ["grant"]
    stored = Event.objects.get()
    assert (stored.status, stored.receiver_errors, stored.next_attempt_at) == (Event.PROCESSED, {}, None)
    assert (stored.attempts, stored.deliveries) == (2, 2)


def test_replay_command_and_admin_action_retry_the_failed_receiver_only(two, stripe_webhook_client, client):
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_2", "object": "invoice"}))
    two.calls.clear()

    out = io.StringIO()
    call_command("pinax_connect_replay_events", "--failed", "--ids", Event.objects.first().stripe_id, stdout=out)
    assert two.calls == ["grant"]  # still broken: recorded again
    assert "1 failed" in out.getvalue()

    two.broken = False
    two.calls.clear()
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    url = reverse("admin:pinax_connect_event_changelist")
    failed = list(Event.objects.filter(status=Event.FAILED).values_list("pk", flat=True))
    page = client.get(url, {"receiver_errors": "yes"}).content.decode()
    assert GRANT in page and "RuntimeError: grant service down" not in page  # names in the list
    change = client.get(reverse("admin:pinax_connect_event_change", args=[failed[0]])).content.decode()
    assert "RuntimeError: grant service down" in change  # the error on the event's page
    client.post(url, {"action": "replay", "_selected_action": failed})

    assert two.calls == ["grant", "grant"]
    assert set(Event.objects.values_list("status", flat=True)) == {Event.PROCESSED}


def test_view_only_staff_cannot_replay(two, stripe_webhook_client, client):
    from django.contrib.auth.models import Permission

    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    two.calls.clear()
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    client.post(reverse("admin:pinax_connect_event_changelist"), {"action": "replay", "_selected_action": [Event.objects.get().pk]})
    assert two.calls == []


def test_a_receiver_failing_every_time_ends_dead_and_is_reported(two, stripe_webhook_client, connect_receiver, settings, caplog):
    from pinax_connect.webhooks.signals import webhook_event_dead

    settings.PINAX_CONNECT_WEBHOOK_MAX_ATTEMPTS = 3
    dead = []
    webhook_event_dead.connect(lambda sender, event, **kw: dead.append(event.stripe_id), weak=False, dispatch_uid="t")
    try:
        event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
        statuses = []
        with caplog.at_level(logging.ERROR, logger="pinax_connect"):
            for _ in range(4):
                statuses.append(stripe_webhook_client(event).status_code)
    finally:
        webhook_event_dead.disconnect(dispatch_uid="t")

    stored = Event.objects.get()
    assert statuses == [500, 500, 200, 200]  # dead at the 3rd attempt: Stripe may stop; the 4th does nothing
    assert (stored.status, stored.attempts, stored.next_attempt_at) == (Event.DEAD, 3, None)
    assert two.calls.count("notify") == 1 and two.calls.count("grant") == 3
    assert dead == [event["id"]]
    assert any("is dead after 3 attempts" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


def test_retry_of_a_due_receiver_failure_runs_from_the_retry_command(two, stripe_webhook_client):
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    two.broken = False
    two.calls.clear()
    call_command("pinax_connect_retry_events", stdout=io.StringIO())
    assert two.calls == []  # not due yet
    Event.objects.update(next_attempt_at="2000-01-01T00:00:00Z")
    out = io.StringIO()
    call_command("pinax_connect_retry_events", stdout=out)
    assert two.calls == ["grant"]
    assert "1 processed" in out.getvalue()
    assert Event.objects.get().status == Event.PROCESSED


def test_a_receiver_retry_is_claimed_once(two, stripe_webhook_client):
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    stale = Event.objects.get()
    two.calls.clear()
    two.broken = False
    assert receivers.retry_failed_receivers(stale) == Event.PROCESSED
    assert receivers.retry_failed_receivers(stale) == "skipped"  # a second worker with the same old row
    assert two.calls == ["grant"]


def test_a_receiver_that_is_gone_is_dropped_not_retried_forever(connect_receiver, stripe_webhook_client, caplog):
    rec = Receivers()
    connect_receiver("invoice.paid", rec.grant)
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    from pinax_connect.webhooks.signals import WEBHOOK_SIGNALS

    WEBHOOK_SIGNALS["invoice.paid"].disconnect(rec.grant)
    with caplog.at_level(logging.WARNING, logger="pinax_connect"):
        assert retries.retry(Event.objects.get()) == Event.PROCESSED
    assert rec.calls == ["grant"]
    assert any("no longer connected" in r.getMessage() for r in caplog.records)


def test_receiver_names_are_stable_dotted_paths():
    def local(sender, **kwargs):
        pass

    assert receivers.receiver_name(Receivers().grant) == GRANT
    assert receivers.receiver_name(local).endswith("test_receiver_names_are_stable_dotted_paths.<locals>.local")
    assert receivers.receiver_name(processing.send_signal) == "pinax_connect.webhooks.processing.send_signal"
