"""Payments: PaymentIntents (create, retrieve, cancel), charges, refunds."""
from decimal import Decimal

import pytest
from django.urls import reverse

from pinax_connect.models import Charge, Customer, PaymentIntent, Refund

pytestmark = pytest.mark.django_db

INTENTS = reverse("pinax_connect_rest:payment-intent-list")
CHARGES = reverse("pinax_connect_rest:charge-list")
REFUNDS = reverse("pinax_connect_rest:refund-list")


def url(kind, obj, suffix="detail"):
    return reverse(f"pinax_connect_rest:{kind}-{suffix}", kwargs={"pk": obj.pk})


def purchase_body(account, **extra):
    return {"amount": "25.00", "currency": "usd", "account": account.stripe_id, "payment_method": "pm_card_visa",
            "confirm": True, "application_fee_amount": "2.50", **extra}


def test_destination_purchase(buyer_api, buyer, seller_account, fake_stripe):
    response = buyer_api.post(INTENTS, purchase_body(seller_account), format="json")
    assert response.status_code == 201, response.data
    intent = PaymentIntent.objects.get(pk=response.data["id"])
    assert intent.status == "succeeded" and intent.transfer_destination == seller_account
    assert intent.customer == Customer.objects.get(user=buyer)
    assert response.data["amount"] == "25.00" and response.data["application_fee_amount"] == "2.50"
    assert response.data["client_secret"] and "client_secret" not in response.data["stripe_data"]
    (request,) = [r for r in fake_stripe.requests if r.route_pattern == "/v1/payment_intents"]
    assert request.params["transfer_data"] == {"destination": seller_account.stripe_id}
    assert request.params["application_fee_amount"] == "250" and request.account is None


def test_direct_purchase(buyer_api, buyer, seller_account, fake_stripe):
    response = buyer_api.post(INTENTS, purchase_body(seller_account, charge_type="direct"), format="json")
    assert response.status_code == 201, response.data
    assert response.data["stripe_account"] == seller_account.stripe_id
    (request,) = [r for r in fake_stripe.requests if r.route_pattern == "/v1/payment_intents"]
    assert request.account == seller_account.stripe_id and "transfer_data" not in request.params
    customer = Customer.objects.get(pk=PaymentIntent.objects.get(pk=response.data["id"]).customer_id)
    assert customer.stripe_account == seller_account and customer.users.filter(pk=buyer.pk).exists()


def test_declined_card_is_a_402_with_stripe_codes(buyer_api, seller_account, fake_stripe):
    response = buyer_api.post(INTENTS, purchase_body(seller_account, payment_method="pm_card_chargeDeclined"),
                              format="json")
    assert response.status_code == 402
    assert response.data["code"] == "card_declined" and response.data["decline_code"] == "generic_decline"
    assert response.data["detail"]


def test_stripe_param_error_lands_on_the_field(buyer_api, seller_account, fake_stripe):
    response = buyer_api.post(INTENTS, purchase_body(seller_account, payment_method="pm_does_not_exist"),
                              format="json")
    assert response.status_code == 400 and list(response.data) == ["payment_method"]


def test_our_own_refusal_is_a_400(buyer_api, seller_account, fake_stripe):
    response = buyer_api.post(INTENTS, purchase_body(seller_account, application_fee_amount="30.00"), format="json")
    assert response.status_code == 400 and response.data["code"] == "invalid_request"


def test_seller_not_ready_is_a_409(buyer_api, fake_stripe, seller):
    from pinax_connect.actions import accounts

    fresh = accounts.create(seller, "US", type="custom", capabilities={"transfers": {"requested": True}})
    response = buyer_api.post(INTENTS, purchase_body(fresh, application_fee_amount=None), format="json")
    assert response.status_code == 409 and response.data["code"] == "account_not_ready"


def test_retrieve_by_buyer_and_seller(buyer_api, api, purchase):
    as_buyer = buyer_api.get(url("payment-intent", purchase))
    as_seller = api.get(url("payment-intent", purchase))
    assert as_buyer.status_code == as_seller.status_code == 200
    assert as_buyer.data["client_secret"] and as_seller.data["client_secret"] is None


def test_list_filters(buyer_api, purchase):
    assert [i["id"] for i in buyer_api.get(INTENTS, {"status": "succeeded"}).data["results"]] == [purchase.pk]
    assert buyer_api.get(INTENTS, {"status": "canceled"}).data["results"] == []
    assert buyer_api.get(INTENTS, {"created_gte": "2999-01-01T00:00:00Z"}).data["results"] == []
    assert buyer_api.get(INTENTS, {"created_gte": "nonsense"}).status_code == 400


def test_cancel(buyer_api, seller_account, fake_stripe):
    created = buyer_api.post(INTENTS, purchase_body(seller_account, confirm=False), format="json")
    intent = PaymentIntent.objects.get(pk=created.data["id"])
    response = buyer_api.post(url("payment-intent", intent, "cancel"), {"cancellation_reason": "abandoned"},
                              format="json")
    assert response.status_code == 200 and response.data["status"] == "canceled"
    again = buyer_api.post(url("payment-intent", intent, "cancel"), {}, format="json")
    assert again.status_code == 400  # a final intent cannot be canceled


def test_charges_list_and_retrieve(buyer_api, api, purchase):
    charge = Charge.objects.get(stripe_id=purchase.latest_charge)
    for client in (buyer_api, api):
        listed = client.get(CHARGES, {"paid": "true"})
        assert [c["stripe_id"] for c in listed.data["results"]] == [charge.stripe_id]
        one = client.get(url("charge", charge))
        assert one.status_code == 200 and one.data["destination"] == purchase.transfer_destination.stripe_id


def test_seller_refunds_partially_then_fully(api, purchase, fake_stripe):
    charge = Charge.objects.get(stripe_id=purchase.latest_charge)
    partial = api.post(REFUNDS, {"charge": charge.stripe_id, "amount": "5.00", "reason": "requested_by_customer"},
                       format="json")
    assert partial.status_code == 201, partial.data
    assert partial.data["amount"] == "5.00" and partial.data["charge"] == charge.stripe_id
    rest = api.post(REFUNDS, {"charge": charge.stripe_id}, format="json")
    assert rest.status_code == 201 and rest.data["amount"] == "20.00"
    charge.refresh_from_db()
    assert charge.refunded and charge.amount_refunded == Decimal("25.00")
    listed = api.get(REFUNDS)
    assert {r["id"] for r in listed.data["results"]} == set(Refund.objects.values_list("pk", flat=True))
    too_much = api.post(REFUNDS, {"charge": charge.stripe_id, "amount": "1.00"}, format="json")
    assert too_much.status_code == 400


def test_buyer_cannot_refund(buyer_api, purchase, fake_stripe):
    charge = Charge.objects.get(stripe_id=purchase.latest_charge)
    response = buyer_api.post(REFUNDS, {"charge": charge.stripe_id}, format="json")
    assert response.status_code == 400 and "charge" in response.data
    assert not Refund.objects.exists()


def test_buyer_sees_the_sellers_refund(api, buyer_api, purchase):
    charge = Charge.objects.get(stripe_id=purchase.latest_charge)
    api.post(REFUNDS, {"charge": charge.stripe_id}, format="json")
    assert len(buyer_api.get(REFUNDS).data["results"]) == 1


@pytest.mark.parametrize("value,currency,shown", [
    ("25.000", "usd", "25.00"), ("2500.000", "jpy", "2500"), ("1.234", "kwd", "1.234"),
])
def test_amounts_are_shown_in_the_currencys_decimals(value, currency, shown):
    from pinax_connect.rest.serializers.common import format_amount

    assert format_amount(Decimal(value), currency) == shown
