"""System checks (``manage.py check``) for the settings pinax_connect cannot work without."""
import importlib.util
from typing import Any

import stripe
from django.core import checks
from django.urls import NoReverseMatch, reverse

from .client import is_live_key, reaches_real_stripe
from .conf import settings
from .webhooks import storage

TASK_BACKENDS_THAT_DO_NOT_QUEUE = ("ImmediateBackend", "DummyBackend")


@checks.register("pinax_connect")
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The secret key is set, and a live key is not used with ``DEBUG=True``."""
    errors: list[checks.CheckMessage] = []
    if not settings.PINAX_CONNECT_SECRET_KEY:
        errors.append(
            checks.Error(
                "PINAX_CONNECT_SECRET_KEY is not set.",
                hint="Set it to your Stripe secret key (sk_test_... while developing).",
                id="pinax_connect.E001",
            )
        )
    elif is_live_key() and settings.DEBUG:
        errors.append(
            checks.Error(
                "A live Stripe key is configured while DEBUG=True.",
                hint="Use a test key (sk_test_...) in development; live keys move real money.",
                id="pinax_connect.E003",
            )
        )
    elif settings.DEBUG and reaches_real_stripe():
        errors.append(
            checks.Warning(
                "A real Stripe key is configured while DEBUG=True.",
                hint="Django's debug page shows stripe-python's frames, including the "
                "'Authorization: Bearer sk_...' header: keep DEBUG off wherever the key is real, "
                "or use the fake Stripe (PINAX_CONNECT_HTTP_CLIENT) while developing.",
                id="pinax_connect.W008",
            )
        )
    return errors


@checks.register("pinax_connect")
def check_webhooks(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Webhook secrets exist, the endpoint is routed, and task mode has a real queue."""
    errors: list[checks.CheckMessage] = []
    secrets_problem = storage.secrets_problem(settings.PINAX_CONNECT_WEBHOOK_SECRETS)
    if secrets_problem:
        errors.append(
            checks.Error(
                f"PINAX_CONNECT_WEBHOOK_SECRETS {secrets_problem}: every webhook is refused.",
                hint='Use a list: PINAX_CONNECT_WEBHOOK_SECRETS = ["whsec_...", "whsec_..."].',
                id="pinax_connect.E008",
            )
        )
    problem = storage.tolerance_problem(settings.PINAX_CONNECT_WEBHOOK_TOLERANCE)
    if problem:
        errors.append(
            checks.Error(
                f"PINAX_CONNECT_WEBHOOK_TOLERANCE {problem}: every webhook is refused.",
                hint="Leave the default (300 seconds); 0 would accept a captured delivery replayed at any time.",
                id="pinax_connect.E009",
            )
        )
    if not secrets_problem and not settings.PINAX_CONNECT_WEBHOOK_SECRETS:
        errors.append(
            checks.Warning(
                "PINAX_CONNECT_WEBHOOK_SECRETS is empty: every webhook will be rejected.",
                hint="Add the signing secret (whsec_...) of each endpoint: platform and Connect.",
                id="pinax_connect.W002",
            )
        )
    try:
        reverse("pinax_connect:webhook")
    except NoReverseMatch:
        errors.append(
            checks.Warning(
                "pinax_connect.urls is not included in your URLconf: Stripe cannot reach the webhook endpoint.",
                hint='Add path("stripe/", include("pinax_connect.urls")) to your urls.py.',
                id="pinax_connect.W005",
            )
        )
    if settings.PINAX_CONNECT_WEBHOOK_PROCESSING == "task":
        errors.extend(_check_tasks_backend())
    elif settings.PINAX_CONNECT_WEBHOOK_PROCESSING != "inline":
        errors.append(
            checks.Error(
                f"PINAX_CONNECT_WEBHOOK_PROCESSING={settings.PINAX_CONNECT_WEBHOOK_PROCESSING!r} is not one of "
                "'inline', 'task'.",
                id="pinax_connect.E007",
            )
        )
    return errors


def _check_tasks_backend() -> list[checks.CheckMessage]:
    if not (importlib.util.find_spec("django.tasks") or importlib.util.find_spec("django_tasks")):
        return [
            checks.Error(
                "PINAX_CONNECT_WEBHOOK_PROCESSING='task' needs Django's tasks framework.",
                hint="Use Django >= 6.0, or install the backport: pip install 'pinax-connect[tasks]'.",
                id="pinax_connect.E006",
            )
        ]
    backend = (getattr(settings, "TASKS", None) or {}).get("default", {}).get("BACKEND", "")
    if not backend or backend.endswith(TASK_BACKENDS_THAT_DO_NOT_QUEUE):
        return [
            checks.Warning(
                "PINAX_CONNECT_WEBHOOK_PROCESSING='task' but no queueing tasks backend is configured "
                f"({backend or 'TASKS is not set'}): events are not processed by a worker.",
                hint="Configure TASKS['default'] with a queueing backend (database, RQ, ...) and run its worker.",
                id="pinax_connect.W006",
            )
        ]
    return []


@checks.register("pinax_connect")
def check_api_version(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the configured API version is not the one stripe-python was generated for."""
    version = settings.PINAX_CONNECT_API_VERSION
    if version and version != stripe.api_version:
        return [
            checks.Warning(
                f"PINAX_CONNECT_API_VERSION={version!r} differs from the version stripe-python pins "
                f"({stripe.api_version!r}); object shapes may not match what pinax_connect expects.",
                hint="Remove the setting to use the pinned version, or upgrade your account's API version.",
                id="pinax_connect.W004",
            )
        ]
    return []
