"""Dispute events mirror disputes (destination and direct charges), signals after commit, list sync."""
from decimal import Decimal

import pytest
from django.core.management import call_command

from pinax_connect import dispute_signals
from pinax_connect.actions import disputes
from pinax_connect.client import get_client
from pinax_connect.models import Dispute, Event
from pinax_connect.testing.fake.disputes import decide

from .conftest import types


@pytest.fixture
def received():
    """Every dispute signal received, as (signal name, dispute status, committed row status)."""
    got = []
    receivers = []
    for name in ("dispute_created", "dispute_updated", "dispute_closed", "dispute_funds_withdrawn",
                 "dispute_funds_reinstated"):
        def receiver(sender, dispute, event, _name=name, **kwargs):
            got.append((_name, dispute.status, Dispute.objects.get(pk=dispute.pk).status, event.type))
        getattr(dispute_signals, name).connect(receiver, weak=False)
        receivers.append((name, receiver))
    yield got
    for name, receiver in receivers:
        getattr(dispute_signals, name).disconnect(receiver)


@pytest.mark.parametrize("kind", ["destination", "direct"])
def test_each_dispute_event_creates_then_updates_the_mirror(kind, fake_stripe, destination_sale, direct_sale,
                                                            custom_account, mark, deliver, received):
    sale = destination_sale if kind == "destination" else direct_sale
    since = mark()
    charge = sale()
    events = since()
    scope = None if kind == "destination" else custom_account.stripe_id
    assert {e.get("account") for e in events if e["type"].startswith("charge.dispute")} == {scope}

    deliver(events)

    dispute = Dispute.objects.get()
    assert dispute.charge == charge
    assert dispute.stripe_account == (custom_account if kind == "direct" else None)
    assert dispute.seller == custom_account
    assert (dispute.status, dispute.reason, dispute.amount, dispute.currency) == (
        "needs_response", "fraudulent", Decimal("100"), "usd")
    assert dispute.net_balance_effect == Decimal("-115")
    assert dispute.evidence_due_by is not None and not dispute.is_charge_refundable
    assert [r[0] for r in received] == ["dispute_created", "dispute_funds_withdrawn"]

    since = mark()
    get_client().v1.disputes.update(
        dispute.stripe_id, {"evidence": {"uncategorized_text": "winning_evidence"}, "submit": True},
        options={"stripe_account": scope} if scope else {},
    )
    later = since()
    assert types(later) == ["charge.dispute.updated", "charge.dispute.closed", "charge.dispute.funds_reinstated"]
    deliver(later)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.submission_count, dispute.net_balance_effect) == ("won", 1, Decimal("0"))
    assert [r[0] for r in received[2:]] == ["dispute_updated", "dispute_closed", "dispute_funds_reinstated"]
    # Each receiver saw the committed row, in the state its event left it (or newer).
    assert all(committed == status or committed == "won" for _n, status, committed, _t in received)
    assert Event.objects.filter(type__startswith="charge.dispute", status=Event.PROCESSED).count() == 5


def test_a_late_older_event_does_not_reopen_a_closed_dispute(fake_stripe, destination_sale, mark, deliver):
    since = mark()
    destination_sale()
    opened = since()
    fake_stripe.advance(60)
    since = mark()
    decide(fake_stripe, fake_stripe.all("dispute")[0]["id"], won=False)
    deliver(since())  # closed arrives first
    deliver(opened)  # then the created / funds_withdrawn events, a minute older

    assert Dispute.objects.get().status == "lost"


def test_the_mirror_matches_a_fresh_read(fake_stripe, direct_sale, custom_account, mark, deliver):
    since = mark()
    direct_sale()
    deliver(since())

    dispute = Dispute.objects.get()
    fresh = get_client().v1.disputes.retrieve(dispute.stripe_id, options={"stripe_account": custom_account.stripe_id})
    assert dispute.stripe_data == fresh.to_dict()
    resynced = disputes.sync_dispute(dispute)
    assert resynced.pk == dispute.pk and resynced.stripe_data == fresh.to_dict()


def test_a_dispute_on_an_unmirrored_charge_mirrors_the_charge_first(fake_stripe, destination_sale, mark, deliver):
    since = mark()
    charge = destination_sale()
    events = [e for e in since() if e["type"].startswith("charge.dispute")]
    charge.delete()

    deliver(events)

    dispute = Dispute.objects.get()
    assert dispute.charge is not None and dispute.charge.stripe_id == charge.stripe_id


def test_retrieve_and_list_sync(fake_stripe, destination_sale, direct_sale, custom_account):
    destination_sale()
    direct_sale()
    platform_id = fake_stripe.all("dispute")[0]["id"]

    assert disputes.retrieve(platform_id).stripe_account is None
    assert disputes.sync_disputes() == (0, 0)  # already mirrored and unchanged
    assert disputes.sync_disputes(stripe_account=custom_account) == (1, 0)
    assert Dispute.objects.filter(stripe_account=custom_account).count() == 1


def test_sync_command_knows_disputes_and_warnings(fake_stripe, destination_sale, capsys):
    destination_sale()
    destination_sale("tok_createIssuerFraudRecord")

    call_command("pinax_connect_sync", "disputes", "early_fraud_warnings")

    assert Dispute.objects.count() == 1
    from pinax_connect.models import EarlyFraudWarning

    assert EarlyFraudWarning.objects.count() == 1


def test_the_disputed_charge_is_marked_disputed(fake_stripe, destination_sale, mark, deliver):
    since = mark()
    charge = destination_sale()
    events = since()
    deliver([e for e in events if not e["type"].startswith("charge.dispute")])
    charge.refresh_from_db()
    assert charge.disputed is False  # as charge.succeeded said

    deliver([e for e in events if e["type"].startswith("charge.dispute")])

    charge.refresh_from_db()
    assert charge.disputed is True


def test_refetch_mode_stores_the_dispute_as_stripe_has_it_now(fake_stripe, settings, destination_sale, mark,
                                                              deliver):
    settings.PINAX_CONNECT_WEBHOOK_REFETCH = True
    since = mark()
    destination_sale()
    created = [e for e in since() if e["type"] == "charge.dispute.created"]
    get_client().v1.disputes.close(fake_stripe.all("dispute")[0]["id"])

    deliver(created)  # an old event, applied with the current object

    assert Dispute.objects.get().status == "lost"
