"""Task mode on RQ: django-tasks-rq, a real Redis server (Debian's ``redis-server``, started
and removed here) and 4 ``rqworker`` processes, on PostgreSQL.

The scenario is in :mod:`.queue_scenario`. Skipped when django-tasks-rq or
``redis-server`` is missing, except under CI (``CI=true``), where that is a failure:
``make test`` installs both.
"""
import importlib.util
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.test import override_settings

from . import queue_scenario

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]

IN_CI = os.environ.get("CI") in ("true", "1")


def missing(what):
    if IN_CI:
        pytest.fail(f"{what} is missing (make test installs it)")
    pytest.skip(f"needs {what}")


@pytest.fixture
def redis_port(tmp_path):
    """A private redis-server on 127.0.0.1 (no persistence), removed afterwards."""
    server = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)
    if server is None:
        missing("redis-server (Debian package redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield port
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def rq_workers(tmp_path, redis_port):
    if importlib.util.find_spec("django_tasks_rq") is None:
        missing("django-tasks-rq")
    extra = [] if importlib.util.find_spec("django.tasks") else ["django_tasks"]
    extra = [app for app in [*extra, "django_rq", "django_tasks_rq"] if not apps.is_installed(app)]
    queues = {"default": {"HOST": "127.0.0.1", "PORT": redis_port, "DB": 0}}
    with queue_scenario.admin_registry_restored(), override_settings(
        INSTALLED_APPS=[*django_settings.INSTALLED_APPS, *extra],
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES=queues,
        PINAX_CONNECT_WEBHOOK_PROCESSING="task",
        PINAX_CONNECT_WEBHOOK_RETRY_DELAY=0.2,
        PINAX_CONNECT_WEBHOOK_RETRY_MAX_DELAY=1,
    ):
        workers = queue_scenario.Workers(
            ["rqworker", "default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"],
            {"PINAX_QUEUE_KIND": "rq", "PINAX_QUEUE_REDIS_PORT": str(redis_port)},
            tmp_path / "calls.log",
        )
        try:
            yield workers
        finally:
            workers.stop()


def test_1000_deliveries_over_4_rq_workers_are_each_applied_once(rq_workers):
    queue_scenario.run(rq_workers, n_workers=4)
