"""Check what a test session sent to and got from :class:`FakeStripe` against
Stripe's published OpenAPI spec (``spec3.yaml``).

Two questions, answered from what the fake recorded while the tests ran
(``FakeStripe.distinct_requests()`` — one record per method, route and parameter
names, kept for the whole session while ``FakeStripe.all_requests`` keeps only the
latest ``ALL_REQUESTS_LIMIT`` — and ``FakeStripe.returned_keys``):

* every request: does its path template and method exist in the spec, and is
  every top-level parameter sent known to that operation (form body for POST,
  query parameters for GET/DELETE)?
* every object type the fake returned: does it carry every top-level property
  of the spec's schema for that type (``deleted_<type>`` stubs against the
  deleted schema)?

The spec is about 4 MB of YAML and takes seconds to parse, so :func:`load_spec`
caches the parsed dict as a pickle keyed by the file's path, size and mtime.

:func:`move_conformance_last` is a ``pytest_collection_modifyitems`` helper
that puts tests marked ``spec_conformance`` after every other test, so they
see the requests of the whole session.
"""

import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .fake.routing import _Route
from .fake.wire import RequestRecord

__all__ = [
    "MARKER",
    "NEWER_THAN_SPEC",
    "SPEC_ENV",
    "SUMMARY_KEY",
    "Report",
    "check_objects",
    "check_requests",
    "check_route_params",
    "declared_by_stripe_python",
    "default_spec_path",
    "load_spec",
    "move_conformance_last",
    "spec_operations",
]

SPEC_ENV = "PINAX_CONNECT_STRIPE_SPEC"
MARKER = "spec_conformance"
# Where the conformance tests leave their summary lines for the terminal report.
SUMMARY_KEY = pytest.StashKey[list[str]]()

# Paths that are not part of Stripe's OpenAPI spec: OAuth lives on
# connect.stripe.com and is documented separately.
OUTSIDE_SPEC = ("/oauth/",)

# Parameters newer than the spec (API version 2023-08-16) that the API version
# stripe-python 16 pins accepts: (method, path, parameter) -> the stripe-python
# params class that declares it (a test checks that it really does).
NEWER_THAN_SPEC = {
    ("POST", "/v1/accounts", "controller"): "AccountCreateParams",
    ("POST", "/v1/account_links", "collection_options"): "AccountLinkCreateParams",
    ("GET", "/v1/accounts/{account}/external_accounts", "object"): "AccountExternalAccountListParams",
}


def declared_by_stripe_python(params_class: str, name: str) -> bool:
    """Whether ``stripe.params.<params_class>`` declares parameter ``name``."""
    import stripe.params

    cls = getattr(stripe.params, params_class, None)
    return cls is not None and name in getattr(cls, "__annotations__", {})


def _newer_than_spec(method: str, pattern: str, name: str) -> bool:
    params_class = NEWER_THAN_SPEC.get((method, pattern, name))
    return params_class is not None and declared_by_stripe_python(params_class, name)


# Top-level properties Stripe leaves out of an object in some cases, so a fake
# that leaves them out too is right (type -> {property: why}).
CONDITIONAL_PROPERTIES = {
    "token": {
        "bank_account": "only on bank account tokens",
        "card": "only on card tokens",
    },
    "event": {"account": "only on events of connected accounts (Connect webhooks)"},
}


def default_spec_path(repo_root: str | os.PathLike[str]) -> Path:
    """``$PINAX_CONNECT_STRIPE_SPEC``, else ``<repo_root>/../shared/stripe-openapi/spec3.yaml``."""
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    return Path(repo_root).resolve().parent / "shared" / "stripe-openapi" / "spec3.yaml"


def _cache_file(path: str | os.PathLike[str], cache_dir: str | os.PathLike[str]) -> Path:
    stat = os.stat(path)
    key = f"{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return Path(cache_dir) / (f"stripe-spec-{digest}.pickle")


def load_spec(
    path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
) -> tuple[dict[str, Any], bool]:
    """The parsed spec at ``path`` (needs PyYAML), from the pickle cache when
    the file's size and mtime did not change. ``cache_dir`` defaults to
    ``<tmp>/pinax_connect``. Returns ``(spec, from_cache)``."""
    cache_dir = Path(cache_dir or Path(tempfile.gettempdir()) / "pinax_connect")
    cached = _cache_file(path, cache_dir)
    try:
        with open(cached, "rb") as fh:
            return pickle.load(fh), True
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    import yaml  # optional: only the conformance check needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        spec = yaml.load(fh, Loader=loader)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent run never reads half a pickle.
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(spec, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only temp dir only costs speed
    return spec, False


def _shape(template: str) -> str:
    """``/v1/accounts/{account}/persons/{id}`` -> ``/v1/accounts/{}/persons/{}``:
    placeholders match by position, whatever their names."""
    return re.sub(r"\{[^}/]+\}", "{}", template)


def _operation_params(operation: Mapping[str, Any]) -> set[str]:
    names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media in content.values():
        names |= set((media.get("schema") or {}).get("properties") or {})
    return names


def spec_operations(spec: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, set[str]]]:
    """``{(METHOD, path shape): (spec path, {known top-level params})}``."""
    ops = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "delete"):
                ops[(method.upper(), _shape(path))] = (path, _operation_params(operation))
    return ops


@dataclass
class Report:
    """What a check looked at and what it found wrong."""

    checked: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    operations: set[tuple[str, str]] = field(default_factory=set)  # (method, spec path)
    problems: list[str] = field(default_factory=list)  # human-readable lines

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


# What check_requests found: (method, route pattern, parameter or None for the path, example path).
Finding = tuple[str, str, str | None, str]


def _allowed_by_fake(route_params: Collection[str] | None, name: str) -> bool:
    # A parameter the route's allow-list rejects got Stripe's own 400
    # "Received unknown parameter": the fake behaved like Stripe.
    return route_params is None or name in route_params or name == "expand"


def check_requests(
    records: Iterable[RequestRecord], spec: Mapping[str, Any], routes: Iterable[_Route]
) -> tuple[Report, list[Finding], list[Finding]]:
    """Check request records (``FakeStripe.distinct_requests()``) against the spec.

    Returns ``(report, unknown_paths, unknown_params)``; the last two are
    lists of ``(method, route pattern, param or None, example path)``.
    """
    ops = spec_operations(spec)
    route_params = {(r.method, r.pattern): r.params for r in routes}
    report = Report()
    unknown_paths: list[Finding] = []
    unknown_params: list[Finding] = []
    seen: set[tuple[str, str] | tuple[tuple[str, str], str]] = set()  # operations, (operation, parameter)s
    for rec in records:
        if rec.route_pattern is None:
            report.skip("no route in the fake (answered 404 like Stripe)")
            continue
        if rec.route_pattern.startswith(OUTSIDE_SPEC):
            report.skip("OAuth (connect.stripe.com, not in the OpenAPI spec)")
            continue
        report.checked += 1
        key = (rec.method, _shape(rec.route_pattern))
        if key not in ops:
            if key not in seen:
                seen.add(key)
                unknown_paths.append((rec.method, rec.route_pattern, None, rec.path))
            continue
        spec_path, known = ops[key]
        report.operations.add((rec.method, spec_path))
        allowed = route_params.get((rec.method, rec.route_pattern))
        for name in rec.params:
            if name in known or not _allowed_by_fake(allowed, name):
                continue
            if _newer_than_spec(rec.method, rec.route_pattern, name):
                report.skip("parameters newer than the spec (NEWER_THAN_SPEC)")
                continue
            if (key, name) not in seen:
                seen.add((key, name))
                unknown_params.append((rec.method, rec.route_pattern, name, rec.path))
    report.problems = [f"{m} {p}: unknown path (e.g. {ex})" for m, p, _, ex in unknown_paths]
    report.problems += [
        f"{m} {p}: parameter {n!r} is not in the spec (e.g. {ex})"
        for m, p, n, ex in unknown_params
    ]
    return report, unknown_paths, unknown_params


def check_route_params(spec: Mapping[str, Any], routes: Iterable[_Route]) -> list[str]:
    """Every parameter a fake route accepts must exist in the spec for that
    operation (so the fake never accepts what Stripe would reject).
    Returns a list of problem lines."""
    ops = spec_operations(spec)
    problems = []
    for r in routes:
        if r.pattern.startswith(OUTSIDE_SPEC):
            continue
        key = (r.method, _shape(r.pattern))
        if key not in ops:
            problems.append(f"{r.method} {r.pattern}: no such operation in the spec")
            continue
        extra = sorted(
            name for name in (r.params or set()) - ops[key][1] - {"expand"}
            if not _newer_than_spec(r.method, r.pattern, name)
        )
        if extra:
            problems.append(f"{r.method} {r.pattern} accepts {extra}, unknown to the spec")
    return problems


def check_objects(
    returned_keys: Mapping[str, Collection[str]], spec: Mapping[str, Any],
    gaps: Mapping[str, Mapping[str | None, str]] | None = None,
) -> tuple[Report, list[tuple[str, str]]]:
    """Compare ``FakeStripe.returned_keys`` (type -> keys every returned object
    of that type had) with the spec's schemas; ``gaps`` (``FakeStripe.shape_gaps``)
    says where a key went missing. Returns ``(report, missing)`` with
    ``missing`` a list of ``(type, property)``."""
    gaps = gaps or {}
    schemas = spec["components"]["schemas"]
    report = Report()
    missing = []
    for kind, keys in sorted(returned_keys.items()):
        schema = schemas.get(kind)
        if schema is None:
            report.problems.append(f"object type {kind!r} has no schema in the spec")
            continue
        report.checked += 1
        conditional = CONDITIONAL_PROPERTIES.get(kind, {})
        for prop in sorted(schema.get("properties") or {}):
            if prop not in keys and prop not in conditional:
                missing.append((kind, prop))
    for kind, prop in missing:
        # No entry for the key: it was already missing from the first object (None).
        where = gaps.get(kind, {}).get(prop) or gaps.get(kind, {}).get(None)
        report.problems.append("{} lacks {!r}{}".format(kind, prop, f" (first: {where})" if where else ""))
    return report, missing


def move_conformance_last(items: list[pytest.Item]) -> None:
    """Reorder collected ``items`` in place: those marked ``spec_conformance``
    run after every other test (call from ``pytest_collection_modifyitems``
    with ``trylast=True``, so random-order plugins shuffle first)."""
    last = [item for item in items if item.get_closest_marker(MARKER)]
    if last:
        items[:] = [item for item in items if not item.get_closest_marker(MARKER)] + last
