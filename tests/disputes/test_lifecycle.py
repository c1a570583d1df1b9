"""The full life of a disputed sale on the fake, checked against a fresh read from the fake."""
import io
from decimal import Decimal

import pytest

from pinax_connect import money
from pinax_connect.actions import disputes, payment_intents
from pinax_connect.client import get_client
from pinax_connect.models import Dispute, DisputeRecovery, Transfer

from .conftest import types


def assert_mirror_is_fresh(dispute):
    fresh = get_client().v1.disputes.retrieve(
        dispute.stripe_id, options={"stripe_account": dispute.stripe_account.stripe_id}
        if dispute.stripe_account else {}).to_dict()
    row = Dispute.objects.get(pk=dispute.pk)
    assert row.stripe_data == fresh
    assert (row.status, row.amount, row.submission_count, row.has_evidence) == (
        fresh["status"], money.from_minor(fresh["amount"], fresh["currency"]),
        fresh["evidence_details"]["submission_count"], fresh["evidence_details"]["has_evidence"])
    assert row.net_balance_effect == money.from_minor(sum(t["net"] for t in fresh["balance_transactions"]), "usd")
    return row


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_a_disputed_destination_sale_from_payment_to_decision(outcome, fake_stripe, settings, custom_account, mark,
                                                              deliver):
    settings.PINAX_CONNECT_DISPUTE_RECOVERY = "reverse_transfer"
    since = mark()
    intent = payment_intents.create(80, "usd", payment_method="pm_card_createDispute", confirm=True,
                                    destination=custom_account, application_fee_amount=8)
    deliver(since())

    dispute = Dispute.objects.get()
    assert dispute.payment_intent == intent and dispute.seller == custom_account
    assert_mirror_is_fresh(dispute)
    transfer = Transfer.objects.get(destination=custom_account)
    assert transfer.amount_reversed == Decimal("80")  # recovered from the seller

    since = mark()
    disputes.update_evidence(dispute, {"product_description": "Handmade mug, shipped 2 May"},
                             files={"shipping_documentation": io.BytesIO(b"%PDF-1.4 tracking")})
    text = "winning_evidence" if outcome == "won" else "losing_evidence"
    decided = disputes.submit(dispute, {"uncategorized_text": text})
    emitted = since()
    deliver(emitted)

    assert decided.status == outcome
    expected = ["charge.dispute.updated", "charge.dispute.updated", "charge.dispute.closed"]
    if outcome == "won":
        expected.append("charge.dispute.funds_reinstated")
    assert [t for t in types(emitted) if t.startswith("charge.dispute")] == expected
    row = assert_mirror_is_fresh(dispute)
    assert row.net_balance_effect == (Decimal("0") if outcome == "won" else Decimal("-95"))
    kinds = sorted(DisputeRecovery.objects.filter(status="succeeded").values_list("kind", flat=True))
    assert kinds == (["retransfer", "reversal"] if outcome == "won" else ["reversal"])
    seller = fake_stripe.state["balances"][custom_account.stripe_id]["usd"]["available"]
    # The seller got 80 - 8 for the sale; lost: gave 80 back; won: got it again.
    assert seller == (8000 - 800 if outcome == "won" else -800)


def test_a_disputed_direct_sale_accepted_by_the_platform(fake_stripe, direct_sale, custom_account, mark, deliver):
    since = mark()
    direct_sale(amount=50, fee=5)
    deliver(since())
    dispute = Dispute.objects.get()
    assert dispute.stripe_account == custom_account

    since = mark()
    disputes.accept(dispute)
    deliver(since())

    row = assert_mirror_is_fresh(dispute)
    assert row.status == "lost" and row.net_balance_effect == Decimal("-65")
    assert not DisputeRecovery.objects.exists()
