"""The public test kit: a fake Stripe, signed webhooks and factories (see docs/testing.md)."""

from .factories import get_mock_resource, mock_event, mock_object
from .fake import FakeStripe, FakeStripeError
from .webhooks import signed_webhook

__all__ = ["FakeStripe", "FakeStripeError", "get_mock_resource", "mock_event", "mock_object", "signed_webhook"]
