"""Everything the session sent through FakeStripe, and every object type it got
back, checked against Stripe's OpenAPI spec (``../shared/stripe-openapi``).

These tests run last (see this folder's conftest.py) and skip when the spec or
PyYAML is absent. ``PINAX_CONNECT_STRIPE_SPEC`` points at another spec file.
"""

import time
from pathlib import Path

import pytest

from pinax_connect.testing import FakeStripe
from pinax_connect.testing.conformance import (
    NEWER_THAN_SPEC,
    SUMMARY_KEY,
    check_objects,
    check_requests,
    check_route_params,
    declared_by_stripe_python,
    default_spec_path,
    load_spec,
)
from pinax_connect.testing.fake.core import ROUTES

pytestmark = pytest.mark.spec_conformance

SPEC_PATH = default_spec_path(Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def spec(request):
    if not SPEC_PATH.is_file():
        pytest.skip("Stripe's OpenAPI spec is absent (looked for %s; set PINAX_CONNECT_STRIPE_SPEC)" % SPEC_PATH)
    pytest.importorskip("yaml", reason="PyYAML is needed to read Stripe's OpenAPI spec")
    started = time.perf_counter()
    parsed, cached = load_spec(SPEC_PATH)
    request.config.stash.setdefault(SUMMARY_KEY, []).append(
        "spec %s loaded in %.2fs (%s)"
        % (SPEC_PATH.name, time.perf_counter() - started, "pickle cache" if cached else "parsed YAML")
    )
    return parsed


def _summary(request, line):
    request.config.stash.setdefault(SUMMARY_KEY, []).append(line)


def test_every_request_uses_a_spec_operation_and_spec_parameters(spec, request):
    records = FakeStripe.distinct_requests()  # the whole session, one record per request shape
    if not records:
        pytest.skip("no request went through a FakeStripe in this session")
    report, unknown_paths, unknown_params = check_requests(records, spec, ROUTES)
    skipped = ", ".join("%d %s" % (n, why) for why, n in sorted(report.skipped.items()))
    _summary(
        request,
        "requests checked: %d (distinct operations: %d; unknown paths: %d; unknown params: %d)%s"
        % (report.checked, len(report.operations), len(unknown_paths), len(unknown_params),
           "; skipped: " + skipped if skipped else ""),
    )
    assert report.checked > 0
    assert not unknown_paths and not unknown_params, (
        "Requests the real Stripe API (per spec3.yaml) would not accept:\n  "
        + "\n  ".join(report.problems)
    )


def test_every_fake_route_accepts_only_parameters_of_its_spec_operation(spec):
    problems = check_route_params(spec, ROUTES)
    assert not problems, "\n  ".join(["FakeStripe routes that differ from the spec:"] + problems)


def test_every_returned_object_type_has_every_spec_property(spec, request):
    returned = dict(FakeStripe.returned_keys)
    if not returned:
        pytest.skip("no object came back from a FakeStripe in this session")
    report, missing = check_objects(returned, spec, FakeStripe.shape_gaps)
    _summary(
        request,
        "object types checked: %d (missing keys: %d)" % (report.checked, len(missing)),
    )
    assert not report.problems, (
        "Objects unlike Stripe's (per spec3.yaml); an object a test put into the fake with "
        "fake.save() counts too (build those with pinax_connect.testing.factories):\n  "
        + "\n  ".join(report.problems)
    )


def test_parameters_newer_than_the_spec_are_declared_by_stripe_python():
    # NEWER_THAN_SPEC excuses a parameter only if stripe-python 16 itself sends it.
    for (method, path, name), params_class in NEWER_THAN_SPEC.items():
        assert declared_by_stripe_python(params_class, name), (method, path, name, params_class)
    assert not declared_by_stripe_python("AccountCreateParams", "no_such_parameter")
