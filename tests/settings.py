"""Django settings for pinax_connect's own test suite.

SQLite in memory by default; PostgreSQL when PINAX_CONNECT_TEST_DATABASE_URL is
set (`make test-postgres` starts a throwaway cluster and sets it), e.g.
postgres://pinaxpg@127.0.0.1:54321/postgres
"""

import os
from urllib.parse import parse_qsl, unquote, urlsplit

DATABASE_URL_ENV = "PINAX_CONNECT_TEST_DATABASE_URL"

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


def parse_database_url(url: str) -> dict:
    """Turn postgres://user:password@host:port/name?option=value into a DATABASES entry.

    Only PostgreSQL is understood: that is all the test suite needs. Query
    parameters become OPTIONS (e.g. sslmode).
    """
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise ValueError(f"{DATABASE_URL_ENV} must be a postgres:// URL, got scheme {parts.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


if os.environ.get(DATABASE_URL_ENV):
    DATABASES = {"default": parse_database_url(os.environ[DATABASE_URL_ENV])}
else:
    # Django's test runner turns this into a shared-cache in-memory database.
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

SECRET_KEY = "pinax-connect-tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "pinax_connect",
    # The optional REST API (extra "rest"): tests/rest.
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

ROOT_URLCONF = "tests.urls"
STATIC_URL = "/static/"

# Fast hashing: the suite creates many users and never needs real password security.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PINAX_CONNECT_SECRET_KEY = "sk_test_pinax_connect"
PINAX_CONNECT_PUBLISHABLE_KEY = "pk_test_pinax_connect"
PINAX_CONNECT_WEBHOOK_SECRETS = ["whsec_test_platform", "whsec_test_connect"]

# Nothing is printed; records still propagate to the root logger, where pytest
# captures them (shown for failing tests, and available to `caplog`).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
    "loggers": {
        "django": {"level": "WARNING"},
        # 4xx responses (bad webhook signatures, forbidden views) are expected in tests.
        "django.request": {"level": "ERROR"},
        "pinax_connect": {"level": "DEBUG"},
    },
}
