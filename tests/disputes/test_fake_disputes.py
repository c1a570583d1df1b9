"""The fake Stripe's disputes: test cards, balances, evidence outcomes, strictness."""
import io

import pytest
import stripe

from pinax_connect.actions import charges, payment_intents, payouts, transfers
from pinax_connect.client import get_client
from pinax_connect.testing.fake.disputes import DISPUTE_FEE, decide

from .conftest import types

PDF = b"%PDF-1.4 receipt"


def available(fake, account=None, currency="usd"):
    return fake.state["balances"].get(account or "platform", {}).get(currency, {}).get("available", 0)


def only_dispute(fake, account=None):
    (dispute,) = fake.all("dispute", account)
    return dispute


def test_dispute_card_opens_a_chargeback_after_the_payment_events(fake_stripe, destination_sale, mark):
    since = mark()
    charge = destination_sale()

    assert types(since()) == [
        "charge.succeeded", "transfer.created", "application_fee.created",
        "charge.dispute.created", "charge.dispute.funds_withdrawn",
    ]
    dispute = only_dispute(fake_stripe)
    assert (dispute["charge"], dispute["amount"], dispute["status"], dispute["reason"]) == (
        charge.stripe_id, 10000, "needs_response", "fraudulent")
    assert dispute["is_charge_refundable"] is False
    assert dispute["evidence_details"]["due_by"] > dispute["created"]
    assert fake_stripe.get(charge.stripe_id, None, "charge")["disputed"] is True


def test_chargeback_debits_the_platform_for_a_destination_charge(fake_stripe, destination_sale, custom_account):
    destination_sale("tok_visa")
    platform, seller = available(fake_stripe), available(fake_stripe, custom_account.stripe_id)

    destination_sale()

    # The new sale adds the same as the first; the dispute then takes amount + fee from the platform only.
    assert available(fake_stripe) == 2 * platform - (10000 + DISPUTE_FEE)
    assert available(fake_stripe, custom_account.stripe_id) == 2 * seller
    (txn,) = only_dispute(fake_stripe)["balance_transactions"]
    assert (txn["amount"], txn["fee"], txn["net"], txn["reporting_category"]) == (
        -10000, DISPUTE_FEE, -(10000 + DISPUTE_FEE), "dispute")


def test_chargeback_on_a_direct_charge_debits_the_connected_account_even_below_zero(
    fake_stripe, direct_sale, custom_account
):
    platform = available(fake_stripe)

    direct_sale(amount=100, fee=10)

    seller = custom_account.stripe_id
    # Seller: +100 - Stripe fee (3.20) - application fee (10) - 100 - 15 = negative.
    assert available(fake_stripe, seller) == 10000 - 320 - 1000 - 10000 - DISPUTE_FEE < 0
    assert available(fake_stripe) == platform + 1000  # the platform keeps its fee
    assert only_dispute(fake_stripe, seller)["balance_transactions"][0]["net"] == -(10000 + DISPUTE_FEE)


def test_inquiry_card_opens_an_inquiry_that_moves_no_money(fake_stripe, destination_sale, mark):
    since = mark()
    destination_sale("tok_createDisputeInquiry")
    after_sale = available(fake_stripe)

    assert types(since())[-1] == "charge.dispute.created"
    dispute = only_dispute(fake_stripe)
    assert (dispute["status"], dispute["balance_transactions"], dispute["is_charge_refundable"]) == (
        "warning_needs_response", [], True)
    assert available(fake_stripe) == after_sale


def test_product_not_received_card_and_payment_intents(fake_stripe, custom_account, mark):
    since = mark()
    intent = payment_intents.create(50, "usd", payment_method="pm_card_createDisputeProductNotReceived",
                                    confirm=True, destination=custom_account)

    dispute = only_dispute(fake_stripe)
    assert (dispute["reason"], dispute["payment_intent"]) == ("product_not_received", intent.stripe_id)
    events = since()
    # The dispute comes after everything the payment request caused, and no request caused it.
    assert types(events)[-3:] == ["payment_intent.succeeded", "charge.dispute.created",
                                  "charge.dispute.funds_withdrawn"]
    assert events[-1]["request"]["id"] is None and events[-4]["request"]["id"] is not None
    assert intent.stripe_data["latest_charge"]["disputed"] is False  # the response: as at capture


def test_early_fraud_warning_card_warns_without_a_dispute(fake_stripe, destination_sale, mark):
    since = mark()
    charge = destination_sale("tok_createIssuerFraudRecord")

    assert types(since())[-1] == "radar.early_fraud_warning.created"
    (warning,) = fake_stripe.all("radar.early_fraud_warning")
    assert (warning["charge"], warning["actionable"]) == (charge.stripe_id, True)
    assert fake_stripe.all("dispute") == []
    fresh = get_client().v1.radar.early_fraud_warnings.retrieve(warning["id"])
    assert fresh["id"] == warning["id"]


def submit(dispute_id, text, account=None, submit=True):
    return get_client().v1.disputes.update(
        dispute_id, {"evidence": {"uncategorized_text": text}, "submit": submit},
        options={"stripe_account": account} if account else {},
    )


def test_winning_evidence_wins_and_reinstates_amount_and_fee(fake_stripe, destination_sale, mark):
    destination_sale()
    dispute = only_dispute(fake_stripe)
    before = available(fake_stripe)
    since = mark()

    answered = submit(dispute["id"], "winning_evidence")

    assert types(since()) == ["charge.dispute.updated", "charge.dispute.closed", "charge.dispute.funds_reinstated"]
    assert answered["status"] == "won" and answered["evidence_details"]["submission_count"] == 1
    assert available(fake_stripe) == before + 10000 + DISPUTE_FEE
    assert [t["net"] for t in answered["balance_transactions"]] == [-(10000 + DISPUTE_FEE), 10000 + DISPUTE_FEE]


def test_losing_evidence_loses_and_reinstates_nothing(fake_stripe, destination_sale, mark):
    destination_sale()
    dispute = only_dispute(fake_stripe)
    before = available(fake_stripe)
    since = mark()

    answered = submit(dispute["id"], "losing_evidence")

    assert types(since()) == ["charge.dispute.updated", "charge.dispute.closed"]
    assert answered["status"] == "lost"
    assert available(fake_stripe) == before


def test_staged_evidence_keeps_the_dispute_open_and_submitted_evidence_is_final(fake_stripe, destination_sale):
    destination_sale()
    dispute = only_dispute(fake_stripe)

    staged = submit(dispute["id"], "some text", submit=False)
    assert (staged["status"], staged["evidence_details"]["has_evidence"]) == ("needs_response", True)
    assert staged["evidence_details"]["submission_count"] == 0

    under_review = submit(dispute["id"], "more text")
    assert under_review["status"] == "under_review"
    with pytest.raises(stripe.InvalidRequestError, match="no longer update the evidence"):
        submit(dispute["id"], "even more")
    decide(fake_stripe, dispute["id"], won=False)
    assert only_dispute(fake_stripe)["status"] == "lost"


def test_close_accepts_the_loss_once(fake_stripe, destination_sale, mark):
    destination_sale()
    dispute = only_dispute(fake_stripe)
    since = mark()

    closed = get_client().v1.disputes.close(dispute["id"])

    assert closed["status"] == "lost" and types(since()) == ["charge.dispute.closed"]
    with pytest.raises(stripe.InvalidRequestError, match="already closed"):
        get_client().v1.disputes.close(dispute["id"])


def test_evidence_fields_and_files_are_checked_like_stripe(fake_stripe, destination_sale):
    destination_sale()
    dispute_id = only_dispute(fake_stripe)["id"]
    client = get_client()

    with pytest.raises(stripe.InvalidRequestError, match=r"unknown parameter: evidence\[colour\]"):
        client.v1.disputes.update(dispute_id, {"evidence": {"colour": "red"}, "submit": False})
    with pytest.raises(stripe.InvalidRequestError, match="No such file") as missing:
        client.v1.disputes.update(dispute_id, {"evidence": {"receipt": "file_nope"}, "submit": False})
    assert missing.value.param == "evidence[receipt]"
    identity = client.v1.files.create({"purpose": "identity_document", "file": io.BytesIO(PDF)})
    with pytest.raises(stripe.InvalidRequestError, match="purpose dispute_evidence"):
        client.v1.disputes.update(dispute_id, {"evidence": {"receipt": identity.id}, "submit": False})
    with pytest.raises(stripe.InvalidRequestError, match="at most 5000 characters"):
        client.v1.disputes.update(dispute_id, {"evidence": {"customer_name": "x" * 5001}, "submit": False})
    assert only_dispute(fake_stripe)["evidence_details"]["has_evidence"] is False


def test_a_destination_charge_transfer_reverses_below_zero_a_separate_transfer_does_not(
    fake_stripe, destination_sale, custom_account
):
    seller = custom_account.stripe_id
    sale = destination_sale("tok_visa", amount=100, fee=10)
    charges.create(200, source="tok_visa")  # platform funds for the separate transfer
    separate = transfers.create(50, "usd", custom_account)
    payouts.create(custom_account, available(fake_stripe, seller) / 100, "usd")
    assert available(fake_stripe, seller) == 0

    with pytest.raises(stripe.InvalidRequestError, match="Insufficient funds") as refused:
        get_client().v1.transfers.reversals.create(separate.stripe_id, {"amount": 5000})
    assert refused.value.code == "balance_insufficient"

    get_client().v1.transfers.reversals.create(sale.stripe_data["transfer"], {"amount": 10000})
    assert available(fake_stripe, seller) == -10000


def test_list_disputes_by_charge(fake_stripe, destination_sale):
    first = destination_sale()
    destination_sale()
    page = get_client().v1.disputes.list({"charge": first.stripe_id})
    assert [d["charge"] for d in page["data"]] == [first.stripe_id]
    assert len(get_client().v1.disputes.list()["data"]) == 2


def test_refused_dispute_requests_do_not_exist_on_the_platform_for_direct_charges(fake_stripe, direct_sale,
                                                                                  custom_account):
    direct_sale()
    dispute = only_dispute(fake_stripe, custom_account.stripe_id)
    with pytest.raises(stripe.InvalidRequestError, match="No such dispute"):
        get_client().v1.disputes.retrieve(dispute["id"])
    assert get_client().v1.disputes.retrieve(dispute["id"], options={"stripe_account": custom_account.stripe_id})
    assert charges.sync_charge(charges.Charge.objects.get(stripe_id=dispute["charge"])).disputed is True


def test_a_charged_back_charge_cannot_be_refunded(fake_stripe, destination_sale):
    charge = destination_sale()
    with pytest.raises(stripe.InvalidRequestError, match="charged back") as refused:
        get_client().v1.refunds.create({"charge": charge.stripe_id})
    assert refused.value.code == "charge_disputed"


def test_an_inquiry_leaves_the_charge_refundable(fake_stripe, destination_sale):
    inquired = destination_sale("tok_createDisputeInquiry")
    assert get_client().v1.refunds.create({"charge": inquired.stripe_id})["status"] == "succeeded"
