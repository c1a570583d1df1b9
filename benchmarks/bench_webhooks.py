"""Webhook ingestion: signed events through the real ``pinax_connect:webhook`` view.

Two ways in:

* :func:`through_test_client` — Django's test client in this process: the cost of
  the view itself (signature check, storing the event, applying it), per event.
* :func:`through_http` — a real server (:mod:`benchmarks.server`, another process)
  on 127.0.0.1 and a small load generator here (threads + ``http.client``, one
  keep-alive connection per thread): what a deployment sees, HTTP parsing and
  concurrent database access included.

Each event is signed before the clock starts (Stripe does that part). Both report
events/s, p50/p99 latency, SQL queries per event (statements minus BEGIN /
SAVEPOINT / RELEASE, which are reported in ``statements``) and Stripe API calls
per event.
"""
import http.client
import os
import queue
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.test import Client
from django.urls import reverse

from pinax_connect.testing.webhooks import signed_webhook

from .instrument import QueryCounter, percentile


def sign_all(events):
    """``(payload, Stripe-Signature header)`` for each event, signed with the first secret."""
    secret = settings.PINAX_CONNECT_WEBHOOK_SECRETS[0]
    return [signed_webhook(event, secret) for event in events]


def summarize(kind, way, latencies, wall, queries, statements, api_calls, outcomes, **extra):
    """One result row (times in milliseconds, rates per second)."""
    n = len(latencies)
    return {
        "type": kind,
        "way": way,
        "n": n,
        "seconds": round(wall, 3),
        "events_per_s": round(n / wall, 1) if wall else None,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "queries_per_event": round(sum(queries) / n, 2),
        "max_queries_per_event": max(queries),
        "statements_per_event": round(sum(statements) / n, 2),
        "api_calls_per_event": round(sum(api_calls) / n, 2),
        "max_api_calls_per_event": max(api_calls),
        "outcomes": outcomes,
        **extra,
    }


def through_test_client(kind, events, fake):
    """Deliver ``events`` one by one with Django's test client; return a result row.

    ``fake`` is the :class:`~benchmarks.instrument.CountingFake` every pinax_connect
    client uses during the run (it counts API calls).
    """
    signed = sign_all(events)
    client = Client()
    url = reverse("pinax_connect:webhook")
    latencies, queries, statements, api_calls, outcomes = [], [], [], [], {}
    counter = QueryCounter()
    start = time.perf_counter()
    for payload, header in signed:
        counter.reset()
        calls = fake.calls
        t0 = time.perf_counter()
        with counter:
            response = client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
        latencies.append(time.perf_counter() - t0)
        queries.append(counter.queries)
        statements.append(counter.statements)
        api_calls.append(fake.calls - calls)
        outcome = f"{response.status_code} {response.content.decode()}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    wall = time.perf_counter() - start
    return summarize(kind, "test_client", latencies, wall, queries, statements, api_calls, outcomes)


class Server:
    """:mod:`benchmarks.server` in a subprocess with this process's settings and database."""

    def __init__(self, env=None):
        self.env = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "benchmarks.settings")}
        self.process = None
        self.port = None

    def __enter__(self):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", "--port", "0"],
            cwd=root,
            env={**self.env, "PYTHONPATH": os.pathsep.join(filter(None, [root, self.env.get("PYTHONPATH")]))},
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("LISTENING "):
            self.process.kill()
            raise RuntimeError(f"benchmark server did not start (said {line!r})")
        self.port = int(line.split()[1])
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def post_all(port, path, signed, concurrency):
    """POST every ``(payload, header)`` from ``concurrency`` threads; return per-request records.

    Each thread keeps one HTTP/1.1 connection open (reconnecting when the server
    closes it). A record is ``(latency_s, status, body, queries, statements, api_calls)``.
    """
    work = queue.SimpleQueue()
    for item in signed:
        work.put(item)
    records, lock = [], threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            try:
                payload, header = work.get_nowait()
            except queue.Empty:
                break
            body = payload.encode("utf-8")
            headers = {"Content-Type": "application/json", "Stripe-Signature": header}
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
            except (http.client.HTTPException, ConnectionError):
                conn.close()  # the server closed a kept-alive connection: retry once, fresh
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                t0 = time.perf_counter()
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            latency = time.perf_counter() - t0
            mine.append((
                latency,
                response.status,
                text,
                int(response.getheader("X-Bench-Queries", "-1")),
                int(response.getheader("X-Bench-Statements", "-1")),
                int(response.getheader("X-Bench-Api-Calls", "-1")),
                float(response.getheader("X-Bench-Server-Ms", "nan")) / 1000,
            ))
            if (response.getheader("Connection") or "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records


def through_http(kind, events, server, *, concurrency=4):
    """Deliver ``events`` to the running :class:`Server` from ``concurrency`` threads."""
    signed = sign_all(events)
    path = reverse("pinax_connect:webhook")
    start = time.perf_counter()
    records = post_all(server.port, path, signed, concurrency)
    wall = time.perf_counter() - start
    outcomes = {}
    for _, status, text, *_ in records:
        outcome = f"{status} {text}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return summarize(
        kind,
        "http",
        [r[0] for r in records],
        wall,
        [r[3] for r in records],
        [r[4] for r in records],
        [r[5] for r in records],
        outcomes,
        concurrency=concurrency,
        server_p50_ms=round(percentile([r[6] for r in records], 0.50) * 1000, 2),
        server_p99_ms=round(percentile([r[6] for r in records], 0.99) * 1000, 2),
    )
