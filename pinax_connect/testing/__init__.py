"""The public test kit: a fake Stripe, signed webhooks and factories."""

from .fake import FakeStripe, FakeStripeError
from .webhooks import signed_webhook

__all__ = ["FakeStripe", "FakeStripeError", "signed_webhook"]
