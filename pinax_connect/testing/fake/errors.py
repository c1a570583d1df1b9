"""Stripe's error answers as the fake raises them (``FakeStripeError``,
``FakeOAuthError``) and the helpers that reject unknown nested parameters."""

from collections.abc import Iterable
from typing import Any

__all__ = ["FakeStripeError", "FakeOAuthError", "param_path", "reject_unknown"]


class FakeStripeError(Exception):
    """Raised inside a route: becomes Stripe's JSON error body with ``status``."""

    def __init__(
        self,
        status: int,
        type: str = "invalid_request_error",
        message: str = "",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type = type
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}

    def body(self, request_id: str | None = None) -> dict[str, Any]:
        """The JSON body Stripe sends for this error."""
        err: dict[str, Any] = {"type": self.type, "message": self.message}
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
    def missing(cls, object_name: str, id: Any, param: str = "id") -> "FakeStripeError":
        """404 ``resource_missing``: ``No such <object_name>: '<id>'``."""
        return cls(
            404,
            message=f"No such {object_name}: '{id}'",
            code="resource_missing",
            param=param,
        )

    @classmethod
    def unknown(cls, param: str) -> "FakeStripeError":
        """400 ``Received unknown parameter: <param>``, as Stripe answers."""
        return cls(400, message=f"Received unknown parameter: {param}", param=param)

    @classmethod
    def required(cls, param: str) -> "FakeStripeError":
        """400 ``parameter_missing`` for a required parameter."""
        return cls(
            400,
            message=f"Missing required param: {param}.",
            code="parameter_missing",
            param=param,
        )

    @classmethod
    def invalid(cls, param: str | None, message: str, code: str = "parameter_invalid") -> "FakeStripeError":
        """400 for an invalid parameter value."""
        return cls(400, message=message, code=code, param=param)


def param_path(prefix: str, *keys: Any) -> str:
    """Bracket-syntax parameter path: ``param_path("individual", "dob", "day")``
    is ``individual[dob][day]`` (an empty prefix starts with the first key)."""
    out = prefix
    for key in keys:
        out = f"{out}[{key}]" if out else key
    return out


def reject_unknown(allowed: Iterable[str], params: Any, prefix: str) -> None:
    """400 unless ``params`` is a hash whose keys are all in ``allowed``
    (for nested parameters such as ``individual[...]``)."""
    if not isinstance(params, dict):
        raise FakeStripeError.invalid(prefix, "Invalid object")
    for key in params:
        if key not in allowed:
            raise FakeStripeError.unknown(param_path(prefix, key))


class FakeOAuthError(FakeStripeError):
    """An error from connect.stripe.com/oauth: ``{error, error_description}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(status, type=error, message=description)

    def body(self, request_id: str | None = None) -> dict[str, Any]:
        return {"error": self.type, "error_description": self.message}
