"""PINAX_CONNECT_WEBHOOK_PROCESSING = "task": the endpoint enqueues, the database worker processes.

Runs through django-tasks-db's DatabaseBackend and its ``db_worker`` command. When the
test settings do not install ``django_tasks_db``, the fixture installs it for the test
and creates its table (skipped when the package is absent).
"""
import importlib.util
import signal

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from pinax_connect.models import Event

from .conftest import make_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(importlib.util.find_spec("django_tasks_db") is None, reason="needs django-tasks-db"),
]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def db_task_backend():
    """Task mode on the database backend (installed for the test if the settings lack it).

    One override_settings for everything: mixing it with pytest-django's ``settings``
    fixture would restore them in the wrong order.
    """
    extra = []
    if not apps.is_installed("django_tasks_db"):
        if importlib.util.find_spec("django.tasks") is None and not apps.is_installed("django_tasks"):
            extra.append("django_tasks")
        extra.append("django_tasks_db")
    with override_settings(
        INSTALLED_APPS=[*django_settings.INSTALLED_APPS, *extra],
        TASKS=TASKS,
        PINAX_CONNECT_WEBHOOK_PROCESSING="task",
    ):
        from django_tasks_db.models import DBTaskResult

        created_table = DBTaskResult._meta.db_table not in connection.introspection.table_names()
        if created_table:
            with connection.schema_editor() as editor:
                editor.create_model(DBTaskResult)
        try:
            yield DBTaskResult
        finally:
            if created_table:
                with connection.schema_editor() as editor:
                    editor.delete_model(DBTaskResult)
            else:
                DBTaskResult.objects.all().delete()


def run_db_worker():
    """``manage.py db_worker --batch``: run every ready task, then return.

    The command installs its own SIGINT/SIGTERM handlers; they are restored after.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_event_is_queued_then_processed_by_the_worker(db_task_backend, stripe_webhook_client, recorder):
    recorder.listen("invoice.paid")
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})

    response = stripe_webhook_client(event)

    assert (response.status_code, response.content) == (200, b"queued")
    assert Event.objects.get().status == Event.RECEIVED
    assert recorder.handled == [] and recorder.signalled == []
    task = db_task_backend.objects.get()
    assert task.task_path == "pinax_connect.webhooks.tasks.process_webhook_event"
    assert task.args_kwargs == {"args": [Event.objects.get().pk], "kwargs": {}}

    run_db_worker()

    stored = Event.objects.get()
    assert stored.status == Event.PROCESSED and stored.attempts == 1
    assert recorder.handled == [(event["id"], "invoice.paid", "")]
    assert recorder.signalled == [(event["id"], "invoice.paid", "in_1")]
    task.refresh_from_db()
    assert task.task_result.return_value == "processed"

    # A redelivery of a processed event enqueues nothing.
    assert stripe_webhook_client(event).content == b"skipped"
    assert db_task_backend.objects.count() == 1
    assert Event.objects.get().deliveries == 2


def test_failed_task_event_is_kept_and_replayable(db_task_backend, stripe_webhook_client, register_handler):
    from pinax_connect.webhooks import processing

    state = {"broken": True}

    def handler(event, source, subtype):
        if state["broken"]:
            raise RuntimeError("not yet")

    register_handler("invoice.paid", handler)
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    run_db_worker()
    stored = Event.objects.get()
    assert stored.status == Event.FAILED and stored.last_error == "RuntimeError: not yet"

    state["broken"] = False
    assert processing.replay(stored) == "processed"
    assert Event.objects.get().status == Event.PROCESSED


def test_flagged_event_is_not_enqueued(db_task_backend, stripe_webhook_client):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"}, livemode=True)
    assert stripe_webhook_client(event).content == b"flagged"
    assert db_task_backend.objects.count() == 0


def test_a_failed_task_event_is_retried_by_a_deferred_task(db_task_backend, stripe_webhook_client, register_handler):
    import datetime

    from django.utils import timezone

    state = {"broken": True, "runs": 0}

    def handler(event, source, subtype):
        state["runs"] += 1
        if state["broken"]:
            raise RuntimeError("not yet")

    register_handler("invoice.paid", handler)
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))
    run_db_worker()

    stored = Event.objects.get()
    assert stored.status == Event.FAILED and stored.next_attempt_at is not None
    retry = db_task_backend.objects.exclude(status="SUCCESSFUL").get()
    assert retry.run_after == stored.next_attempt_at  # deferred to the backoff's time
    run_db_worker()
    assert state["runs"] == 1  # not due yet

    state["broken"] = False
    db_task_backend.objects.filter(pk=retry.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    run_db_worker()
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, state["runs"]) == (Event.PROCESSED, 2, 2)
