"""Fixtures for the dispute tests: sellers, disputed sales, and delivering the fake's events.

``deliver(fake, events)`` POSTs events, signed, to the webhook endpoint the way
Stripe would (one request each, ``on_commit`` callbacks run), so every test goes
through verification, storage, processing, handlers and signals.
"""
import pytest
from django.test import Client
from django.urls import reverse

from pinax_connect.actions import charges
from pinax_connect.testing.webhooks import signed_webhook
from tests.actions.conftest import (  # noqa: F401  (fixtures re-exported)
    custom_account,
    other_user,
    user,
)

SECRET = "whsec_test_platform"


def post_event(event, client=None):
    """POST one event dict to the webhook endpoint; returns the response."""
    payload, header = signed_webhook(event, SECRET)
    return (client or Client()).post(
        reverse("pinax_connect:webhook"), data=payload, content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """``deliver(events)``: POST each event in order; asserts Stripe would get a 200
    (``failing=`` names event types whose handlers are meant to fail: inline, those
    answer 500 so that Stripe redelivers them)."""

    def run(events, failing=()):
        for event in events:
            with django_capture_on_commit_callbacks(execute=True):
                response = post_event(event)
            expected = 500 if event["type"] in failing else 200
            assert response.status_code == expected, (event["type"], response.content)

    return run


@pytest.fixture
def mark(fake_stripe):
    """``mark()`` returns a function giving the events the fake emitted since the call."""

    def start():
        seen = len(fake_stripe.state["events"])
        return lambda: fake_stripe.events[seen:]

    return start


def types(events):
    return [e["type"] for e in events]


@pytest.fixture
def destination_sale(fake_stripe, custom_account):
    """``destination_sale(source, amount=100, fee=10)``: a destination charge paying ``custom_account``."""

    def make(source="tok_createDispute", amount=100, fee=10):
        return charges.create(amount, source=source, destination_account=custom_account, application_fee=fee)

    return make


@pytest.fixture
def direct_sale(fake_stripe, custom_account):
    """``direct_sale(source, amount=100, fee=10)``: a direct charge on ``custom_account``."""

    def make(source="tok_createDispute", amount=100, fee=10):
        return charges.create(amount, source=source, stripe_account=custom_account, application_fee=fee)

    return make
