"""The local mirror of Stripe objects.

Rows are written only by the ``sync_<model>_from_stripe_object`` functions in
``pinax_connect.actions`` (see ``docs/`` and the design note): typed columns hold
what people filter on, ``stripe_data`` keeps the whole object last synced.

The models live in one module per area (``base``, ``accounts``, ``customers``,
``payments``, ``transfers``, ``events``, ``disputes``); this package re-exports
them all, which is where Django finds them.
"""

from .accounts import Account, ExternalAccount
from .base import StripeObject, amount_field
from .customers import Customer, UserAccount
from .disputes import Dispute, DisputeRecovery, EarlyFraudWarning
from .events import Event
from .payments import Charge, PaymentIntent, Refund
from .transfers import ApplicationFee, Payout, Transfer, TransferReversal

__all__ = [
    "Account",
    "ApplicationFee",
    "Charge",
    "Customer",
    "Dispute",
    "DisputeRecovery",
    "EarlyFraudWarning",
    "Event",
    "ExternalAccount",
    "PaymentIntent",
    "Payout",
    "Refund",
    "StripeObject",
    "Transfer",
    "TransferReversal",
    "UserAccount",
    "amount_field",
]
