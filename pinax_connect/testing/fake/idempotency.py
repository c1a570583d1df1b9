"""Idempotency: a POST with an ``Idempotency-Key`` is executed once per key
and account; a retry gets the stored response (``Idempotent-Replayed``), a
reuse with other parameters gets Stripe's ``idempotency_error``."""

import copy
import hashlib
import json
from typing import Any

from .dispatch import Dispatch
from .errors import FakeStripeError
from .routing import _Route
from .wire import Request


class Idempotency(Dispatch):
    """``_handle``: dispatch with Stripe's idempotency rules."""

    def _handle(self, req: Request, r: _Route | None, failed_after: bool = False) -> tuple[int, Any, bool]:
        """Run the route with idempotency; returns ``(status, body, replayed)``.

        ``failed_after`` turns the executed result into Stripe's 500 ``api_error``."""
        idem_slot = None
        if req.method == "POST" and req.idempotency_key:
            idem_slot = f"{self._scope(req.account)}|{req.idempotency_key}"
            fingerprint = hashlib.sha256(
                json.dumps([req.method, req.path, req.params], sort_keys=True).encode()
            ).hexdigest()
            stored = self.state["idempotency"].get(idem_slot)
            if stored is not None:
                if stored["fingerprint"] != fingerprint:
                    err = FakeStripeError(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with. Try using a key other "
                        f"than '{req.idempotency_key}' if you meant to execute a different request.",
                    )
                    return 400, err.body(req.id), False
                return stored["status"], copy.deepcopy(stored["body"]), True

        status, body = self._dispatch(req, r)
        if failed_after and status < 400:
            status, body = 500, FakeStripeError(500, "api_error", "An unknown error occurred (injected).").body(req.id)
        # Stripe saves the result once the endpoint started executing: success,
        # business errors (card declines) and 500s; not validation errors (400)
        # or conflicts, which never reached execution.
        if idem_slot is not None and (status < 400 or status == 402 or status >= 500):
            self.state["idempotency"][idem_slot] = {
                "fingerprint": fingerprint,
                "status": status,
                "body": copy.deepcopy(body),
            }
        return status, body, False
