"""Disputed sales in the example: the seller's dashboard, and staff answering on the platform."""
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pinax_connect.models import Dispute, DisputeRecovery, Transfer
from shop.forms import DISPUTE_TEST_CARD
from shop.models import Purchase

from .helpers import item, ready_seller, user


@pytest.fixture
def shop(fake, client):
    seller, account = ready_seller()
    buyer = user("buyer")
    staff = user("clerk", is_staff=True)
    return seller, account, buyer, staff


def _as(client, who):
    client.force_login(who)
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _disputed_sale(client, seller, buyer, price="20.00"):
    mug = item(seller, price)
    _as(client, buyer).post(reverse("shop:pay", args=[mug.pk]), {"payment_method": DISPUTE_TEST_CARD[0]})
    return Purchase.objects.get(buyer=buyer, item=mug)


def _dashboard_disputes(client, seller):
    """The "Disputes on your sales" part of the seller's dashboard."""
    text = _page(_as(client, seller), reverse("shop:dashboard"))
    start = text.index("<h2>Disputes on your sales</h2>")
    return text[start:text.index("<h2>Transfers to you</h2>")]


def test_the_buy_form_offers_a_card_that_is_disputed(shop, client):
    seller, account, buyer, staff = shop
    text = _page(_as(client, buyer), item(seller).get_absolute_url())
    assert 'value="pm_card_createDispute"' in text
    assert "payment succeeds, then the buyer disputes it (chargeback)" in text


def test_a_disputed_sale_is_reversed_on_the_sellers_dashboard(shop, client):
    seller, account, buyer, staff = shop
    purchase = _disputed_sale(client, seller, buyer)
    assert purchase.status == Purchase.PAID  # the payment itself succeeded
    dispute = Dispute.objects.get()
    assert dispute.seller == account and dispute.status == "needs_response"
    reversal = DisputeRecovery.objects.get(dispute=dispute)
    assert (reversal.kind, reversal.status, reversal.amount) == ("reversal", "succeeded", Decimal("20.00"))

    part = _dashboard_disputes(client, seller)
    assert "Mug to buyer" in part and "20.00 USD" in part
    assert "The cardholder says they did not make this payment" in part
    assert "Open: the marketplace is preparing its answer" in part
    assert "Respond by" in part
    assert "20.00 USD taken back from your balance while the dispute is open" in part
    # The seller had 18.00 of the sale (20.00 less our 2.00 fee); 20.00 went back.
    assert "This took your balance below zero (-2.00 USD right after)" in part
    assert "transferred back to you" not in part


def test_a_dispute_won_with_evidence_gives_the_money_back_to_the_seller(shop, client, fake):
    seller, account, buyer, staff = shop
    _disputed_sale(client, seller, buyer)
    dispute = Dispute.objects.get()
    url = reverse("shop:staff_dispute", args=[dispute.pk])
    text = _page(_as(client, staff), url)
    assert "winning_evidence" in text and 'id="submit-evidence"' in text
    assert "Mug" in text and "buyer@example.com" in text  # prefilled from the purchase

    sent = len(fake.requests)
    response = client.post(url, {
        "product_description": "Mug, a digital item: delivered on payment",
        "customer_email_address": "buyer@example.com",
        "uncategorized_text": "The buyer opened the item twice after paying. winning_evidence",
        "uncategorized_file": SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", "application/pdf"),
    }, follow=True)
    assert "Evidence submitted to the buyer's bank" in html.unescape(response.content.decode())
    (upload,) = [r for r in fake.requests[sent:] if r.path == "/v1/files"]
    (update,) = [r for r in fake.requests[sent:]
                 if r.method == "POST" and r.path == f"/v1/disputes/{dispute.stripe_id}"]
    assert update.params["submit"] == "true"
    assert update.params["evidence"]["uncategorized_file"].startswith("file_")
    assert "winning_evidence" in update.params["evidence"]["uncategorized_text"]

    dispute.refresh_from_db()
    assert dispute.status == "won"
    assert fake.find(dispute.stripe_id, None, "dispute")["status"] == "won"
    kinds = sorted(DisputeRecovery.objects.filter(status="succeeded").values_list("kind", flat=True))
    assert kinds == ["retransfer", "reversal"]
    part = _dashboard_disputes(client, seller)
    assert "Won: the money came back" in part
    assert "20.00 USD taken back from your balance" in part
    assert "20.00 USD transferred back to you: the dispute was won." in part
    assert "Respond by" not in part
    # Balance: 18.00 of the sale, -20.00 reversed, +20.00 back.
    assert fake.state["balances"][account.stripe_id]["usd"]["available"] == 1800
    text = _page(client, reverse("shop:dashboard"))
    assert 'id="available-usd">18.00 USD' in text


def test_a_dispute_lost_with_evidence_stays_reversed(shop, client, fake):
    seller, account, buyer, staff = shop
    _disputed_sale(client, seller, buyer)
    dispute = Dispute.objects.get()
    _as(client, staff).post(reverse("shop:staff_dispute", args=[dispute.pk]),
                            {"uncategorized_text": "Our records say delivered. losing_evidence"})
    dispute.refresh_from_db()
    assert dispute.status == "lost"
    assert list(DisputeRecovery.objects.values_list("kind", "status")) == [("reversal", "succeeded")]
    part = _dashboard_disputes(client, seller)
    assert "Lost: the buyer keeps the money" in part
    assert "20.00 USD taken back from your balance" in part and "transferred back" not in part
    assert fake.state["balances"][account.stripe_id]["usd"]["available"] == -200
    # Answered once: the page no longer offers a form, and a second post is refused.
    text = _page(_as(client, staff), reverse("shop:staff_dispute", args=[dispute.pk]))
    assert 'id="submit-evidence"' not in text and 'id="accept-dispute"' not in text
    response = client.post(reverse("shop:staff_dispute", args=[dispute.pk]),
                           {"uncategorized_text": "again winning_evidence"}, follow=True)
    assert "no longer takes evidence" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == "lost"


def test_staff_can_accept_a_dispute(shop, client, fake):
    seller, account, buyer, staff = shop
    _disputed_sale(client, seller, buyer)
    dispute = Dispute.objects.get()
    response = _as(client, staff).post(reverse("shop:staff_dispute_accept", args=[dispute.pk]), follow=True)
    assert "Dispute accepted" in html.unescape(response.content.decode())
    dispute.refresh_from_db()
    assert dispute.status == "lost" and fake.find(dispute.stripe_id, None, "dispute")["status"] == "lost"
    assert "Lost: the buyer keeps the money" in _dashboard_disputes(client, seller)
    assert Transfer.objects.get(destination=account).amount_reversed == Decimal("20.00")


def test_the_staff_list_shows_open_disputes_with_their_deadline(shop, client):
    seller, account, buyer, staff = shop
    _disputed_sale(client, seller, buyer)
    dispute = Dispute.objects.get()
    text = _page(_as(client, staff), reverse("shop:staff_disputes"))
    assert f'id="open-dispute-{dispute.pk}"' in text and "Answer…" in text
    assert "Mug (seller → buyer)" in text
    assert 'id="staff-disputes"' in text  # staff find the page from the header


def test_disputes_pages_are_for_staff_only(shop, client, fake):
    seller, account, buyer, staff = shop
    _disputed_sale(client, seller, buyer)
    dispute = Dispute.objects.get()
    urls = [reverse("shop:staff_disputes"), reverse("shop:staff_dispute", args=[dispute.pk])]
    posts = [(reverse("shop:staff_dispute", args=[dispute.pk]), {"uncategorized_text": "winning_evidence"}),
             (reverse("shop:staff_dispute_accept", args=[dispute.pk]), {})]
    sent = len(fake.requests)
    for who in (seller, buyer):
        _as(client, who)
        assert 'id="staff-disputes"' not in _page(client, reverse("shop:home"))
        for url in urls:
            assert client.get(url).status_code == 403
        for url, data in posts:
            assert client.post(url, data).status_code == 403
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for url, data in posts:
        assert client.post(url, data).status_code == 302
    assert [r for r in fake.requests[sent:] if r.method != "GET"] == []
    dispute.refresh_from_db()
    assert dispute.status == "needs_response"


def test_the_dispute_card_is_offered_in_demo_mode_only(shop, client, settings):
    seller, account, buyer, staff = shop
    settings.DEMO_MODE = False
    text = _page(_as(client, buyer), item(seller).get_absolute_url())
    assert "pm_card_createDispute" not in text and 'value="pm_card_visa"' in text


def test_a_document_stripe_refuses_is_reported_and_nothing_is_submitted(shop, client, fake):
    seller, account, buyer, staff = shop
    _disputed_sale(client, seller, buyer)
    dispute = Dispute.objects.get()
    sent = len(fake.requests)
    response = _as(client, staff).post(reverse("shop:staff_dispute", args=[dispute.pk]), {
        "uncategorized_text": "winning_evidence",
        "uncategorized_file": SimpleUploadedFile("notes.txt", b"plain text notes", "text/plain"),
    })
    assert response.status_code == 200
    assert "Stripe did not take it" in html.unescape(response.content.decode())
    assert not [r for r in fake.requests[sent:] if r.method == "POST" and r.path.startswith("/v1/disputes/")]
    dispute.refresh_from_db()
    assert dispute.status == "needs_response"
