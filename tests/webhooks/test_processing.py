"""processing.process_event / replay: once-only, failures, signals after commit."""
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from pinax_connect.models import Account, Event
from pinax_connect.webhooks import processing, storage

from .conftest import make_event

pytestmark = pytest.mark.django_db


def stored(event_type="invoice.paid", obj=None, **kwargs):
    event, created = storage.store(make_event(event_type, obj or {"id": "in_1", "object": "invoice"}, **kwargs))
    assert created
    return event


def test_handlers_run_once_then_signal(recorder):
    recorder.listen("invoice")
    event = stored("invoice.payment_succeeded")
    with transaction.atomic():
        assert processing.process_event(event) == "processed"
        assert recorder.handled == [(event.stripe_id, "invoice.payment_succeeded", "payment_succeeded")]
    event.refresh_from_db()
    assert event.status == Event.PROCESSED and event.attempts == 1 and event.processed_at is not None
    assert processing.process_event(event) == "skipped"
    fresh = Event.objects.get(pk=event.pk)
    assert processing.process_event(fresh) == "skipped"  # status read from the row, not only in memory
    assert len(recorder.handled) == 1


def test_event_without_handlers_is_processed_and_signalled(recorder, django_capture_on_commit_callbacks):
    recorder.listen("brand_new.thing", handler=False)
    event = stored("brand_new.thing", {"id": "x_1", "object": "thing"})
    with django_capture_on_commit_callbacks(execute=True):
        assert processing.process_event(event) == "processed"
    assert recorder.signalled == [(event.stripe_id, "brand_new.thing", "x_1")]


def test_failing_handler_marks_failed_keeps_event_and_replay_fixes_it(register_handler, recorder, caplog):
    recorder.listen("invoice.paid", handler=False)
    broken = {"on": True}

    def flaky(event, source, subtype):
        Account.objects.create(stripe_id="acct_written_by_handler")  # must roll back on failure
        if broken["on"]:
            raise ValueError("cannot apply")

    register_handler("invoice.paid", flaky)
    event = stored()
    with caplog.at_level(logging.ERROR, logger="pinax_connect"):
        assert processing.process_event(event) == "failed"
    event.refresh_from_db()
    assert event.status == Event.FAILED
    assert event.attempts == 1
    assert event.last_error == "ValueError: cannot apply"
    assert not Account.objects.filter(stripe_id="acct_written_by_handler").exists()
    assert recorder.signalled == []
    assert any(event.stripe_id in r.getMessage() and r.exc_info for r in caplog.records)

    broken["on"] = False
    with transaction.atomic():
        assert processing.replay(event) == "processed"
    event.refresh_from_db()
    assert (event.status, event.attempts, event.last_error) == (Event.PROCESSED, 2, "")
    assert Account.objects.filter(stripe_id="acct_written_by_handler").count() == 1


def test_a_failed_event_delivered_again_is_retried(register_handler):
    calls = []

    def fails_once(event, source, subtype):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first time")

    register_handler("invoice.paid", fails_once)
    event = stored()
    assert processing.process_event(event) == "failed"
    assert processing.process_event(event) == "processed"
    event.refresh_from_db()
    assert event.status == Event.PROCESSED and event.attempts == 2


def test_replay_reprocesses_a_processed_event_only_when_asked(recorder):
    recorder.listen("invoice.paid", signal=False)
    event = stored()
    processing.process_event(event)
    processing.process_event(event)
    assert len(recorder.handled) == 1
    assert processing.replay(event) == "processed"
    assert len(recorder.handled) == 2


def test_failed_replay_of_a_processed_event_keeps_it_processed(register_handler):
    event = stored()
    processing.process_event(event)

    def broken(event, source, subtype):
        raise RuntimeError("boom")

    register_handler("invoice.paid", broken)
    assert processing.replay(event) == "failed"
    event.refresh_from_db()
    assert event.status == Event.PROCESSED
    assert event.last_error == "RuntimeError: boom" and event.attempts == 2


def test_error_text_is_truncated_and_redacts_keys(register_handler):
    def leaky(event, source, subtype):
        raise RuntimeError("key sk_live_abcDEF123 secret whsec_xyz " + "y" * 5000)

    register_handler("invoice.paid", leaky)
    event = stored()
    processing.process_event(event)
    event.refresh_from_db()
    assert len(event.last_error) <= processing.MAX_ERROR_LENGTH
    assert "abcDEF123" not in event.last_error and "whsec_xyz" not in event.last_error
    assert "sk_[redacted]" in event.last_error


def test_error_text_never_contains_the_payload(register_handler):
    def failing(event, source, subtype):
        source["data"]["object"]["missing_key"]

    register_handler("invoice.paid", failing)
    event = stored(obj={"id": "in_1", "object": "invoice", "secret_note": "do-not-store"})
    processing.process_event(event)
    event.refresh_from_db()
    assert event.last_error == "KeyError: 'missing_key'"


@pytest.mark.django_db(transaction=True)
def test_signal_is_sent_only_after_commit(recorder):
    recorder.listen("invoice.paid")
    event = stored()
    with transaction.atomic():
        assert processing.process_event(event) == "processed"
        assert len(recorder.handled) == 1
        assert recorder.signalled == []  # not yet: the handler's work is not committed
    assert recorder.signalled == [(event.stripe_id, "invoice.paid", "in_1")]


@pytest.mark.django_db(transaction=True)
def test_no_signal_when_the_surrounding_transaction_rolls_back(recorder):
    recorder.listen("invoice.paid")
    event = stored()

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        with transaction.atomic():
            processing.process_event(event)
            raise Abort
    assert recorder.signalled == []
    assert Event.objects.get(pk=event.pk).status == Event.RECEIVED


@pytest.mark.django_db(transaction=True)
def test_receiver_sees_the_committed_handler_work(register_handler, connect_receiver):
    seen = []

    def handler(event, source, subtype):
        Account.objects.create(stripe_id="acct_from_handler")

    def receiver(sender, event, stripe_object, **kwargs):
        seen.append((Account.objects.filter(stripe_id="acct_from_handler").exists(), transaction.get_autocommit()))

    register_handler("invoice.paid", handler)
    connect_receiver("invoice.paid", receiver)
    processing.process_event(stored())
    assert seen == [(True, True)]


def test_failing_receiver_is_logged_recorded_and_does_not_stop_the_others(
    connect_receiver, recorder, caplog, django_capture_on_commit_callbacks
):
    def bad_receiver(sender, event, stripe_object, **kwargs):
        raise RuntimeError("receiver bug")

    connect_receiver("invoice.paid", bad_receiver)
    recorder.listen("invoice.paid", handler=False)  # connected after the failing one
    event = stored()
    with caplog.at_level(logging.ERROR, logger="pinax_connect"), django_capture_on_commit_callbacks(execute=True):
        assert processing.process_event(event) == "processed"  # the handlers' work committed
    event.refresh_from_db()
    name = f"{__name__}.test_failing_receiver_is_logged_recorded_and_does_not_stop_the_others.<locals>.bad_receiver"
    assert event.status == Event.FAILED and event.processed_at is not None
    assert event.receiver_errors == {name: "RuntimeError: receiver bug"}
    assert event.next_attempt_at is not None
    assert len(recorder.signalled) == 1
    assert any("receiver bug" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_flagged_event_is_not_applied_until_replay_finds_its_account(recorder):
    recorder.listen("customer.created", signal=False)
    event = stored("customer.created", {"id": "cus_1", "object": "customer"}, account="acct_later")
    assert event.flag == storage.FLAG_UNKNOWN_ACCOUNT
    assert processing.process_event(event) == "flagged"
    assert processing.replay(event) == "flagged"
    assert recorder.handled == []

    Account.objects.create(stripe_id="acct_later")
    assert processing.replay(event) == "processed"
    event.refresh_from_db()
    assert event.flag == "" and event.status == Event.PROCESSED
    assert len(recorder.handled) == 1


def test_unknown_processing_mode_is_a_configuration_error(settings):
    settings.PINAX_CONNECT_WEBHOOK_PROCESSING = "celery"
    with pytest.raises(ImproperlyConfigured):
        processing.dispatch(stored())


def test_store_counts_deliveries_but_not_api_reads():
    data = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    first, created = storage.store(data)
    again, created_again = storage.store(data)
    read_back, created_read = storage.store(data, delivery=False)
    assert (created, created_again, created_read) == (True, False, False)
    assert first.pk == again.pk == read_back.pk
    assert Event.objects.get().deliveries == 2


def test_store_inside_a_transaction_survives_a_duplicate():
    data = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    storage.store(data)
    with transaction.atomic():
        event, created = storage.store(data)
        assert not created
        Event.objects.filter(pk=event.pk).update(flag="")  # the transaction is still usable
    assert Event.objects.get().deliveries == 2
