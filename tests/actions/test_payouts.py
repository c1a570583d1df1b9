"""payouts: create from a connected (or the platform) balance, cancel, sync; application fees."""
from decimal import Decimal

import pytest
import stripe

from pinax_connect.actions import application_fees, charges, customers, payouts
from pinax_connect.exceptions import AccountNotReady, InvalidRequest
from pinax_connect.models import Account, ApplicationFee, ExternalAccount, Payout

pytestmark = pytest.mark.django_db


def payout_posts(fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/payouts"]


def bank_id(account):
    return account.stripe_data["external_accounts"]["data"][0]["id"]


@pytest.fixture
def funded_account(fake_stripe, custom_account):
    fake_stripe.balance_add(custom_account.stripe_id, "usd", 5000)
    return custom_account


def test_sync_payout_maps_columns():
    account = Account.objects.create(stripe_id="acct_1")
    row = payouts.sync_payout_from_stripe_object(
        {"id": "po_1", "object": "payout", "amount": 1100, "arrival_date": 1700086400, "created": 1700000000,
         "currency": "usd", "description": "STRIPE PAYOUT", "destination": "ba_1", "failure_code": None,
         "failure_message": None, "livemode": False, "method": "standard", "status": "in_transit",
         "type": "bank_account"},
        stripe_account="acct_1",
    )
    assert (row.stripe_account, row.amount, row.status, row.destination) == (
        account, Decimal("11.00"), "in_transit", "ba_1")
    assert row.arrival_date.timestamp() == 1700086400 and row.type == "bank_account"


def test_payout_from_a_connected_balance(funded_account, fake_stripe):
    payout = payouts.create(funded_account, Decimal("20"), "usd", description="Weekly", idempotency_key="po-1")
    assert payout.stripe_account == funded_account and payout.status == "pending"
    assert payout.amount == Decimal("20.00") and payout.destination == bank_id(funded_account)
    (request,) = payout_posts(fake_stripe)
    assert request.account == funded_account.stripe_id and request.idempotency_key == "po-1"
    assert request.params == {"amount": "2000", "currency": "usd", "method": "standard", "description": "Weekly"}


def test_payout_to_a_given_external_account(funded_account, fake_stripe):
    bank = ExternalAccount.objects.get(stripe_id=bank_id(funded_account), account=funded_account)
    payout = payouts.create(funded_account, 5, "usd", destination=bank)
    assert payout.destination == bank.stripe_id
    assert payout_posts(fake_stripe)[-1].params["destination"] == bank.stripe_id


def test_platform_payout(fake_stripe):
    fake_stripe.balance_add(None, "usd", 1000)
    payout = payouts.create(None, 5, "usd")
    assert payout.stripe_account is None and payout_posts(fake_stripe)[-1].account is None


def test_balance_insufficient_passes_through(fake_stripe, custom_account):
    with pytest.raises(stripe.InvalidRequestError, match="insufficient funds") as excinfo:
        payouts.create(custom_account, 5, "usd")
    assert excinfo.value.code == "balance_insufficient"
    assert not Payout.objects.exists()


def test_validation(fake_stripe, custom_account, express_account):
    other_bank = ExternalAccount.objects.create(stripe_id="ba_other", account=express_account, object_type="bank_account")
    cases = [
        ((custom_account, 0, "usd"), {}, InvalidRequest, "positive"),
        ((custom_account, 5, "usd"), {"method": "overnight"}, InvalidRequest, "method"),
        ((custom_account, 5, "usd"), {"destination": "acct_1"}, InvalidRequest, "ba_"),
        ((custom_account, 5, "usd"), {"destination": other_bank}, InvalidRequest, "does not belong"),
        (("acct_unknown", 5, "usd"), {}, InvalidRequest, "Unknown connected account"),
        ((express_account, 5, "usd"), {}, AccountNotReady, "payouts_enabled"),
    ]
    for args, kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            payouts.create(*args, **kwargs)
    assert not payout_posts(fake_stripe)


def test_cancel_pending_payout(funded_account, fake_stripe):
    payout = payouts.create(funded_account, 5, "usd")
    canceled = payouts.cancel(payout, idempotency_key="cancel-1")
    assert canceled.status == "canceled"
    request = fake_stripe.requests[-1]
    assert request.path.endswith("/cancel") and request.account == funded_account.stripe_id
    assert request.idempotency_key == "cancel-1"
    with pytest.raises(InvalidRequest, match="only pending"):
        payouts.cancel(canceled)


def test_sync_payout_and_list(funded_account, fake_stripe):
    payout = payouts.create(funded_account, 5, "usd")
    fake_stripe.pay_out(payout.stripe_id, account=funded_account.stripe_id)
    assert payouts.sync_payout(payout).status == "paid"
    Payout.objects.all().delete()
    assert payouts.sync_payouts(stripe_account=funded_account) == (1, 0)
    assert Payout.objects.get().stripe_account == funded_account


# --------------------------------------------------------------------------- application fees


def test_application_fee_sync_and_refund(fake_stripe, custom_account, other_user):
    buyer = customers.create(other_user, source="tok_visa")
    charges.create(20, buyer, destination_account=custom_account, application_fee=Decimal("3"))
    assert application_fees.sync_application_fees() == (1, 0)
    fee = ApplicationFee.objects.get()
    assert fee.account == custom_account and fee.amount == Decimal("3.00")
    fee = application_fees.refund(fee, Decimal("1"), idempotency_key="fr-1")
    assert fee.amount_refunded == Decimal("1.00") and not fee.refunded
    request = [r for r in fake_stripe.requests if r.path.endswith("/refunds")][-1]
    assert request.params == {"amount": "100"} and request.idempotency_key == "fr-1"
    with pytest.raises(InvalidRequest, match="only 2.00 left"):
        application_fees.refund(fee, Decimal("2.01"))
    fee = application_fees.refund(fee)
    assert fee.refunded
    with pytest.raises(InvalidRequest, match="already fully refunded"):
        application_fees.refund(fee)


def test_application_fee_refund_error_passes_through(fake_stripe, custom_account, other_user):
    buyer = customers.create(other_user, source="tok_visa")
    charges.create(20, buyer, destination_account=custom_account, application_fee=Decimal("3"))
    application_fees.sync_application_fees()
    fee = ApplicationFee.objects.get()
    ApplicationFee.objects.filter(pk=fee.pk).update(amount=10)  # a mirror that lies
    fee.refresh_from_db()
    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded amount"):
        application_fees.refund(fee, 5)


def test_sync_application_fee_from_object():
    account = Account.objects.create(stripe_id="acct_1")
    row = application_fees.sync_application_fee_from_stripe_object(
        {"id": "fee_1", "object": "application_fee", "account": "acct_1", "amount": 100, "amount_refunded": 50,
         "charge": "ch_1", "created": 1700000000, "currency": "usd", "livemode": False,
         "originating_transaction": None, "refunded": False})
    assert (row.account, row.amount, row.amount_refunded, row.charge) == (account, Decimal("1.00"), Decimal("0.50"), "ch_1")
