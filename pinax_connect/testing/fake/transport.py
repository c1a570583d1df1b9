"""The fake's HTTP side: stripe-python's ``HTTPClient`` entry points (sync,
streaming and async), decoding the request, injected faults, the response and
its headers, and the request log (per instance and across every fake,
with the shapes of returned objects for the spec-conformance test)."""

import collections
import io
import itertools
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import stripe

from .encoding import decode_form, decode_multipart
from .errors import FakeStripeError
from .faults import Faults
from .idempotency import Idempotency
from .routing import _match
from .storage import _base62
from .wire import API_VERSION, Request, RequestRecord, _Headers, _redact


class Transport(Idempotency, Faults):
    """``request`` and friends: answer one HTTP request and log it."""

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
    requests: list[RequestRecord]
    request_log_limit: int | None

    # ---- HTTP ----------------------------------------------------------------------

    def request(
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data: Any = None, *,
        _usage: list[str] | None = None,
    ) -> tuple[str, int, Mapping[str, str]]:
        """stripe-python's entry point: answer one HTTP request (thread-safe)."""
        with self._lock:
            return self._request(method, url, headers, post_data)

    def _request(
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data: Any
    ) -> tuple[str, int, Mapping[str, str]]:
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
            id=f"req_{_base62(next(type(self)._request_numbers), 14)}",
        )
        r, path_args = _match(method, path)
        if r is not None and path_args is not None:
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

    def request_stream(
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data: Any = None, *,
        _usage: list[str] | None = None,
    ) -> tuple[Any, int, Mapping[str, str]]:
        body, status, rheaders = self.request(method, url, headers, post_data)
        return io.BytesIO(body.encode("utf-8")), status, rheaders

    # The async API (``client.v1.accounts.create_async``) answers the same way.
    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[Any, int, Mapping[str, str]]:
        return self.request(method, url, headers, post_data)

    async def request_stream_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[AsyncIterator[bytes], int, Mapping[str, str]]:
        body, status, rheaders = self.request(method, url, headers, post_data)

        async def chunks() -> AsyncIterator[bytes]:
            yield body.encode("utf-8")

        return chunks(), status, rheaders

    async def sleep_async(self, secs: float) -> None:
        return None

    async def close_async(self) -> None:
        return None

    def _respond(
        self, req: Request, body: Any, status: int, extra_headers: Any, replayed: bool = False,
        should_retry: bool = False,
    ) -> tuple[str, int, Mapping[str, str]]:
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

    def _record(self, req: Request, status: int, object_type: str | None) -> None:
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
        type(self).all_requests.append(record)
        type(self).request_shapes.setdefault((record.method, record.route_pattern, frozenset(record.params)), record)

    @classmethod
    def distinct_requests(cls) -> list[RequestRecord]:
        """One RequestRecord per distinct (method, route, parameter names) sent to any fake."""
        return list(cls.request_shapes.values())

    @classmethod
    def _remember_shapes(cls, obj: Any, where: str | None = None) -> None:
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
