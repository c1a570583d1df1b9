"""The fake's money routes, registered by importing this module: customers and
payment methods (``customers``, ``payment_methods``, ``payment_sources``),
charges (``charges``, ``charge_objects``), transfers (``transfers``),
application fees (``application_fees``), refunds (``refunds``), PaymentIntents
(``payment_intents``, ``payment_intent_state``), balances (``ledger``), disputes
(``disputes``), payouts (``payouts``) and Checkout (``checkout``). Test helpers
added to ``FakeStripe``: ``authenticate_payment_intent``, ``pay_out`` and
``complete_checkout_session``.

:func:`confirm_payment_intent` and :func:`payment_intent_object` are re-exported
here for :mod:`.checkout`.
"""

from . import payment_intents, payment_methods, refunds  # noqa: F401  (register their routes)
from .payment_intent_state import confirm_payment_intent, payment_intent_object
from .payouts import pay_out  # noqa: F401  (registers the payout routes and helper)

__all__ = ["confirm_payment_intent", "payment_intent_object"]

# Checkout builds on PaymentIntents (and imports this module): register it last.
from . import checkout  # noqa: E402,F401  (registers its routes and helper)
