"""Signals of pinax_connect (the import path pinax-stripe's docs use).

``WEBHOOK_SIGNALS[event_type]`` is sent after a webhook event was applied; see
:mod:`pinax_connect.webhooks.signals`.
"""
from .webhooks.signals import WEBHOOK_SIGNALS

__all__ = ["WEBHOOK_SIGNALS"]
