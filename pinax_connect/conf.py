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
    WEBHOOK_SECRETS = []
    WEBHOOK_TOLERANCE = 300
    WEBHOOK_MAX_BODY_SIZE = 1024 * 1024
    # "inline" processes an event in the request; "task" enqueues it (django.tasks).
    WEBHOOK_PROCESSING = "inline"
    # Status returned to Stripe when a handler fails: 200 keeps the event for replay
    # on our side; 500 asks Stripe to redeliver it.
    WEBHOOK_FAILURE_STATUS = 200
    # Re-fetch the event's object from Stripe instead of trusting the payload.
    WEBHOOK_REFETCH = False

    class Meta:
        prefix = "pinax_connect"
