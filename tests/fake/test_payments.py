"""FakeStripe money movement, exercised through a real ``stripe.StripeClient``."""

import pytest
import stripe

from pinax_connect.testing.fake.charge_objects import stripe_fee


@pytest.fixture
def new_account(stripe_client, fake):
    """Create a custom connected account; ``onboarded`` ones have finished
    onboarding (transfers capability active, a default US bank account)."""

    def make(onboarded=True):
        acct = stripe_client.v1.accounts.create({
            "type": "custom", "country": "US", "email": "seller@example.com",
            "capabilities": {"card_payments": {"requested": True},
                             "transfers": {"requested": True}},
        })
        if onboarded:
            fake.complete_onboarding(acct.id)
        return acct

    return make


def balance(stripe_client, account=None):
    """``{currency: (available, pending)}`` as GET /v1/balance reports it."""
    options = {"stripe_account": account} if account else {}
    bal = stripe_client.v1.balance.retrieve(options=options)
    pending = {p.currency: p.amount for p in bal.pending}
    return {a.currency: (a.amount, pending[a.currency]) for a in bal.available}


def available(stripe_client, account=None, currency="usd"):
    return balance(stripe_client, account)[currency][0]


def event_types(fake):
    return [e["type"] for e in fake.events]


# ---------------------------------------------------------------------------
# Customers and payment methods


def test_customer_is_scoped_to_the_account_it_was_created_on(stripe_client, new_account):
    acct, other = new_account(), new_account()
    cus = stripe_client.v1.customers.create({"email": "buyer@example.com"}, {"stripe_account": acct.id})
    assert stripe_client.v1.customers.retrieve(cus.id, options={"stripe_account": acct.id}).id == cus.id
    for scope in ({"stripe_account": other.id}, {}):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            stripe_client.v1.customers.retrieve(cus.id, options=scope)
        assert exc.value.http_status == 404 and exc.value.code == "resource_missing"


def test_customer_update_default_payment_method_delete_and_list_filters(stripe_client, fake):
    cus = stripe_client.v1.customers.create({"email": "a@example.com", "metadata": {"k": "v"}})
    stripe_client.v1.customers.create({"email": "b@example.com"})
    pm = stripe_client.v1.payment_methods.attach("pm_card_visa", {"customer": cus.id})
    assert pm.id.startswith("pm_") and pm.customer == cus.id
    cus = stripe_client.v1.customers.update(cus.id, {"invoice_settings": {"default_payment_method": pm.id}})
    assert cus.invoice_settings.default_payment_method == pm.id
    listed = stripe_client.v1.customers.list({"email": "a@example.com"})
    assert [c.id for c in listed.data] == [cus.id]
    assert [p.id for p in stripe_client.v1.customers.payment_methods.list(cus.id).data] == [pm.id]
    deleted = stripe_client.v1.customers.delete(cus.id)
    assert deleted.deleted is True and deleted.id == cus.id
    assert stripe_client.v1.customers.retrieve(cus.id).deleted is True
    assert [c.email for c in stripe_client.v1.customers.list().data] == ["b@example.com"]
    assert {"customer.created", "payment_method.attached", "customer.updated",
            "customer.deleted"} <= set(event_types(fake))


def test_default_payment_method_must_be_attached(stripe_client):
    cus = stripe_client.v1.customers.create({})
    pm = stripe_client.v1.payment_methods.create({"type": "card", "card": {"token": "tok_visa"}})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.customers.update(cus.id, {"invoice_settings": {"default_payment_method": pm.id}})
    assert exc.value.param == "invoice_settings[default_payment_method]"


def test_detach_payment_method(stripe_client, fake):
    cus = stripe_client.v1.customers.create({"payment_method": "pm_card_mastercard"})
    pm = stripe_client.v1.customers.payment_methods.list(cus.id).data[0]
    assert pm.card.brand == "mastercard" and pm.card.last4 == "4444"
    assert stripe_client.v1.payment_methods.detach(pm.id).customer is None
    assert stripe_client.v1.customers.payment_methods.list(cus.id).data == []
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_methods.detach(pm.id)
    assert event_types(fake)[-1] == "payment_method.detached"


def test_customer_source_is_charged_by_default(stripe_client):
    cus = stripe_client.v1.customers.create({"source": "tok_visa"})
    assert cus.default_source.startswith("card_")
    assert cus.sources.data[0].last4 == "4242"
    ch = stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "customer": cus.id})
    assert ch.payment_method == cus.default_source and ch.customer == cus.id


# ---------------------------------------------------------------------------
# Declines


@pytest.mark.parametrize(
    "token, code, decline_code",
    [
        ("tok_chargeDeclined", "card_declined", "generic_decline"),
        ("tok_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("tok_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
        ("tok_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"),
    ],
)
def test_declined_charge_raises_card_error_and_stores_the_failed_charge(
    stripe_client, fake, token, code, decline_code
):
    with pytest.raises(stripe.CardError) as exc:
        stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "source": token})
    err = exc.value
    assert err.http_status == 402
    assert err.code == code and err.error.decline_code == decline_code
    failed = stripe_client.v1.charges.retrieve(err.error.charge)
    assert failed.status == "failed" and failed.failure_code == code and not failed.paid
    assert event_types(fake)[-1] == "charge.failed"
    assert balance(stripe_client) == {"usd": (0, 0)}


def test_declined_payment_intent_goes_back_to_requires_payment_method(stripe_client, fake):
    with pytest.raises(stripe.CardError) as exc:
        stripe_client.v1.payment_intents.create({
            "amount": 2000, "currency": "usd", "confirm": True,
            "payment_method": "pm_card_chargeDeclinedInsufficientFunds", "payment_method_types": ["card"],
        })
    err = exc.value
    assert err.error.decline_code == "insufficient_funds"
    pi = stripe_client.v1.payment_intents.retrieve(err.error.payment_intent.id)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error.decline_code == "insufficient_funds"
    assert pi.latest_charge == err.error.charge
    assert event_types(fake)[-2:] == ["charge.failed", "payment_intent.payment_failed"]
    # A second attempt with a good card succeeds on the same intent.
    pi = stripe_client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa"})
    assert pi.status == "succeeded" and pi.amount_received == 2000


def test_minimum_amount_and_missing_source(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.charges.create({"amount": 49, "currency": "usd", "source": "tok_visa"})
    assert exc.value.code == "amount_too_small" and exc.value.param == "amount"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.charges.create({"amount": 500, "currency": "usd"})
    assert exc.value.http_status == 400
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.charges.create({"amount": 500, "currency": "usd", "source": "tok_visa",
                                  "bogus": "1"})
    assert exc.value.param == "bogus"


# ---------------------------------------------------------------------------
# Destination charges, direct charges, transfers


def test_destination_charge_moves_money_and_a_full_refund_moves_it_back(stripe_client, fake, new_account):
    acct = new_account()
    pi = stripe_client.v1.payment_intents.create({
        "amount": 10000, "currency": "usd", "confirm": True, "payment_method": "pm_card_visa",
        "payment_method_types": ["card"], "application_fee_amount": 1000, "transfer_data": {"destination": acct.id},
    })
    assert pi.status == "succeeded"
    ch = stripe_client.v1.charges.retrieve(pi.latest_charge)
    assert ch.transfer.startswith("tr_") and ch.application_fee.startswith("fee_")
    assert ch.application_fee_amount == 1000
    tr = stripe_client.v1.transfers.retrieve(ch.transfer)
    assert (tr.destination, tr.amount, tr.source_transaction) == (acct.id, 10000, ch.id)
    fee = stripe_client.v1.application_fees.retrieve(ch.application_fee)
    assert (fee.account, fee.amount, fee.charge) == (acct.id, 1000, ch.id)
    # Platform: keeps the application fee minus Stripe's fee; seller: the rest.
    assert available(stripe_client) == 1000 - stripe_fee(10000)
    assert available(stripe_client, acct.id) == 9000
    assert {"transfer.created", "application_fee.created", "charge.succeeded",
            "payment_intent.succeeded"} <= set(event_types(fake))

    refund = stripe_client.v1.refunds.create({"payment_intent": pi.id, "reverse_transfer": True,
                                       "refund_application_fee": True})
    assert refund.amount == 10000 and refund.transfer_reversal.startswith("trr_")
    assert available(stripe_client, acct.id) == 0
    assert available(stripe_client) == -stripe_fee(10000)  # Stripe keeps its fee
    ch = stripe_client.v1.charges.retrieve(ch.id)
    assert ch.refunded and ch.amount_refunded == 10000 and ch.refunds.data[0].id == refund.id
    assert stripe_client.v1.transfers.retrieve(tr.id).reversed is True
    assert stripe_client.v1.application_fees.retrieve(fee.id).refunded is True
    assert {"charge.refunded", "refund.created", "transfer.reversed",
            "application_fee.refunded"} <= set(event_types(fake))


def test_partial_refund_reverses_transfer_and_fee_pro_rata(stripe_client, new_account):
    acct = new_account()
    ch = stripe_client.v1.charges.create({
        "amount": 10000, "currency": "usd", "source": "tok_visa",
        "application_fee_amount": 1000, "transfer_data": {"destination": acct.id},
    })
    stripe_client.v1.refunds.create({"charge": ch.id, "amount": 2500, "reverse_transfer": True,
                              "refund_application_fee": True})
    tr = stripe_client.v1.transfers.retrieve(ch.transfer)
    assert tr.amount_reversed == 2500 and not tr.reversed
    fee = stripe_client.v1.application_fees.retrieve(ch.application_fee)
    assert fee.amount_refunded == 250
    assert available(stripe_client, acct.id) == 9000 - 2500 + 250
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.refunds.create({"charge": ch.id, "amount": 7501})
    assert exc.value.param == "amount"
    stripe_client.v1.refunds.create({"charge": ch.id})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.refunds.create({"charge": ch.id})
    assert exc.value.code == "charge_already_refunded"


def test_legacy_destination_parameter(stripe_client, new_account):
    acct = new_account()
    ch = stripe_client.v1.charges.create({"amount": 5000, "currency": "usd", "source": "tok_visa",
                                   "destination": {"account": acct.id, "amount": 4000}})
    assert ch.transfer_data.destination == acct.id
    assert stripe_client.v1.transfers.retrieve(ch.transfer).amount == 4000
    assert available(stripe_client, acct.id) == 4000
    assert available(stripe_client) == 1000 - stripe_fee(5000)


def test_destination_needs_the_transfers_capability(stripe_client, new_account):
    acct = new_account(onboarded=False)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.payment_intents.create({"amount": 1000, "currency": "usd",
                                          "transfer_data": {"destination": acct.id}})
    assert exc.value.param == "transfer_data[destination]"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "source": "tok_visa",
                                  "destination": acct.id})
    assert exc.value.param == "destination"


def test_direct_charge_lives_on_the_connected_account(stripe_client, fake, new_account):
    acct = new_account()
    on_acct = {"stripe_account": acct.id}
    cus = stripe_client.v1.customers.create({"source": "tok_visa"}, on_acct)
    ch = stripe_client.v1.charges.create({"amount": 2000, "currency": "usd", "customer": cus.id,
                                   "application_fee_amount": 300}, on_acct)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.charges.retrieve(ch.id)
    assert stripe_client.v1.charges.retrieve(ch.id, options=on_acct).application_fee_amount == 300
    assert available(stripe_client, acct.id) == 2000 - stripe_fee(2000) - 300
    assert available(stripe_client) == 300
    fees = stripe_client.v1.application_fees.list({"charge": ch.id}).data
    assert [(f.account, f.amount) for f in fees] == [(acct.id, 300)]
    succeeded = [e for e in fake.events if e["type"] == "charge.succeeded"]
    assert succeeded[-1]["account"] == acct.id


def test_direct_payment_intent_refund_with_application_fee(stripe_client, new_account):
    acct = new_account()
    on_acct = {"stripe_account": acct.id}
    pi = stripe_client.v1.payment_intents.create({
        "amount": 2000, "currency": "usd", "confirm": True, "payment_method": "pm_card_visa",
        "payment_method_types": ["card"], "application_fee_amount": 300}, on_acct)
    stripe_client.v1.refunds.create({"payment_intent": pi.id, "refund_application_fee": True}, on_acct)
    assert available(stripe_client) == 0
    assert available(stripe_client, acct.id) == -stripe_fee(2000)


def test_separate_charges_and_transfers(stripe_client, new_account):
    seller_a, seller_b = new_account(), new_account()
    stripe_client.v1.charges.create({"amount": 10000, "currency": "usd", "source": "tok_bypassPending",
                              "transfer_group": "ORDER_1"})
    net = 10000 - stripe_fee(10000)
    stripe_client.v1.transfers.create({"amount": 6000, "currency": "usd", "destination": seller_a.id,
                                "transfer_group": "ORDER_1"})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.transfers.create({"amount": net - 5999, "currency": "usd",
                                    "destination": seller_b.id, "transfer_group": "ORDER_1"})
    assert exc.value.code == "balance_insufficient"
    stripe_client.v1.transfers.create({"amount": net - 6000, "currency": "usd",
                                "destination": seller_b.id, "transfer_group": "ORDER_1"})
    group = stripe_client.v1.transfers.list({"transfer_group": "ORDER_1"}).data
    assert [t.destination for t in group] == [seller_b.id, seller_a.id]
    assert [c.transfer_group for c in stripe_client.v1.charges.list({"transfer_group": "ORDER_1"})] == ["ORDER_1"]
    assert available(stripe_client) == 0
    assert available(stripe_client, seller_a.id) == 6000


def test_transfer_reversal_endpoint(stripe_client, fake, new_account):
    acct = new_account()
    stripe_client.v1.charges.create({"amount": 5000, "currency": "usd", "source": "tok_visa"})
    tr = stripe_client.v1.transfers.create({"amount": 3000, "currency": "usd", "destination": acct.id})
    trr = stripe_client.v1.transfers.reversals.create(tr.id, {"amount": 1000, "metadata": {"r": "1"}})
    assert trr.amount == 1000 and trr.transfer == tr.id
    assert [r.id for r in stripe_client.v1.transfers.reversals.list(tr.id).data] == [trr.id]
    assert available(stripe_client, acct.id) == 2000
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.transfers.reversals.create(tr.id, {"amount": 2001})
    assert event_types(fake)[-1] == "transfer.reversed"


def test_balance_transactions_record_each_movement(stripe_client):
    ch = stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "source": "tok_visa"})
    txn = stripe_client.v1.balance_transactions.retrieve(ch.balance_transaction)
    assert (txn.type, txn.amount, txn.fee, txn.net) == ("charge", 1000, 59, 941)
    assert txn.fee_details[0].type == "stripe_fee"
    stripe_client.v1.refunds.create({"charge": ch.id, "amount": 100})
    kinds = [t.type for t in stripe_client.v1.balance_transactions.list().data]
    assert kinds == ["refund", "charge"]
    assert [t.type for t in stripe_client.v1.balance_transactions.list({"type": "refund"}).data] == ["refund"]


def test_held_funds_stay_pending_until_released(stripe_client, fake, new_account):
    acct = new_account()
    fake.state["hold_funds"] = True
    ch = stripe_client.v1.charges.create({"amount": 10000, "currency": "usd", "source": "tok_visa",
                                   "application_fee_amount": 1000,
                                   "transfer_data": {"destination": acct.id}})
    assert balance(stripe_client) == {"usd": (0, 1000 - stripe_fee(10000))}
    assert balance(stripe_client, acct.id) == {"usd": (0, 9000)}
    assert stripe_client.v1.balance_transactions.retrieve(ch.balance_transaction).status == "pending"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.payouts.create({"amount": 100, "currency": "usd"}, {"stripe_account": acct.id})
    assert exc.value.code == "balance_insufficient"
    fake.release_pending(acct.id)
    assert balance(stripe_client, acct.id) == {"usd": (9000, 0)}


def test_release_pending_makes_the_pending_balance_transactions_available(stripe_client, fake, new_account):
    acct = new_account()
    fake.state["hold_funds"] = True
    stripe_client.v1.charges.create({"amount": 10000, "currency": "usd", "source": "tok_visa",
                                     "application_fee_amount": 1000,
                                     "transfer_data": {"destination": acct.id}})
    payment_txns = stripe_client.v1.balance_transactions.list({}, {"stripe_account": acct.id}).data
    assert [t.status for t in payment_txns] == ["pending"]
    assert payment_txns[0].available_on > fake.now()
    fake.release_pending(acct.id)
    released = stripe_client.v1.balance_transactions.list({}, {"stripe_account": acct.id}).data
    assert [(t.status, t.available_on) for t in released] == [("available", fake.now())]
    # Only that account's: the platform's charge and fee are still pending.
    assert {t.status for t in stripe_client.v1.balance_transactions.list().data} == {"pending"}
    fake.release_pending()
    assert {t.status for t in stripe_client.v1.balance_transactions.list().data} == {"available"}
    assert balance(stripe_client) == {"usd": (1000 - stripe_fee(10000), 0)}


def test_transfer_funded_by_a_pending_charge_with_source_transaction(stripe_client, fake, new_account):
    acct = new_account()
    fake.state["hold_funds"] = True
    ch = stripe_client.v1.charges.create({"amount": 5000, "currency": "usd", "source": "tok_visa"})
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.transfers.create({"amount": 4000, "currency": "usd", "destination": acct.id})
    tr = stripe_client.v1.transfers.create({"amount": 4000, "currency": "usd", "destination": acct.id,
                                     "source_transaction": ch.id})
    assert tr.source_transaction == ch.id
    assert balance(stripe_client, acct.id) == {"usd": (0, 4000)}
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.transfers.create({"amount": 5001, "currency": "usd", "destination": acct.id,
                                    "source_transaction": ch.id})
    assert exc.value.param == "amount"


def test_card_token_from_the_tokens_endpoint_can_be_charged_once(stripe_client):
    token = stripe_client.v1.tokens.create({"card": {"number": "4000000000000002", "exp_month": 12,
                                              "exp_year": 2040, "cvc": "123"}})
    with pytest.raises(stripe.CardError) as exc:
        stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "source": token.id})
    assert exc.value.error.decline_code == "generic_decline"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "source": token.id})
    assert exc.value.code == "token_already_used"


# ---------------------------------------------------------------------------
# Payouts


def test_payout_lifecycle(stripe_client, fake, new_account):
    acct = new_account()
    on_acct = {"stripe_account": acct.id}
    stripe_client.v1.charges.create({"amount": 10000, "currency": "usd", "source": "tok_visa",
                              "transfer_data": {"destination": acct.id}})
    po = stripe_client.v1.payouts.create({"amount": 4000, "currency": "usd"}, on_acct)
    assert po.status == "pending" and po.destination.startswith("ba_")
    assert available(stripe_client, acct.id) == 6000
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.payouts.create({"amount": 6001, "currency": "usd"}, on_acct)
    assert exc.value.code == "balance_insufficient"

    fake.pay_out(po.id, account=acct.id)
    assert stripe_client.v1.payouts.retrieve(po.id, options=on_acct).status == "paid"
    failing = stripe_client.v1.payouts.create({"amount": 1000, "currency": "usd"}, on_acct)
    fake.pay_out(failing.id, account=acct.id, fail=True)
    assert stripe_client.v1.payouts.retrieve(failing.id, options=on_acct).status == "failed"
    assert available(stripe_client, acct.id) == 6000  # failed payout's funds came back
    canceled = stripe_client.v1.payouts.cancel(
        stripe_client.v1.payouts.create({"amount": 500, "currency": "usd"}, on_acct).id, options=on_acct)
    assert canceled.status == "canceled" and available(stripe_client, acct.id) == 6000
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payouts.cancel(po.id, options=on_acct)
    assert [p.id for p in stripe_client.v1.payouts.list({"status": "paid"}, on_acct).data] == [po.id]
    payout_events = [(e["type"], e["account"]) for e in fake.events if e["type"].startswith("payout.")]
    assert payout_events[:2] == [("payout.created", acct.id), ("payout.paid", acct.id)]
    assert ("payout.failed", acct.id) in payout_events


def test_payout_needs_an_external_account(stripe_client, new_account):
    acct = new_account(onboarded=False)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.payouts.create({"amount": 100, "currency": "usd"}, {"stripe_account": acct.id})
    assert exc.value.http_status == 400


# ---------------------------------------------------------------------------
# Payment intents


def test_manual_capture_flow(stripe_client, fake, new_account):
    acct = new_account()
    pi = stripe_client.v1.payment_intents.create({
        "amount": 5000, "currency": "usd", "payment_method": "pm_card_visa",
        "capture_method": "manual", "transfer_data": {"destination": acct.id}, "payment_method_types": ["card"],
        "application_fee_amount": 500,
    })
    assert pi.status == "requires_confirmation"
    pi = stripe_client.v1.payment_intents.confirm(pi.id)
    assert pi.status == "requires_capture" and pi.amount_capturable == 5000
    assert balance(stripe_client) == {"usd": (0, 0)}  # nothing moves before capture
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.capture(pi.id, {"amount_to_capture": 5001})
    pi = stripe_client.v1.payment_intents.capture(pi.id, {"amount_to_capture": 4000,
                                                   "application_fee_amount": 400})
    assert pi.status == "succeeded" and pi.amount_received == 4000 and pi.amount_capturable == 0
    ch = stripe_client.v1.charges.retrieve(pi.latest_charge)
    assert ch.captured and ch.amount_captured == 4000
    assert available(stripe_client, acct.id) == 3600
    assert "charge.captured" in event_types(fake)
    assert "payment_intent.amount_capturable_updated" in event_types(fake)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.payment_intents.capture(pi.id)
    assert exc.value.code == "payment_intent_unexpected_state"


def test_legacy_uncaptured_charge_then_capture(stripe_client):
    ch = stripe_client.v1.charges.create({"amount": 3000, "currency": "usd", "source": "tok_visa",
                                   "capture": False})
    assert not ch.captured and available(stripe_client) == 0
    ch = stripe_client.v1.charges.capture(ch.id)
    assert ch.captured and available(stripe_client) == 3000 - stripe_fee(3000)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.charges.capture(ch.id)
    assert exc.value.code == "charge_already_captured"


def test_cancel_payment_intent(stripe_client, fake):
    pi = stripe_client.v1.payment_intents.create({"amount": 1500, "currency": "usd",
                                           "payment_method": "pm_card_visa", "confirm": True,
                                           "capture_method": "manual", "payment_method_types": ["card"]})
    pi = stripe_client.v1.payment_intents.cancel(pi.id, {"cancellation_reason": "requested_by_customer"})
    assert pi.status == "canceled" and pi.cancellation_reason == "requested_by_customer"
    assert stripe_client.v1.charges.retrieve(pi.latest_charge).refunded is True
    assert event_types(fake)[-1] == "payment_intent.canceled"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.cancel(pi.id)


def test_authentication_required_then_completed(stripe_client, fake):
    pi = stripe_client.v1.payment_intents.create({
        "amount": 1500, "currency": "usd", "confirm": True,
        "payment_method": "pm_card_authenticationRequired", "payment_method_types": ["card"]})
    assert pi.status == "requires_action" and pi.next_action.type == "use_stripe_sdk"
    fake.authenticate_payment_intent(pi.id)
    assert stripe_client.v1.payment_intents.retrieve(pi.id).status == "succeeded"


def test_payment_intent_create_is_idempotent_when_the_response_is_lost(stripe_client, fake):
    fake.fail_next(lose_response=True, path="/v1/payment_intents")
    pi = stripe_client.v1.payment_intents.create({"amount": 1000, "currency": "usd",
                                           "payment_method": "pm_card_visa", "confirm": True,
                                           "automatic_payment_methods": {"enabled": True,
                                                                         "allow_redirects": "never"}})
    assert pi.status == "succeeded"
    assert [p.id for p in stripe_client.v1.payment_intents.list().data] == [pi.id]
    posts = [r for r in fake.requests if r.method == "POST" and r.path == "/v1/payment_intents"]
    assert len(posts) == 2 and posts[0].idempotency_key == posts[1].idempotency_key
    assert len(stripe_client.v1.charges.list().data) == 1


def test_charge_list_pagination(stripe_client):
    ids = [stripe_client.v1.charges.create({"amount": 100 + i, "currency": "usd",
                                     "source": "tok_visa"}).id for i in range(5)]
    page = stripe_client.v1.charges.list({"limit": 2})
    assert [c.id for c in page.data] == ids[::-1][:2] and page.has_more
    nxt = stripe_client.v1.charges.list({"limit": 2, "starting_after": page.data[-1].id})
    assert [c.id for c in nxt.data] == ids[::-1][2:4]
    assert [c.id for c in page.auto_paging_iter()] == ids[::-1]


# ---------------------------------------------------------------------------
# Checkout


def _session_params(acct_id):
    return {
        "mode": "payment",
        "success_url": "https://shop.test/success?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://shop.test/canceled/",
        "client_reference_id": "order-7",
        "customer_email": "buyer@example.com",
        "line_items": [{"price_data": {"currency": "usd", "unit_amount": 2000,
                                       "product_data": {"name": "Sunglass 101"}},
                        "quantity": 2}],
        "payment_intent_data": {"application_fee_amount": 400,
                                "transfer_data": {"destination": acct_id}},
    }


def test_checkout_session_completion_moves_money_and_emits_events(stripe_client, fake, new_account):
    acct = new_account()
    cs = stripe_client.v1.checkout.sessions.create(_session_params(acct.id))
    assert cs.status == "open" and cs.payment_status == "unpaid" and cs.amount_total == 4000
    assert cs.url.endswith("/checkout/%s" % cs.id) and cs.payment_intent is None
    items = stripe_client.v1.checkout.sessions.line_items.list(cs.id).data
    assert [(i.description, i.quantity, i.amount_total) for i in items] == [("Sunglass 101", 2, 4000)]

    fake.complete_checkout_session(cs.id)
    cs = stripe_client.v1.checkout.sessions.retrieve(cs.id)
    assert cs.status == "complete" and cs.payment_status == "paid"
    assert cs.customer_details.email == "buyer@example.com"
    pi = stripe_client.v1.payment_intents.retrieve(cs.payment_intent)
    assert pi.status == "succeeded" and pi.application_fee_amount == 400
    assert available(stripe_client, acct.id) == 3600
    kinds = event_types(fake)
    for earlier in ("payment_intent.created", "charge.succeeded", "payment_intent.succeeded",
                    "transfer.created", "application_fee.created"):
        assert kinds.index(earlier) < kinds.index("checkout.session.completed")
    completed = [e for e in fake.events if e["type"] == "checkout.session.completed"][0]
    assert completed["data"]["object"]["client_reference_id"] == "order-7"


def test_checkout_session_expire_and_validation(stripe_client, fake, new_account):
    acct = new_account(onboarded=False)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.checkout.sessions.create(_session_params(acct.id))
    assert exc.value.param == "payment_intent_data[transfer_data][destination]"
    params = _session_params(acct.id)
    del params["payment_intent_data"]
    cs = stripe_client.v1.checkout.sessions.create(params)
    assert stripe_client.v1.checkout.sessions.expire(cs.id).status == "expired"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.checkout.sessions.expire(cs.id)
    assert event_types(fake)[-1] == "checkout.session.expired"
    assert [s.id for s in stripe_client.v1.checkout.sessions.list().data] == [cs.id]


# ---- automatic payment methods (Stripe's default since 2023-08-16) ----------------------


def test_payment_intents_default_to_automatic_payment_methods(stripe_client):
    pi = stripe_client.v1.payment_intents.create({"amount": 1000, "currency": "usd"})
    assert pi.automatic_payment_methods.enabled is True and pi.automatic_payment_methods.allow_redirects == "always"
    typed = stripe_client.v1.payment_intents.create(
        {"amount": 1000, "currency": "usd", "payment_method_types": ["card"]}
    )
    assert typed.automatic_payment_methods is None


def test_a_server_side_confirm_that_may_redirect_needs_a_return_url(fake, stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create(
            {"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}
        )
    assert refused.value.param == "return_url"
    assert fake.all("payment_intent") == [] and fake.all("charge") == []
    pi = stripe_client.v1.payment_intents.create({"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa"})
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.confirm(pi.id)
    assert stripe_client.v1.payment_intents.confirm(pi.id, {"return_url": "https://x.test/r"}).status == "succeeded"


def test_automatic_payment_methods_and_types_are_exclusive(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create({
            "amount": 1000, "currency": "usd", "payment_method_types": ["card"],
            "automatic_payment_methods": {"enabled": True},
        })
    assert refused.value.param == "automatic_payment_methods"


@pytest.mark.parametrize("metadata, message", [
    ({"k": "v" * 501}, "up to 500 characters"),
    ({"k" * 41: "v"}, "up to 40 characters"),
    ({f"k{i}": "v" for i in range(51)}, "up to 50 keys"),
])
def test_money_resources_refuse_metadata_over_stripes_limits(stripe_client, metadata, message):
    """Customers and payment intents apply the same metadata limits as accounts (Stripe's)."""
    calls = [
        lambda: stripe_client.v1.customers.create({"metadata": metadata}),
        lambda: stripe_client.v1.payment_intents.create({"amount": 1000, "currency": "usd", "metadata": metadata}),
    ]
    for call in calls:
        with pytest.raises(stripe.InvalidRequestError, match=message):
            call()


def test_a_retrieve_by_the_id_of_another_kind_of_object_is_404(stripe_client):
    """Stripe looks an id up among its own resource: GET /v1/customers/pi_… is "No such customer"."""
    intent = stripe_client.v1.payment_intents.create({"amount": 1000, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError, match=f"No such customer: '{intent.id}'") as missing:
        stripe_client.v1.customers.retrieve(intent.id)
    assert missing.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError, match="No such refund"):
        stripe_client.v1.refunds.retrieve(intent.id)
