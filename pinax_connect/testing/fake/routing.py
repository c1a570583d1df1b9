"""The fake's router: :func:`route` registers a handler for a method and a path
pattern in ``ROUTES``; ``_match`` finds the handler of a request."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["ROUTES", "route"]


@dataclass
class _Route:
    method: str
    pattern: str
    regex: Any
    handler: Callable[..., Any]
    params: set[str] | None
    specificity: int


ROUTES: list[_Route] = []


Handler = Callable[..., Any]


def route(method: str, pattern: str, params: Iterable[str] | None = None) -> Callable[[Handler], Handler]:
    """Register ``handler(fake, req) -> dict`` for ``method`` + path ``pattern``.

    ``pattern`` uses ``{name}`` placeholders (one path segment each); the values
    arrive in ``req.path_args``. ``params`` is the set of allowed top-level
    parameter names (``expand`` is always allowed); ``None`` accepts anything.
    """

    def decorator(handler: Handler) -> Handler:
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


def _match(method: str, path: str) -> tuple[_Route | None, dict[str, Any] | None]:
    """Return ``(route, path_args)`` for the request, or ``(None, None)``."""
    for r in ROUTES:
        if r.method != method:
            continue
        m = r.regex.match(path)
        if m:
            return r, m.groupdict()
    return None, None
