"""13.9: only a payment that really pays for a purchase grants it (see shop/receivers.py)."""

import pytest
from django.urls import reverse

from pinax_connect.models import Account
from pinax_connect.testing import mock_event
from shop.models import Purchase

from .helpers import item, ready_seller, user


@pytest.fixture
def sale(fake, client):
    seller, account = ready_seller()
    mug = item(seller)
    buyer = user("buyer")
    client.force_login(buyer)
    return seller, account, mug, buyer


def _pending_purchase(mug, buyer, account, **ids):
    return Purchase.objects.create(item=mug, buyer=buyer, amount=mug.price, currency=mug.currency,
                                   application_fee=mug.application_fee(), method=Purchase.PAYMENT_INTENT,
                                   destination=account.stripe_id, **ids)


def _intent(pi_id, *, amount=2000, currency="usd", destination=None, metadata=None):
    return {"id": pi_id, "object": "payment_intent", "amount": amount, "currency": currency, "status": "succeeded",
            "metadata": metadata or {}, "transfer_data": {"destination": destination} if destination else None,
            "livemode": False, "created": 1700000000, "latest_charge": None, "capture_method": "automatic"}


_created = iter(range(1_700_000_000, 1_800_000_000, 10))


def _deliver(client, event):
    """POST a signed event (each later than the last: no same-second re-read from Stripe)."""
    from pinax_connect.testing import signed_webhook

    event = {**event, "created": next(_created)}

    payload, header = signed_webhook(event, "whsec_demo_fake_stripe")
    response = client.post(reverse("pinax_connect:webhook"), payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code < 300, response.content
    return response


def test_card_payment_through_the_views_grants_the_item(sale, client):
    seller, account, mug, buyer = sale
    response = client.post(reverse("shop:pay", args=[mug.pk]), {"payment_method": "pm_card_visa"})
    purchase = Purchase.objects.get(buyer=buyer)
    assert response.url == purchase.get_absolute_url()
    assert purchase.status == Purchase.PAID and purchase.payment_intent_id.startswith("pi_")
    assert purchase.destination == account.stripe_id


def test_a_connected_accounts_payment_with_our_purchase_id_in_metadata_grants_nothing(sale, client):
    """An attacker connects their own Standard account and pays themselves with our metadata."""
    seller, account, mug, buyer = sale
    victim = _pending_purchase(mug, buyer, account, payment_intent_id="pi_victim")
    attacker = user("mallory")
    Account.objects.create(stripe_id="acct_mallory", user=attacker, type="standard", charges_enabled=True,
                           payouts_enabled=True, authorized=True)
    forged = _intent("pi_victim", amount=50, metadata={"purchase": str(victim.pk)})
    _deliver(client, mock_event("payment_intent.succeeded", forged, account="acct_mallory"))
    forged_same = _intent("pi_victim", amount=2000, destination=account.stripe_id, metadata={"purchase": str(victim.pk)})
    _deliver(client, mock_event("payment_intent.succeeded", forged_same, account="acct_mallory", id="evt_2"))
    victim.refresh_from_db()
    assert victim.status == Purchase.PENDING


def test_metadata_alone_does_not_find_a_purchase(sale, client):
    seller, account, mug, buyer = sale
    victim = _pending_purchase(mug, buyer, account, payment_intent_id="pi_stored")
    other = _intent("pi_other", destination=account.stripe_id, metadata={"purchase": str(victim.pk)})
    _deliver(client, mock_event("payment_intent.succeeded", other))
    victim.refresh_from_db()
    assert victim.status == Purchase.PENDING


@pytest.mark.parametrize("change", [{"amount": 50}, {"currency": "eur"}, {"destination": "acct_elsewhere"}])
def test_a_payment_that_does_not_pay_for_the_purchase_grants_nothing(sale, client, change):
    seller, account, mug, buyer = sale
    purchase = _pending_purchase(mug, buyer, account, payment_intent_id="pi_stored")
    fields = {"amount": 2000, "currency": "usd", "destination": account.stripe_id, **change}
    _deliver(client, mock_event("payment_intent.succeeded", _intent("pi_stored", **fields)))
    purchase.refresh_from_db()
    assert purchase.status == Purchase.PENDING
    _deliver(client, mock_event("payment_intent.succeeded", _intent("pi_stored", destination=account.stripe_id),
                                id="evt_right"))
    purchase.refresh_from_db()
    assert purchase.status == Purchase.PAID  # the right payment still does


def test_failed_and_refunded_events_of_a_connected_account_change_nothing(sale, client):
    seller, account, mug, buyer = sale
    paid = _pending_purchase(mug, buyer, account, payment_intent_id="pi_paid")
    Purchase.objects.filter(pk=paid.pk).update(status=Purchase.PAID)
    pending = _pending_purchase(mug, buyer, account, payment_intent_id="pi_pending")
    Account.objects.create(stripe_id="acct_mallory", type="standard", authorized=True)
    charge = {"id": "ch_x", "object": "charge", "payment_intent": "pi_paid", "refunded": True, "amount": 2000,
              "amount_refunded": 2000, "currency": "usd", "created": 1700000000, "status": "succeeded"}
    _deliver(client, mock_event("charge.refunded", charge, account="acct_mallory"))
    failed = {**_intent("pi_pending"), "status": "requires_payment_method"}
    _deliver(client, mock_event("payment_intent.payment_failed", failed, account="acct_mallory", id="evt_f"))
    paid.refresh_from_db()
    pending.refresh_from_db()
    assert (paid.status, pending.status) == (Purchase.PAID, Purchase.PENDING)


def test_checkout_grants_only_the_session_the_view_stored(sale, client, fake):
    seller, account, mug, buyer = sale
    response = client.post(reverse("shop:checkout", args=[mug.pk]))
    purchase = Purchase.objects.get(buyer=buyer)
    assert purchase.checkout_session_id and response.url.endswith(purchase.checkout_session_id)
    # Another session (anyone's) naming our purchase as client_reference_id grants nothing.
    forged = {"id": "cs_forged", "object": "checkout.session", "payment_status": "paid", "status": "complete",
              "client_reference_id": str(purchase.pk), "metadata": {"purchase": str(purchase.pk)},
              "amount_total": 2000, "currency": "usd", "payment_intent": None}
    _deliver(client, mock_event("checkout.session.completed", forged, account="acct_" + "x" * 16))
    _deliver(client, mock_event("checkout.session.completed", forged, id="evt_platform"))
    purchase.refresh_from_db()
    assert purchase.status == Purchase.PENDING
    # The buyer pays on the (stand-in) hosted page: the real session grants it.
    client.post(reverse("fakestripe:checkout", args=[purchase.checkout_session_id]), {"card": "pm_card_visa"})
    purchase.refresh_from_db()
    assert purchase.status == Purchase.PAID and purchase.payment_intent_id.startswith("pi_")
