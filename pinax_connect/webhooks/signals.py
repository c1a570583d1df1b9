"""``WEBHOOK_SIGNALS``: one Django signal per Stripe event type.

Receivers get ``sender=Event`` (the model class) and the keyword arguments ``event``
(the stored :class:`~pinax_connect.models.Event`) and ``stripe_object`` (the event's
``data.object`` as a dict, or the re-fetched object when
``PINAX_CONNECT_WEBHOOK_REFETCH`` is on). Signals are sent once the event's database
work has committed, with ``send_robust``: a failing receiver is logged and does not
mark the event failed.

    from pinax_connect.signals import WEBHOOK_SIGNALS

    @receiver(WEBHOOK_SIGNALS["account.updated"])
    def on_account_updated(sender, event, stripe_object, **kwargs): ...
"""
import threading
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import Signal

from .event_types import EVENT_TYPES

_lock = threading.Lock()


class WebhookSignals(dict):
    """A dict of signals by event type that creates a signal for an unknown type on first use.

    Stripe adds event types over time; a receiver for a type this release does not list
    still works, and the sender and the receivers always share one signal object.
    """

    def __missing__(self, event_type: str) -> Signal:
        with _lock:
            return self.setdefault(event_type, Signal())


WEBHOOK_SIGNALS = WebhookSignals((event_type, Signal()) for event_type in EVENT_TYPES)


# Sent (``sender=Event``, ``event=``) when an event has used every attempt
# (``PINAX_CONNECT_WEBHOOK_MAX_ATTEMPTS``) and is marked ``dead``: page someone.
webhook_event_dead = Signal()


def _account_created(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    from .early import account_created

    account_created(sender, instance, created, **kwargs)


def connect_early_events() -> None:
    """Apply early events when their Account appears (see webhooks/early.py).

    Connected by ``AppConfig.ready()`` (idempotent: one ``dispatch_uid``), so that
    importing this module changes nothing."""
    post_save.connect(_account_created, sender="pinax_connect.Account", dispatch_uid="pinax_connect_early_events")
