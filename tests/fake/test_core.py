"""The fake Stripe's machinery, exercised through a real stripe.StripeClient."""

import copy
import io
import json

import pytest
import stripe

from pinax_connect.testing import FakeStripe, signed_webhook
from pinax_connect.testing.fake.encoding import decode_form, decode_multipart

CAPS = {"card_payments": {"requested": True}, "transfers": {"requested": True}}


def custom_account(stripe_client, **extra):
    params = {"type": "custom", "country": "US", "capabilities": CAPS}
    params.update(extra)
    return stripe_client.v1.accounts.create(params)


def bank_token(stripe_client, **options):
    return stripe_client.v1.tokens.create(
        {"bank_account": {"country": "US", "currency": "usd", "routing_number": "110000000",
                          "account_number": "000123456789"}},
        options or None,
    )


# ---- wire decoding ---------------------------------------------------------


def test_decode_form_nests_brackets_lists_and_expand():
    params = decode_form(
        "a[b][c]=1&items[0][price]=p1&items[1][price]=p2&expand[]=x&expand[]=y&metadata[0]=zero&e="
    )
    assert params == {
        "a": {"b": {"c": "1"}},
        "items": [{"price": "p1"}, {"price": "p2"}],
        "expand": ["x", "y"],
        "metadata": {"0": "zero"},
        "e": "",
    }


def test_decode_form_keeps_index_like_top_level_names_as_parameters():
    assert decode_form("0=a&1=b") == {"0": "a", "1": "b"}


def test_index_like_top_level_parameter_is_rejected_by_its_name(stripe_client):
    # Stripe answers "Received unknown parameter: 0" (not the value, and not a crash).
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.events.list({"0": "x"})
    assert exc.value.param == "0"
    assert "Received unknown parameter: 0" in exc.value.user_message


def test_decode_multipart_separates_files_from_fields():
    body = (
        b"--XX\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nidentity_document\r\n"
        b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n\x89PNG\r\n\x1a\nabc\r\n--XX--\r\n"
    )
    params, files = decode_multipart(body, "multipart/form-data; boundary=XX")
    assert params == {"purpose": "identity_document"}
    assert files == {"file": ("a.png", "application/octet-stream", b"\x89PNG\r\n\x1a\nabc")}


# ---- errors ---------------------------------------------------------------------


def test_unknown_top_level_parameter_is_rejected_with_its_name(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS, "colour": "red"})
    assert exc.value.param == "colour"
    assert "Received unknown parameter: colour" in exc.value.user_message
    assert exc.value.http_status == 400


def test_nested_errors_name_the_bracket_path(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        custom_account(stripe_client, individual={"dob": {"year": "nineteen"}})
    assert exc.value.param == "individual[dob][year]"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        custom_account(stripe_client, individual={"shoe_size": "9"})
    assert exc.value.param == "individual[shoe_size]"


def test_unrecognized_url_is_404(fake, stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.raw_request("get", "/v1/nothing_here")
    assert exc.value.http_status == 404
    assert "Unrecognized request URL (GET: /v1/nothing_here)" in exc.value.user_message


def test_unknown_stripe_account_header_is_forbidden(stripe_client):
    with pytest.raises(stripe.PermissionError) as exc:
        stripe_client.v1.events.list({}, {"stripe_account": "acct_doesnotexist"})
    assert exc.value.error.code == "account_invalid" and exc.value.http_status == 403


# ---- pagination and expansion -------------------------------------------------------


def test_lists_paginate_newest_first(fake, stripe_client):
    ids = [custom_account(stripe_client).id for _ in range(5)]
    first = stripe_client.v1.accounts.list({"limit": 2})
    assert [a.id for a in first.data] == ids[::-1][:2]
    assert first.has_more is True
    second = stripe_client.v1.accounts.list({"limit": 2, "starting_after": first.data[-1].id})
    assert [a.id for a in second.data] == ids[::-1][2:4]
    last = stripe_client.v1.accounts.list({"limit": 2, "starting_after": second.data[-1].id})
    assert [a.id for a in last.data] == [ids[0]] and last.has_more is False
    back = stripe_client.v1.accounts.list({"limit": 2, "ending_before": ids[1]})
    assert [a.id for a in back.data] == [ids[3], ids[2]]
    assert [a.id for a in stripe_client.v1.accounts.list({"limit": 2}).auto_paging_iter()] == ids[::-1]


@pytest.mark.parametrize("limit", [0, 101, "ten"])
def test_list_limit_out_of_range_is_rejected(stripe_client, limit):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.list({"limit": limit})
    assert exc.value.param == "limit"


def test_created_filter_on_lists(fake, stripe_client):
    old = custom_account(stripe_client)
    fake.advance(100)
    new = custom_account(stripe_client)
    assert [a.id for a in stripe_client.v1.accounts.list({"created": {"gte": new.created}}).data] == [new.id]
    assert [a.id for a in stripe_client.v1.accounts.list({"created": {"lt": new.created}}).data] == [old.id]


def test_expand_replaces_ids_with_objects(stripe_client):
    acct = custom_account(stripe_client, business_type="company")
    person = stripe_client.v1.accounts.persons.create(acct.id, {"first_name": "Ada"})
    plain = stripe_client.v1.accounts.persons.retrieve(acct.id, person.id)
    assert plain.account == acct.id
    expanded = stripe_client.v1.accounts.persons.retrieve(acct.id, person.id, {"expand": ["account"]})
    assert expanded.account.id == acct.id and expanded.account.object == "account"
    listed = stripe_client.v1.accounts.persons.list(acct.id, {"expand": ["data.account"]})
    assert listed.data[0].account.object == "account"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.persons.retrieve(acct.id, person.id, {"expand": ["nonsense"]})
    assert "cannot be expanded (nonsense)" in exc.value.user_message


# ---- idempotency -------------------------------------------------------------------


def test_idempotent_replay_returns_the_first_response(fake, stripe_client):
    first = stripe_client.v1.accounts.create(
        {"type": "custom", "capabilities": CAPS}, {"idempotency_key": "k-1"})
    again = stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS}, {"idempotency_key": "k-1"})
    assert again.id == first.id
    assert len(fake.all("account")) == 1
    assert again.last_response.headers["Idempotent-Replayed"] == "true"


def test_reusing_a_key_with_other_parameters_is_an_idempotency_error(fake, stripe_client):
    stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS}, {"idempotency_key": "k-2"})
    with pytest.raises(stripe.IdempotencyError) as exc:
        stripe_client.v1.accounts.create({"type": "express"}, {"idempotency_key": "k-2"})
    assert exc.value.error.type == "idempotency_error"
    assert len(fake.all("account")) == 1


def test_idempotency_keys_are_scoped_by_account(fake, stripe_client):
    a, b = custom_account(stripe_client), custom_account(stripe_client)
    ta = bank_token(stripe_client, stripe_account=a.id, idempotency_key="same")
    tb = bank_token(stripe_client, stripe_account=b.id, idempotency_key="same")
    assert ta.id != tb.id


# ---- scoping -------------------------------------------------------------------------


def test_objects_are_invisible_outside_their_account(stripe_client):
    a, b = custom_account(stripe_client), custom_account(stripe_client)
    upload = io.BytesIO(b"%PDF-1.4 test")
    f = stripe_client.v1.files.create({"purpose": "identity_document", "file": upload}, {"stripe_account": a.id})
    assert stripe_client.v1.files.retrieve(f.id, options={"stripe_account": a.id}).id == f.id
    for options in ({"stripe_account": b.id}, {}):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            stripe_client.v1.files.retrieve(f.id, options=options)
        assert exc.value.code == "resource_missing" and exc.value.http_status == 404


def test_a_connected_account_cannot_read_another(stripe_client):
    a, b = custom_account(stripe_client), custom_account(stripe_client)
    assert stripe_client.v1.accounts.retrieve(a.id, options={"stripe_account": a.id}).id == a.id
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.retrieve(a.id, options={"stripe_account": b.id})


# ---- fault injection -------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 429])
def test_injected_errors_are_retried_with_the_same_key(fake, stripe_client, status):
    fake.fail_next(1, status=status)
    acct = stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS})
    records = [r for r in fake.requests if r.path == "/v1/accounts"]
    assert [r.status for r in records] == [status, 200]
    assert records[0].idempotency_key == records[1].idempotency_key
    assert [a["id"] for a in fake.all("account")] == [acct.id]


def test_connection_errors_are_retried(fake, stripe_client):
    fake.fail_next(1, connection_error=True)
    stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS})
    keys = {r.idempotency_key for r in fake.requests}
    assert len(fake.requests) == 2 and len(keys) == 1
    assert len(fake.all("account")) == 1


def test_lost_response_is_replayed_on_retry_without_a_second_object(fake, stripe_client):
    fake.fail_next(1, lose_response=True, path="/v1/accounts")
    acct = stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS})
    records = [r for r in fake.requests if r.path == "/v1/accounts"]
    assert len(records) == 2 and records[0].idempotency_key == records[1].idempotency_key
    assert [a["id"] for a in fake.all("account")] == [acct.id]
    assert acct.last_response.headers["Idempotent-Replayed"] == "true"


def test_a_500_after_execution_is_stored_for_the_key_and_replayed(fake, stripe_client):
    # Stripe saves the result of an executed request, 500s included, and tells
    # clients not to retry it (Stripe-Should-Retry: false): the same key gets the
    # same 500 again, never a second account.
    fake.fail_next(1, after_execution=True, path="/v1/accounts")
    params, options = {"type": "custom", "capabilities": CAPS}, {"idempotency_key": "one-intent"}
    for _ in range(2):
        with pytest.raises(stripe.APIError):
            stripe_client.v1.accounts.create(params, options=options)
    records = [r for r in fake.requests if r.path == "/v1/accounts"]
    assert [r.status for r in records] == [500, 500]
    assert len(fake.all("account")) == 1


def test_a_validation_error_is_not_stored_for_the_key(fake, stripe_client):
    options = {"idempotency_key": "same-intent"}
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.create({"type": "custom", "country": "ZZZ", "capabilities": CAPS}, options=options)
    acct = stripe_client.v1.accounts.create({"type": "custom", "country": "US", "capabilities": CAPS}, options=options)
    assert acct.country == "US"


def test_persistent_failures_surface_after_retries(fake, stripe_client):
    fake.fail_next(3, status=500)
    with pytest.raises(stripe.APIError):
        stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS})
    assert [r.status for r in fake.requests] == [500, 500, 500]
    assert fake.all("account") == []


def test_fault_path_filter_only_hits_matching_requests(fake, stripe_client):
    acct = custom_account(stripe_client)
    fake.fail_next(1, status=500, path="/v1/accounts/{account}", method="GET")
    stripe_client.v1.accounts.list()
    assert fake.requests[-1].status == 200
    stripe_client.v1.accounts.retrieve(acct.id)
    assert [r.status for r in fake.requests[-2:]] == [500, 200]


# ---- request log ---------------------------------------------------------------------------


def test_request_records_describe_each_call_and_redact_secrets(fake, stripe_client):
    acct = custom_account(stripe_client)
    stripe_client.v1.accounts.external_accounts.create(acct.id, {"external_account": {
        "object": "bank_account", "country": "US", "currency": "usd",
        "routing_number": "110000000", "account_number": "000999888777"}})
    record = fake.requests[-1]
    assert record.method == "POST"
    assert record.route_pattern == "/v1/accounts/{account}/external_accounts"
    assert record.object_type == "bank_account" and record.status == 200
    assert "000999888777" not in repr(fake.requests) + repr(FakeStripe.all_requests)
    assert record in FakeStripe.all_requests
    assert FakeStripe.returned_objects["bank_account"]["object"] == "bank_account"


# ---- events, clock, balances ---------------------------------------------------------------


def test_emit_records_event_and_calls_listeners(fake, stripe_client):
    seen = []
    fake.listeners.append(seen.append)
    acct = custom_account(stripe_client)
    stripe_client.v1.accounts.update(acct.id, {"email": "x@example.com"}, {"idempotency_key": "upd-1"})
    event = fake.events[-1]
    assert seen[-1] == event
    assert event["type"] == "account.updated" and event["account"] == acct.id
    assert event["object"] == "event" and event["livemode"] is False
    assert event["request"]["idempotency_key"] == "upd-1"
    assert event["data"]["previous_attributes"]["email"] is None
    assert event["data"]["object"]["email"] == "x@example.com"


def test_events_list_filters_and_scopes(fake, stripe_client):
    acct = custom_account(stripe_client)
    stripe_client.v1.accounts.update(acct.id, {"email": "x@example.com"})
    stripe_client.v1.accounts.external_accounts.create(acct.id, {"external_account": "btok_us_verified"})
    opts = {"stripe_account": acct.id}
    types = [e.type for e in stripe_client.v1.events.list({"limit": 100}, opts).data]
    assert "account.updated" in types and "account.external_account.created" in types
    only = stripe_client.v1.events.list({"type": "account.external_account.*"}, opts).data
    assert {e.type for e in only} == {"account.external_account.created"}
    several = stripe_client.v1.events.list({"types": ["account.updated", "capability.updated"]}, opts).data
    assert {e.type for e in several} <= {"account.updated", "capability.updated"} and several
    assert stripe_client.v1.events.list().data == []  # connected-account events stay in their scope
    event = stripe_client.v1.events.retrieve(only[0].id, options=opts)
    assert event.account == acct.id
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.events.retrieve(only[0].id)
    fake.advance(10)
    stripe_client.v1.accounts.update(acct.id, {"email": "y@example.com"})
    recent = stripe_client.v1.events.list({"created": {"gte": fake.now()}}, opts).data
    assert [e.type for e in recent] == ["account.updated"]


def test_clock_only_moves_when_advanced(fake):
    start = fake.now()
    assert fake.now() == start
    assert fake.advance(3600) == start + 3600 == fake.now()


def test_ids_are_unique_and_sort_in_creation_order(fake):
    ids = [fake.new_id("cus") for _ in range(100)]
    assert len(set(ids)) == 100 and sorted(ids) == ids and ids[0].startswith("cus_")


def test_to_int_and_to_bool_raise_with_the_param(fake):
    assert fake.to_int("42", "amount") == 42 and fake.to_bool("false", "x") is False
    with pytest.raises(Exception) as exc:
        fake.to_int("4.2", "items[0][quantity]")
    assert exc.value.param == "items[0][quantity]" and exc.value.status == 400
    with pytest.raises(Exception) as exc:
        fake.to_bool("yes", "capture")
    assert exc.value.param == "capture"


def test_balances_hold_funds_until_released(fake):
    fake.balance_add("acct_x", "usd", 1000)
    assert fake.state["balances"]["acct_x"]["usd"] == {"available": 1000, "pending": 0}
    fake.state["hold_funds"] = True
    fake.balance_add(None, "usd", 500)
    fake.balance_add(None, "usd", -200)
    assert fake.state["balances"]["platform"]["usd"] == {"available": -200, "pending": 500}
    fake.release_pending()
    assert fake.state["balances"]["platform"]["usd"] == {"available": 300, "pending": 0}


# ---- persistence ---------------------------------------------------------------------------


def test_dump_and_load_round_trip_the_whole_fake(fake, stripe_client, tmp_path):
    acct = custom_account(stripe_client, email="a@example.com")
    stripe_client.v1.accounts.update(acct.id, {"metadata": {"k": "v"}})
    fake.balance_add(acct.id, "usd", 123)
    path = tmp_path / "fake.json"
    fake.dump(path)
    restored = FakeStripe.load(path)
    assert restored.state == json.loads(json.dumps(fake.state))
    client2 = stripe.StripeClient("sk_test_fake", http_client=restored)
    again = client2.v1.accounts.retrieve(acct.id)
    assert again.metadata.to_dict() == {"k": "v"} and again.email == "a@example.com"
    assert [e["id"] for e in restored.events] == [e["id"] for e in fake.events]
    assert restored.new_id("x") == fake.new_id("x")  # counters survive too
    restored.reset()
    assert restored.all("account") == [] and restored.events == [] and restored.requests == []


# ---- webhooks ------------------------------------------------------------------------------


def test_signed_webhook_verifies_with_stripe(fake, stripe_client):
    custom_account(stripe_client)
    stripe_client.v1.accounts.update(fake.all("account")[0]["id"], {"email": "w@example.com"})
    payload, header = signed_webhook(fake.events[-1], "whsec_test")
    event = stripe.Webhook.construct_event(payload, header, "whsec_test")
    assert event.id == fake.events[-1]["id"] and event.type == "account.updated"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload.replace("w@example", "z@example"), header, "whsec_test")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_other")


def test_signed_webhook_header_format():
    payload, header = signed_webhook({"id": "evt_1"}, "whsec_x", timestamp=1700000000)
    assert payload == '{"id": "evt_1"}'
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64


def test_async_client_calls_work_too(fake, stripe_client):
    import asyncio

    async def go():
        acct = await stripe_client.v1.accounts.create_async({"type": "custom", "capabilities": CAPS})
        return await stripe_client.v1.accounts.retrieve_async(acct.id)

    assert asyncio.run(go()).object == "account"
    assert [r.method for r in fake.requests] == ["POST", "GET"]


def test_returned_keys_keep_only_the_keys_every_object_of_a_type_had():
    # The session's conformance check reads these class-level dicts: restore them after.
    saved_keys = copy.deepcopy(FakeStripe.returned_keys)
    saved_gaps = copy.deepcopy(FakeStripe.shape_gaps)
    try:
        FakeStripe.returned_keys.pop("customer", None)
        fake = FakeStripe()
        stripe_client = stripe.StripeClient("sk_test_x", http_client=fake)
        stripe_client.v1.customers.create({"email": "a@example.com"})
        assert "email" in FakeStripe.returned_keys["customer"]
        fake.save({"id": "cus_partial", "object": "customer", "created": 1})  # a hand-made, partial object
        stripe_client.v1.customers.retrieve("cus_partial")
        assert "email" not in FakeStripe.returned_keys["customer"]
        where = FakeStripe.shape_gaps["customer"]["email"]
        assert where == "cus_partial in the response to GET /v1/customers/cus_partial"
    finally:
        FakeStripe.returned_keys.clear()
        FakeStripe.returned_keys.update(saved_keys)
        FakeStripe.shape_gaps.clear()
        FakeStripe.shape_gaps.update(saved_gaps)


def test_deliver_signs_the_newest_event_like_stripe(fake, stripe_client):
    import stripe as stripe_lib

    with pytest.raises(ValueError, match="secret"):
        fake.deliver()
    fake.state["webhook_secret"] = "whsec_fake"
    with pytest.raises(ValueError, match="no event"):
        fake.deliver()
    stripe_client.v1.customers.create({"email": "a@example.com"})
    payload, header = fake.deliver()
    event = stripe_lib.Webhook.construct_event(payload, header, "whsec_fake")
    assert event.type == "customer.created" and event.data.object.email == "a@example.com"
    older = fake.events[0]
    payload, header = fake.deliver(older, secret="whsec_other", timestamp=1700000000)
    assert header.startswith("t=1700000000,v1=")
    with pytest.raises(stripe_lib.SignatureVerificationError):
        stripe_lib.Webhook.construct_event(payload, header, "whsec_fake")


def test_the_fake_is_safe_to_share_between_threads(fake, stripe_client):
    import threading

    barrier, errors = threading.Barrier(8), []

    def create(n):
        try:
            barrier.wait()
            for i in range(10):
                stripe_client.v1.customers.create({"email": f"{n}-{i}@example.com"}, {"idempotency_key": f"k{n}-{i}"})
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    customers = fake.all("customer")
    assert len(customers) == 80 and len({c["id"] for c in customers}) == 80
