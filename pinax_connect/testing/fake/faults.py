"""Fault injection: ``fake.fail_next()`` queues failures (error statuses,
connection errors, lost responses) that the next matching requests meet."""

from typing import Any

from .storage import Storage


class Faults(Storage):
    """``fail_next`` and the lookup of the fault a request meets."""

    def fail_next(
        self, n: int = 1, *, status: int | None = None, connection_error: bool = False,
        lose_response: bool = False, after_execution: bool = False, path: str | None = None,
        method: str | None = None,
    ) -> None:
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

    def _take_fault(self, method: str, path: str, pattern: str | None) -> dict[str, Any] | None:
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
