"""``FakeStripe``: an in-memory Stripe behind stripe-python's HTTP client.

Importing this package registers the routes of every resource module.
"""

from . import banking, connect, files, oauth, payments  # noqa: F401  (register routes)
from . import account_sessions  # noqa: F401,E402  (register routes)
from .core import FakeStripe, FakeStripeError

__all__ = ["FakeStripe", "FakeStripeError"]
