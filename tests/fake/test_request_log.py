"""13.13: the fake's request logs are bounded; the conformance check still sees every request shape."""
from pinax_connect.client import http_client_override
from pinax_connect.testing import FakeStripe


def test_request_logs_are_bounded(settings):
    from pinax_connect.client import get_client

    fake = FakeStripe(request_log_limit=5)
    assert FakeStripe.all_requests.maxlen == FakeStripe.ALL_REQUESTS_LIMIT
    with http_client_override(fake):
        client = get_client()
        for _ in range(30):
            client.v1.balance.retrieve()
        client.v1.customers.create({"email": "a@example.com"})
    assert 5 <= len(fake.requests) <= 10
    assert fake.requests[-1].path == "/v1/customers"
    shapes = {(r.method, r.route_pattern, frozenset(r.params)) for r in FakeStripe.distinct_requests()}
    assert ("GET", "/v1/balance", frozenset()) in shapes
    assert ("POST", "/v1/customers", frozenset({"email"})) in shapes
    assert len(FakeStripe.distinct_requests()) == len(FakeStripe.request_shapes)


def test_request_ids_stay_unique_past_the_global_cap(monkeypatch):
    import collections

    monkeypatch.setattr(FakeStripe, "all_requests", collections.deque(maxlen=3))
    fake = FakeStripe()
    seen = set()
    with http_client_override(fake):
        from pinax_connect.client import get_client

        for _ in range(6):
            seen.add(get_client().v1.balance.retrieve().last_response.request_id)
    assert len(FakeStripe.all_requests) == 3 and len(seen) == 6
