"""Parsing request parameters the way Stripe does: integers, booleans,
required parameters and the metadata update rules."""

import re
from typing import Any

from .errors import FakeStripeError


class ParamParsing:
    """Parameter parsers every route handler reaches as ``fake.<name>``."""

    def to_int(self, value: Any, param: str) -> int:
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

    def to_bool(self, value: Any, param: str) -> bool:
        """Parse a boolean parameter (``true``/``false``) or raise 400."""
        if isinstance(value, bool):
            return value
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        raise FakeStripeError.invalid(param, f"Invalid boolean: {value}")

    def require(self, params: Any, name: str, param: str | None = None) -> Any:
        """``params[name]`` or 400 ``parameter_missing`` (``param`` defaults to name)."""
        value = params.get(name) if isinstance(params, dict) else None
        if value is None or value == "":
            raise FakeStripeError.required(param or name)
        return value

    def merge_metadata(self, current: dict[str, str] | None, value: Any, param: str = "metadata") -> dict[str, str]:
        """:func:`merge_metadata`, as ``fake.merge_metadata``."""
        return merge_metadata(current, value, param)


def merge_metadata(current: dict[str, str] | None, value: Any, param: str = "metadata") -> dict[str, str]:
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
