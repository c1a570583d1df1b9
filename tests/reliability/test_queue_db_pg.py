"""Task mode on a real distributed queue: django-tasks-db on PostgreSQL, 4 ``db_worker`` processes.

The scenario is in :mod:`.queue_scenario`: 1,000 deliveries applied exactly once,
retries by deferred tasks, a worker killed with SIGKILL mid-event loses nothing.
"""
import importlib.util

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection
from django.test import override_settings

from . import queue_scenario

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(importlib.util.find_spec("django_tasks_db") is None, reason="needs django-tasks-db"),
]


@pytest.fixture
def db_workers(tmp_path):
    extra = [] if importlib.util.find_spec("django.tasks") else ["django_tasks"]
    extra = [app for app in [*extra, "django_tasks_db"] if not apps.is_installed(app)]
    with queue_scenario.admin_registry_restored(), override_settings(
        INSTALLED_APPS=[*django_settings.INSTALLED_APPS, *extra],
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        PINAX_CONNECT_WEBHOOK_PROCESSING="task",
        PINAX_CONNECT_WEBHOOK_RETRY_DELAY=0.2,
        PINAX_CONNECT_WEBHOOK_RETRY_MAX_DELAY=1,
    ):
        from django_tasks_db.models import DBTaskResult

        with connection.schema_editor() as editor:
            editor.create_model(DBTaskResult)
        workers = queue_scenario.Workers(
            ["db_worker", "--interval", "0.05", "--no-startup-delay"], {"PINAX_QUEUE_KIND": "db"}, tmp_path / "calls.log"
        )
        try:
            yield workers
        finally:
            workers.stop()
            with connection.schema_editor() as editor:
                editor.delete_model(DBTaskResult)


def test_1000_deliveries_over_4_db_workers_are_each_applied_once(db_workers):
    queue_scenario.run(db_workers, n_workers=4)
