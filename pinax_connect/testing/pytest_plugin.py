"""pytest fixtures for projects using pinax_connect (registered via the ``pytest11`` entry point)."""
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[Any]:
    """A fresh :class:`~pinax_connect.testing.FakeStripe` that every pinax_connect client uses."""
    from pinax_connect.client import http_client_override
    from pinax_connect.testing import FakeStripe

    if not settings.PINAX_CONNECT_SECRET_KEY:
        settings.PINAX_CONNECT_SECRET_KEY = "sk_test_pinax_connect_fake"
    fake = FakeStripe()
    with http_client_override(fake):
        yield fake


@pytest.fixture
def stripe_webhook_client(client: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Deliver a webhook event to ``pinax_connect:webhook`` like Stripe does; returns the response.

    ``stripe_webhook_client(event)`` serializes ``event`` (a dict), signs it with the
    first of ``PINAX_CONNECT_WEBHOOK_SECRETS`` (``secret=``/``timestamp=`` override
    that) and POSTs it with a ``Stripe-Signature`` header. ``transaction.on_commit``
    callbacks registered during the request run before it returns, so the
    ``WEBHOOK_SIGNALS`` receivers have run even inside a test's transaction.
    """
    from django.urls import reverse

    from pinax_connect.testing.webhooks import signed_webhook

    def deliver(event: dict, *, secret: str | None = None, timestamp: int | None = None, **extra: Any) -> Any:
        secrets = settings.PINAX_CONNECT_WEBHOOK_SECRETS
        if secret is None and not secrets:
            raise AssertionError("PINAX_CONNECT_WEBHOOK_SECRETS is empty: set a signing secret for the test.")
        payload, header = signed_webhook(event, secret if secret is not None else secrets[0], timestamp)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("pinax_connect:webhook"),
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
                **extra,
            )

    return deliver
