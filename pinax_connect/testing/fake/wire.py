"""What travels on the fake's wire: the decoded :class:`Request` a route
handler sees, the :class:`RequestRecord` logged for it (sensitive values
redacted), case-insensitive response headers and the API version answered."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stripe._api_version import _ApiVersion

__all__ = ["API_VERSION", "REDACTED", "SENSITIVE_PARAMS", "Request", "RequestRecord"]

API_VERSION = _ApiVersion.CURRENT


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
    def expand_paths(self) -> list[str]:
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


class _Headers(dict[str, Any]):
    """Case-insensitive response headers (stripe-python looks up lowercase names)."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__()
        for k, v in dict(items).items():
            self[k] = v

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if k in SENSITIVE_PARAMS else _redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value

