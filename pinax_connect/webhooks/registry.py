"""Webhook handlers by event type.

A handler is a plain function called as ``handler(event, source, subtype)`` while an
event is processed, inside the event's database transaction:

* ``event``: the stored :class:`~pinax_connect.models.Event`;
* ``source``: the event as a dict (``source["data"]["object"]`` is the Stripe object;
  with ``PINAX_CONNECT_WEBHOOK_REFETCH`` it is the object freshly read from Stripe);
* ``subtype``: what follows the registered name in the event type (``"updated"`` for
  a handler registered on ``"invoice"`` receiving ``invoice.updated``; ``""`` for an
  exact match).

A name matches an event type when it is equal to it or is a dotted prefix of it:
``register("invoice")`` gets every ``invoice.*`` event, ``register("account.updated")``
exactly that type, ``register("*")`` every event. pinax_connect's default handlers
run first (``AppConfig.ready()`` puts them there, whatever the order of
``INSTALLED_APPS`` or imports), then the others in registration order. An exception in a handler rolls back the
whole event and marks it failed.
"""
import threading
from collections.abc import Callable, Iterable
from typing import Any

#: A handler: ``handler(event, source, subtype)``.
Handler = Callable[..., Any]


class HandlerRegistry:
    """Handlers by event type name or dotted prefix (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, Handler]] = []  # in registration order
        self._lock = threading.Lock()

    def register(self, name: str, handler: Handler | None = None) -> Any:
        """Register ``handler`` for ``name``; usable as ``@register(name)``. Returns the handler.

        Registering the same function twice for the same name is a no-op, so an
        ``AppConfig.ready`` that runs twice does not double-apply events.
        """
        if handler is None:
            return lambda func: self.register(name, func)
        with self._lock:
            if (name, handler) not in self._entries:
                self._entries.append((name, handler))
        return handler

    def register_first(self, entries: Iterable[tuple[str, Handler]]) -> None:
        """Place ``entries`` (``[(name, handler), ...]``) first, in that order, keeping the others after.

        Used once at start-up for pinax_connect's default handlers; calling it again
        changes nothing.
        """
        entries = list(entries)
        with self._lock:
            self._entries = entries + [entry for entry in self._entries if entry not in entries]

    def unregister(self, name: str, handler: Handler) -> None:
        """Remove ``handler`` from ``name`` (e.g. to replace a default handler with your own)."""
        with self._lock:
            self._entries = [entry for entry in self._entries if entry != (name, handler)]

    def handlers_for(self, event_type: str) -> list[tuple[Handler, str]]:
        """``[(handler, subtype), ...]`` for an event type, in registration order."""
        matches = []
        for name, handler in list(self._entries):
            if name == "*":
                matches.append((handler, event_type))
            elif event_type == name:
                matches.append((handler, ""))
            elif event_type.startswith(name + "."):
                matches.append((handler, event_type[len(name) + 1 :]))
        return matches

    def names(self) -> list[str]:
        """Every registered name (for introspection and docs)."""
        return [name for name, _handler in self._entries]


registry = HandlerRegistry()
register = registry.register
unregister = registry.unregister
