"""Exactly once under concurrent duplicate deliveries, on PostgreSQL (real row locks).

Threads deliver copies of a dispute's events at the same moment, each with its own
database connection (``transaction=True``: they see each other's commits). The
dispute's ``created`` and ``funds_withdrawn`` events both ask for the recovery, so
distinct events race for the same DisputeRecovery row, not only duplicates of one.
"""
import copy

import pytest

from pinax_connect.models import DisputeRecovery, EarlyFraudWarning, Event
from tests.threads import run_threads

from .conftest import post_event

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def deliver_concurrently(events):
    """Each thread POSTs its share of ``events`` after a common barrier; returns the status codes."""
    results, errors = run_threads(lambda i: [post_event(event).status_code for event in events[i::THREADS]], THREADS)
    assert errors == []
    return [code for codes in results for code in codes]


def renamed(event, n):
    """The same object under another event id (Stripe's other events about it)."""
    other = copy.deepcopy(event)
    other["id"] = f"{event['id']}_{n}"
    return other


def test_concurrent_deliveries_reverse_once_and_give_back_once(fake_stripe, settings, custom_account,
                                                               destination_sale, mark):
    settings.PINAX_CONNECT_DISPUTE_RECOVERY = "reverse_transfer"
    since = mark()
    destination_sale()
    disputed = [e for e in since() if e["type"].startswith("charge.dispute")]
    # Everything else about the sale first, in order (the charge and transfer mirrored).
    for event in [e for e in fake_stripe.events if not e["type"].startswith("charge.dispute")]:
        assert post_event(event).status_code == 200

    storm = [renamed(e, n) for e in disputed for n in range(THREADS)] + disputed * 2
    assert set(deliver_concurrently(storm)) == {200}

    assert len(fake_stripe.all("transfer_reversal")) == 1
    (row,) = DisputeRecovery.objects.all()
    assert row.status == "succeeded" and row.stripe_id == fake_stripe.all("transfer_reversal")[0]["id"]
    assert not Event.objects.exclude(status=Event.PROCESSED).exists()

    since = mark()
    from pinax_connect.client import get_client

    get_client().v1.disputes.update(row.dispute.stripe_id, {"evidence": {"uncategorized_text": "winning_evidence"}})
    won = [e for e in since() if e["type"] in ("charge.dispute.closed", "charge.dispute.funds_reinstated")]
    assert set(deliver_concurrently([renamed(e, n) for e in won for n in range(THREADS)])) == {200}

    retransfers = DisputeRecovery.objects.filter(kind="retransfer")
    assert retransfers.count() == 1 and retransfers.get().status == "succeeded"
    assert len([t for t in fake_stripe.all("transfer") if t["metadata"].get("pinax_connect_dispute")]) == 1


def test_concurrent_warnings_refund_once(fake_stripe, settings, custom_account, destination_sale, mark):
    settings.PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND = True
    since = mark()
    destination_sale("tok_createIssuerFraudRecord")
    for event in since():
        if not event["type"].startswith("radar."):
            assert post_event(event).status_code == 200
    (warning_event,) = [e for e in fake_stripe.events if e["type"].startswith("radar.")]

    storm = [renamed(warning_event, n) for n in range(2 * THREADS)]
    assert set(deliver_concurrently(storm)) == {200}

    assert len(fake_stripe.all("refund")) == 1
    assert EarlyFraudWarning.objects.get().refund is not None
