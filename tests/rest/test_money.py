"""Transfers (read), payouts (create, cancel) and balances of the seller's account."""
from decimal import Decimal

import pytest
from django.urls import reverse

from pinax_connect.actions import transfers
from pinax_connect.models import Charge, ExternalAccount, Payout

pytestmark = pytest.mark.django_db

TRANSFERS = reverse("pinax_connect_rest:transfer-list")
PAYOUTS = reverse("pinax_connect_rest:payout-list")


def url(kind, obj, suffix="detail"):
    return reverse(f"pinax_connect_rest:{kind}-{suffix}", kwargs={"pk": obj.pk})


@pytest.fixture
def funded(fake_stripe, seller_account, purchase):
    """The seller's 22.50 from the purchase, available for payouts."""
    fake_stripe.release_pending(seller_account.stripe_id)
    return seller_account


def test_transfers_list_and_retrieve(api, seller_account, purchase, fake_stripe):
    charge = Charge.objects.get(stripe_id=purchase.latest_charge)
    transfer = transfers.create(Decimal("1.00"), "usd", seller_account, source_transaction=charge,
                                transfer_group="order-7")
    listed = api.get(TRANSFERS, {"transfer_group": "order-7"})
    assert [t["stripe_id"] for t in listed.data["results"]] == [transfer.stripe_id]
    one = api.get(url("transfer", transfer))
    assert one.status_code == 200 and one.data["destination"] == seller_account.stripe_id
    assert one.data["amount"] == "1.00"


def test_payout_create_and_cancel(api, funded, fake_stripe):
    bank = ExternalAccount.objects.get(account=funded, default_for_currency=True)
    response = api.post(PAYOUTS, {"account": funded.stripe_id, "amount": "10.00", "currency": "usd",
                                  "destination": bank.stripe_id}, format="json")
    assert response.status_code == 201, response.data
    payout = Payout.objects.get(pk=response.data["id"])
    assert payout.stripe_account == funded and payout.amount == Decimal("10.00")
    (request,) = [r for r in fake_stripe.requests if r.route_pattern == "/v1/payouts"]
    assert request.account == funded.stripe_id and request.params["destination"] == bank.stripe_id
    assert [p["id"] for p in api.get(PAYOUTS, {"status": payout.status}).data["results"]] == [payout.pk]
    canceled = api.post(url("payout", payout, "cancel"))
    assert canceled.status_code == 200 and canceled.data["status"] == "canceled"


def test_payout_beyond_balance_is_refused_by_stripe(api, funded):
    response = api.post(PAYOUTS, {"account": funded.stripe_id, "amount": "1000.00", "currency": "usd"},
                        format="json")
    assert response.status_code == 400  # Stripe's status: no parameter to name
    assert response.data["code"] == "balance_insufficient"
    assert not Payout.objects.exists()


def test_payout_from_another_users_account_is_refused(stranger_api, funded, fake_stripe):
    before = len(fake_stripe.requests)
    response = stranger_api.post(PAYOUTS, {"account": funded.stripe_id, "amount": "1.00", "currency": "usd"},
                                 format="json")
    assert response.status_code == 400 and "account" in response.data
    assert len(fake_stripe.requests) == before
