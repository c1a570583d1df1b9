"""refunds: full/partial refunds of charges and payment intents, transfer reversal, validation."""
from decimal import Decimal

import pytest
import stripe

from pinax_connect.actions import charges, customers, payment_intents, refunds
from pinax_connect.exceptions import InvalidRequest
from pinax_connect.models import Account, Charge, Refund

pytestmark = pytest.mark.django_db


def refund_posts(fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/refunds"]


@pytest.fixture
def buyer(fake_stripe, other_user):
    return customers.create(other_user, source="tok_visa")


def test_sync_refund_maps_and_links():
    charge = Charge.objects.create(stripe_id="ch_1", amount=10, currency="usd", status="succeeded")
    account = Account.objects.create(stripe_id="acct_1")
    row = refunds.sync_refund_from_stripe_object(
        {"id": "re_1", "object": "refund", "amount": 250, "charge": "ch_1", "currency": "usd",
         "status": "succeeded", "reason": "duplicate", "created": 1700000000},
        stripe_account="acct_1",
    )
    assert (row.charge, row.stripe_account, row.amount, row.reason) == (charge, account, Decimal("2.50"), "duplicate")


def test_full_refund_resyncs_the_charge(fake_stripe):
    charge = charges.create(10, source="tok_visa")
    refund = refunds.create(charge, idempotency_key="ref-1")
    assert refund.charge == charge and refund.amount == Decimal("10.00") and refund.status == "succeeded"
    charge.refresh_from_db()
    assert charge.refunded and charge.amount_refunded == Decimal("10.00")
    (request,) = refund_posts(fake_stripe)
    assert request.idempotency_key == "ref-1" and request.params == {"charge": charge.stripe_id}


def test_partial_refunds_and_remaining_amount(fake_stripe):
    charge = charges.create(10, source="tok_visa")
    refunds.create(charge, Decimal("4"), reason="requested_by_customer", metadata={"why": "size"})
    assert refund_posts(fake_stripe)[-1].params["amount"] == "400"
    charge.refresh_from_db()
    with pytest.raises(InvalidRequest, match="only 6.00 left"):
        refunds.create(charge, Decimal("6.01"))
    refunds.create(charge, Decimal("6"))
    charge.refresh_from_db()
    with pytest.raises(InvalidRequest, match="already fully refunded"):
        refunds.create(charge)
    assert len(refund_posts(fake_stripe)) == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"amount": 0}, "positive"),
    ({"reason": "changed_mind"}, "reason"),
    ({"reverse_transfer": True}, "destination charges"),
])
def test_validation(fake_stripe, kwargs, message):
    charge = charges.create(10, source="tok_visa")
    with pytest.raises(InvalidRequest, match=message):
        refunds.create(charge, **kwargs)
    with pytest.raises(InvalidRequest, match="Charge or a PaymentIntent"):
        refunds.create("ch_123")
    assert not refund_posts(fake_stripe)


def test_destination_charge_reverses_the_transfer_by_default(fake_stripe, buyer, custom_account):
    charge = charges.create(20, buyer, destination_account=custom_account, application_fee=2)
    refunds.create(charge, refund_application_fee=True)
    request = refund_posts(fake_stripe)[-1]
    assert request.params["reverse_transfer"] == "true" and request.params["refund_application_fee"] == "true"
    transfer = fake_stripe.all("transfer")[-1]
    assert transfer["reversed"] is True


def test_destination_charge_refund_without_reversal(fake_stripe, buyer, custom_account):
    charge = charges.create(20, buyer, destination_account=custom_account)
    refunds.create(charge, 5, reverse_transfer=False)
    assert refund_posts(fake_stripe)[-1].params["reverse_transfer"] == "false"
    assert fake_stripe.all("transfer")[-1]["amount_reversed"] == 0


def test_refund_a_payment_intent(fake_stripe):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True)
    refund = refunds.create(intent, 3)
    assert refund.charge.stripe_id == intent.latest_charge
    assert refund_posts(fake_stripe)[-1].params == {"payment_intent": intent.stripe_id, "amount": "300"}
    assert Charge.objects.get(stripe_id=intent.latest_charge).amount_refunded == Decimal("3.00")


def test_refund_an_unpaid_payment_intent_is_refused(fake_stripe):
    intent = payment_intents.create(10, "usd")
    with pytest.raises(InvalidRequest, match="no payment"):
        refunds.create(intent)


def test_direct_charge_refund_happens_on_the_connected_account(fake_stripe, custom_account):
    charge = charges.create(10, source="tok_visa", stripe_account=custom_account)
    refund = refunds.create(charge)
    assert refund.stripe_account == custom_account
    assert refund_posts(fake_stripe)[-1].account == custom_account.stripe_id


def test_stripe_errors_pass_through(fake_stripe):
    charge = charges.create(10, source="tok_visa")
    Charge.objects.filter(pk=charge.pk).update(amount=100, amount_captured=100)  # a mirror that lies
    charge.refresh_from_db()
    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded amount"):
        refunds.create(charge, 50)
    assert not Refund.objects.exists()


def test_sync_refunds(fake_stripe, custom_account):
    charge = charges.create(10, source="tok_visa", stripe_account=custom_account)
    refunds.create(charge, 2)
    Refund.objects.all().delete()
    assert refunds.sync_refunds(stripe_account=custom_account) == (1, 0)
    refund = Refund.objects.get()
    assert refund.charge == charge and refund.stripe_account == custom_account
