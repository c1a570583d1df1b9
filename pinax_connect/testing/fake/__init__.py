"""``FakeStripe``: an in-memory Stripe behind stripe-python's HTTP client.

Importing this package registers the routes of every resource module.
"""

from . import (  # noqa: F401  (register routes and test helpers)  # noqa: F401  (register routes)
    account_links,
    account_params,
    account_persons,
    account_sessions,  # noqa: F401,E402  (register routes)
    account_state,
    accounts,
    application_fees,
    banking,
    capabilities,
    charge_objects,
    connect,
    events_api,
    external_accounts,
    files,
    oauth,
    onboarding,
    payment_intent_state,
    payment_intents,
    payment_methods,
    payment_sources,
    payments,
    refunds,
    transfers,
)
from .core import FakeStripe, FakeStripeError

__all__ = ["FakeStripe", "FakeStripeError"]
