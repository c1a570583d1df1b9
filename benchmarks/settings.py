"""Django settings for the benchmarks (``DJANGO_SETTINGS_MODULE=benchmarks.settings``).

PostgreSQL when ``PINAX_CONNECT_TEST_DATABASE_URL`` is set (``scripts/pg-cluster.sh``
sets it), else a SQLite file at ``PINAX_BENCH_SQLITE`` (a file, not ``:memory:``,
because the HTTP server runs in another process). Only what the measured code
paths need is installed: the webhook endpoint and the mirror models.
"""
import os
import tempfile

import django

from tests.settings import DATABASE_URL_ENV, parse_database_url

if os.environ.get(DATABASE_URL_ENV):
    DATABASES = {"default": parse_database_url(os.environ[DATABASE_URL_ENV])}
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    path = os.environ.get("PINAX_BENCH_SQLITE") or os.path.join(tempfile.gettempdir(), "pinax-connect-bench.sqlite3")
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": {"timeout": 30}, "CONN_MAX_AGE": None}
    }
    if django.VERSION >= (5, 1):
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
        # BEGIN so concurrent server threads queue instead of failing with
        # "database is locked" (what Django recommends for SQLite under load).
        DATABASES["default"]["OPTIONS"].update(
            transaction_mode="IMMEDIATE",
            init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        )

# (CONN_MAX_AGE=None: one connection per server thread, reused across its requests,
# as a production deployment with persistent connections would.)

SECRET_KEY = "pinax-connect-benchmarks-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "pinax_connect",
]
# Nothing but the cost counters: the webhook view is all that is measured.
MIDDLEWARE = ["benchmarks.instrument.CountingMiddleware"]
ROOT_URLCONF = "benchmarks.urls"

PINAX_CONNECT_SECRET_KEY = "sk_test_pinax_connect_bench"
PINAX_CONNECT_WEBHOOK_SECRETS = ["whsec_bench_platform", "whsec_bench_connect"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The server's per-request access log would cost more than some requests.
    "loggers": {"django.server": {"level": "ERROR"}},
}
