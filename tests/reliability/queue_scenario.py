"""The scenario both distributed-queue tests run (see test_queue_db_pg.py, test_queue_rq_pg.py).

1,000 deliveries (700 distinct events, 300 duplicates, bursts of 5 events about one
object) are posted while the workers run; events whose object id ends in 7 fail their
first attempt (retried by a deferred task); the worker process that is in the middle
of ``in_slow`` is killed with SIGKILL. Every event must be applied exactly once.
"""
import collections
import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time

from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pinax_connect.models import Event
from pinax_connect.testing.webhooks import signed_webhook
from pinax_connect.webhooks import registry, retries
from pinax_connect.webhooks.signals import WEBHOOK_SIGNALS

from ..webhooks.conftest import make_event
from . import queue_app

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Workers:
    """Worker processes of one kind, started with ``start(n)``, stopped by ``stop()``."""

    def __init__(self, command, env, log):
        self.command, self.log, self.processes = command, log, []
        self.env = {
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": "tests.reliability.queue_settings",
            "PINAX_QUEUE_DB_NAME": connection.settings_dict["NAME"],
            "PINAX_QUEUE_SLOW_SECONDS": "60",
            "PINAX_QUEUE_LOG": str(log),
            "PYTHONPATH": ROOT,
        }
        os.environ["PINAX_QUEUE_LOG"] = str(log)  # this process's sweep logs too
        registry.register("invoice.paid", queue_app.handler)
        WEBHOOK_SIGNALS["invoice.paid"].connect(queue_app.receiver, weak=False, dispatch_uid="pinax_queue_test")

    def start(self, n=1):
        for _ in range(n):
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "django", *self.command], cwd=ROOT, env=self.env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            ))

    def calls(self):
        if not self.log.exists():
            return []
        return [line.split() for line in self.log.read_text().splitlines()]

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        registry.unregister("invoice.paid", queue_app.handler)
        WEBHOOK_SIGNALS["invoice.paid"].disconnect(dispatch_uid="pinax_queue_test")
        os.environ.pop("PINAX_QUEUE_LOG", None)


@contextlib.contextmanager
def admin_registry_restored():
    """Undo what installing a tasks app registered on the admin site (django-tasks-db
    registers its model there): later admin pages would look up an app no longer installed."""
    from django.contrib import admin

    before = dict(admin.site._registry)
    try:
        yield
    finally:
        admin.site._registry.clear()
        admin.site._registry.update(before)


def deliveries():
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


def run(workers, n_workers=4):
    """Run the scenario on started-on-demand ``workers``; assert exactly-once."""
    events, signed = deliveries()
    workers.start(n_workers)
    client = Client()
    url = reverse("pinax_connect:webhook")
    answers = collections.Counter()
    for payload, header in signed:
        response = client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
        answers[(response.status_code, response.content)] += 1
    assert answers[(200, b"queued")] >= 700 and sum(answers.values()) == 1000
    assert set(answers) <= {(200, b"queued"), (200, b"skipped")}

    # Kill the process that is in the middle of the slow event; a fresh worker joins.
    assert wait_until(lambda: any(c[0] == "start" for c in workers.calls()), 120), "nobody started in_slow"
    slow_id = events[-1]["id"]
    victim = int(next(c for c in workers.calls() if c[0] == "start")[2])
    os.kill(victim, signal.SIGKILL)
    workers.start(1)

    others = [e["id"] for e in events if e["id"] != slow_id]
    done = wait_until(
        lambda: Event.objects.filter(stripe_id__in=others, status=Event.PROCESSED).count() == len(others), 240
    )
    assert done, collections.Counter(Event.objects.values_list("status", flat=True))
    assert Event.objects.get(stripe_id=slow_id).status == Event.RECEIVED  # rolled back with the killed process

    # The sweep (pinax_connect_retry_events) once the lease has passed.
    later = timezone.now() + retries.LEASE + datetime.timedelta(seconds=1)
    assert retries.run_due(now=later) == {"processed": 1}

    calls = workers.calls()
    handled = collections.Counter(c[1] for c in calls if c[0] == "handler")
    signalled = collections.Counter(c[1] for c in calls if c[0] == "signal")
    failing_first = {e["id"] for e in events if e["data"]["object"]["id"].endswith("7")}
    assert signalled == {e["id"]: 1 for e in events}
    assert handled == {e["id"]: 2 if e["id"] in failing_first else 1 for e in events}
    rows = {e.stripe_id: e for e in Event.objects.all()}
    assert len(rows) == 700
    assert {rows[i].attempts for i in failing_first} == {2}
    assert {rows[e["id"]].status for e in events} == {Event.PROCESSED}
    assert sum(row.deliveries for row in rows.values()) == 1000
    assert len({c[2] for c in calls if c[0] == "handler"}) >= 2  # spread over processes
