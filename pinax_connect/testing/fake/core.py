"""The core of the fake Stripe, by its old import path: an in-memory, stateful
Stripe API server that plugs into stripe-python as its HTTP client.

stripe-python does everything it does against real Stripe (form encoding,
``Stripe-Account`` / ``Idempotency-Key`` / ``Stripe-Version`` headers, retries,
error mapping); only the socket is replaced. Resource modules register handlers
with :func:`route`. The machinery lives in one module per job, and this module
re-exports the names it held before it was split:

- ``routing``: ``route``, ``ROUTES`` and request matching;
- ``wire``: ``Request``, ``RequestRecord``, response headers, redaction, ``API_VERSION``;
- ``errors``: ``FakeStripeError``, ``FakeOAuthError``, ``param_path``, ``reject_unknown``;
- ``storage``: the state, account-scoped objects (``PLATFORM``), ids, the clock;
- ``params``: integer / boolean / required / metadata parameter parsing;
- ``lists``: list responses (pagination, ``created``) and ``expand[]``;
- ``events``: ``event_object``, ``fake.emit()``, ``fake.events``, ``fake.deliver()``;
- ``balances``: ``fake.balance_add()``, ``fake.release_pending()``;
- ``faults``: ``fake.fail_next()``;
- ``dispatch``: running a request through its route;
- ``idempotency``: ``Idempotency-Key`` replay and conflicts;
- ``transport``: stripe-python's HTTP client entry points and the request log;
- ``client``: the ``FakeStripe`` class, its constructor and dump / load / reset.
"""

# Every name is re-exported for the modules, tests and docs that import it from here.
from .client import FakeStripe
from .errors import FakeOAuthError, FakeStripeError, param_path, reject_unknown  # noqa: F401
from .events import event_object
from .routing import ROUTES, _match, _Route, route  # noqa: F401
from .storage import _ALPHABET, PLATFORM, _base62, _fresh_state  # noqa: F401
from .wire import (  # noqa: F401
    API_VERSION,
    REDACTED,
    SENSITIVE_PARAMS,
    Request,
    RequestRecord,
    _Headers,
    _redact,
)

__all__ = [
    "FakeStripe",
    "FakeStripeError",
    "Request",
    "RequestRecord",
    "route",
    "ROUTES",
    "API_VERSION",
    "event_object",
]
