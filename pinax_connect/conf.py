"""pinax_connect settings, all prefixed ``PINAX_CONNECT_``.

Import ``settings`` from here and read attributes at call time: the object proxies
Django's settings, so ``override_settings`` in tests is always honoured.
"""
import datetime

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
    # Status returned to Stripe when a handler (or receiver) fails. None: decided by the
    # retry design (500 while inline retries are Stripe's redeliveries and attempts
    # remain, else 200); 200 or 500 force it.
    WEBHOOK_FAILURE_STATUS = None
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

    # Webhook pipeline. Tries of a failed event (handlers, or the receivers that failed)
    # before it is marked dead.
    WEBHOOK_MAX_ATTEMPTS = 8
    # Retry n waits a random time in [d/2, d], d = min(RETRY_DELAY * 2**(n-1), RETRY_MAX_DELAY) seconds.
    WEBHOOK_RETRY_DELAY = 60
    WEBHOOK_RETRY_MAX_DELAY = 6 * 3600
    # How inline processing retries: "stripe" answers a failed delivery 500 so Stripe
    # redelivers it (its backoff, up to 3 days live); "task" enqueues a deferred retry
    # task on the configured django.tasks backend and answers 200.
    WEBHOOK_INLINE_RETRY = "stripe"
    # Processed events older than this lose their payload in pinax_connect_prune_events
    # (a timedelta or a number of days; None keeps payloads forever).
    EVENT_RETENTION = datetime.timedelta(days=30)

    class Meta:
        prefix = "pinax_connect"
