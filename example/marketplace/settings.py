"""Settings of the example marketplace, shaped for production and safe to copy.

Two modes, chosen by the environment:

* **Demo mode** (the default when ``STRIPE_SECRET_KEY`` is unset, or with
  ``MARKETPLACE_DEMO=1``): pinax_connect's ``FakeStripe`` answers every API call
  (unless a key is set) and the ``fakestripe`` app stands in for Stripe's hosted
  pages and webhooks. The site is served over plain HTTP on 127.0.0.1, and
  ``manage.py demo_setup`` may create demo users; ``DEBUG`` is on only offline.
* **Otherwise** (``STRIPE_SECRET_KEY`` set, with ``STRIPE_PUBLISHABLE_KEY``,
  ``STRIPE_WEBHOOK_SECRET`` and ``STRIPE_CLIENT_ID``): everything a deployment needs
  comes from the environment and the defaults are the safe ones — ``DEBUG`` off,
  ``DJANGO_SECRET_KEY`` required, HTTPS only (redirect, HSTS, secure cookies),
  ``DJANGO_ALLOWED_HOSTS`` required. ``manage.py check --deploy`` reports nothing.

Everything the demo writes (SQLite database, fake Stripe state, the demo secret key
and password) lives in ``DEMO_DATA_DIR`` (default ``example/.demo-data``).
"""
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DEMO_DATA_DIR") or BASE_DIR / ".demo-data")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name, default):
    """``1/true/yes/on`` or ``0/false/no/off`` from the environment, else ``default``."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default=()):
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()] or list(default)


STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
# Offline: FakeStripe plays Stripe. Only ever in demo mode.
FAKE_STRIPE = not STRIPE_SECRET_KEY
DEMO_MODE = env_flag("MARKETPLACE_DEMO", FAKE_STRIPE)
if FAKE_STRIPE and not DEMO_MODE:
    raise ImproperlyConfigured("Set STRIPE_SECRET_KEY (or MARKETPLACE_DEMO=1 for the offline demo).")

# Django's debug page shows the frames of a failing Stripe call, Authorization header
# included: on by default only offline, where the key is the fake's.
DEBUG = env_flag("DJANGO_DEBUG", FAKE_STRIPE)


def _demo_secret_key():
    """A random key made once per demo data directory (never a key written in the code)."""
    path = DATA_DIR / "secret-key.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (_demo_secret_key() if DEMO_MODE else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (a long random string, kept out of the code).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO_MODE else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",  # the admin's CSS and JS
    "formtools",  # CustomAccountWizard
    "pinax_connect",
    "rest_framework",  # the REST API (pinax_connect.rest, the `rest` extra)
    "drf_spectacular",  # its OpenAPI schema
    "shop",
]

# drf-spectacular's system check generates the schema with the project's default
# schema class; the API's own views set theirs.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
# Stripe uses ("application", "stripe") for two controller fields: one enum name for both.
SPECTACULAR_SETTINGS = {"ENUM_NAME_OVERRIDES": {"ControllerPartyEnum": ["application", "stripe"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The Pay, Refund and Pay-out buttons are one click: no other site may frame them.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
X_FRAME_OPTIONS = "DENY"

# ---- HTTPS (everything but the demo on 127.0.0.1) --------------------------------------
HTTPS = env_flag("DJANGO_HTTPS", not DEMO_MODE)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    # One year, as hstspreload.org asks; lower DJANGO_HSTS_SECONDS while trying HTTPS out.
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", True)
if env_flag("DJANGO_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself (and strips the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

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
                "shop.context_processors.marketplace",
            ],
        },
    },
]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or DATA_DIR / "static"  # `manage.py collectstatic`
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "shop:home"
LOGOUT_REDIRECT_URL = "shop:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The account.updated receiver "emails" sellers; in the demo mails go to the console.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEMO_MODE else "django.core.mail.backends.smtp.EmailBackend",
)

# ---- pinax_connect -----------------------------------------------------------------

# The marketplace's cut of every sale, in percent.
MARKETPLACE_FEE_PERCENT = 10
# Items may be listed in these currencies (the sellers' accounts settle them; see README).
MARKETPLACE_CURRENCIES = ["usd", "eur"]

# Our sales are destination charges: when a buyer disputes one, Stripe takes the
# amount (plus its dispute fee) from the *platform's* balance, not the seller's.
# "reverse_transfer" takes the disputed amount back from the seller at once by
# reversing the sale's transfer (their balance may go below zero), and
# PINAX_CONNECT_DISPUTE_RETRANSFER_ON_WON (on by default) gives it back when we win.
# The dispute fee stays the marketplace's cost. See docs/disputes.md.
PINAX_CONNECT_DISPUTE_RECOVERY = "reverse_transfer"

if FAKE_STRIPE:
    # Offline: the fake accepts any test-looking key and client id.
    PINAX_CONNECT_SECRET_KEY = "sk_test_demo_fake_stripe"
    PINAX_CONNECT_PUBLISHABLE_KEY = "pk_test_demo_fake_stripe"
    PINAX_CONNECT_CLIENT_ID = "ca_demo_fake_stripe"
    PINAX_CONNECT_WEBHOOK_SECRETS = ["whsec_demo_fake_stripe"]
    # One FakeStripe for the whole process, its state kept in DATA_DIR (see fakestripe/).
    PINAX_CONNECT_HTTP_CLIENT = "fakestripe.fake.get_fake"
    FAKE_STRIPE_STATE_FILE = DATA_DIR / "fake-stripe.json"
    INSTALLED_APPS += ["fakestripe"]
    MIDDLEWARE += ["fakestripe.middleware.FakeStripeMiddleware"]
else:
    PINAX_CONNECT_SECRET_KEY = STRIPE_SECRET_KEY
    PINAX_CONNECT_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    PINAX_CONNECT_CLIENT_ID = os.environ.get("STRIPE_CLIENT_ID")  # Standard accounts (OAuth)
    # `stripe listen --forward-to 127.0.0.1:8000/stripe/webhook/` prints this secret.
    PINAX_CONNECT_WEBHOOK_SECRETS = [s for s in [os.environ.get("STRIPE_WEBHOOK_SECRET")] if s]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "pinax_connect": {"handlers": ["console"], "level": "INFO"},
        "fakestripe": {"handlers": ["console"], "level": "INFO"},  # each webhook the fake delivers
    },
}
