"""The offline demo's Stripe: one ``FakeStripe`` per process, its webhooks, its state file.

``PINAX_CONNECT_HTTP_CLIENT = "fakestripe.fake.get_fake"`` makes every pinax_connect
client send its requests to :func:`get_fake`'s instance (stripe-python still encodes
them, the fake answers as Stripe would).

Webhooks: Stripe sends its events to the site over HTTP after the API call returned.
Here every event the fake emits is queued, and :func:`deliver_pending` posts the queue
to the site's own webhook URL once the request that caused them is done (the
middleware calls it). It uses ``django.test.Client`` in-process rather than an HTTP
request to ourselves because the development server would have to answer while this
request still holds the fake; the Client still runs the real path — URL resolver,
middleware, ``pinax_connect``'s webhook view, signature verification with
``PINAX_CONNECT_WEBHOOK_SECRETS[0]``, handlers, ``WEBHOOK_SIGNALS`` receivers.
"""
import logging
import os
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.test import Client
from django.urls import reverse

from pinax_connect.testing import FakeStripe, signed_webhook

logger = logging.getLogger(__name__)

_lock = threading.RLock()  # the fake is not thread-safe: one request at a time uses it
_depth = 0
_fake = None
_pending = []  # events waiting for delivery
_dirty = False  # the fake's state changed since it was last saved
REQUEST_LOG_LIMIT = 1000  # the demo runs for days: keep only the latest requests


class DemoFakeStripe(FakeStripe):
    """The fake, noting when a request may have changed its state (anything but GET)."""

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        global _dirty
        if method.upper() != "GET":
            _dirty = True
        return super().request(method, url, headers, post_data, _usage=_usage)


def _queue(event):
    global _dirty
    _dirty = True
    _pending.append(event)


def get_fake():
    """The process's ``FakeStripe``, loaded from ``FAKE_STRIPE_STATE_FILE`` on first use."""
    global _fake
    with _lock:
        if _fake is None:
            path = settings.FAKE_STRIPE_STATE_FILE
            _fake = DemoFakeStripe.load(path) if os.path.exists(path) else DemoFakeStripe()
            _fake.request_log_limit = REQUEST_LOG_LIMIT
            _fake.listeners.append(_queue)
        return _fake


@contextmanager
def exclusive():
    """Hold the fake for a whole request; yields True for the outermost holder.

    Re-entrant, because webhook deliveries run inside the request that caused them.
    """
    global _depth
    with _lock:
        _depth += 1
        try:
            yield _depth == 1
        finally:
            _depth -= 1


def sync_clock():
    """Keep the fake's clock (which only moves when told) on the wall clock."""
    fake = get_fake()
    fake.advance(max(0, int(time.time()) - fake.now()))


def deliver_pending():
    """Post every queued event to the webhook endpoint, signed like Stripe signs them."""
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    url = reverse("pinax_connect:webhook")
    secret = settings.PINAX_CONNECT_WEBHOOK_SECRETS[0]
    while _pending:  # handlers may call Stripe and cause more events
        event = _pending.pop(0)
        payload, signature = signed_webhook(event, secret)
        response = client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
        logger.info("--> %s [%s]  <-- [%s] %s", event["type"], event["id"], response.status_code,
                    response.content.decode()[:80])


def save():
    """Write the fake's state next to the database (atomically), so a restart keeps it."""
    global _dirty
    path = str(settings.FAKE_STRIPE_STATE_FILE)
    get_fake().dump(path + ".tmp")
    os.replace(path + ".tmp", path)
    _dirty = False


def settle(write=True):
    """What the middleware does after a request: deliver the webhooks, then persist.

    The state is written only when something may have changed it: a write request
    to the fake, an event, or a POST to the site (the stand-in pages change the
    fake through its test helpers). Reading pages costs no disk write.
    """
    deliver_pending()
    if write or _dirty:
        save()
