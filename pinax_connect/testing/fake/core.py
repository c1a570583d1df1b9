"""The core of the fake Stripe: an in-memory, stateful Stripe API server that
plugs into stripe-python as its HTTP client.

stripe-python does everything it does against real Stripe (form encoding,
``Stripe-Account`` / ``Idempotency-Key`` / ``Stripe-Version`` headers, retries,
error mapping); only the socket is replaced. Resource modules (``connect``,
``payments``) register handlers with :func:`route`; this module parses requests,
dispatches them, and provides the shared machinery: object storage scoped by
account, ids, a fake clock, errors, pagination, expansion, events, idempotency,
fault injection, balances and persistence.
"""

import collections
import copy
import hashlib
import io
import itertools
import json
import re
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import stripe
from stripe._api_version import _ApiVersion

from .encoding import decode_form, decode_multipart

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

API_VERSION = _ApiVersion.CURRENT
PLATFORM = "platform"  # scope key for objects owned by the platform account

# Parameter names whose values must never be kept in clear, even in the
# request log (full account numbers, SSNs / ID numbers, card numbers, files).
SENSITIVE_PARAMS = {
    "account_number",
    "ssn_last_4",
    "id_number",
    "personal_id_number",
    "number",
    "cvc",
    "file",
}
REDACTED = "[redacted]"


# --------------------------------------------------------------------------
# Routing


@dataclass
class _Route:
    method: str
    pattern: str
    regex: Any
    handler: Callable
    params: set | None
    specificity: int


ROUTES: list = []


def route(method, pattern, params=None):
    """Register ``handler(fake, req) -> dict`` for ``method`` + path ``pattern``.

    ``pattern`` uses ``{name}`` placeholders (one path segment each); the values
    arrive in ``req.path_args``. ``params`` is the set of allowed top-level
    parameter names (``expand`` is always allowed); ``None`` accepts anything.
    """

    def decorator(handler):
        regex = re.compile(
            "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern)) + "$"
        )
        allowed = None if params is None else set(params) | {"expand"}
        # Literal segments win over placeholders (/v1/x/search vs /v1/x/{id}).
        ROUTES.append(
            _Route(method.upper(), pattern, regex, handler, allowed, pattern.count("{"))
        )
        ROUTES.sort(key=lambda r: r.specificity)
        return handler

    return decorator


def _match(method, path):
    """Return ``(route, path_args)`` for the request, or ``(None, None)``."""
    for r in ROUTES:
        if r.method != method:
            continue
        m = r.regex.match(path)
        if m:
            return r, m.groupdict()
    return None, None


# --------------------------------------------------------------------------
# Requests, records, errors


@dataclass
class Request:
    """One decoded API request as a route handler sees it."""

    method: str
    path: str
    params: dict
    account: str | None = None
    idempotency_key: str | None = None
    stripe_version: str | None = None
    path_args: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    id: str = ""  # the Request-Id sent back (req_...)
    route_pattern: str | None = None

    @property
    def expand_paths(self):
        """The ``expand[]`` values as a list of dotted paths."""
        value = self.params.get("expand") or []
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return list(value.values())
        return list(value)


class RequestRecord(NamedTuple):
    """What the fake logs for each request (sensitive values redacted)."""

    method: str
    path: str
    route_pattern: str | None
    params: dict
    account: str | None
    idempotency_key: str | None
    status: int
    object_type: str | None


class FakeStripeError(Exception):
    """Raised inside a route: becomes Stripe's JSON error body with ``status``."""

    def __init__(
        self,
        status,
        type="invalid_request_error",
        message="",
        code=None,
        param=None,
        decline_code=None,
        extra=None,
    ):
        super().__init__(message)
        self.status = status
        self.type = type
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}

    def body(self, request_id=None):
        """The JSON body Stripe sends for this error."""
        err = {"type": self.type, "message": self.message}
        for key in ("code", "param", "decline_code"):
            value = getattr(self, key)
            if value is not None:
                err[key] = value
        if self.code:
            err["doc_url"] = "https://stripe.com/docs/error-codes/{}".format(self.code.replace("_", "-"))
        if request_id:
            err["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        err.update(self.extra)
        return {"error": err}

    @classmethod
    def missing(cls, object_name, id, param="id"):
        """404 ``resource_missing``: ``No such <object_name>: '<id>'``."""
        return cls(
            404,
            message=f"No such {object_name}: '{id}'",
            code="resource_missing",
            param=param,
        )

    @classmethod
    def unknown(cls, param):
        """400 ``Received unknown parameter: <param>``, as Stripe answers."""
        return cls(400, message=f"Received unknown parameter: {param}", param=param)

    @classmethod
    def required(cls, param):
        """400 ``parameter_missing`` for a required parameter."""
        return cls(
            400,
            message=f"Missing required param: {param}.",
            code="parameter_missing",
            param=param,
        )

    @classmethod
    def invalid(cls, param, message, code="parameter_invalid"):
        """400 for an invalid parameter value."""
        return cls(400, message=message, code=code, param=param)


def param_path(prefix, *keys):
    """Bracket-syntax parameter path: ``param_path("individual", "dob", "day")``
    is ``individual[dob][day]`` (an empty prefix starts with the first key)."""
    out = prefix
    for key in keys:
        out = f"{out}[{key}]" if out else key
    return out


def reject_unknown(allowed, params, prefix):
    """400 unless ``params`` is a hash whose keys are all in ``allowed``
    (for nested parameters such as ``individual[...]``)."""
    if not isinstance(params, dict):
        raise FakeStripeError.invalid(prefix, "Invalid object")
    for key in params:
        if key not in allowed:
            raise FakeStripeError.unknown(param_path(prefix, key))


class FakeOAuthError(FakeStripeError):
    """An error from connect.stripe.com/oauth: ``{error, error_description}``."""

    def __init__(self, error, description, status=400):
        super().__init__(status, type=error, message=description)

    def body(self, request_id=None):
        return {"error": self.type, "error_description": self.message}


class _Headers(dict):
    """Case-insensitive response headers (stripe-python looks up lowercase names)."""

    def __init__(self, items=()):
        super().__init__()
        for k, v in dict(items).items():
            self[k] = v

    def __setitem__(self, key, value):
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


def _redact(value):
    if isinstance(value, dict):
        return {k: (REDACTED if k in SENSITIVE_PARAMS else _redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def _fresh_state(now):
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


def _base62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _ALPHABET[r] + out
    return out.rjust(width, "0")


def event_object(event_id, event_type, obj, created, account=None, previous_attributes=None,
                 pending_webhooks=1, request_id=None, idempotency_key=None):
    """The ``event`` Stripe sends about ``obj`` (deep-copied into ``data.object``).

    ``account`` is set for events of connected accounts (Connect webhooks) and
    left out otherwise, as Stripe does. Used by :meth:`FakeStripe.emit` and by
    :func:`pinax_connect.testing.factories.mock_event`.
    """
    data = {"object": copy.deepcopy(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = copy.deepcopy(previous_attributes)
    event = {
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


# --------------------------------------------------------------------------
# The client


class FakeStripe(stripe.HTTPClient):
    """An in-memory Stripe for tests: pass it as ``http_client=`` to
    ``stripe.StripeClient``. All state lives in ``self.state`` (JSON-able)."""

    name = "pinax_connect_fake"

    # The latest RequestRecords of every instance, bounded so a long-running fake (the
    # example's demo server) does not grow forever; ``request_shapes`` keeps one record
    # per distinct (method, route, parameter names), which is all the spec-conformance
    # check needs to cover a whole test session.
    ALL_REQUESTS_LIMIT = 10_000
    all_requests: "collections.deque" = collections.deque(maxlen=ALL_REQUESTS_LIMIT)
    request_shapes: dict = {}
    _request_numbers = itertools.count(1)
    returned_objects: dict = {}  # object type -> fullest example returned
    returned_keys: dict = {}  # object type -> keys every returned object of it had
    shape_gaps: dict = {}  # object type -> {key: where it was first missing}

    def __init__(self, state=None, now=None, *, request_log_limit=None):
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
    def _sleep_time_seconds(self, num_retries):
        return 0

    def close(self):
        pass

    # ---- clock & ids ----------------------------------------------------

    def now(self):
        """The fake clock (unix seconds). It only moves with :meth:`advance`."""
        return self.state["clock"]

    def advance(self, seconds):
        """Move the fake clock forward by ``seconds``; returns the new time."""
        self.state["clock"] += int(seconds)
        return self.state["clock"]

    def new_id(self, prefix):
        """A unique, deterministic id like ``cus_0000000000001A``."""
        self.state["counter"] += 1
        return "{}_{}".format(prefix, _base62(self.state["counter"], 14))

    # ---- storage ----------------------------------------------------------

    @staticmethod
    def _scope(account):
        return account or PLATFORM

    def save(self, obj, account=None):
        """Store (or replace) ``obj`` by its id in ``account``'s scope."""
        bucket = self.state["objects"].setdefault(self._scope(account), {})
        bucket.setdefault(obj["object"], {})[obj["id"]] = obj
        return obj

    def find(self, obj_id, account=None, object_name="object"):
        """The object ``obj_id`` visible under ``account``, else 404."""
        obj = self.get(obj_id, account)
        if obj is None:
            raise FakeStripeError.missing(object_name, obj_id)
        return obj

    def get(self, obj_id, account=None, object_type=None):
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

    def remove(self, obj_id, account=None):
        """Forget a stored object (for deletions)."""
        for objs in self.state["objects"].get(self._scope(account), {}).values():
            objs.pop(obj_id, None)

    def all(self, object_type, account=None):
        """Objects of ``object_type`` in ``account``'s scope, in creation order."""
        return list(
            self.state["objects"].get(self._scope(account), {}).get(object_type, {}).values()
        )

    @property
    def events(self):
        """Every event emitted, oldest first, across all accounts."""
        out = []
        for scope, evt_id in self.state["events"]:
            obj = self.get(evt_id, None if scope == PLATFORM else scope, "event")
            if obj is not None:
                out.append(obj)
        return out

    def deliver(self, event=None, secret=None, timestamp=None):
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

    # ---- parameter parsing -------------------------------------------------

    def to_int(self, value, param):
        """Parse an integer parameter or raise 400 ``Invalid integer``."""
        if isinstance(value, bool):
            raise FakeStripeError.invalid(param, f"Invalid integer: {value}")
        if isinstance(value, int):
            return value
        try:
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
                return int(value)
        except (TypeError, ValueError):
            pass
        raise FakeStripeError.invalid(param, f"Invalid integer: {value}")

    def to_bool(self, value, param):
        """Parse a boolean parameter (``true``/``false``) or raise 400."""
        if isinstance(value, bool):
            return value
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        raise FakeStripeError.invalid(param, f"Invalid boolean: {value}")

    def require(self, params, name, param=None):
        """``params[name]`` or 400 ``parameter_missing`` (``param`` defaults to name)."""
        value = params.get(name) if isinstance(params, dict) else None
        if value is None or value == "":
            raise FakeStripeError.required(param or name)
        return value

    def merge_metadata(self, current, value, param="metadata"):
        """Stripe's metadata update rules: keys merge, ``""`` unsets a key,
        ``metadata=""`` clears all; at most 50 keys, keys <= 40 chars,
        values <= 500 chars. Returns the new dict."""
        if value is None:
            return dict(current or {})
        if value == "":
            return {}
        if not isinstance(value, dict):
            raise FakeStripeError.invalid(param, "Invalid object")
        out = dict(current or {})
        for key, val in value.items():
            if len(key) > 40:
                raise FakeStripeError.invalid(
                    f"{param}[{key}]",
                    "Metadata keys can have up to 40 characters",
                )
            if val == "":
                out.pop(key, None)
                continue
            if not isinstance(val, str) or len(val) > 500:
                raise FakeStripeError.invalid(
                    f"{param}[{key}]",
                    "Metadata values can have up to 500 characters, but you passed in a value that is longer than that.",
                )
            out[key] = val
        if len(out) > 50:
            raise FakeStripeError.invalid(
                param, "You can specify up to 50 keys, with key names up to 40 characters long and values up to 500 characters long."
            )
        return out

    # ---- lists & expansion ---------------------------------------------------

    def list_response(self, objs, req, url):
        """A Stripe list (newest first) honouring ``limit``, ``starting_after``,
        ``ending_before`` and ``created`` (int or ``created[gte|gt|lte|lt]``)."""
        p = req.params
        limit = self.to_int(p.get("limit", 10), "limit")
        if not 1 <= limit <= 100:
            raise FakeStripeError.invalid(
                "limit",
                "Invalid limit: must be between 1 and 100",
            )
        items = list(reversed(objs))
        if "created" in p:
            items = self._filter_created(items, p["created"])
        if p.get("starting_after"):
            idx = self._index_of(items, p["starting_after"], "starting_after")
            page = items[idx + 1 : idx + 1 + limit]
            has_more = idx + 1 + limit < len(items)
        elif p.get("ending_before"):
            idx = self._index_of(items, p["ending_before"], "ending_before")
            page = items[max(0, idx - limit) : idx]
            has_more = idx - limit > 0
        else:
            page = items[:limit]
            has_more = len(items) > limit
        return {"object": "list", "data": page, "has_more": has_more, "url": url}

    @staticmethod
    def _index_of(items, obj_id, param):
        for i, o in enumerate(items):
            if o.get("id") == obj_id:
                return i
        raise FakeStripeError.missing("object", obj_id, param=param)

    def _filter_created(self, items, created):
        if isinstance(created, dict):
            ops = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
            for op, value in created.items():
                if op not in ops:
                    raise FakeStripeError.unknown(f"created[{op}]")
                bound = self.to_int(value, f"created[{op}]")
                items = [o for o in items if ops[op](o.get("created", 0), bound)]
            return items
        bound = self.to_int(created, "created")
        return [o for o in items if o.get("created") == bound]

    def expand(self, obj, req):
        """Replace ids by objects along each ``expand[]`` path (in place on the
        given dict, which must be a copy). Unknown fields raise 400 as Stripe."""
        for path in req.expand_paths:
            self._expand_path(obj, path.split("."), req, path)
        return obj

    def _expand_path(self, obj, parts, req, full):
        if not isinstance(obj, dict):
            return
        if obj.get("object") in ("list", "search_result") and parts[0] == "data":
            for item in obj.get("data", []):
                self._expand_path(item, parts[1:], req, full)
            return
        if not parts:
            return
        key = parts[0]
        if key not in obj:
            raise FakeStripeError(
                400, message=f"This property cannot be expanded ({full})."
            )
        value = obj[key]
        if isinstance(value, str):
            found = self.get(value, req.account) or self.get(value, None)
            if found is None and req.account is None:
                found = self._find_anywhere(value)
            if found is not None:
                value = obj[key] = copy.deepcopy(found)
        if len(parts) > 1:
            self._expand_path(value, parts[1:], req, full)

    def _find_anywhere(self, obj_id):
        # The platform can expand objects on its connected accounts
        # (e.g. a destination charge's transfer.destination_payment).
        for scope in self.state["objects"]:
            obj = self.get(obj_id, None if scope == PLATFORM else scope)
            if obj is not None:
                return obj
        return None

    # ---- events ----------------------------------------------------------------

    def emit(self, event_type, obj=None, account=None, previous_attributes=None):
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

    # ---- balances --------------------------------------------------------------

    def balance_add(self, account, currency, amount, available=True):
        """Add ``amount`` (minor units, may be negative) to a balance.

        Credits land in ``available`` unless ``available=False`` or
        ``state["hold_funds"]`` is set, in which case they wait in ``pending``
        until :meth:`release_pending`. Debits always come out of ``available``.
        """
        bal = self.state["balances"].setdefault(self._scope(account), {})
        entry = bal.setdefault(currency.lower(), {"available": 0, "pending": 0})
        if amount < 0 or (available and not self.state.get("hold_funds")):
            entry["available"] += amount
        else:
            entry["pending"] += amount
        return entry

    def release_pending(self, account=None):
        """Make ``account``'s (None = the platform's) pending funds available:
        the balance moves and its ``pending`` balance transactions become
        ``available`` (``available_on`` = now), as when Stripe settles them."""
        for entry in self.state["balances"].get(self._scope(account), {}).values():
            entry["available"] += entry["pending"]
            entry["pending"] = 0
        for txn in self.all("balance_transaction", account):
            if txn.get("status") == "pending":
                txn["status"] = "available"
                txn["available_on"] = min(txn["available_on"], self.now())

    # ---- fault injection -----------------------------------------------------------

    def fail_next(
        self, n=1, *, status=None, connection_error=False, lose_response=False, after_execution=False,
        path=None, method=None,
    ):
        """Make the next ``n`` matching requests fail.

        ``status`` 500 / 429 (default 500) answers with Stripe's error body
        before the endpoint runs (nothing changes, nothing is stored for the
        Idempotency-Key); ``after_execution`` runs the endpoint and then answers
        500, which Stripe saves for the key like any executed result, so a retry
        with the same key gets the same 500 (Stripe's idempotency docs);
        ``connection_error`` raises a retryable ``APIConnectionError`` without
        touching state; ``lose_response`` applies the request and then raises
        the connection error, so a retry with the same Idempotency-Key gets the
        stored response. ``path`` matches the request path or route pattern
        (a trailing ``*`` matches a prefix); ``method`` optionally narrows it.
        """
        if not (status or connection_error or lose_response or after_execution):
            status = 500
        self.state["faults"].append(
            {
                "remaining": int(n),
                "status": status,
                "connection_error": bool(connection_error),
                "lose_response": bool(lose_response),
                "after_execution": bool(after_execution),
                "path": path,
                "method": method.upper() if method else None,
            }
        )

    def _take_fault(self, method, path, pattern):
        for fault in self.state["faults"]:
            if fault["method"] and fault["method"] != method:
                continue
            want = fault["path"]
            if want:
                if want.endswith("*"):
                    if not path.startswith(want[:-1]):
                        continue
                elif want not in (path, pattern):
                    continue
            fault["remaining"] -= 1
            if fault["remaining"] <= 0:
                self.state["faults"].remove(fault)
            return fault
        return None

    # ---- persistence ----------------------------------------------------------------

    def dump(self, path):
        """Write the whole state to a JSON file."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.state, fh)

    @classmethod
    def load(cls, path):
        """A new fake with the state saved by :meth:`dump`."""
        with open(path, encoding="utf-8") as fh:
            return cls(state=json.load(fh))

    def reset(self):
        """Forget everything (objects, events, balances, faults, request log)."""
        fresh = _fresh_state(self.state["clock"])
        self.state.clear()
        self.state.update(fresh)
        self.requests.clear()

    # ---- HTTP ----------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        """stripe-python's entry point: answer one HTTP request (thread-safe)."""
        with self._lock:
            return self._request(method, url, headers, post_data)

    def _request(self, method, url, headers, post_data):
        method = method.upper()
        headers = _Headers(headers or {})
        parts = urlsplit(url)
        path = parts.path
        content_type = headers.get("content-type") or ""
        files = {}
        if method == "POST":
            if content_type.startswith("multipart/form-data"):
                params, files = decode_multipart(post_data or b"", content_type)
            else:
                params = decode_form(post_data or "")
        else:
            params = decode_form(parts.query)
        req = Request(
            method=method,
            path=path,
            params=params,
            account=headers.get("stripe-account"),
            idempotency_key=headers.get("idempotency-key") if method == "POST" else None,
            stripe_version=headers.get("stripe-version"),
            files=files,
            headers=dict(headers),
            id=f"req_{_base62(next(FakeStripe._request_numbers), 14)}",
        )
        r, path_args = _match(method, path)
        if r is not None:
            req.route_pattern = r.pattern
            req.path_args = path_args

        fault = self._take_fault(method, path, req.route_pattern)
        if fault and fault["connection_error"]:
            self._record(req, 0, None)
            raise stripe.APIConnectionError(
                "Fake connection error (injected)", should_retry=True
            )
        if fault and fault["status"]:
            status = fault["status"]
            err = (
                FakeStripeError(429, "invalid_request_error", "Too many requests (injected).", code="rate_limit")
                if status == 429
                else FakeStripeError(status, "api_error", "An unknown error occurred (injected).")
            )
            return self._respond(req, err.body(req.id), status, None, should_retry=True)

        status, body, replayed = self._handle(req, r, failed_after=bool(fault and fault.get("after_execution")))
        if fault and fault["lose_response"]:
            self._record(req, status, None)
            raise stripe.APIConnectionError(
                "Fake connection error: response lost (injected)", should_retry=True
            )
        return self._respond(req, body, status, None, replayed=replayed)

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        body, status, rheaders = self.request(method, url, headers, post_data)
        return io.BytesIO(body.encode("utf-8")), status, rheaders

    # The async API (``client.v1.accounts.create_async``) answers the same way.
    async def request_async(self, method, url, headers, post_data=None):
        return self.request(method, url, headers, post_data)

    async def request_stream_async(self, method, url, headers, post_data=None):
        body, status, rheaders = self.request(method, url, headers, post_data)

        async def chunks():
            yield body.encode("utf-8")

        return chunks(), status, rheaders

    async def sleep_async(self, secs):
        return None

    async def close_async(self):
        return None

    def _handle(self, req, r, failed_after=False):
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

    def _dispatch(self, req, r):
        try:
            if r is None:
                raise FakeStripeError(
                    404,
                    message=f"Unrecognized request URL ({req.method}: {req.path}). Please see "
                    "https://stripe.com/docs or we can help at "
                    "https://support.stripe.com/.",
                )
            self._check_account_header(req)
            if r.params is not None:
                for name in req.params:
                    if name not in r.params:
                        raise FakeStripeError.unknown(name)
            self._current, self._deferred = req, []
            try:
                result = r.handler(self, req)
            finally:
                self._current = None
            body = json.loads(json.dumps(result))  # detach from stored state
            if isinstance(body, dict):
                self.expand(body, req)
            for step in self._deferred:  # after the response is built: it shows the state it caused
                step(self)
            return 200, body
        except FakeStripeError as err:
            return err.status, err.body(req.id)

    def _check_account_header(self, req):
        if not req.account:
            return
        acct = self.get(req.account, None, "account")
        if acct is None or acct.get("deleted") or self.state.get("revoked", {}).get(req.account):
            raise FakeStripeError(
                403,
                message="The provided key 'sk_test_********' does not have access to "
                f"account '{req.account}' (or that account does not exist). Application access "
                "may have been revoked.",
                code="account_invalid",
            )

    def _respond(self, req, body, status, extra_headers, replayed=False, should_retry=False):
        headers = _Headers(
            {
                "Content-Type": "application/json",
                "Request-Id": req.id,
                "Stripe-Version": req.stripe_version or API_VERSION,
            }
        )
        if req.idempotency_key:
            headers["Idempotency-Key"] = req.idempotency_key
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        if should_retry:
            headers["Stripe-Should-Retry"] = "true"
        elif status >= 400:
            headers["Stripe-Should-Retry"] = "false"
        object_type = body.get("object") if isinstance(body, dict) and status < 400 else None
        if object_type:
            self._remember_shapes(body, f"{req.method} {req.path}")
        self._record(req, status, object_type)
        return json.dumps(body), status, headers

    def _record(self, req, status, object_type):
        record = RequestRecord(
            req.method,
            req.path,
            req.route_pattern,
            _redact(req.params),
            req.account,
            req.idempotency_key,
            status,
            object_type,
        )
        self.requests.append(record)
        if self.request_log_limit and len(self.requests) > 2 * self.request_log_limit:
            del self.requests[: -self.request_log_limit]  # trimmed in batches: appends stay O(1)
        FakeStripe.all_requests.append(record)
        FakeStripe.request_shapes.setdefault((record.method, record.route_pattern, frozenset(record.params)), record)

    @classmethod
    def distinct_requests(cls):
        """One RequestRecord per distinct (method, route, parameter names) sent to any fake."""
        return list(cls.request_shapes.values())

    @classmethod
    def _remember_shapes(cls, obj, where=None):
        """Note the shape of every object in a response (nested ones too), for
        the spec-conformance test: ``returned_objects`` keeps the fullest
        example of each type, ``returned_keys`` the keys that EVERY returned
        object of that type had, and ``shape_gaps[type][key]`` says where a
        key was first missing (object id and request). Deletion stubs count
        as ``deleted_<type>``."""
        if isinstance(obj, dict):
            kind = obj.get("object")
            if isinstance(kind, str) and kind not in ("list", "search_result"):
                if obj.get("deleted") is True:
                    kind = "deleted_" + kind
                known = cls.returned_objects.get(kind)
                if known is None or len(obj) >= len(known):
                    cls.returned_objects[kind] = obj
                keys = cls.returned_keys.get(kind)
                if keys is None:
                    cls.returned_keys[kind] = set(obj)
                    # Keys absent from the first object were missing there.
                    cls.shape_gaps.setdefault(kind, {})[None] = "{} in the response to {}".format(obj.get("id"), where)
                elif not keys <= obj.keys():
                    gaps = cls.shape_gaps.setdefault(kind, {})
                    for key in keys - obj.keys():
                        gaps.setdefault(key, "{} in the response to {}".format(obj.get("id"), where))
                    cls.returned_keys[kind] = keys & set(obj)
            for value in obj.values():
                cls._remember_shapes(value, where)
        elif isinstance(obj, list):
            for value in obj:
                cls._remember_shapes(value, where)
