"""Task mode end to end on real queues: events/s from delivery to applied, 1, 2 and 4 workers.

    scripts/pg-cluster.sh python -m benchmarks.bench_queue --kind db --out benchmarks/results/queue-db.json
    scripts/pg-cluster.sh python -m benchmarks.bench_queue --kind rq --out benchmarks/results/queue-rq.json

(``make bench-queue`` runs both.) PostgreSQL from ``scripts/pg-cluster.sh``; for
``rq`` a private ``redis-server`` is started on a free port and removed afterwards.
Settings are the distributed-queue tests' (``tests/reliability/queue_settings.py``:
task mode, the fake Stripe). For each worker count: fresh tables, the workers
started and given 3 s to come up, then N signed events (the three types of the
pipeline benchmark, interleaved) are posted through Django's test client while they
run; the clock stops when every event is ``processed``. Reported: events/s end to
end, and the posting rate alone.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(tmp):
    import redis

    port = free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", tmp],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(200):
        try:
            client.ping()
            return process, port, client
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=["db", "rq"], required=True)
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_QUEUE_N", "600")))
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if not os.environ.get("PINAX_CONNECT_TEST_DATABASE_URL"):
        raise SystemExit("run under scripts/pg-cluster.sh (the queue benchmark needs PostgreSQL)")

    tmp = tempfile.mkdtemp(prefix="pinax-queue-bench-")
    redis_process = redis_client = None
    os.environ["PINAX_QUEUE_KIND"] = args.kind
    if args.kind == "rq":
        redis_process, port, redis_client = start_redis(tmp)
        os.environ["PINAX_QUEUE_REDIS_PORT"] = str(port)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.reliability.queue_settings"
    sys.path.insert(0, ROOT)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count
        from django.test import Client
        from django.urls import reverse

        from benchmarks import machine, workloads
        from benchmarks.instrument import CountingFake
        from pinax_connect.actions import bulk
        from pinax_connect.client import use_http_client
        from pinax_connect.models import Account, Customer, Event
        from pinax_connect.testing.webhooks import signed_webhook

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        call_command("migrate", verbosity=0)
        fake = CountingFake()
        use_http_client(fake)
        accounts = 100
        workloads.seed(fake, "Account", accounts)
        workloads.seed(fake, "Customer", workloads.CUSTOMERS)
        bulk.sync_all(Account)
        bulk.sync_all(Customer)
        env = {**os.environ, "PINAX_QUEUE_DB_NAME": connection.settings_dict["NAME"], "PYTHONPATH": ROOT}
        env.pop("PINAX_QUEUE_LOG", None)
        command = (
            ["db_worker", "--interval", "0.05", "--no-startup-delay"] if args.kind == "db"
            else ["rqworker", "default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
        )
        results = {
            "kind": args.kind,
            "n": args.n,
            "taken_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "machine": {"nproc": machine.cores(), "cpu": machine.cpu_model(), "memory": machine.memory()},
            "database": {"vendor": connection.vendor},
            "tasks_backend": settings.TASKS["default"]["BACKEND"],
            "runs": [],
        }
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            results["database"]["version"] = cursor.fetchone()[0]
            cursor.execute("SHOW fsync")
            results["database"]["fsync"] = cursor.fetchone()[0]
        secret = settings.PINAX_CONNECT_WEBHOOK_SECRETS[0]
        offset = 0
        for count in [int(w) for w in args.workers.split(",")]:
            Event.objects.all().delete()
            if args.kind == "db":
                from django_tasks_db.models import DBTaskResult

                DBTaskResult.objects.all().delete()
            else:
                redis_client.flushall()
            per_type = args.n // len(workloads.EVENT_TYPES)
            batches = [workloads.webhook_events(kind, per_type, accounts=accounts, offset=offset)
                       for kind in workloads.EVENT_TYPES]
            offset += per_type
            events = [event for group in zip(*batches) for event in group]
            signed = [signed_webhook(event, secret) for event in events]
            workers = [
                subprocess.Popen([sys.executable, "-m", "django", *command], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                for _ in range(count)
            ]
            try:
                time.sleep(3)
                client = Client()
                url = reverse("pinax_connect:webhook")
                start = time.perf_counter()
                for payload, header in signed:
                    client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
                posted = time.perf_counter() - start
                deadline = time.monotonic() + 600
                while Event.objects.filter(status=Event.PROCESSED).count() < len(events):
                    if time.monotonic() > deadline:
                        raise SystemExit(f"{count} workers did not finish in 600 s")
                    time.sleep(0.05)
                wall = time.perf_counter() - start
            finally:
                for worker in workers:
                    os.killpg(worker.pid, signal.SIGTERM)
                for worker in workers:
                    try:
                        worker.wait(20)
                    except subprocess.TimeoutExpired:
                        os.killpg(worker.pid, signal.SIGKILL)
            row = {
                "workers": count,
                "events": len(events),
                "seconds": round(wall, 2),
                "events_per_s_end_to_end": round(len(events) / wall, 1),
                "posting_events_per_s": round(len(events) / posted, 1),
                "statuses": dict(Event.objects.values_list("status").annotate(n=Count("pk"))),
            }
            results["runs"].append(row)
            print(f"    {args.kind} x{count}: {row['events_per_s_end_to_end']} events/s end to end "
                  f"(posting {row['posting_events_per_s']}/s)", file=sys.stderr, flush=True)
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2, sort_keys=True)
            f.write("\n")
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
