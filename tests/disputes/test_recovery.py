"""Recovery from the seller: reversal per policy, exactly once, re-transfer on a won dispute,
and what happens when the seller's balance cannot cover it."""
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from pinax_connect import dispute_signals
from pinax_connect.actions import charges, dispute_recovery, payouts, transfers
from pinax_connect.client import get_client
from pinax_connect.models import Dispute, DisputeRecovery, Event
from pinax_connect.testing.fake.disputes import DISPUTE_FEE, decide
from pinax_connect.webhooks import registry

from .conftest import types


def seller_available(fake, account):
    return fake.state["balances"][account.stripe_id]["usd"]["available"]


@pytest.fixture
def reverse_policy(settings):
    settings.PINAX_CONNECT_DISPUTE_RECOVERY = "reverse_transfer"
    return settings


@pytest.fixture
def recovered():
    got = []

    def receiver(sender, recovery, dispute, **kwargs):
        got.append((recovery.kind, recovery.status, DisputeRecovery.objects.get(pk=recovery.pk).status))

    dispute_signals.dispute_recovery.connect(receiver, weak=False)
    yield got
    dispute_signals.dispute_recovery.disconnect(receiver)


def test_by_default_nothing_is_taken_from_the_seller(fake_stripe, destination_sale, mark, deliver):
    since = mark()
    destination_sale()
    deliver(since())

    assert Dispute.objects.count() == 1 and not DisputeRecovery.objects.exists()
    assert fake_stripe.all("transfer_reversal") == []


def test_a_destination_charge_dispute_reverses_the_sellers_transfer_once(
    fake_stripe, reverse_policy, destination_sale, custom_account, mark, deliver, recovered
):
    since = mark()
    charge = destination_sale(amount=100, fee=10)
    events = since()
    seller_before = seller_available(fake_stripe, custom_account)

    # Stripe delivers at least once: every event twice (the second copies are duplicates),
    # and both charge.dispute.created and .funds_withdrawn ask for the recovery.
    deliver(events + events)

    (reversal,) = fake_stripe.all("transfer_reversal")
    transfer = fake_stripe.get(charge.stripe_data["transfer"], None, "transfer")
    assert (reversal["amount"], transfer["amount_reversed"]) == (10000, 10000)
    assert reversal["metadata"] == {"pinax_connect_dispute": Dispute.objects.get().stripe_id}
    (row,) = DisputeRecovery.objects.all()
    assert (row.kind, row.status, row.amount, row.stripe_id, row.account) == (
        "reversal", "succeeded", Decimal("100"), reversal["id"], custom_account)
    assert row.source_transfer == transfer["id"] and row.dispute.charge == charge
    assert seller_available(fake_stripe, custom_account) == seller_before - 10000
    assert row.seller_available_after == Decimal(seller_before - 10000) / 100
    assert recovered == [("reversal", "succeeded", "succeeded")]


def test_the_fee_and_the_application_fee_follow_the_policy(
    fake_stripe, reverse_policy, destination_sale, mark, deliver
):
    reverse_policy.PINAX_CONNECT_DISPUTE_RECOVERY_INCLUDE_FEE = True
    reverse_policy.PINAX_CONNECT_DISPUTE_RECOVERY_REFUND_APPLICATION_FEE = True
    since = mark()
    charge = destination_sale(amount=100, fee=10)
    deliver(since())

    (row,) = DisputeRecovery.objects.all()
    # Amount + fee asked; the transfer (the whole charge) covers the amount only.
    assert (row.amount, row.shortfall, row.refund_application_fee) == (Decimal("100"), Decimal("15"), True)
    fee = fake_stripe.get(charge.stripe_data["application_fee"], None, "application_fee")
    assert fee["amount_refunded"] == 1000


def test_the_fee_is_recovered_when_the_transfer_has_room(fake_stripe, reverse_policy, custom_account, mark, deliver):
    reverse_policy.PINAX_CONNECT_DISPUTE_RECOVERY_INCLUDE_FEE = True
    charges.create(500, source="tok_visa")  # platform funds
    since = mark()
    charge = charges.create(100, source="tok_createDispute", transfer_group="order-7")
    transfers.create(80, "usd", custom_account, source_transaction=charge, transfer_group="order-7")
    transfers.create(60, "usd", custom_account, transfer_group="order-7")
    deliver(since())

    rows = DisputeRecovery.objects.order_by("pk")
    # Separate charge & transfer, found by source_transaction: 100 + 15 from the 80 transfer, capped.
    assert [(r.amount, r.shortfall, r.status) for r in rows] == [(Decimal("80"), Decimal("35"), "succeeded")]


def test_a_won_dispute_gives_the_money_back_once(fake_stripe, reverse_policy, destination_sale, custom_account,
                                                 mark, deliver, recovered):
    since = mark()
    destination_sale(amount=100, fee=10)
    deliver(since())
    after_reversal = seller_available(fake_stripe, custom_account)
    dispute = Dispute.objects.get()

    since = mark()
    get_client().v1.disputes.update(dispute.stripe_id, {"evidence": {"uncategorized_text": "winning_evidence"}})
    won_events = since()
    deliver(won_events + won_events[::-1])  # closed and funds_reinstated, twice, in both orders

    retransfer = DisputeRecovery.objects.get(kind="retransfer")
    tr = fake_stripe.get(retransfer.stripe_id, None, "transfer")
    assert (tr["amount"], tr["destination"], retransfer.status) == (10000, custom_account.stripe_id, "succeeded")
    assert tr["metadata"]["pinax_connect_dispute"] == dispute.stripe_id
    assert len(fake_stripe.all("transfer")) == 2  # the sale's and the re-transfer
    assert seller_available(fake_stripe, custom_account) == after_reversal + 10000
    assert [r[:2] for r in recovered] == [("reversal", "succeeded"), ("retransfer", "succeeded")]


def test_a_lost_dispute_keeps_the_reversal(fake_stripe, reverse_policy, destination_sale, mark, deliver):
    since = mark()
    destination_sale()
    deliver(since())
    since = mark()
    get_client().v1.disputes.close(Dispute.objects.get().stripe_id)
    deliver(since())

    assert list(DisputeRecovery.objects.values_list("kind", flat=True)) == ["reversal"]


def test_no_retransfer_when_the_setting_is_off(fake_stripe, reverse_policy, destination_sale, mark, deliver):
    reverse_policy.PINAX_CONNECT_DISPUTE_RETRANSFER_ON_WON = False
    since = mark()
    destination_sale()
    decide(fake_stripe, fake_stripe.all("dispute")[0]["id"], won=True)
    deliver(since())

    assert list(DisputeRecovery.objects.values_list("kind", flat=True)) == ["reversal"]


def test_seller_who_paid_out_goes_negative_on_a_destination_charge(
    fake_stripe, reverse_policy, destination_sale, custom_account, mark, deliver
):
    since = mark()
    destination_sale("tok_visa")  # an earlier, undisputed sale
    charge = destination_sale(amount=100, fee=10)
    events = since()
    payouts.create(custom_account, Decimal(seller_available(fake_stripe, custom_account)) / 100, "usd")

    deliver(events)

    (row,) = DisputeRecovery.objects.all()
    assert row.status == "succeeded" and row.seller_balance_negative
    assert row.seller_available_after == Decimal("-100")
    assert seller_available(fake_stripe, custom_account) == -10000
    assert fake_stripe.get(charge.stripe_data["transfer"], None, "transfer")["amount_reversed"] == 10000


def test_separate_transfer_refused_for_insufficient_seller_balance_then_retried(
    fake_stripe, reverse_policy, custom_account, mark, deliver, recovered
):
    charges.create(500, source="tok_visa")  # platform funds
    since = mark()
    charge = charges.create(100, source="tok_createDispute", transfer_group="order-9")
    transfers.create(90, "usd", custom_account, transfer_group="order-9")
    payouts.create(custom_account, Decimal(seller_available(fake_stripe, custom_account)) / 100, "usd")

    deliver(since())

    (row,) = DisputeRecovery.objects.all()
    assert (row.status, row.error_code, row.stripe_id) == ("failed", "balance_insufficient", "")
    assert "Insufficient funds" in row.error_message
    assert Event.objects.filter(status=Event.PROCESSED, type="charge.dispute.created").exists()
    assert recovered == [("reversal", "failed", "failed")]
    assert fake_stripe.all("transfer_reversal") == []

    transfers.create(100, "usd", custom_account)  # the seller has funds again
    retried = dispute_recovery.retry(row)

    assert (retried.status, retried.attempts, retried.error_code) == ("succeeded", 2, "")
    (reversal,) = fake_stripe.all("transfer_reversal")
    assert reversal["amount"] == 9000  # the whole 90 transfer: the disputed 100 exceeds it
    assert DisputeRecovery.objects.get().dispute.charge == charge
    assert dispute_recovery.retry(retried).stripe_id == reversal["id"]  # succeeded: untouched
    assert len(fake_stripe.all("transfer_reversal")) == 1


def test_a_rolled_back_recovery_replays_the_same_reversal(
    fake_stripe, reverse_policy, destination_sale, mark, deliver
):
    since = mark()
    destination_sale()
    events = since()
    calls = []

    def fail_once(event, source, subtype):
        calls.append(event.type)
        if len(calls) == 1:
            raise RuntimeError("host handler failed after the reversal")

    registry.register("charge.dispute.created", fail_once)
    try:
        created = [e for e in events if e["type"] == "charge.dispute.created"]
        deliver([e for e in events if e["type"] != "charge.dispute.funds_withdrawn"],
                failing={"charge.dispute.created"})
        assert Event.objects.get(type="charge.dispute.created").status == Event.FAILED
        assert not DisputeRecovery.objects.exists()  # rolled back with the event...
        assert len(fake_stripe.all("transfer_reversal")) == 1  # ...after Stripe reversed
        deliver(created)  # Stripe retries the event
    finally:
        registry.unregister("charge.dispute.created", fail_once)

    (row,) = DisputeRecovery.objects.all()
    assert len(fake_stripe.all("transfer_reversal")) == 1
    assert row.status == "succeeded" and row.stripe_id == fake_stripe.all("transfer_reversal")[0]["id"]


@pytest.mark.parametrize("card", ["tok_createDispute", "tok_createDisputeInquiry"])
def test_direct_charges_and_inquiries_are_not_recovered(fake_stripe, reverse_policy, direct_sale,
                                                        destination_sale, mark, deliver, card):
    since = mark()
    if card == "tok_createDispute":
        direct_sale(card)
    else:
        destination_sale(card)
    deliver(since())

    assert Dispute.objects.count() == 1 and not DisputeRecovery.objects.exists()


def test_an_unknown_policy_is_a_configuration_error(settings, destination_sale, mark):
    settings.PINAX_CONNECT_DISPUTE_RECOVERY = "sue_the_seller"
    with pytest.raises(ImproperlyConfigured):
        dispute_recovery.policy()


def test_the_reversal_sends_its_own_transfer_event(fake_stripe, reverse_policy, destination_sale, mark, deliver):
    since = mark()
    destination_sale()
    deliver(since())
    # The reversal made while handling the dispute sends its own event, mirrored in turn.
    later = since()
    assert "transfer.reversed" in types(later)
    assert fake_stripe.all("dispute")[0]["balance_transactions"][0]["fee"] == DISPUTE_FEE


def test_api_calls_of_a_recovered_dispute(fake_stripe, reverse_policy, destination_sale, mark, deliver):
    since = mark()
    destination_sale()
    events = since()
    deliver([e for e in events if not e["type"].startswith("charge.dispute")])
    before = len(fake_stripe.requests)

    deliver([e for e in events if e["type"].startswith("charge.dispute")])

    calls = [(r.method, r.route_pattern) for r in fake_stripe.requests[before:]]
    assert calls == [
        ("GET", "/v1/charges/{id}"),  # created: the charge is now disputed
        ("POST", "/v1/transfers/{transfer}/reversals"),
        ("GET", "/v1/transfers/{transfer}"),  # the reversed transfer, mirrored
        ("GET", "/v1/balance"),  # the seller's balance after it
    ]  # funds_withdrawn: nothing more (same second, same object: no re-read)


def test_transfers_not_mirrored_yet_are_found_by_their_group(fake_stripe, reverse_policy, custom_account, mark,
                                                              deliver):
    charges.create(500, source="tok_visa")  # platform funds
    since = mark()
    charges.create(100, source="tok_createDispute", transfer_group="order-11")
    made = transfers.create(70, "usd", custom_account, transfer_group="order-11")
    made.delete()  # as if transfer.created had not arrived yet

    deliver([e for e in since() if e["type"].startswith("charge")])

    (row,) = DisputeRecovery.objects.all()
    assert (row.source_transfer, row.amount, row.status) == (made.stripe_id, Decimal("70"), "succeeded")


def test_a_failed_reversal_of_a_won_dispute_is_not_retried(fake_stripe, reverse_policy, custom_account, mark,
                                                          deliver):
    charges.create(500, source="tok_visa")
    since = mark()
    charges.create(100, source="tok_createDispute", transfer_group="order-12")
    transfers.create(90, "usd", custom_account, transfer_group="order-12")
    payouts.create(custom_account, Decimal(seller_available(fake_stripe, custom_account)) / 100, "usd")
    deliver(since())
    row = DisputeRecovery.objects.get()
    assert row.status == "failed"
    since = mark()
    decide(fake_stripe, row.dispute.stripe_id, won=True)
    deliver(since())

    with pytest.raises(dispute_recovery.InvalidRequest, match="nothing to recover"):
        dispute_recovery.retry(DisputeRecovery.objects.get(pk=row.pk))
    assert not DisputeRecovery.objects.filter(kind="retransfer").exists()  # nothing was taken


def test_any_dispute_event_that_arrives_alone_recovers(fake_stripe, reverse_policy, destination_sale, mark, deliver):
    since = mark()
    destination_sale()
    events = since()
    deliver([e for e in events if not e["type"].startswith("charge.dispute")])
    dispute_id = fake_stripe.all("dispute")[0]["id"]
    since = mark()
    get_client().v1.disputes.update(dispute_id, {"evidence": {"customer_name": "J. Rosen"}, "submit": False})

    deliver(since())  # only charge.dispute.updated: created and funds_withdrawn were lost

    (row,) = DisputeRecovery.objects.all()
    assert row.status == "succeeded" and len(fake_stripe.all("transfer_reversal")) == 1


def test_a_seller_sees_the_disputes_on_their_sales(fake_stripe, reverse_policy, destination_sale, direct_sale,
                                                  custom_account, mark, deliver):
    charges.create(500, source="tok_visa")
    since = mark()
    destination_sale()
    direct_sale()
    separate = charges.create(100, source="tok_createDispute", transfer_group="order-13")
    transfers.create(60, "usd", custom_account, transfer_group="order-13")
    charges.create(100, source="tok_createDispute")  # the platform's own sale
    deliver(since())

    mine = Dispute.for_seller(custom_account)
    assert mine.count() == 3 and Dispute.objects.count() == 4
    assert mine.get(charge=separate).seller == custom_account
    assert {d.seller for d in mine} == {custom_account}
