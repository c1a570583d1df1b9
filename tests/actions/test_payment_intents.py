"""payment_intents: destination, direct and separate-charges-and-transfers patterns; confirm/capture/cancel."""
from decimal import Decimal

import pytest
import stripe

from pinax_connect.actions import customers, payment_intents, transfers
from pinax_connect.exceptions import AccountNotReady, CustomerAccountMismatch, InvalidRequest
from pinax_connect.models import Account, Charge, Customer, PaymentIntent

pytestmark = pytest.mark.django_db


def intent_object(id="pi_1Test000000000", **overrides):
    """A payment_intent dict shaped like Stripe's (fixtures3.json)."""
    obj = {
        "id": id, "object": "payment_intent", "amount": 1099, "amount_received": 0,
        "application_fee_amount": None, "capture_method": "automatic", "created": 1700000000,
        "currency": "usd", "customer": None, "description": None, "latest_charge": None,
        "livemode": False, "metadata": {}, "on_behalf_of": None, "status": "requires_payment_method",
        "transfer_data": None, "transfer_group": None,
    }
    obj.update(overrides)
    return obj


def pi_posts(fake, suffix=""):
    return [r for r in fake.requests if r.method == "POST" and r.route_pattern == "/v1/payment_intents" + suffix]


# --------------------------------------------------------------------------- sync from objects


def test_sync_payment_intent_maps_columns():
    account = Account.objects.create(stripe_id="acct_1Dest")
    customer = Customer.objects.create(stripe_id="cus_1")
    row = payment_intents.sync_payment_intent_from_stripe_object(intent_object(
        customer="cus_1", transfer_data={"destination": "acct_1Dest"}, application_fee_amount=100,
        amount_received=1099, status="succeeded", transfer_group="order-1", latest_charge="ch_1",
        on_behalf_of="acct_1Dest",
    ))
    assert (row.customer, row.transfer_destination) == (customer, account)
    assert row.amount == row.amount_received == Decimal("10.99")
    assert row.application_fee_amount == Decimal("1.00")
    assert (row.status, row.transfer_group, row.latest_charge, row.on_behalf_of) == (
        "succeeded", "order-1", "ch_1", "acct_1Dest")


def test_sync_payment_intent_with_expanded_latest_charge():
    charge = {"id": "ch_1", "object": "charge", "amount": 1099, "amount_captured": 1099, "currency": "usd",
              "status": "succeeded", "paid": True, "captured": True, "payment_intent": "pi_1Test000000000",
              "created": 1700000000}
    row = payment_intents.sync_payment_intent_from_stripe_object(intent_object(latest_charge=charge))
    assert row.latest_charge == "ch_1"
    assert Charge.objects.get(stripe_id="ch_1").payment_intent == row


# --------------------------------------------------------------------------- create


def test_destination_charge(fake_stripe, custom_account, other_user):
    buyer = customers.create(other_user)
    intent = payment_intents.create(
        Decimal("25.00"), "usd", customer=buyer, payment_method="pm_card_visa", destination=custom_account,
        application_fee_amount=Decimal("2.50"), on_behalf_of=True, confirm=True, idempotency_key="pi-1",
        metadata={"order": "1"},
    )
    assert intent.status == "succeeded" and intent.transfer_destination == custom_account
    assert intent.application_fee_amount == Decimal("2.50") and intent.customer == buyer
    charge = Charge.objects.get(stripe_id=intent.latest_charge)
    assert charge.payment_intent == intent and charge.destination == custom_account
    (request,) = pi_posts(fake_stripe)
    assert request.idempotency_key == "pi-1" and request.account is None
    assert request.params["transfer_data"] == {"destination": custom_account.stripe_id}
    assert request.params["on_behalf_of"] == custom_account.stripe_id
    assert request.params["application_fee_amount"] == "250" and request.params["amount"] == "2500"
    assert request.params["expand"] == ["latest_charge"]


def test_direct_charge(fake_stripe, custom_account):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True,
                                    stripe_account=custom_account, application_fee_amount=1)
    assert intent.stripe_account == custom_account and intent.status == "succeeded"
    charge = Charge.objects.get(stripe_id=intent.latest_charge)
    assert charge.stripe_account == custom_account
    assert pi_posts(fake_stripe)[-1].account == custom_account.stripe_id


def test_separate_charges_and_transfers(fake_stripe, custom_account):
    intent = payment_intents.create(30, "usd", payment_method="pm_card_visa", confirm=True, transfer_group="order-9")
    charge = Charge.objects.get(stripe_id=intent.latest_charge)
    transfer = transfers.create(Decimal("20"), "usd", custom_account, transfer_group="order-9", source_transaction=charge)
    assert intent.transfer_group == charge.transfer_group == transfer.transfer_group == "order-9"
    assert transfer.source_transaction == charge.stripe_id and transfer.destination == custom_account


def test_create_without_confirm_then_confirm(fake_stripe):
    intent = payment_intents.create(5, "eur")
    assert intent.status == "requires_payment_method" and intent.currency == "eur"
    # Stripe's default: automatic payment methods with redirects, so a server-side
    # confirm needs somewhere to send the customer back to.
    assert intent.stripe_data["automatic_payment_methods"] == {"allow_redirects": "always", "enabled": True}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        payment_intents.confirm(intent, payment_method="pm_card_visa")
    assert refused.value.param == "return_url"
    intent = payment_intents.confirm(
        intent, payment_method="pm_card_visa", return_url="https://shop.example/back", idempotency_key="conf-1"
    )
    assert intent.status == "succeeded" and intent.amount_received == Decimal("5.00")
    request = pi_posts(fake_stripe, "/{id}/confirm")[-1]
    assert request.idempotency_key == "conf-1" and request.params["payment_method"] == "pm_card_visa"


def test_a_server_side_confirm_asks_for_no_redirects_unless_the_caller_chose(fake_stripe):
    payment_intents.create(5, "usd", payment_method="pm_card_visa", confirm=True)
    sent = pi_posts(fake_stripe, "")[-1].params
    assert sent["automatic_payment_methods"] == {"enabled": "true", "allow_redirects": "never"}
    payment_intents.create(5, "usd", payment_method="pm_card_visa", confirm=True, return_url="https://shop.example/r")
    assert "automatic_payment_methods" not in pi_posts(fake_stripe, "")[-1].params
    payment_intents.create(5, "usd", payment_method="pm_card_visa", confirm=True, payment_method_types=["card"])
    assert "automatic_payment_methods" not in pi_posts(fake_stripe, "")[-1].params


def test_manual_capture_and_partial_capture(fake_stripe):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True, capture_method="manual")
    assert intent.status == "requires_capture"
    intent = payment_intents.capture(intent, Decimal("6"), idempotency_key="cap-1")
    assert intent.status == "succeeded" and intent.amount_received == Decimal("6.00")
    request = pi_posts(fake_stripe, "/{id}/capture")[-1]
    assert request.params["amount_to_capture"] == "600" and request.idempotency_key == "cap-1"
    assert Charge.objects.get(stripe_id=intent.latest_charge).amount_captured == Decimal("6.00")


def test_cancel(fake_stripe):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True, capture_method="manual")
    intent = payment_intents.cancel(intent, cancellation_reason="abandoned", idempotency_key="can-1")
    assert intent.status == "canceled"
    request = pi_posts(fake_stripe, "/{id}/cancel")[-1]
    assert request.params["cancellation_reason"] == "abandoned" and request.idempotency_key == "can-1"


def test_authentication_required(fake_stripe):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_authenticationRequired", confirm=True)
    assert intent.status == "requires_action"


@pytest.mark.parametrize("payment_method, decline_code, message", [
    ("pm_card_chargeDeclined", "generic_decline", "Your card was declined."),
    ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient funds."),
])
def test_declines_pass_through_and_mirror_the_intent(fake_stripe, payment_method, decline_code, message):
    with pytest.raises(stripe.CardError) as excinfo:
        payment_intents.create(10, "usd", payment_method=payment_method, confirm=True)
    assert excinfo.value.user_message == message
    assert excinfo.value.json_body["error"]["decline_code"] == decline_code
    intent = PaymentIntent.objects.get()
    assert intent.status == "requires_payment_method"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"amount": 0}, InvalidRequest, "positive"),
    ({"currency": "zzz"}, InvalidRequest, "currency"),
    ({"capture_method": "later"}, InvalidRequest, "capture_method"),
    ({"application_fee_amount": 1}, InvalidRequest, "needs a destination"),
    ({"on_behalf_of": True}, InvalidRequest, "needs a destination"),
    ({"confirm": True}, InvalidRequest, "payment_method"),
    ({"destination": "acct_1", "stripe_account": "acct_2"}, InvalidRequest, "not both"),
])
def test_validation(fake_stripe, kwargs, error, message):
    params = {"amount": 10, "currency": "usd", **kwargs}
    with pytest.raises(error, match=message):
        payment_intents.create(params.pop("amount"), params.pop("currency"), **params)
    assert not pi_posts(fake_stripe)


def test_fee_above_amount_and_unready_destination(fake_stripe, custom_account, express_account):
    with pytest.raises(InvalidRequest, match="cannot exceed"):
        payment_intents.create(10, "usd", destination=custom_account, application_fee_amount=11)
    with pytest.raises(AccountNotReady):
        payment_intents.create(10, "usd", destination=express_account)
    with pytest.raises(AccountNotReady):
        payment_intents.create(10, "usd", stripe_account=express_account)
    assert not pi_posts(fake_stripe)


def test_customer_mismatch(fake_stripe, custom_account, other_user):
    connected = customers.create(other_user, stripe_account=custom_account)
    with pytest.raises(CustomerAccountMismatch):
        payment_intents.create(10, "usd", customer=connected, destination=custom_account)
    assert not pi_posts(fake_stripe)


def test_state_validation(fake_stripe):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True)
    with pytest.raises(InvalidRequest, match="cannot confirm"):
        payment_intents.confirm(intent)
    with pytest.raises(InvalidRequest, match="nothing to capture"):
        payment_intents.capture(intent)
    with pytest.raises(InvalidRequest, match="cannot cancel"):
        payment_intents.cancel(intent)
    manual = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True, capture_method="manual")
    with pytest.raises(InvalidRequest, match="only 10"):
        payment_intents.capture(manual, 11)


def test_stripe_state_errors_pass_through(fake_stripe):
    intent = payment_intents.create(10, "usd")
    PaymentIntent.objects.filter(pk=intent.pk).update(status="requires_capture")  # a stale mirror
    intent.refresh_from_db()
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        payment_intents.capture(intent)
    assert excinfo.value.code == "payment_intent_unexpected_state"


def test_sync_payment_intent_and_list(fake_stripe, custom_account):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True)
    PaymentIntent.objects.filter(pk=intent.pk).update(status="stale")
    assert payment_intents.sync_payment_intent(intent).status == "succeeded"
    client = stripe.StripeClient("sk_test_x", http_client=fake_stripe)
    client.v1.payment_intents.create({"amount": 800, "currency": "usd"}, {"stripe_account": custom_account.stripe_id})
    created, _ = payment_intents.sync_payment_intents(stripe_account=custom_account)
    assert created == 1
    assert PaymentIntent.objects.get(amount=Decimal("8.00")).stripe_account == custom_account
