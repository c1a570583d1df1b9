"""Stripe webhooks: the endpoint, event storage and processing, handlers and signals.

    from pinax_connect import webhooks

    @webhooks.register("invoice")            # every invoice.* event
    def invoice_handler(event, source, subtype): ...

    from pinax_connect.webhooks import WEBHOOK_SIGNALS   # or pinax_connect.signals

See docs/webhooks.md. Nothing here imports models, so this package can be imported
from a ``models.py`` or an ``AppConfig.ready``.
"""
from .registry import register, registry, unregister
from .signals import WEBHOOK_SIGNALS, webhook_event_dead

__all__ = ["WEBHOOK_SIGNALS", "register", "registry", "unregister", "webhook_event_dead"]
