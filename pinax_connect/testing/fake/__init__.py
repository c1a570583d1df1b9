"""``FakeStripe``: an in-memory Stripe behind stripe-python's HTTP client.

Importing this package registers the routes of every resource module.
"""

from . import (  # noqa: F401  (register routes and test helpers)
    account_links,
    account_params,
    account_persons,
    account_state,
    accounts,
    application_fees,
    capabilities,
    charge_objects,
    events_api,
    external_accounts,
    onboarding,
    payment_intent_state,
    payment_intents,
    payment_methods,
    payment_sources,
    refunds,
    transfers,
)
from . import banking, connect, files, oauth, payments  # noqa: F401  (register routes)
from . import account_sessions  # noqa: F401,E402  (register routes)
from .core import FakeStripe, FakeStripeError

__all__ = ["FakeStripe", "FakeStripeError"]
