"""Hostile input at the webhook endpoint (``pinax_connect:webhook``).

Property-based (hypothesis): random bodies, truncated and oversized payloads, wrong
content types, signatures made with a wrong secret, too old or in the future, several
``v1`` entries, unicode in the header. The endpoint never answers 5xx, a refused
request stores no row in any table, and the signature check is stripe-python's
constant-time one. Events of an unknown account, or of the other mode (live/test),
are stored flagged and applied to nothing.
"""
import hashlib
import hmac
import json
import sys
import time

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from pinax_connect.models import Account, Event
from pinax_connect.webhooks import storage
from tests.webhooks.conftest import account_object, make_event


from .conftest import PROFILE, count

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_platform"  # the first of tests.settings' PINAX_CONNECT_WEBHOOK_SECRETS
TOLERANCE = 300
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----x",
    "application/octet-stream",
    "image/png",
    "",
]


def _url():
    return reverse("pinax_connect:webhook")


def _sign(payload, secret=SECRET, timestamp=None):
    ts = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
    return ts, signature


def _row_counts():
    """Rows in every table of every installed app."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _post(client, body, header=None, content_type="application/json"):
    extra = {} if header is None else {"HTTP_STRIPE_SIGNATURE": header}
    count("hostile inputs tried")
    return client.generic("POST", _url(), data=body, content_type=content_type, **extra)


def _assert_refused(client, body, header, content_type="application/json", statuses=(400, 413)):
    before = _row_counts()
    response = _post(client, body, header, content_type)
    assert response.status_code in statuses, (response.status_code, response.content[:200])
    assert _row_counts() == before, "a refused delivery stored something"
    return response


def _event(**overrides):
    return {**make_event("invoice.paid", {"id": "in_1", "object": "invoice"}), **overrides}


# ---- strategies -------------------------------------------------------------------

hexsig = st.text(alphabet="0123456789abcdef", min_size=0, max_size=70)
any_text = st.text(max_size=80)  # unicode, control characters, surrogates excluded by hypothesis
timestamps = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(["", "now", "1e9", "0x10", " 1", "١٧٠٠٠٠٠٠٠٠"]),
    any_text,
)
header_parts = st.one_of(
    timestamps.map(lambda t: f"t={t}"),
    st.one_of(hexsig, any_text).map(lambda s: f"v1={s}"),
    st.one_of(hexsig, any_text).map(lambda s: f"v0={s}"),
    any_text,
)
headers = st.lists(header_parts, max_size=6).map(",".join)

# NUL characters have their own test (PostgreSQL refuses them in text and jsonb).
safe_text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), safe_text),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(safe_text, children, max_size=4)),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=600).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(lambda e: json.dumps(e).encode(), st.just(_event())),
)


# ---- refused deliveries -------------------------------------------------------------


@PROFILE
@given(body=bodies, header=st.one_of(st.none(), headers), content_type=st.sampled_from(CONTENT_TYPES))
def test_random_bodies_and_headers_are_refused_with_4xx_and_store_nothing(client, body, header, content_type):
    _assert_refused(client, body, header, content_type)


@PROFILE
@given(cut=st.integers(min_value=0), content_type=st.sampled_from(CONTENT_TYPES))
def test_truncated_payloads_are_refused(client, cut, content_type):
    payload = json.dumps(_event())
    ts, signature = _sign(payload)
    truncated = payload[: cut % len(payload)]
    # Signed over the whole payload, body cut short: the signature no longer matches.
    _assert_refused(client, truncated, f"t={ts},v1={signature}", content_type)
    # Signed over the cut body (a sender holding the secret): malformed JSON.
    ts, signature = _sign(truncated)
    _assert_refused(client, truncated, f"t={ts},v1={signature}", content_type)


@PROFILE
@given(extra=st.integers(min_value=1, max_value=5000), declared=st.booleans())
def test_oversized_payloads_are_refused_with_413(client, settings, extra, declared):
    settings.PINAX_CONNECT_WEBHOOK_MAX_BODY_SIZE = 4096
    payload = json.dumps(_event(padding="x" * (4096 + extra)))
    ts, signature = _sign(payload)
    _assert_refused(client, payload, f"t={ts},v1={signature}", statuses=(413,))


@PROFILE
@given(secret=st.text(min_size=1, max_size=40), content_type=st.sampled_from(CONTENT_TYPES))
@example(secret="whsec_test_platfor", content_type="application/json")
@example(secret="whsec_test_platform ", content_type="application/json")
def test_signatures_made_with_another_secret_are_refused(client, settings, secret, content_type):
    if secret in settings.PINAX_CONNECT_WEBHOOK_SECRETS:
        return
    payload = json.dumps(_event())
    ts, signature = _sign(payload, secret=secret)
    response = _assert_refused(client, payload, f"t={ts},v1={signature}", content_type)
    assert response.content == b"invalid signature"


@PROFILE
@given(age=st.integers(min_value=TOLERANCE + 1, max_value=10**9))
def test_correct_signatures_that_are_too_old_are_refused(client, age):
    payload = json.dumps(_event())
    ts, signature = _sign(payload, timestamp=int(time.time()) - age)
    response = _assert_refused(client, payload, f"t={ts},v1={signature}")
    assert response.content == b"signature timestamp outside the tolerance"


@PROFILE
@given(ahead=st.integers(min_value=1, max_value=10**9))
def test_wrong_signatures_with_a_future_timestamp_are_refused(client, ahead):
    payload = json.dumps(_event())
    ts, signature = _sign(payload, secret="whsec_attacker", timestamp=int(time.time()) + ahead)
    _assert_refused(client, payload, f"t={ts},v1={signature}")


def test_correct_signatures_from_the_future_beyond_the_tolerance_are_refused(client):
    payload = json.dumps(_event())
    ts, signature = _sign(payload, timestamp=int(time.time()) + 10 * 86400)
    _assert_refused(client, payload, f"t={ts},v1={signature}")


@PROFILE
@given(junk=st.lists(st.one_of(hexsig, st.text(alphabet=st.characters(max_codepoint=127), max_size=70)),
                     min_size=1, max_size=6))
def test_several_v1_entries_none_of_them_right_are_refused(client, junk):
    payload = json.dumps(_event())
    ts, _signature = _sign(payload)
    header = ",".join([f"t={ts}"] + [f"v1={j}" for j in junk])
    _assert_refused(client, payload, header)


@PROFILE
@given(junk=st.lists(hexsig, max_size=5), position=st.integers(min_value=0, max_value=5),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_one_right_v1_among_several_is_accepted_and_stored_once(client, junk, position, content_type):
    event = _event()
    payload = json.dumps(event)
    ts, signature = _sign(payload)
    entries = [f"v1={j}" for j in junk]
    entries.insert(position % (len(entries) + 1), f"v1={signature}")
    for _ in range(2):  # a duplicate delivery changes nothing but the delivery count
        response = _post(client, payload, ",".join([f"t={ts}"] + entries), content_type)
        assert response.status_code == 200
    row = Event.objects.get(stripe_id=event["id"])
    assert row.deliveries == 2 and row.status == Event.PROCESSED
    row.delete()


@PROFILE
@given(sig=st.text(min_size=1, max_size=70).filter(lambda s: not s.isascii() and "," not in s))
@example(sig="é" * 64)
def test_unicode_in_the_signature_header_is_refused(client, sig):
    payload = json.dumps(_event())
    _assert_refused(client, payload, f"t={int(time.time())},v1={sig}")


# ---- correctly signed, but not what Stripe sends -----------------------------------


FIELDS = ("id", "object", "type", "account", "livemode", "api_version", "request", "data")


@pytest.fixture
def lenient_client():
    """A test client that answers 500 like a server would, instead of raising."""
    from django.test import Client

    return Client(raise_request_exception=False)


@PROFILE
@given(overrides=st.dictionaries(st.sampled_from(FIELDS), json_values, min_size=1, max_size=3))
def test_signed_events_with_odd_field_types_never_answer_5xx(lenient_client, overrides):
    event = _event(**overrides)
    payload = json.dumps(event)
    ts, signature = _sign(payload)
    before = _row_counts()
    response = _post(lenient_client, payload, f"t={ts},v1={signature}")
    assert response.status_code < 500, response.content[:200]
    if response.status_code >= 400:
        assert _row_counts() == before
    Event.objects.all().delete()




@pytest.mark.parametrize("overrides", [
    pytest.param({"created": "abc"}, id="created-text"),
    pytest.param({"created": 10**20}, id="created-huge"),
    pytest.param({"created": -(10**20)}, id="created-negative-huge"),
    pytest.param({"id": "evt_" + "x" * 300}, id="long-id"),
    pytest.param({"type": "invoice." + "x" * 300}, id="long-type"),
    pytest.param({"account": "acct_" + "x" * 300}, id="long-account"),
    pytest.param({"api_version": "2023-08-16" + "x" * 100}, id="long-api-version"),
    pytest.param({"id": "evt_nul\x00"}, id="nul-in-id"),
    pytest.param({"data": {"object": {"id": "in_1", "description": "a\x00b"}}},
                 id="nul-in-payload"),
    pytest.param({"data": {"object": {"id": "in_1", "amount": float("inf")}}},
                 id="infinity-in-payload"),
    pytest.param({"data": {"object": {"id": "in_1", "amount": float("nan")}}},
                 id="nan-in-payload"),
    pytest.param({"created": 1.5}, id="created-float"),
    pytest.param({"created": None}, id="created-null"),
    pytest.param({"request": [1]}, id="request-list"),
    pytest.param({"account": {"id": "acct_1"}}, id="account-object"),
    pytest.param({"livemode": "false"}, id="livemode-text"),
    pytest.param({"data": None}, id="data-null"),
    pytest.param({"data": {"object": []}}, id="object-list"),
])
def test_signed_events_stripe_would_never_send_never_answer_5xx(lenient_client, overrides):
    event = _event(**overrides)
    payload = json.dumps(event)
    ts, signature = _sign(payload)
    before = _row_counts()
    response = _post(lenient_client, payload, f"t={ts},v1={signature}")
    assert response.status_code < 500, response.content[:200]
    if response.status_code >= 400:
        assert _row_counts() == before


@PROFILE
@given(event_type=st.sampled_from(["customer.created", "customer.updated", "charge.succeeded", "payout.paid",
                                   "transfer.created", "refund.created", "payment_intent.succeeded"]),
       obj=st.dictionaries(st.sampled_from(["id", "object", "amount", "currency", "customer", "created"]),
                           json_values, max_size=5))
def test_signed_events_with_malformed_objects_fail_softly_and_keep_the_event(client, event_type, obj):
    """A handler that cannot make sense of the object marks the event failed (kept, a
    retry scheduled); the response is 200 when applied, else the inline retry's 500
    (Stripe redelivers it) — never an unhandled error."""
    event = make_event(event_type, obj)
    payload = json.dumps(event)
    ts, signature = _sign(payload)
    response = _post(client, payload, f"t={ts},v1={signature}")
    row = Event.objects.get(stripe_id=event["id"])
    assert row.status in (Event.PROCESSED, Event.FAILED)
    assert (response.status_code, response.content) == (
        (500, b"failed") if row.status == Event.FAILED else (200, b"processed")
    )
    assert (row.next_attempt_at is not None) == (row.status == Event.FAILED)
    Event.objects.all().delete()
    for model in apps.get_app_config("pinax_connect").get_models():
        model._default_manager.all().delete()


# ---- constant time -------------------------------------------------------------------


def test_signatures_are_compared_with_hmac_compare_digest(client):
    """The endpoint leaves the comparison to stripe-python, which uses
    ``hmac.compare_digest`` (constant time). Observed with a profiler: no patching."""
    calls = []

    def profiler(frame, event, arg):
        if event == "c_call" and arg is hmac.compare_digest:
            calls.append(arg)

    payload = json.dumps(_event())
    ts, signature = _sign(payload)
    wrong = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    sys.setprofile(profiler)
    try:
        response = _post(client, payload, f"t={ts},v1={wrong}")
    finally:
        sys.setprofile(None)
    assert response.status_code == 400
    # Two configured secrets: one constant-time comparison for each.
    assert len(calls) == 2
    assert "WebhookSignature.verify_header" in _source_of(storage.verify_signature)


def _source_of(function):
    import inspect

    return inspect.getsource(function)


# ---- unknown accounts, other mode ----------------------------------------------------


@pytest.fixture
def known_account(db):
    from pinax_connect.actions.accounts import sync_account_from_stripe_object

    return sync_account_from_stripe_object(account_object("acct_known", business_profile={"name": "Known"}))


HANDLED_TYPES = ["customer.created", "customer.updated", "account.updated", "charge.succeeded", "payout.paid"]


def _object_for(event_type, account_id):
    if event_type.startswith("account."):
        return account_object(account_id or "acct_platformless", business_profile={"name": "Hijacked"})
    if event_type.startswith("customer."):
        return {"id": "cus_known", "object": "customer", "email": "evil@example.com", "created": 1700000000}
    if event_type.startswith("charge."):
        return {"id": "ch_x", "object": "charge", "amount": 100, "currency": "usd", "status": "succeeded",
                "created": 1700000000}
    return {"id": "po_x", "object": "payout", "amount": 100, "currency": "usd", "status": "paid",
            "created": 1700000000}


@pytest.mark.parametrize("livemode", [False, True], ids=["test-mode", "live-mode"])
@pytest.mark.parametrize("account", ["acct_known", "acct_unknown", None])
@pytest.mark.parametrize("event_type", HANDLED_TYPES)
def test_events_of_unknown_accounts_or_the_other_mode_are_stored_flagged_and_not_applied(
    stripe_webhook_client, known_account, event_type, account, livemode
):
    from pinax_connect.actions.customers import sync_customer_from_stripe_object

    if event_type.startswith("customer.") and account is None:
        pytest.skip("a platform event never carries a connected account's customer (Stripe ids are global)")
    customer = sync_customer_from_stripe_object(
        {"id": "cus_known", "object": "customer", "email": "buyer@example.com", "created": 1600000000},
        stripe_account=known_account,
    )
    snapshot = _mirror()
    event = make_event(event_type, _object_for(event_type, account), account=account, livemode=livemode)

    response = stripe_webhook_client(event)
    count("hostile inputs tried")

    assert response.status_code == 200
    row = Event.objects.get(stripe_id=event["id"])
    expected_flag = (
        storage.FLAG_LIVEMODE_MISMATCH if livemode
        else storage.FLAG_UNKNOWN_ACCOUNT if account == "acct_unknown" and not event_type.startswith("account.")
        else ""
    )
    assert row.flag == expected_flag and row.payload == event
    if expected_flag:
        assert response.content == b"flagged" and row.status == Event.RECEIVED
        assert _mirror() == snapshot, "a flagged event changed the mirror"
    else:
        assert row.status == Event.PROCESSED
    # Never applied to the wrong account.
    customer.refresh_from_db()
    assert customer.stripe_account == known_account
    if account != "acct_known":
        assert Account.objects.get(stripe_id="acct_known").business_name == "Known"


def _mirror():
    """Every mirror row (all pinax_connect tables but Event), as comparable text."""
    return {
        model._meta.label: sorted(map(repr, model._default_manager.values_list()))
        for model in apps.get_app_config("pinax_connect").get_models()
        if model is not Event
    }
