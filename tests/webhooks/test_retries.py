"""Automatic retries: backoff with jitter, a bounded number of attempts, then dead."""
import datetime
import io
import logging
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from pinax_connect import upserts
from pinax_connect.models import Event
from pinax_connect.webhooks import processing, retries, storage

from .conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(register_handler):
    state = {"broken": True, "runs": 0}

    def handler(event, source, subtype):
        state["runs"] += 1
        if state["broken"]:
            raise RuntimeError("downstream unavailable")

    register_handler("invoice.paid", handler)
    return state


def test_backoff_doubles_from_the_base_delay_with_jitter_and_a_ceiling(settings):
    settings.PINAX_CONNECT_WEBHOOK_RETRY_DELAY = 10
    settings.PINAX_CONNECT_WEBHOOK_RETRY_MAX_DELAY = 100
    rng = random.Random(1)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        delays = [retries.backoff(attempt, rng).total_seconds() for _ in range(200)]
        assert min(delays) >= ceiling / 2 and max(delays) <= ceiling
        assert len(set(delays)) > 100  # jittered: events that failed together do not retry together
        assert max(delays) - min(delays) > ceiling / 4


def test_a_failed_event_gets_a_retry_scheduled_by_backoff(failing, settings):
    settings.PINAX_CONNECT_WEBHOOK_RETRY_DELAY = 60
    event, outcome = processing.deliver(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    assert outcome == "failed"
    stored = Event.objects.get()
    wait = (stored.next_attempt_at - timezone.now()).total_seconds()
    assert 25 <= wait <= 60
    assert stored.status == Event.FAILED and stored.last_error == "RuntimeError: downstream unavailable"


def test_due_retries_run_until_success(failing):
    processing.deliver(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    assert retries.run_due() == {}  # not due yet
    Event.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert retries.run_due() == {"failed": 1}
    Event.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    failing["broken"] = False
    assert retries.run_due() == {"processed": 1}
    stored = Event.objects.get()
    assert (stored.status, stored.attempts, stored.next_attempt_at, stored.last_error) == (
        Event.PROCESSED, 3, None, ""
    )
    assert failing["runs"] == 3


def test_after_max_attempts_the_event_is_dead_logged_and_signalled(
    failing, settings, caplog, django_capture_on_commit_callbacks
):
    from pinax_connect.webhooks.signals import webhook_event_dead

    settings.PINAX_CONNECT_WEBHOOK_MAX_ATTEMPTS = 3
    dead = []

    def on_dead(sender, event, **kwargs):
        dead.append((event.stripe_id, event.status))

    webhook_event_dead.connect(on_dead)
    try:
        with caplog.at_level(logging.ERROR, logger="pinax_connect"), django_capture_on_commit_callbacks(execute=True):
            processing.deliver(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
            outcomes = []
            for _ in range(4):
                Event.objects.exclude(next_attempt_at=None).update(next_attempt_at=timezone.now())
                outcomes.append(dict(retries.run_due()))
    finally:
        webhook_event_dead.disconnect(on_dead)

    assert outcomes == [{"failed": 1}, {"dead": 1}, {}, {}]
    stored = Event.objects.get()
    assert (stored.status, stored.attempts, stored.next_attempt_at) == (Event.DEAD, 3, None)
    assert dead == [(stored.stripe_id, Event.DEAD)]
    assert failing["runs"] == 3
    assert any("is dead after 3 attempts" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


def test_a_dead_event_is_replayed_by_hand(failing, settings):
    settings.PINAX_CONNECT_WEBHOOK_MAX_ATTEMPTS = 1
    processing.deliver(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    assert Event.objects.get().status == Event.DEAD
    failing["broken"] = False
    out = io.StringIO()
    call_command("pinax_connect_replay_events", "--dead", stdout=out)
    assert "1 processed" in out.getvalue()
    assert Event.objects.get().status == Event.PROCESSED


def test_a_stripe_redelivery_is_the_inline_retry(failing, stripe_webhook_client):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    assert stripe_webhook_client(event).status_code == 500
    failing["broken"] = False
    response = stripe_webhook_client(event)
    assert (response.status_code, response.content) == (200, b"processed")
    stored = Event.objects.get()
    assert (stored.status, stored.attempts, stored.deliveries) == (Event.PROCESSED, 2, 2)


def test_a_retry_claimed_by_another_worker_is_skipped(failing):
    processing.deliver(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    first, second = Event.objects.get(), Event.objects.get()
    failing["broken"] = False
    assert processing.process_event(first) == "processed"
    assert processing.process_event(second) == "skipped"
    assert failing["runs"] == 2


def test_store_path_without_upsert_keeps_the_same_outcomes(failing, monkeypatch):
    """Databases without INSERT ... ON CONFLICT RETURNING take store() + process_event()."""
    monkeypatch.setattr(upserts, "supported", lambda: False)
    data = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    assert processing.deliver(data)[1] == "failed"
    failing["broken"] = False
    assert processing.deliver(data)[1] == "processed"
    assert processing.deliver(data)[1] == "skipped"
    stored = Event.objects.get()
    assert (stored.status, stored.attempts, stored.deliveries) == (Event.PROCESSED, 2, 3)


def test_a_stored_event_no_worker_applied_is_picked_up_after_the_lease(recorder):
    """Task mode: the task was lost with a killed worker; the event is still ``received``."""
    recorder.listen("invoice.paid", signal=False)
    event, _created = storage.store(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    assert retries.run_due() == {}  # within the lease: a worker may still be on it
    Event.objects.update(received_at=timezone.now() - retries.LEASE - datetime.timedelta(seconds=1))
    assert retries.run_due() == {"processed": 1}
    assert len(recorder.handled) == 1


def test_a_broken_tasks_backend_does_not_fail_the_delivery(failing, settings, monkeypatch, caplog, django_capture_on_commit_callbacks):
    from pinax_connect.webhooks import tasks

    def broken(event):
        raise RuntimeError("tasks backend down")

    monkeypatch.setattr(tasks, "enqueue_retry", broken)
    settings.PINAX_CONNECT_WEBHOOK_INLINE_RETRY = "task"
    with caplog.at_level(logging.ERROR, logger="pinax_connect"), django_capture_on_commit_callbacks(execute=True):
        assert processing.deliver(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))[1] == "failed"
    stored = Event.objects.get()
    assert stored.status == Event.FAILED and stored.next_attempt_at is not None  # the retry command will find it
    assert any("not enqueued" in r.getMessage() for r in caplog.records)
