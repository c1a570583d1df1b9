"""Helpers for the webhook tests: event and object factories, a handler/signal recorder."""
import itertools
import time

import pytest

from pinax_connect.webhooks import registry
from pinax_connect.webhooks.signals import WEBHOOK_SIGNALS

_ids = itertools.count(1)


def make_event(event_type, obj, *, account=None, created=None, livemode=False, event_id=None):
    """An event dict shaped like Stripe's (API 2023-08-16)."""
    event = {
        "id": event_id or "evt_test_%06d" % next(_ids),
        "object": "event",
        "api_version": "2023-08-16",
        "created": int(time.time()) if created is None else created,
        "data": {"object": obj},
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": "req_test_%06d" % next(_ids), "idempotency_key": None},
        "type": event_type,
    }
    if account:
        event["account"] = account
    return event


def account_object(stripe_id="acct_webhook1", **overrides):
    """A custom account object as Stripe sends it in account.updated."""
    obj = {
        "id": stripe_id,
        "object": "account",
        "type": "custom",
        "country": "US",
        "default_currency": "usd",
        "email": "seller@example.com",
        "business_type": "individual",
        "business_profile": {"name": "Seller", "url": "https://seller.example.com"},
        "charges_enabled": True,
        "payouts_enabled": True,
        "details_submitted": True,
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "requirements": {
            "currently_due": [],
            "eventually_due": [],
            "past_due": [],
            "current_deadline": None,
            "disabled_reason": None,
        },
        "created": 1700000000,
        "livemode": False,
        "metadata": {},
    }
    obj.update(overrides)
    return obj


class Recorder:
    """Records handler calls and signal receptions (as lists of tuples)."""

    def __init__(self):
        self.handled = []
        self.signalled = []

    def handler(self, event, source, subtype):
        self.handled.append((event.stripe_id, event.type, subtype))

    def receiver(self, sender, event, stripe_object, **kwargs):
        self.signalled.append((event.stripe_id, event.type, stripe_object.get("id")))


@pytest.fixture
def recorder():
    """A :class:`Recorder`; ``recorder.listen(name)`` registers its handler and receiver
    (for an exact type the receiver too), removed after the test."""
    rec = Recorder()
    registered, connected = [], []

    def listen(name, *, handler=True, signal=True):
        if handler:
            registry.register(name, rec.handler)
            registered.append(name)
        if signal:
            WEBHOOK_SIGNALS[name].connect(rec.receiver, weak=False)
            connected.append(name)

    rec.listen = listen
    yield rec
    for name in registered:
        registry.unregister(name, rec.handler)
    for name in connected:
        WEBHOOK_SIGNALS[name].disconnect(rec.receiver)


@pytest.fixture
def register_handler():
    """``register_handler(name, func)`` for the duration of the test."""
    added = []

    def register(name, func):
        registry.register(name, func)
        added.append((name, func))
        return func

    yield register
    for name, func in added:
        registry.unregister(name, func)


@pytest.fixture
def connect_receiver():
    """``connect_receiver(type, func)`` connects a signal receiver for the duration of the test."""
    connected = []

    def connect(event_type, func):
        WEBHOOK_SIGNALS[event_type].connect(func, weak=False)
        connected.append((event_type, func))
        return func

    yield connect
    for event_type, func in connected:
        WEBHOOK_SIGNALS[event_type].disconnect(func)
