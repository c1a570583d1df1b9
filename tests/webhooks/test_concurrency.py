"""Once-only processing under real concurrency (PostgreSQL only).

Worker processes are forked from the test and open their own connections to the
live test database (the test is transactional, so they see committed rows). The
handler and the receiver append a line per call to a file, so every invocation in
every process is counted, including any that a rollback would have hidden.
"""
import collections
import multiprocessing
import os
import random
import time

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from pinax_connect.models import Event
from pinax_connect.testing.webhooks import signed_webhook
from pinax_connect.webhooks import processing, storage

from .conftest import make_event

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8
# Seconds the handler sleeps, to widen the window in which another worker could
# claim the same event (set before forking; the children inherit it).
HANDLER_DELAY = {"seconds": 0.0}


@pytest.fixture
def calls_log(tmp_path, register_handler, connect_receiver):
    """Registers a handler and a receiver for ``invoice.paid`` that log each call to a file."""
    path = tmp_path / "calls.log"

    def log(kind, event):
        with open(path, "a") as f:  # one small O_APPEND write per call: atomic across processes
            f.write(f"{kind} {event.stripe_id} {os.getpid()}\n")

    def handler(event, source, subtype):
        log("handler", event)
        time.sleep(HANDLER_DELAY["seconds"])

    def receiver(sender, event, stripe_object, **kwargs):
        log("signal", event)

    register_handler("invoice.paid", handler)
    connect_receiver("invoice.paid", receiver)

    def read():
        if not path.exists():
            return collections.Counter()
        return collections.Counter(tuple(line.split()[:2]) for line in path.read_text().splitlines())

    return read


def run_in_processes(target, args_per_process):
    """Fork one process per args tuple, start them together, return their exit codes."""
    connections.close_all()  # children must not share the parent's connection
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(args_per_process))

    def child(*args):
        try:
            barrier.wait(timeout=30)
            target(*args)
        finally:
            connections.close_all()

    processes = [ctx.Process(target=child, args=args) for args in args_per_process]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    return [process.exitcode for process in processes]


def test_same_event_delivered_3_times_by_8_processes_is_processed_once(calls_log, settings, monkeypatch):
    monkeypatch.setitem(HANDLER_DELAY, "seconds", 0.05)
    event = make_event("invoice.paid", {"id": "in_concurrent", "object": "invoice"})
    payload, header = signed_webhook(event, settings.PINAX_CONNECT_WEBHOOK_SECRETS[0])
    url = reverse("pinax_connect:webhook")

    def deliver_three_times():
        client = Client()
        for _ in range(3):
            response = client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
            assert response.status_code == 200, response.content

    assert run_in_processes(deliver_three_times, [()] * WORKERS) == [0] * WORKERS

    stored = Event.objects.get()
    assert stored.deliveries == 3 * WORKERS
    assert (stored.status, stored.attempts) == (Event.PROCESSED, 1)
    assert calls_log() == {("handler", event["id"]): 1, ("signal", event["id"]): 1}


def test_500_events_over_8_workers_are_each_processed_once(calls_log):
    datas = [make_event("invoice.paid", {"id": f"in_{n}", "object": "invoice"}) for n in range(500)]
    events = Event.objects.bulk_create([Event(stripe_id=d["id"], **storage.event_columns(d)) for d in datas])
    # Each event is handed to 3 of the 8 workers (as a queue that delivers duplicates
    # would), and each worker takes its share in its own random order.
    rng = random.Random(5)
    shares = collections.defaultdict(list)
    for event in events:
        for worker in rng.sample(range(WORKERS), 3):
            shares[worker].append(event.pk)
    for share in shares.values():
        rng.shuffle(share)

    def work(pks):
        for pk in pks:
            processing.process_event(Event.objects.get(pk=pk))

    assert run_in_processes(work, [(shares[w],) for w in range(WORKERS)]) == [0] * WORKERS

    calls = calls_log()
    assert {stripe_id for (_kind, stripe_id) in calls} == {event.stripe_id for event in events}
    assert set(calls.values()) == {1}  # each event: one handler call and one signal, in all processes
    assert len(calls) == 1000
    assert set(Event.objects.values_list("status", "attempts")) == {(Event.PROCESSED, 1)}
