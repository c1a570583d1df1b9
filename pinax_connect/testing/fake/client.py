"""The ``FakeStripe`` class: an in-memory Stripe to pass as ``http_client=``
to ``stripe.StripeClient``, assembled from the parts of the fake's core
(storage, parameter parsing, lists, events, balances, faults, idempotency,
transport) plus its constructor and persistence (dump, load, reset).

Resource modules add test helpers to the class (``fake.pay_out()``...); they
are declared here so type checkers know them.
"""

import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import stripe

from .balances import Balances
from .events import Events
from .storage import _fresh_state
from .transport import Transport


class FakeStripe(Transport, Events, Balances, stripe.HTTPClient):
    """An in-memory Stripe for tests: pass it as ``http_client=`` to
    ``stripe.StripeClient``. All state lives in ``self.state`` (JSON-able)."""

    name = "pinax_connect_fake"

    # Test helpers attached by resource modules.
    platform_account: Callable[..., Any]
    visit_account_link: Callable[..., Any]
    raise_requirements: Callable[..., Any]
    complete_onboarding: Callable[..., Any]
    oauth_code: Callable[..., Any]
    deauthorize: Callable[..., Any]
    client_id: Callable[..., Any]
    pay_out: Callable[..., Any]
    authenticate_payment_intent: Callable[..., Any]
    complete_checkout_session: Callable[..., Any]

    def __init__(
        self, state: dict[str, Any] | None = None, now: float | None = None, *,
        request_log_limit: int | None = None,
    ) -> None:
        super().__init__()
        self.state = state if state is not None else _fresh_state(now or time.time())
        self.requests = []  # this instance's RequestRecords (the latest request_log_limit, if set)
        self.request_log_limit = request_log_limit
        self.listeners = []
        self._current = None
        self._deferred = []  # steps to run after the current request (see emit)
        # One request at a time, as Stripe serialises requests on one object; re-entrant
        # because a listener (a webhook handler) may call the fake back.
        self._lock = threading.RLock()

    # stripe-python sleeps between retries; the fake answers at once.
    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0

    def close(self) -> None:
        pass

    # ---- persistence ----------------------------------------------------------------

    def dump(self, path: str | os.PathLike[str]) -> None:
        """Write the whole state to a JSON file."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.state, fh)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "FakeStripe":
        """A new fake with the state saved by :meth:`dump`."""
        with open(path, encoding="utf-8") as fh:
            return cls(state=json.load(fh))

    def reset(self) -> None:
        """Forget everything (objects, events, balances, faults, request log)."""
        fresh = _fresh_state(self.state["clock"])
        self.state.clear()
        self.state.update(fresh)
        self.requests.clear()
