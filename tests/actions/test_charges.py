"""charges: create (platform, destination, direct), capture, sync; validation and Stripe's errors."""
from decimal import Decimal

import pytest
import stripe

from pinax_connect.actions import charges, customers
from pinax_connect.exceptions import AccountNotReady, CustomerAccountMismatch, InvalidRequest
from pinax_connect.models import Account, Charge, Customer, PaymentIntent

pytestmark = pytest.mark.django_db


def charge_object(id="ch_1Test000000000", **overrides):
    """A charge dict shaped like Stripe's (fixtures3.json)."""
    obj = {
        "id": id, "object": "charge", "amount": 1000, "amount_captured": 1000, "amount_refunded": 0,
        "application_fee_amount": None, "captured": True, "created": 1700000000, "currency": "usd",
        "customer": None, "description": "Order 1", "disputed": False, "failure_code": None,
        "failure_message": None, "livemode": False, "metadata": {}, "on_behalf_of": None, "paid": True,
        "payment_intent": None, "refunded": False, "status": "succeeded", "transfer_data": None,
        "transfer_group": None,
    }
    obj.update(overrides)
    return obj


def charge_posts(fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/charges"]


@pytest.fixture
def buyer(fake_stripe, other_user):
    """A platform customer with a default card (tok_visa)."""
    return customers.create(other_user, source="tok_visa")


# --------------------------------------------------------------------------- sync from objects


def test_sync_charge_maps_columns_and_links():
    account = Account.objects.create(stripe_id="acct_1Dest")
    customer = Customer.objects.create(stripe_id="cus_1")
    intent = PaymentIntent.objects.create(stripe_id="pi_1", amount=10, currency="usd", status="succeeded")
    row = charges.sync_charge_from_stripe_object(charge_object(
        customer="cus_1", payment_intent="pi_1", transfer_data={"destination": "acct_1Dest", "amount": None},
        application_fee_amount=150, amount_refunded=250, transfer_group="g1", on_behalf_of="acct_1Dest",
    ))
    assert (row.customer, row.payment_intent, row.destination) == (customer, intent, account)
    assert row.amount == Decimal("10.00") and row.amount_refunded == Decimal("2.50")
    assert row.application_fee_amount == Decimal("1.50")
    assert (row.paid, row.captured, row.status, row.transfer_group, row.on_behalf_of) == (
        True, True, "succeeded", "g1", "acct_1Dest")


def test_sync_charge_zero_decimal_currency():
    row = charges.sync_charge_from_stripe_object(charge_object(amount=500, amount_captured=500, currency="jpy"))
    assert row.amount == Decimal("500")


def test_sync_charge_legacy_destination_and_unmirrored_links():
    account = Account.objects.create(stripe_id="acct_1Old")
    row = charges.sync_charge_from_stripe_object(charge_object(destination="acct_1Old", customer="cus_unknown"))
    assert row.destination == account and row.customer is None


def test_sync_charge_embedded_refunds():
    obj = charge_object(refunds={"object": "list", "data": [
        {"id": "re_1", "object": "refund", "amount": 100, "charge": "ch_1Test000000000", "currency": "usd",
         "status": "succeeded", "reason": None, "created": 1700000001},
    ]})
    row = charges.sync_charge_from_stripe_object(obj)
    assert row.refunds.get().amount == Decimal("1.00")


def test_sync_direct_charge_sets_stripe_account():
    account = Account.objects.create(stripe_id="acct_1Direct")
    row = charges.sync_charge_from_stripe_object(charge_object(), stripe_account=account)
    assert row.stripe_account == account


# --------------------------------------------------------------------------- create


def test_create_platform_charge_with_source(fake_stripe):
    charge = charges.create(Decimal("12.34"), source="tok_visa", description="T-shirt",
                            metadata={"order": "7"}, idempotency_key="charge-1")
    assert charge.amount == Decimal("12.34") and charge.currency == "usd"
    assert charge.paid and charge.captured and charge.status == "succeeded"
    (request,) = charge_posts(fake_stripe)
    assert request.idempotency_key == "charge-1"
    assert request.params["amount"] == "1234" and request.params["currency"] == "usd"
    assert request.params["metadata"] == {"order": "7"} and request.params["description"] == "T-shirt"


def test_create_generates_an_idempotency_key(fake_stripe):
    charges.create(5, source="tok_visa")
    charges.create(5, source="tok_visa")
    keys = [r.idempotency_key for r in charge_posts(fake_stripe)]
    assert all(keys) and keys[0] != keys[1]


def test_create_with_customer_and_receipt(fake_stripe, buyer):
    charge = charges.create(5.00, buyer, currency="USD", send_receipt=True)
    assert charge.customer == buyer
    request = charge_posts(fake_stripe)[-1]
    assert request.params["customer"] == buyer.stripe_id
    assert request.params["receipt_email"] == buyer.email


def test_seed_destination_charge(fake_stripe, buyer, custom_account):
    charge = charges.create(5.00, buyer, destination_account=custom_account.stripe_id)
    assert charge.destination == custom_account and charge.amount == Decimal("5.00")
    request = charge_posts(fake_stripe)[-1]
    assert request.params["transfer_data"] == {"destination": custom_account.stripe_id}


def test_destination_amount_and_application_fee(fake_stripe, buyer, custom_account):
    charge = charges.create(Decimal("20"), buyer, destination_account=custom_account, destination_amount=Decimal("18"))
    assert charge_posts(fake_stripe)[-1].params["transfer_data"] == {
        "destination": custom_account.stripe_id, "amount": "1800"}
    charge = charges.create(Decimal("20"), buyer, destination_account=custom_account, application_fee=Decimal("2.50"))
    assert charge_posts(fake_stripe)[-1].params["application_fee_amount"] == "250"
    assert charge.application_fee_amount == Decimal("2.50")


def test_direct_charge_on_connected_account(fake_stripe, custom_account):
    charge = charges.create(10, source="tok_visa", stripe_account=custom_account, application_fee=1)
    assert charge.stripe_account == custom_account
    request = charge_posts(fake_stripe)[-1]
    assert request.account == custom_account.stripe_id and request.params["application_fee_amount"] == "100"


@pytest.mark.parametrize("amount", [0, -5, Decimal("-0.01"), None])
def test_non_positive_amount_is_refused(fake_stripe, amount):
    with pytest.raises(InvalidRequest, match="amount"):
        charges.create(amount, source="tok_visa")
    assert not charge_posts(fake_stripe)


@pytest.mark.parametrize("kwargs, message", [
    ({"amount": Decimal("1.001")}, "decimal places"),
    ({"amount": 5, "currency": "xyz"}, "currency"),
    ({"amount": 5, "source": None}, "customer or a source"),
    ({"amount": 5, "destination_amount": 4}, "destination_amount needs"),
    ({"amount": 5, "application_fee": 1}, "application_fee needs"),
    ({"amount": 5, "destination_account": "ba_123"}, "acct_ id"),
    ({"amount": 5, "destination_account": "acct_1", "stripe_account": "acct_2"}, "not both"),
])
def test_invalid_requests_are_refused_before_stripe(fake_stripe, kwargs, message):
    kwargs.setdefault("source", "tok_visa")
    with pytest.raises(InvalidRequest, match=message):
        charges.create(**kwargs)
    assert not charge_posts(fake_stripe)


def test_amounts_above_the_charge_are_refused(fake_stripe, buyer, custom_account):
    with pytest.raises(InvalidRequest, match="destination_amount cannot exceed"):
        charges.create(5, buyer, destination_account=custom_account, destination_amount=6)
    with pytest.raises(InvalidRequest, match="application_fee cannot exceed"):
        charges.create(5, buyer, destination_account=custom_account, application_fee=6)
    with pytest.raises(InvalidRequest, match="not both"):
        charges.create(5, buyer, destination_account=custom_account, destination_amount=4, application_fee=1)
    assert not charge_posts(fake_stripe)


def test_destination_that_cannot_take_charges(fake_stripe, buyer, express_account):
    assert not express_account.charges_enabled
    with pytest.raises(AccountNotReady, match="capability .transfers. is inactive"):
        charges.create(5, buyer, destination_account=express_account)
    assert not charge_posts(fake_stripe)


def test_customer_on_another_account(fake_stripe, custom_account, other_user):
    connected = customers.create(other_user, stripe_account=custom_account, source="tok_visa")
    with pytest.raises(CustomerAccountMismatch):
        charges.create(5, connected)  # a platform charge with a connected customer
    platform = customers.create(other_user, source="tok_visa")
    with pytest.raises(CustomerAccountMismatch):
        charges.create(5, platform.stripe_id, stripe_account=custom_account)
    assert not charge_posts(fake_stripe)


@pytest.mark.parametrize("token, code, message", [
    ("tok_chargeDeclined", "card_declined", "Your card was declined."),
    ("tok_chargeDeclinedInsufficientFunds", "card_declined", "Your card has insufficient funds."),
    ("tok_chargeDeclinedExpiredCard", "expired_card", "Your card has expired."),
])
def test_declines_pass_through(fake_stripe, token, code, message):
    with pytest.raises(stripe.CardError) as excinfo:
        charges.create(5, source=token)
    assert excinfo.value.code == code and excinfo.value.user_message == message
    assert not Charge.objects.exists()


# --------------------------------------------------------------------------- capture & sync


def test_authorize_then_capture(fake_stripe):
    charge = charges.create(10, source="tok_visa", capture=False)
    assert not charge.captured and charge_posts(fake_stripe)[-1].params["capture"] == "false"
    captured = charges.capture(charge, Decimal("7.50"), idempotency_key="cap-1")
    assert captured.captured and captured.amount_captured == Decimal("7.50")
    request = fake_stripe.requests[-1]
    assert request.path.endswith("/capture") and request.params == {"amount": "750"}
    assert request.idempotency_key == "cap-1"


def test_capture_validation(fake_stripe):
    charge = charges.create(10, source="tok_visa", capture=False)
    with pytest.raises(InvalidRequest, match="Cannot capture"):
        charges.capture(charge, 11)
    charge = charges.capture(charge)
    with pytest.raises(InvalidRequest, match="already captured"):
        charges.capture(charge)


def test_capture_error_from_stripe_passes_through(fake_stripe):
    charge = charges.create(10, source="tok_visa", capture=False)
    Charge.objects.filter(pk=charge.pk).update(amount=100)  # a mirror that lies about the authorization
    charge.refresh_from_db()
    with pytest.raises(stripe.InvalidRequestError, match="cannot capture more than the authorized amount"):
        charges.capture(charge, 50)


def test_sync_charge_and_sync_charges(fake_stripe, custom_account):
    charge = charges.create(10, source="tok_visa")
    Charge.objects.filter(pk=charge.pk).update(description="stale")
    assert charges.sync_charge(charge).description == ""
    client = stripe.StripeClient("sk_test_x", http_client=fake_stripe)
    client.v1.charges.create({"amount": 700, "currency": "usd", "source": "tok_visa"},
                             {"stripe_account": custom_account.stripe_id})
    pages = []
    created, _ = charges.sync_charges(stripe_account=custom_account, progress=pages.append)
    assert created >= 1 and pages
    direct = Charge.objects.get(amount=Decimal("7.00"))
    assert direct.stripe_account == custom_account
