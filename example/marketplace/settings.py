"""Settings of the example marketplace.

Two modes, chosen by the environment:

* ``STRIPE_SECRET_KEY`` set (a test-mode key, with ``STRIPE_PUBLISHABLE_KEY``,
  ``STRIPE_WEBHOOK_SECRET`` and ``STRIPE_CLIENT_ID``): the site talks to Stripe.
* unset: an offline demo. pinax_connect's ``FakeStripe`` answers every API call
  and the ``fakestripe`` app stands in for Stripe's hosted pages and webhooks.

Everything the demo writes (SQLite database, fake Stripe state) lives in
``DEMO_DATA_DIR`` (default ``example/.demo-data``).
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DEMO_DATA_DIR") or BASE_DIR / ".demo-data")
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-marketplace-not-a-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "formtools",  # CustomAccountWizard
    "pinax_connect",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "shop:home"
LOGOUT_REDIRECT_URL = "shop:home"
# The account.updated receiver "emails" sellers; in the demo mails go to the console.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# ---- pinax_connect -----------------------------------------------------------------

# The marketplace's cut of every sale, in percent.
MARKETPLACE_FEE_PERCENT = 10

STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
FAKE_STRIPE = not STRIPE_SECRET_KEY

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
