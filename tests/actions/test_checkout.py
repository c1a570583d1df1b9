"""checkout: a marketplace sale through Stripe Checkout, and mirroring what it produced."""
from decimal import Decimal

import pytest
import stripe

from pinax_connect.actions import checkout, customers
from pinax_connect.exceptions import AccountNotReady, CustomerAccountMismatch, InvalidRequest
from pinax_connect.models import Charge, PaymentIntent

pytestmark = pytest.mark.django_db

ITEM = {"name": "Sunglass 101", "amount": Decimal("20.00"), "currency": "usd", "quantity": 1}
URLS = {"success_url": "https://shop.test/success?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://shop.test/canceled/"}


def session_posts(fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/checkout/sessions"]


def test_marketplace_sale(fake_stripe, custom_account):
    session = checkout.create_session(
        line_items=[ITEM, {**ITEM, "name": "Case", "amount": Decimal("5"), "quantity": 2}], **URLS,
        destination=custom_account, application_fee_amount=Decimal("3"), client_reference_id=42,
        metadata={"order": "42"}, customer_email="buyer@example.com", idempotency_key="cs-1",
    )
    assert session.id.startswith("cs_") and session.url and session.amount_total == 3000
    (request,) = session_posts(fake_stripe)
    assert request.idempotency_key == "cs-1" and request.params["mode"] == "payment"
    assert request.params["line_items"][0] == {
        "price_data": {"currency": "usd", "unit_amount": "2000", "product_data": {"name": "Sunglass 101"}},
        "quantity": "1"}
    assert request.params["payment_intent_data"] == {
        "transfer_data": {"destination": custom_account.stripe_id}, "application_fee_amount": "300",
        "metadata": {"order": "42"}}
    assert request.params["client_reference_id"] == "42"
    assert not PaymentIntent.objects.exists()  # sessions are not mirrored

    completed = fake_stripe.complete_checkout_session(session.id)
    intent = checkout.sync_from_checkout_session(completed)
    assert intent.status == "succeeded" and intent.transfer_destination == custom_account
    assert intent.application_fee_amount == Decimal("3.00") and intent.amount == Decimal("30.00")
    charge = Charge.objects.get(stripe_id=intent.latest_charge)
    assert charge.payment_intent == intent and charge.destination == custom_account


def test_direct_sale_on_a_connected_account(fake_stripe, custom_account):
    session = checkout.create_session(line_items=[ITEM], **URLS, stripe_account=custom_account,
                                      application_fee_amount=1)
    assert session_posts(fake_stripe)[-1].account == custom_account.stripe_id
    completed = fake_stripe.complete_checkout_session(session.id)
    intent = checkout.sync_from_checkout_session(completed, stripe_account=custom_account.stripe_id)
    assert intent.stripe_account == custom_account
    assert Charge.objects.get(stripe_id=intent.latest_charge).stripe_account == custom_account


def test_sync_from_unpaid_session_is_none(fake_stripe):
    session = checkout.create_session(line_items=[ITEM], **URLS)
    assert checkout.sync_from_checkout_session(session) is None


def test_sync_from_session_with_expanded_intent_makes_no_request(fake_stripe):
    intent = {"id": "pi_x", "object": "payment_intent", "amount": 2000, "currency": "usd",
              "status": "succeeded", "created": 1700000000}
    before = len(fake_stripe.requests)
    row = checkout.sync_from_checkout_session({"id": "cs_x", "payment_intent": intent}, event_created=1700000001)
    assert row.stripe_id == "pi_x" and len(fake_stripe.requests) == before


def test_customer_is_sent(fake_stripe, other_user):
    buyer = customers.create(other_user)
    checkout.create_session(line_items=[ITEM], **URLS, customer=buyer)
    assert session_posts(fake_stripe)[-1].params["customer"] == buyer.stripe_id


def test_stripe_errors_pass_through(fake_stripe):
    with pytest.raises(stripe.InvalidRequestError, match="No such customer"):
        checkout.create_session(line_items=[ITEM], **URLS, customer="cus_missing")


@pytest.mark.parametrize("kwargs, message", [
    ({"line_items": []}, "must not be empty"),
    ({"success_url": ""}, "success_url"),
    ({"line_items": [{**ITEM, "quantity": 0}]}, "quantity"),
    ({"line_items": [{**ITEM, "name": ""}]}, "name"),
    ({"line_items": [{**ITEM, "amount": Decimal("-1")}]}, "positive"),
    ({"line_items": [{**ITEM, "amount": Decimal("1.001")}]}, "decimal places"),
    ({"line_items": [ITEM, {**ITEM, "currency": "eur"}]}, "one currency"),
    ({"application_fee_amount": 1}, "needs a destination"),
    ({"customer": "cus_1", "customer_email": "a@b.test"}, "not both"),
    ({"destination": "acct_1", "stripe_account": "acct_2"}, "not both"),
])
def test_validation(fake_stripe, kwargs, message):
    params = {"line_items": [ITEM], **URLS, **kwargs}
    with pytest.raises(InvalidRequest, match=message):
        checkout.create_session(**params)
    assert not session_posts(fake_stripe)


def test_fee_above_total_unready_destination_and_mismatched_customer(fake_stripe, custom_account,
                                                                      express_account, other_user):
    with pytest.raises(InvalidRequest, match="cannot exceed"):
        checkout.create_session(line_items=[ITEM], **URLS, destination=custom_account, application_fee_amount=21)
    with pytest.raises(AccountNotReady):
        checkout.create_session(line_items=[ITEM], **URLS, destination=express_account)
    connected = customers.create(other_user, stripe_account=custom_account)
    with pytest.raises(CustomerAccountMismatch):
        checkout.create_session(line_items=[ITEM], **URLS, customer=connected, destination=custom_account)
    assert not session_posts(fake_stripe)
