"""checkout.session.* webhooks reach the mirror through the default handler (completed, expired, async)."""
from decimal import Decimal

import pytest

from pinax_connect.actions import checkout
from pinax_connect.client import get_client
from pinax_connect.models import Event, PaymentIntent
from pinax_connect.signals import WEBHOOK_SIGNALS
from pinax_connect.testing import mock_event
from pinax_connect.webhooks import handlers
from pinax_connect.webhooks.registry import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(fake_stripe, custom_account):
    return checkout.create_session(
        line_items=[{"name": "Mug", "amount": Decimal("20.00"), "currency": "usd"}],
        success_url="https://shop.example.com/ok", cancel_url="https://shop.example.com/back",
        destination=custom_account, application_fee_amount=Decimal("2.00"),
    )


def test_completed_session_mirrors_its_payment_intent(fake_stripe, session, stripe_webhook_client):
    paid = fake_stripe.complete_checkout_session(session.id)
    response = stripe_webhook_client(mock_event("checkout.session.completed", paid))
    assert response.status_code == 200
    event = Event.objects.get(type="checkout.session.completed")
    assert event.status == Event.PROCESSED, event.last_error
    intent = PaymentIntent.objects.get(stripe_id=paid["payment_intent"])
    assert intent.status == "succeeded" and intent.amount == Decimal("20.00")


@pytest.mark.parametrize("event_type", ["checkout.session.expired", "checkout.session.async_payment_succeeded",
                                        "checkout.session.async_payment_failed"])
def test_other_session_events_are_handled_and_signalled(fake_stripe, session, stripe_webhook_client, event_type):
    assert handlers.sync_checkout_session in [handler for handler, _ in registry.handlers_for(event_type)]
    received = []

    def receiver(sender, event, stripe_object, **kwargs):
        received.append(stripe_object["id"])

    WEBHOOK_SIGNALS[event_type].connect(receiver)
    try:
        get_client().v1.checkout.sessions.expire(session.id)
        expired = fake_stripe.find(session.id, None, "checkout.session")
        response = stripe_webhook_client(mock_event(event_type, expired))
    finally:
        WEBHOOK_SIGNALS[event_type].disconnect(receiver)
    assert response.status_code == 200
    event = Event.objects.get(type=event_type)
    assert event.status == Event.PROCESSED, event.last_error
    assert received == [session.id]
