"""The fake's state and object storage: the JSON-able ``state`` dict, objects
scoped by account (``PLATFORM`` for the platform's own), ids and the fake clock.

:class:`Storage` is the base of every part of :class:`.client.FakeStripe`; it
also declares the per-instance attributes ``FakeStripe.__init__`` sets.
"""

import string
import threading
from collections.abc import Callable
from typing import Any

from .errors import FakeStripeError
from .wire import Request

PLATFORM = "platform"  # scope key for objects owned by the platform account


def _fresh_state(now: float) -> dict[str, Any]:
    return {
        "objects": {},  # scope -> object type -> id -> object (insertion = creation order)
        "counter": 0,
        "clock": int(now),
        "events": [],  # [scope, event id] in emission order
        "idempotency": {},  # "scope|key" -> stored response
        "balances": {},
        "hold_funds": False,
        "faults": [],
        "hosted_base_url": "https://connect.stripe.test",
    }


_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase  # sorts like ASCII


def _base62(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _ALPHABET[r] + out
    return out.rjust(width, "0")


class Storage:
    """Clock, ids and account-scoped object storage over ``self.state``."""

    state: dict[str, Any]
    listeners: list[Callable[[dict[str, Any]], Any]]
    _current: Request | None
    _deferred: list[Callable[[Any], Any]]
    _lock: threading.RLock

    # ---- clock & ids ----------------------------------------------------

    def now(self) -> int:
        """The fake clock (unix seconds). It only moves with :meth:`advance`."""
        return self.state["clock"]

    def advance(self, seconds: float) -> int:
        """Move the fake clock forward by ``seconds``; returns the new time."""
        self.state["clock"] += int(seconds)
        return self.state["clock"]

    def new_id(self, prefix: str) -> str:
        """A unique, deterministic id like ``cus_0000000000001A``."""
        self.state["counter"] += 1
        return "{}_{}".format(prefix, _base62(self.state["counter"], 14))

    # ---- storage ----------------------------------------------------------

    @staticmethod
    def _scope(account: str | None) -> str:
        return account or PLATFORM

    def save(self, obj: dict[str, Any], account: str | None = None) -> dict[str, Any]:
        """Store (or replace) ``obj`` by its id in ``account``'s scope."""
        bucket = self.state["objects"].setdefault(self._scope(account), {})
        bucket.setdefault(obj["object"], {})[obj["id"]] = obj
        return obj

    def find(
        self, obj_id: Any, account: str | None = None, object_type: str | None = None, param: str = "id"
    ) -> dict[str, Any]:
        """The object ``obj_id`` visible under ``account``, of ``object_type`` when given, else 404 on ``param``.

        Routes give the type, as Stripe checks it: ``GET /v1/customers/pi_…`` is "No such customer".
        """
        obj = self.get(obj_id, account, object_type)
        if obj is None:
            raise FakeStripeError.missing(object_type or "object", obj_id, param=param)
        return obj

    def get(self, obj_id: Any, account: str | None = None, object_type: str | None = None) -> dict[str, Any] | None:
        """Like :meth:`find` but returns None instead of raising."""
        if not isinstance(obj_id, str):
            return None
        bucket = self.state["objects"].get(self._scope(account), {})
        types = [object_type] if object_type else bucket
        for t in types:
            obj = bucket.get(t, {}).get(obj_id)
            if obj is not None:
                return obj
        return None

    def remove(self, obj_id: str, account: str | None = None) -> None:
        """Forget a stored object (for deletions)."""
        for objs in self.state["objects"].get(self._scope(account), {}).values():
            objs.pop(obj_id, None)

    def all(self, object_type: str, account: str | None = None) -> list[dict[str, Any]]:
        """Objects of ``object_type`` in ``account``'s scope, in creation order."""
        return list(
            self.state["objects"].get(self._scope(account), {}).get(object_type, {}).values()
        )
