"""Events: the ``event`` object Stripe sends (:func:`event_object`), emitting
one to the fake's listeners, and signing a webhook delivery of it."""

import copy
from collections.abc import Callable
from typing import Any

from .storage import PLATFORM, Storage
from .wire import API_VERSION

__all__ = ["Events", "event_object"]


def event_object(
    event_id: str, event_type: str, obj: Any, created: int, account: str | None = None,
    previous_attributes: Any = None, pending_webhooks: int = 1, request_id: str | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """The ``event`` Stripe sends about ``obj`` (deep-copied into ``data.object``).

    ``account`` is set for events of connected accounts (Connect webhooks) and
    left out otherwise, as Stripe does. Used by :meth:`FakeStripe.emit` and by
    :func:`pinax_connect.testing.factories.mock_event`.
    """
    data: dict[str, Any] = {"object": copy.deepcopy(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = copy.deepcopy(previous_attributes)
    event: dict[str, Any] = {
        "id": event_id,
        "object": "event",
        "account": account,
        "api_version": API_VERSION,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": pending_webhooks,
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": event_type,
    }
    if account is None:
        del event["account"]
    return event


class Events(Storage):
    """``emit``, the ``events`` log and ``deliver`` (signed webhook payloads)."""

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event emitted, oldest first, across all accounts."""
        out = []
        for scope, evt_id in self.state["events"]:
            obj = self.get(evt_id, None if scope == PLATFORM else scope, "event")
            if obj is not None:
                out.append(obj)
        return out

    def deliver(
        self, event: dict[str, Any] | None = None, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[str, str]:
        """``(payload, signature_header)`` for ``event`` (default: the newest emitted),
        signed with ``secret`` exactly as Stripe signs a webhook delivery.

        ``secret`` defaults to ``state["webhook_secret"]``. POST the payload to your
        webhook URL with the header as ``Stripe-Signature``.
        """
        from ..webhooks import signed_webhook

        secret = secret or self.state.get("webhook_secret")
        if not secret:
            raise ValueError("deliver() needs the endpoint's signing secret (secret= or state['webhook_secret'])")
        if event is None:
            if not self.state["events"]:
                raise ValueError("no event has been emitted yet")
            event = self.events[-1]
        return signed_webhook(event, secret, timestamp=timestamp)

    # ---- events ----------------------------------------------------------------

    def emit(
        self, event_type: str | Callable[[Any], Any], obj: Any = None, account: str | None = None,
        previous_attributes: Any = None,
    ) -> Any:
        """Record the Event Stripe would send and hand it to ``listeners``.

        ``event_type`` may instead be a deferred step, ``step(fake)`` (a test card's
        dispute, ``disputes.py``): it runs once the current request's own events
        are out, as Stripe's later, request-less events.
        """
        if callable(event_type):
            if self._current is not None:
                self._deferred.append(event_type)
                return None
            return event_type(self)
        req = self._current
        event = event_object(
            self.new_id("evt"), event_type, obj, self.now(), account=account,
            previous_attributes=previous_attributes,
            pending_webhooks=max(1, len(self.listeners)),
            request_id=req.id if req else None,
            idempotency_key=req.idempotency_key if req else None,
        )
        self.save(event, account)
        self.state["events"].append([self._scope(account), event["id"]])
        for listener in list(self.listeners):
            listener(copy.deepcopy(event))
        return event
