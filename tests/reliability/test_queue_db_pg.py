"""Task mode on a real distributed queue: django-tasks-db on PostgreSQL, 4 worker processes.

1,000 deliveries (duplicates and bursts of events about one object included) are
posted while 4 ``db_worker`` processes run against the test database. Every event
must be applied exactly once (handler successes and signals counted in a file by
every process), events whose first attempt fails are retried by deferred tasks,
and a worker killed with SIGKILL in the middle of an event loses nothing: the
event is still ``received`` (its transaction died with the connection) and the
retry sweep applies it once its lease has passed.
"""
import collections
import datetime
import importlib.util
import os
import signal
import subprocess
import sys
import time

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from pinax_connect.models import Event
from pinax_connect.testing.webhooks import signed_webhook
from pinax_connect.webhooks import registry, retries
from pinax_connect.webhooks.signals import WEBHOOK_SIGNALS

from ..webhooks.conftest import make_event
from . import queue_app

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(importlib.util.find_spec("django_tasks_db") is None, reason="needs django-tasks-db"),
]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKERS = 4


@pytest.fixture
def db_queue(tmp_path, monkeypatch):
    """django-tasks-db installed here and in worker processes started with ``start()``."""
    log = tmp_path / "calls.log"
    monkeypatch.setenv("PINAX_QUEUE_LOG", str(log))
    extra = [] if importlib.util.find_spec("django.tasks") else ["django_tasks"]
    extra = [app for app in [*extra, "django_tasks_db"] if not apps.is_installed(app)]
    workers = []
    with override_settings(
        INSTALLED_APPS=[*django_settings.INSTALLED_APPS, *extra],
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        PINAX_CONNECT_WEBHOOK_PROCESSING="task",
        PINAX_CONNECT_WEBHOOK_RETRY_DELAY=0.2,
        PINAX_CONNECT_WEBHOOK_RETRY_MAX_DELAY=1,
    ):
        from django_tasks_db.models import DBTaskResult

        with connection.schema_editor() as editor:
            editor.create_model(DBTaskResult)
        registry.register("invoice.paid", queue_app.handler)  # for the sweep run in this process
        WEBHOOK_SIGNALS["invoice.paid"].connect(queue_app.receiver, weak=False, dispatch_uid="pinax_queue_test")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reliability.queue_settings",
            "PINAX_QUEUE_DB_NAME": connection.settings_dict["NAME"],
            "PINAX_QUEUE_SLOW_SECONDS": "60",
            "PYTHONPATH": ROOT,
        }

        def start(n=1):
            for _ in range(n):
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "django", "db_worker", "--interval", "0.05", "--no-startup-delay"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                ))

        def calls():
            if not log.exists():
                return []
            return [line.split() for line in log.read_text().splitlines()]

        try:
            yield start, workers, calls
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.terminate()
            for worker in workers:
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            registry.unregister("invoice.paid", queue_app.handler)
            WEBHOOK_SIGNALS["invoice.paid"].disconnect(dispatch_uid="pinax_queue_test")
            with connection.schema_editor() as editor:
                editor.delete_model(DBTaskResult)


def deliveries():
    """1,000 signed deliveries: 700 distinct events, 150 of them delivered twice, and
    bursts of 5 events about one object; one slow event (``in_slow``) the test kills."""
    events = [make_event("invoice.paid", {"id": f"in_{n}", "object": "invoice"}) for n in range(500)]
    events += [make_event("invoice.paid", {"id": f"in_burst_{n // 5}", "object": "invoice"}) for n in range(199)]
    events.append(make_event("invoice.paid", {"id": "in_slow", "object": "invoice"}))
    posts = events + events[:150] + events[200:350]
    assert len(posts) == 1000
    secret = django_settings.PINAX_CONNECT_WEBHOOK_SECRETS[0]
    return events, [signed_webhook(event, secret) for event in posts]


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_1000_deliveries_over_4_db_workers_are_each_applied_once_with_retries_and_a_killed_worker(db_queue):
    start, workers, calls = db_queue
    events, signed = deliveries()
    start(WORKERS)
    client = Client()
    url = reverse("pinax_connect:webhook")
    answers = collections.Counter()
    for payload, header in signed:
        response = client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
        answers[(response.status_code, response.content)] += 1
    assert answers[(200, b"queued")] >= 700 and sum(answers.values()) == 1000
    assert set(answers) <= {(200, b"queued"), (200, b"skipped")}

    # Kill the worker that is in the middle of the slow event; a fresh one takes over.
    assert wait_until(lambda: any(c[0] == "start" for c in calls()), 120), "nobody started in_slow"
    slow_id = events[-1]["id"]
    victim = int(next(c for c in calls() if c[0] == "start")[2])
    os.kill(victim, signal.SIGKILL)
    start(1)

    others = [e["id"] for e in events if e["id"] != slow_id]
    assert wait_until(lambda: Event.objects.filter(stripe_id__in=others, status=Event.PROCESSED).count() == len(others), 240)
    assert Event.objects.get(stripe_id=slow_id).status == Event.RECEIVED  # rolled back with the killed worker

    # The sweep (pinax_connect_retry_events) once the lease has passed.
    later = timezone.now() + retries.LEASE + datetime.timedelta(seconds=1)
    assert retries.run_due(now=later) == {"processed": 1}

    handled = collections.Counter(c[1] for c in calls() if c[0] == "handler")
    signalled = collections.Counter(c[1] for c in calls() if c[0] == "signal")
    failing_first = {e["id"] for e in events if e["data"]["object"]["id"].endswith("7")}
    assert signalled == {e["id"]: 1 for e in events}
    assert handled == {e["id"]: 2 if e["id"] in failing_first else 1 for e in events}
    rows = {e.stripe_id: e for e in Event.objects.all()}
    assert len(rows) == 700
    assert {rows[i].attempts for i in failing_first} == {2}
    assert {rows[e["id"]].status for e in events} == {Event.PROCESSED}
    assert sum(row.deliveries for row in rows.values()) == 1000
    assert len({int(c[2]) for c in calls() if c[0] == "handler"}) >= 2  # the work was spread over workers
