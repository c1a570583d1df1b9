"""Webhook payloads signed exactly like Stripe signs them."""

import hashlib
import hmac
import json
import time


def signed_webhook(event: dict, secret: str, timestamp: int | None = None) -> tuple[str, str]:
    """Serialize ``event`` and sign it with ``secret``.

    Returns ``(payload, signature_header)`` where the header is Stripe's
    ``t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<payload>")>``, so
    ``stripe.Webhook.construct_event(payload, header, secret)`` accepts it.
    ``timestamp`` defaults to the real current time (Stripe's tolerance check
    compares against the wall clock, not the fake one).
    """
    payload = event if isinstance(event, str) else json.dumps(event)
    ts = int(time.time()) if timestamp is None else int(timestamp)
    signature = hmac.new(
        secret.encode("utf-8"), f"{ts}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return payload, f"t={ts},v1={signature}"
