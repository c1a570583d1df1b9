"""transfers: create, reverse, sync; the seed-003 payout compatibility path."""
from decimal import Decimal

import pytest
import stripe

from pinax_connect.actions import transfers
from pinax_connect.exceptions import AccountDeauthorized, InvalidRequest
from pinax_connect.models import Account, Payout, Transfer, TransferReversal

pytestmark = pytest.mark.django_db


def transfer_object(id="tr_1Test000000000", **overrides):
    """A transfer dict shaped like Stripe's (fixtures3.json)."""
    obj = {
        "id": id, "object": "transfer", "amount": 1100, "amount_reversed": 0, "created": 1700000000,
        "currency": "usd", "description": None, "destination": "acct_1Dest", "destination_payment": "py_1",
        "livemode": False, "metadata": {}, "reversed": False, "source_transaction": None,
        "transfer_group": None,
        "reversals": {"object": "list", "data": [], "has_more": False, "url": f"/v1/transfers/{id}/reversals"},
    }
    obj.update(overrides)
    return obj


def transfer_posts(fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/transfers"]


@pytest.fixture
def funded(fake_stripe):
    """The platform has $100 available."""
    fake_stripe.balance_add(None, "usd", 10000)
    return fake_stripe


def test_sync_transfer_maps_columns_and_reversals():
    account = Account.objects.create(stripe_id="acct_1Dest")
    reversal = {"id": "trr_1", "object": "transfer_reversal", "amount": 100, "currency": "usd",
                "transfer": "tr_1Test000000000", "created": 1700000001}
    row = transfers.sync_transfer_from_stripe_object(transfer_object(
        amount_reversed=100, transfer_group="g", source_transaction="ch_1",
        reversals={"object": "list", "data": [reversal], "has_more": False},
    ))
    assert row.destination == account and row.amount == Decimal("11.00")
    assert row.amount_reversed == Decimal("1.00") and row.source_transaction == "ch_1"
    assert row.destination_payment == "py_1" and row.transfer_group == "g"
    assert row.reversals.get().amount == Decimal("1.00")


def test_sync_reversal_needs_its_transfer():
    reversal = {"id": "trr_2", "object": "transfer_reversal", "amount": 100, "currency": "usd",
                "transfer": "tr_unknown", "created": 1700000001}
    assert transfers.sync_transfer_reversal_from_stripe_object(reversal) is None
    transfers.sync_transfer_from_stripe_object(transfer_object(id="tr_unknown"))
    assert transfers.sync_transfer_reversal_from_stripe_object(reversal).transfer.stripe_id == "tr_unknown"


def test_create_transfer(funded, custom_account):
    transfer = transfers.create(Decimal("12.50"), "USD", custom_account, "Payout for order 5",
                                transfer_group="order-5", metadata={"order": "5"}, idempotency_key="tr-1")
    assert transfer.destination == custom_account and transfer.amount == Decimal("12.50")
    assert transfer.description == "Payout for order 5" and transfer.transfer_group == "order-5"
    (request,) = transfer_posts(funded)
    assert request.idempotency_key == "tr-1" and request.account is None
    assert request.params["amount"] == "1250" and request.params["destination"] == custom_account.stripe_id


def test_balance_insufficient_passes_through(fake_stripe, custom_account):
    with pytest.raises(stripe.InvalidRequestError, match="insufficient available funds") as excinfo:
        transfers.create(5, "usd", custom_account.stripe_id)
    assert excinfo.value.code == "balance_insufficient"
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("args, kwargs, message", [
    ((0, "usd", "acct_1"), {}, "positive"),
    ((5, "usd", "cus_1"), {}, "acct_ id"),
    ((5, "usd", "acct_1"), {"stripe_account": "acct_2"}, "platform balance"),
    ((5, "usd", "ba_1"), {}, "payouts.create"),
    ((5, "nope", "acct_1"), {}, "currency"),
])
def test_validation(fake_stripe, args, kwargs, message):
    with pytest.raises(InvalidRequest, match=message):
        transfers.create(*args, **kwargs)
    assert not transfer_posts(fake_stripe)


def test_deauthorized_destination(funded, custom_account):
    Account.objects.filter(pk=custom_account.pk).update(authorized=False)
    with pytest.raises(AccountDeauthorized):
        transfers.create(5, "usd", custom_account.stripe_id)
    assert not transfer_posts(funded)


def test_reverse_partially_then_fully(funded, custom_account):
    transfer = transfers.create(10, "usd", custom_account)
    reversal = transfers.reverse(transfer, Decimal("4"), idempotency_key="rev-1")
    assert isinstance(reversal, TransferReversal) and reversal.amount == Decimal("4.00")
    transfer.refresh_from_db()
    assert transfer.amount_reversed == Decimal("4.00") and not transfer.reversed
    request = funded.requests[-2]
    assert request.path.endswith("/reversals") and request.idempotency_key == "rev-1"
    assert request.params == {"amount": "400"}
    with pytest.raises(InvalidRequest, match="only 6.00 left"):
        transfers.reverse(transfer, Decimal("6.01"))
    transfers.reverse(transfer)
    transfer.refresh_from_db()
    assert transfer.reversed and transfer.reversals.count() == 2
    with pytest.raises(InvalidRequest, match="fully reversed"):
        transfers.reverse(transfer)


def test_reverse_error_passes_through(funded, custom_account):
    transfer = transfers.create(10, "usd", custom_account)
    Transfer.objects.filter(pk=transfer.pk).update(amount=100)  # a mirror that lies
    transfer.refresh_from_db()
    with pytest.raises(stripe.InvalidRequestError, match="only 1000 remains"):
        transfers.reverse(transfer, 50)


def test_sync_transfers(funded, custom_account):
    client = stripe.StripeClient("sk_test_x", http_client=funded)
    client.v1.transfers.create({"amount": 300, "currency": "usd", "destination": custom_account.stripe_id})
    created, updated = transfers.sync_transfers(stripe_account=custom_account)
    assert (created, updated) == (1, 0)
    assert funded.requests[-1].params["destination"] == custom_account.stripe_id
    assert Transfer.objects.get().destination == custom_account


def test_external_account_destination_makes_a_payout(fake_stripe, custom_account):
    fake_stripe.balance_add(custom_account.stripe_id, "usd", 1000)
    bank = custom_account.stripe_data["external_accounts"]["data"][0]["id"]
    with pytest.warns(DeprecationWarning, match="payouts.create"):
        payout = transfers.create(5.00, "USD", bank, "A payout", stripe_account=custom_account.stripe_id,
                                  idempotency_key="po-1")
    assert isinstance(payout, Payout) and payout.status in ("paid", "pending")
    assert payout.destination == bank and payout.stripe_account == custom_account
    assert payout.amount == Decimal("5.00") and payout.description == "A payout"
    request = fake_stripe.requests[-1]
    assert request.path == "/v1/payouts" and request.account == custom_account.stripe_id
    assert request.idempotency_key == "po-1"
    assert not transfer_posts(fake_stripe)
