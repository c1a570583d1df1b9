"""Settings of the queue workers started by test_queue_*.py: the test database, task mode."""
import importlib.util
import os

from tests.settings import *  # noqa: F401,F403
from tests.settings import DATABASES, INSTALLED_APPS

DATABASES["default"]["NAME"] = os.environ.get("PINAX_QUEUE_DB_NAME", DATABASES["default"]["NAME"])
INSTALLED_APPS = [
    *INSTALLED_APPS,
    *([] if importlib.util.find_spec("django.tasks") else ["django_tasks"]),
    os.environ.get("PINAX_QUEUE_BACKEND_APP", "django_tasks_db"),
    "tests.reliability.queue_app",
]
TASKS = {"default": {"BACKEND": os.environ.get("PINAX_QUEUE_BACKEND", "django_tasks_db.DatabaseBackend")}}
PINAX_CONNECT_WEBHOOK_PROCESSING = "task"
PINAX_CONNECT_WEBHOOK_RETRY_DELAY = 0.2
PINAX_CONNECT_WEBHOOK_RETRY_MAX_DELAY = 1
