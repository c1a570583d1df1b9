"""pinax_connect settings, all prefixed ``PINAX_CONNECT_``.

Import ``settings`` from here and read attributes at call time: the object proxies
Django's settings, so ``override_settings`` in tests is always honoured.
"""
import stripe
from appconf import AppConf
from django.conf import settings

__all__ = ["settings", "PinaxConnectAppConf"]


class PinaxConnectAppConf(AppConf):
    # Stripe keys. The secret key never leaves pinax_connect.client.
    SECRET_KEY = None
    PUBLISHABLE_KEY = None
    # The API version sent with every request; defaults to the one stripe-python pins.
    API_VERSION = stripe.api_version
    MAX_NETWORK_RETRIES = 2
    # Another Stripe-compatible host (stripe-mock, a proxy). None means Stripe.
    API_BASE = None
    # Dotted path to a stripe.HTTPClient class used instead of stripe-python's default
    # (e.g. "pinax_connect.testing.FakeStripe" for an offline demo).
    HTTP_CLIENT = None
    # OAuth client id for Standard accounts.
    CLIENT_ID = None
    DEFAULT_CURRENCY = "usd"

    # Webhooks: every signing secret in use (platform endpoint, Connect endpoint,
    # secrets being rotated out), and the accepted clock skew in seconds.
    WEBHOOK_SECRETS: list[str] = []
    WEBHOOK_TOLERANCE = 300
    WEBHOOK_MAX_BODY_SIZE = 1024 * 1024
    # "inline" processes an event in the request; "task" enqueues it (django.tasks).
    WEBHOOK_PROCESSING = "inline"
    # Status returned to Stripe when a handler fails: 200 keeps the event for replay
    # on our side; 500 asks Stripe to redeliver it.
    WEBHOOK_FAILURE_STATUS = 200
    # Re-fetch the event's object from Stripe instead of trusting the payload.
    WEBHOOK_REFETCH = False

    # Disputes (docs/disputes.md). What happens when a dispute on a destination charge
    # or a separate charge & transfer takes money from the platform: "none", or
    # "reverse_transfer" (take the disputed amount back from the seller's transfer).
    DISPUTE_RECOVERY = "none"
    # Also reverse the dispute fee (as far as the transfer has room for it).
    DISPUTE_RECOVERY_INCLUDE_FEE = False
    # Give the seller back the platform's application fee with the reversal.
    DISPUTE_RECOVERY_REFUND_APPLICATION_FEE = False
    # Transfer what was reversed back to the seller when the dispute is won.
    DISPUTE_RETRANSFER_ON_WON = True
    # Refund a charge as soon as an actionable early fraud warning arrives (with
    # reverse_transfer and refund_application_fee for destination charges).
    EARLY_FRAUD_WARNING_REFUND = False

    class Meta:
        prefix = "pinax_connect"
