"""The webhook endpoint: what it accepts, what it refuses, and what it stores."""
import json
import time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from pinax_connect.models import Account, Event
from pinax_connect.testing.webhooks import signed_webhook
from pinax_connect.webhooks import views

from .conftest import account_object, make_event

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_platform"  # tests/settings.py: the first configured secret
URL = "/stripe/webhook/"


def post_raw(client, payload, header=None, **extra):
    headers = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(URL, data=payload, content_type="application/json", **headers, **extra)


def test_url_name_resolves():
    assert reverse("pinax_connect:webhook") == URL


def test_valid_event_is_stored_with_its_metadata(stripe_webhook_client):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"}, created=1700000123)
    event["request"] = {"id": "req_abc", "idempotency_key": "k"}

    response = stripe_webhook_client(event)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    stored = Event.objects.get()
    assert (stored.stripe_id, stored.type, stored.api_version) == (event["id"], "invoice.paid", "2023-08-16")
    assert (stored.account, stored.livemode, stored.request_id) == ("", False, "req_abc")
    assert stored.created.timestamp() == 1700000123
    assert stored.payload == event
    assert stored.status == Event.PROCESSED and stored.deliveries == 1 and stored.flag == ""


def test_connected_account_event_records_the_account(stripe_webhook_client):
    event = make_event("account.updated", account_object("acct_new1"), account="acct_new1")
    assert stripe_webhook_client(event).status_code == 200
    assert Event.objects.get().account == "acct_new1"


def test_second_configured_secret_is_accepted(stripe_webhook_client):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    response = stripe_webhook_client(event, secret="whsec_test_connect")
    assert response.status_code == 200
    assert Event.objects.filter(stripe_id=event["id"]).exists()


def test_old_request_id_string_is_recorded(stripe_webhook_client):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    event["request"] = "req_legacy"
    stripe_webhook_client(event)
    assert Event.objects.get().request_id == "req_legacy"


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_only_post_is_allowed(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 405
    assert Event.objects.count() == 0


def test_csrf_is_not_required(stripe_webhook_client, settings):
    from django.test import Client

    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    payload, header = signed_webhook(event, SECRET)
    response = Client(enforce_csrf_checks=True).post(
        URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 200


def _valid():
    return json.dumps(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))


def _rejections():
    """(case id, payload, header) of deliveries that must be refused with 400."""
    payload = _valid()
    now = int(time.time())
    _, good = signed_webhook(payload, SECRET)
    _, expired = signed_webhook(payload, SECRET, timestamp=now - 301)
    _, wrong_secret = signed_webhook(payload, "whsec_someone_else")
    _, other_body = signed_webhook(payload.replace("in_1", "in_2"), SECRET)
    not_json = "{not json"
    array = json.dumps([1, 2])
    not_event = json.dumps({"id": "in_1", "object": "invoice", "type": "invoice.paid"})
    no_id = json.dumps({"object": "event", "type": "invoice.paid"})
    no_type = json.dumps({"object": "event", "id": "evt_1"})
    empty_type = json.dumps({"object": "event", "id": "evt_1", "type": ""})
    return [
        ("missing header", payload, None, "missing"),
        ("empty header", payload, "", "missing"),
        ("garbage header", payload, "nonsense", "invalid signature"),
        ("no v1 scheme", payload, good.replace("v1=", "v0="), "invalid signature"),
        ("wrong secret", payload, wrong_secret, "invalid signature"),
        ("signature of another body", payload, other_body, "invalid signature"),
        ("expired timestamp", payload, expired, "tolerance"),
        ("malformed JSON", not_json, signed_webhook(not_json, SECRET)[1], "malformed JSON"),
        ("JSON array", array, signed_webhook(array, SECRET)[1], "not a Stripe event"),
        ("not an event object", not_event, signed_webhook(not_event, SECRET)[1], "not a Stripe event"),
        ("event without id", no_id, signed_webhook(no_id, SECRET)[1], "missing id"),
        ("event without type", no_type, signed_webhook(no_type, SECRET)[1], "missing type"),
        ("event with empty type", empty_type, signed_webhook(empty_type, SECRET)[1], "missing type"),
    ]


@pytest.mark.parametrize("payload,header,reason", [r[1:] for r in _rejections()], ids=[r[0] for r in _rejections()])
def test_rejected_deliveries_answer_400_with_a_reason_and_store_nothing(client, payload, header, reason):
    response = post_raw(client, payload, header)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert Event.objects.count() == 0


def test_tolerance_setting_is_honoured(client, settings):
    settings.PINAX_CONNECT_WEBHOOK_TOLERANCE = 30
    payload = _valid()
    _, header = signed_webhook(payload, SECRET, timestamp=int(time.time()) - 60)
    assert post_raw(client, payload, header).status_code == 400
    settings.PINAX_CONNECT_WEBHOOK_TOLERANCE = 600
    assert post_raw(client, payload, header).status_code == 200


def test_no_configured_secret_refuses_everything_for_stripe_to_retry(client, settings):
    settings.PINAX_CONNECT_WEBHOOK_SECRETS = []
    payload, header = signed_webhook(_valid(), SECRET)
    response = post_raw(client, payload, header)
    assert response.status_code == 500  # a misconfiguration: Stripe redelivers once it is fixed
    assert Event.objects.count() == 0


def test_body_not_utf8_is_refused(client):
    payload = b'{"object": "event", "id": "evt_\xff", "type": "x"}'
    ts = int(time.time())
    response = client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=f"t={ts},v1=00")
    assert response.status_code == 400
    assert Event.objects.count() == 0


def test_declared_oversized_body_is_refused_with_413(client, settings):
    settings.PINAX_CONNECT_WEBHOOK_MAX_BODY_SIZE = 200
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice", "description": "x" * 300})
    payload, header = signed_webhook(event, SECRET)
    response = post_raw(client, payload, header)
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert Event.objects.count() == 0


def test_actual_oversized_body_is_refused_without_content_length(settings):
    """Content-Length may be absent (chunked, ASGI): the body read itself is bounded."""
    settings.PINAX_CONNECT_WEBHOOK_MAX_BODY_SIZE = 200
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice", "description": "x" * 300})
    payload, header = signed_webhook(event, SECRET)
    request = RequestFactory().post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    del request.META["CONTENT_LENGTH"]
    response = views.webhook(request)
    assert response.status_code == 413
    assert Event.objects.count() == 0


def test_body_at_the_limit_is_accepted(client, settings):
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    payload, header = signed_webhook(event, SECRET)
    settings.PINAX_CONNECT_WEBHOOK_MAX_BODY_SIZE = len(payload.encode())
    assert post_raw(client, payload, header).status_code == 200


def test_duplicate_delivery_keeps_one_row_counts_it_and_processes_once(stripe_webhook_client, recorder):
    recorder.listen("invoice.paid")
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})

    first = stripe_webhook_client(event)
    second = stripe_webhook_client(event)

    assert (first.status_code, second.status_code) == (200, 200)
    stored = Event.objects.get()
    assert stored.deliveries == 2
    assert stored.attempts == 1
    assert recorder.handled == [(event["id"], "invoice.paid", "")]
    assert recorder.signalled == [(event["id"], "invoice.paid", "in_1")]


def test_livemode_mismatch_is_stored_flagged_and_not_applied(stripe_webhook_client, recorder):
    recorder.listen("account.updated")
    event = make_event("account.updated", account_object("acct_live1"), account="acct_live1", livemode=True)

    assert stripe_webhook_client(event).status_code == 200

    stored = Event.objects.get()
    assert stored.flag == "livemode_mismatch"
    assert stored.status == Event.RECEIVED
    assert recorder.handled == [] and recorder.signalled == []
    assert not Account.objects.filter(stripe_id="acct_live1").exists()


def test_live_event_with_live_key_is_applied(stripe_webhook_client, settings, recorder):
    settings.PINAX_CONNECT_SECRET_KEY = "sk_live_pinax_connect"
    recorder.listen("invoice.paid")
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}, livemode=True))
    assert Event.objects.get().flag == ""
    assert len(recorder.handled) == 1


def test_event_of_an_unmirrored_account_is_flagged(stripe_webhook_client, recorder):
    recorder.listen("customer.created")
    event = make_event("customer.created", {"id": "cus_1", "object": "customer"}, account="acct_unknown")
    stripe_webhook_client(event)
    stored = Event.objects.get()
    assert stored.flag == "unknown_account" and stored.status == Event.RECEIVED
    assert recorder.handled == [] and recorder.signalled == []


def test_event_of_a_mirrored_account_is_applied(stripe_webhook_client, recorder):
    Account.objects.create(stripe_id="acct_known")
    recorder.listen("invoice.paid")
    stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}, account="acct_known"))
    assert Event.objects.get().flag == ""
    assert len(recorder.handled) == 1


def test_account_events_of_an_unmirrored_account_are_applied(stripe_webhook_client, recorder):
    """account.* events are how an Account first appears."""
    recorder.listen("account.updated")
    stripe_webhook_client(make_event("account.updated", account_object("acct_first"), account="acct_first"))
    assert Event.objects.get().flag == ""
    assert len(recorder.handled) == 1


def test_failure_status_setting(stripe_webhook_client, settings, register_handler):
    def broken(event, source, subtype):
        raise RuntimeError("boom")

    register_handler("invoice.paid", broken)
    # Default inline: 500, so Stripe redelivers (the inline retry).
    assert stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"})).status_code == 500
    settings.PINAX_CONNECT_WEBHOOK_FAILURE_STATUS = 200
    response = stripe_webhook_client(make_event("invoice.paid", {"id": "in_2", "object": "invoice"}))
    assert response.status_code == 200
    settings.PINAX_CONNECT_WEBHOOK_FAILURE_STATUS = None
    settings.PINAX_CONNECT_WEBHOOK_INLINE_RETRY = "task"  # retried by a task: Stripe need not redeliver
    response = stripe_webhook_client(make_event("invoice.paid", {"id": "in_3", "object": "invoice"}))
    assert response.status_code == 200
    assert Event.objects.filter(status=Event.FAILED).count() == 3


def test_view_is_not_wrapped_in_atomic_requests():
    assert getattr(views.webhook, "_non_atomic_requests", None)
    assert getattr(views.webhook, "csrf_exempt", False)
