"""Settings of the queue workers started by test_queue_*.py: the test database, task mode.

``PINAX_QUEUE_KIND`` picks the backend: ``db`` (django-tasks-db) or ``rq``
(django-tasks-rq on the Redis at ``PINAX_QUEUE_REDIS_PORT``).
"""
import importlib.util
import os

from tests.settings import *  # noqa: F401,F403
from tests.settings import DATABASES, INSTALLED_APPS

KIND = os.environ.get("PINAX_QUEUE_KIND", "db")
DATABASES["default"]["NAME"] = os.environ.get("PINAX_QUEUE_DB_NAME", DATABASES["default"]["NAME"])
INSTALLED_APPS = [
    *INSTALLED_APPS,
    *([] if importlib.util.find_spec("django.tasks") else ["django_tasks"]),
    *(["django_tasks_db"] if KIND == "db" else ["django_rq", "django_tasks_rq"]),
    "tests.reliability.queue_app",
]
if KIND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"HOST": "127.0.0.1", "PORT": int(os.environ.get("PINAX_QUEUE_REDIS_PORT", "6379")), "DB": 0}}
PINAX_CONNECT_WEBHOOK_PROCESSING = "task"
PINAX_CONNECT_WEBHOOK_RETRY_DELAY = 0.2
PINAX_CONNECT_WEBHOOK_RETRY_MAX_DELAY = 1
# Workers never reach the network: every Stripe call goes to the test kit's fake.
PINAX_CONNECT_HTTP_CLIENT = "pinax_connect.testing.FakeStripe"
