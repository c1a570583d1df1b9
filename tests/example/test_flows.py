"""Issue 17's bugs, walked through the example's views on the demo's FakeStripe."""
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pinax_connect.client import get_client
from pinax_connect.models import Account
from shop.models import Item, Purchase
from shop.views import SELLER_NOT_READY

from .helpers import item, ready_seller, user


@pytest.fixture
def shop(fake, client):
    seller, account = ready_seller()
    buyer = user("buyer")
    return seller, account, buyer


def _as(client, who):
    client.force_login(who)
    return client


def _buy(client, buyer, mug):
    _as(client, buyer).post(reverse("shop:pay", args=[mug.pk]), {"payment_method": "pm_card_visa"})
    return Purchase.objects.filter(buyer=buyer, item=mug).latest("pk")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_refund_after_payout_shows_a_negative_balance_and_why(shop, client):
    seller, account, buyer = shop
    mug = item(seller, "20.00")
    purchase = _buy(client, buyer, mug)
    assert purchase.status == Purchase.PAID
    _as(client, seller).post(reverse("shop:payout"), {"currency": "usd"})
    text = _page(client, reverse("shop:dashboard"))
    assert "A payout of 18.00 USD" in text or "18.00 USD" in text
    response = client.post(reverse("shop:refund", args=[purchase.pk]), {"amount": "20.00", "token": "t1"})
    assert response.status_code == 302
    text = _page(client, reverse("shop:dashboard"))
    assert "-18.00 USD" in text and "Refunds or disputes took back more than you had" in text
    assert 'id="payout-usd"' not in text
    purchase.refresh_from_db()
    assert purchase.status == Purchase.REFUNDED and purchase.amount_refunded == Decimal("20.00")


def test_refunds_are_confirmed_and_may_be_partial(shop, client):
    seller, account, buyer = shop
    purchase = _buy(client, buyer, item(seller, "20.00"))
    _as(client, seller)
    url = reverse("shop:refund", args=[purchase.pk])
    text = _page(client, url)  # GET only asks
    assert "cannot be undone" in text and Purchase.objects.get(pk=purchase.pk).amount_refunded == 0
    response = client.post(url, {"amount": "25.00", "token": "t0"})
    assert "At most 20.00 USD is left to refund" in response.content.decode()
    client.post(url, {"amount": "5.00", "token": "t1"})
    client.post(url, {"amount": "5.00", "token": "t1"})  # a double submit: one refund
    purchase.refresh_from_db()
    assert (purchase.status, purchase.amount_refunded) == (Purchase.PAID, Decimal("5.00"))
    assert "Your copy" in _page(_as(client, buyer), purchase.get_absolute_url())  # still theirs
    _as(client, seller).post(url, {"amount": "15.00", "token": "t2"})
    purchase.refresh_from_db()
    assert (purchase.status, purchase.amount_refunded) == (Purchase.REFUNDED, Decimal("20.00"))
    text = _page(_as(client, buyer), purchase.get_absolute_url())
    assert "Refunded" in text and "Your copy" not in text and "pi_" not in text


def test_eur_sales_are_paid_out_only_once_the_seller_has_a_eur_bank_account(shop, client):
    seller, account, buyer = shop
    _buy(client, buyer, item(seller, "10.00", "eur"))
    text = _page(_as(client, seller), reverse("shop:dashboard"))
    assert "9.00 EUR" in text and 'id="payout-eur"' not in text
    assert "Add a bank account in EUR" in text
    client.post(reverse("shop:add_bank_account"), {"currency": "eur"})
    text = _page(client, reverse("shop:dashboard"))
    assert 'id="payout-eur"' in text and "(EUR)" in text
    response = client.post(reverse("shop:payout"), {"currency": "eur"}, follow=True)
    assert "A payout of 9.00 EUR is on its way" in response.content.decode()


def test_a_payout_that_cannot_succeed_is_refused_before_stripe(shop, client, fake):
    seller, account, buyer = shop
    _buy(client, buyer, item(seller, "10.00", "eur"))
    sent = len(fake.requests)
    response = _as(client, seller).post(reverse("shop:payout"), {"currency": "eur"}, follow=True)
    assert "Add a bank account in EUR" in response.content.decode()
    assert not [r for r in fake.requests[sent:] if r.path == "/v1/payouts"]


def test_unready_seller_cannot_list_and_buyers_get_a_sentence(fake, client):
    seller = user("newbie")
    account = Account.objects.create(stripe_id="acct_newbie000000001", user=seller, type="express",
                                     capabilities={"transfers": "inactive", "card_payments": "inactive"})
    response = _as(client, seller).get(reverse("shop:item_create"), follow=True)
    assert "You can list items once Stripe lets your account receive payments" in response.content.decode()
    assert not Item.objects.exists()
    old = item(seller)  # listed while the account was ready
    buyer = user("buyer")
    text = _page(_as(client, buyer), old.get_absolute_url())
    assert SELLER_NOT_READY in text and 'id="pay"' not in text
    sent = len(fake.requests)
    response = client.post(reverse("shop:pay", args=[old.pk]), {"payment_method": "pm_card_visa"}, follow=True)
    text = response.content.decode()
    assert SELLER_NOT_READY in text and account.stripe_id not in text and "charges_enabled" not in text
    assert not Purchase.objects.exists() and fake.requests[sent:] == []


def test_sellers_cannot_buy_their_own_items(shop, client):
    seller, account, buyer = shop
    mug = item(seller)
    assert "This is your own item." in _page(_as(client, seller), mug.get_absolute_url())
    client.post(reverse("shop:checkout", args=[mug.pk]))
    assert not Purchase.objects.exists()


def _expire(fake, session_id):
    from fakestripe.fake import deliver_pending, exclusive

    with exclusive():
        get_client().v1.checkout.sessions.expire(session_id)
        deliver_pending()


def test_abandoned_checkout_expires_and_can_be_resumed(shop, client, fake):
    seller, account, buyer = shop
    mug = item(seller)
    _as(client, buyer).post(reverse("shop:checkout", args=[mug.pk]))
    purchase = Purchase.objects.get(buyer=buyer)
    first = purchase.checkout_session_id
    response = client.post(reverse("shop:resume_checkout", args=[purchase.pk]))
    assert response.url.endswith(first)  # still open: the same page
    _expire(fake, first)
    purchase.refresh_from_db()
    assert purchase.status == Purchase.EXPIRED
    assert "The payment page expired" in _page(client, purchase.get_absolute_url())
    response = client.post(reverse("shop:resume_checkout", args=[purchase.pk]))
    purchase.refresh_from_db()
    assert purchase.status == Purchase.PENDING and purchase.checkout_session_id != first
    assert response.url.endswith(purchase.checkout_session_id)
    client.post(reverse("fakestripe:checkout", args=[purchase.checkout_session_id]), {"card": "pm_card_visa"})
    purchase.refresh_from_db()
    assert purchase.status == Purchase.PAID


def test_abandoned_checkout_can_be_cancelled(shop, client, fake):
    seller, account, buyer = shop
    _as(client, buyer).post(reverse("shop:checkout", args=[item(seller).pk]))
    purchase = Purchase.objects.get(buyer=buyer)
    response = client.post(reverse("shop:cancel_purchase", args=[purchase.pk]), follow=True)
    assert "nothing was charged" in response.content.decode()
    purchase.refresh_from_db()
    assert purchase.status == Purchase.CANCELLED
    assert fake.find(purchase.checkout_session_id, None, "checkout.session")["status"] == "expired"


def test_admin_styles_are_served():
    assert finders.find("admin/css/base.css")


def test_home_page_is_paginated_with_one_query_for_the_sellers(db, client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("shop:home")).status_code == 200
        return len(queries)

    sellers = [user(f"s{i}") for i in range(30)]
    item(sellers[0])
    few = count()
    for seller in sellers:
        item(seller)
    assert count() == few
    text = _page(client, reverse("shop:home"))
    assert "Page 1 of 2" in text and text.count('href="/items/') == 25


def test_demo_state_is_written_only_after_writes(fake, client, settings):
    from fakestripe import fake as demo

    assert demo.get_fake().request_log_limit == demo.REQUEST_LOG_LIMIT
    path = settings.FAKE_STRIPE_STATE_FILE
    seller, account = ready_seller()
    mug = item(seller)
    demo.save()
    path.unlink()
    for url in (reverse("shop:home"), mug.get_absolute_url()):
        assert client.get(url).status_code == 200
    assert not path.exists()  # anonymous reading writes nothing
    _as(client, seller)
    assert client.get(reverse("shop:dashboard")).status_code == 200  # reads the balance: a GET
    assert not path.exists()
    _as(client, user("buyer")).post(reverse("shop:checkout", args=[mug.pk]))
    assert path.exists()


def test_embedded_onboarding_creates_a_session_and_offline_shows_a_stand_in(fake, client):
    seller = user("emma")
    _as(client, seller).post(reverse("shop:embedded_start"))
    account = Account.objects.get(user=seller)
    assert not account.charges_enabled
    text = _page(client, reverse("shop:embedded_onboarding"))
    (session,) = [r for r in fake.requests if r.path == "/v1/account_sessions"]
    assert session.params["account"] == account.stripe_id
    assert 'id="embedded-stand-in"' in text and account.stripe_id in text
    response = client.post(reverse("shop:embedded_session"))
    secret = response.json()["client_secret"]
    assert secret not in text  # each page load gets its own, and the stand-in shows none
    response = client.post(reverse("fakestripe:complete_embedded"), follow=True)
    assert "Your Express account is set up." in response.content.decode()
    account.refresh_from_db()
    assert account.charges_enabled


def test_embedded_onboarding_online_renders_connect_js(fake, client, settings):
    settings.FAKE_STRIPE = False  # the template as it renders against Stripe
    seller = user("olga")
    _as(client, seller).post(reverse("shop:embedded_start"))
    text = _page(client, reverse("shop:embedded_onboarding"))
    assert "connect-js.stripe.com" in text and 'data-component="account-onboarding"' in text
    assert settings.PINAX_CONNECT_PUBLISHABLE_KEY in text


def test_unready_seller_is_told_why(fake, client):
    seller = user("petra")
    Account.objects.create(stripe_id="acct_petra00000000001", user=seller, type="custom", details_submitted=True,
                           capabilities={"transfers": "pending"})
    text = _page(_as(client, seller), reverse("shop:dashboard"))
    assert "You can list items once" in text and "Stripe is checking the details you sent" in text
    response = client.post(reverse("shop:item_create"), {"title": "t", "content": "c", "price": "5.00",
                                                          "currency": "usd"})
    assert response.status_code == 302 and not Item.objects.exists()


def test_the_more_information_page_is_never_empty(shop, client):
    seller, account, buyer = shop
    response = _as(client, seller).get(reverse("shop:verify_account"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("shop:dashboard")
    assert "Stripe needs nothing more from you right now." in response.content.decode()


def test_the_terms_checkbox_links_to_the_agreement(db, client):
    _as(client, user("tina"))
    text = _page(client, reverse("shop:custom_account"))
    assert '<a href="https://stripe.com/connect-account/legal"' in text


def test_the_item_form_says_which_currencies_wait_for_a_bank_account(shop, client):
    seller, account, buyer = shop
    text = _page(_as(client, seller), reverse("shop:item_create"))
    assert "Sales in EUR wait in your balance until you add a bank account" in text and "Sales in USD" not in text
