"""The requesting user's customers and their payment methods."""
import pytest
from django.urls import reverse

from pinax_connect.actions import customers as customer_actions
from pinax_connect.models import Customer

pytestmark = pytest.mark.django_db

LIST = reverse("pinax_connect_rest:customer-list")


def url(customer, suffix="detail", **kwargs):
    return reverse(f"pinax_connect_rest:customer-{suffix}", kwargs={"pk": customer.pk, **kwargs})


def test_create_platform_customer_then_get_it_again(buyer_api, buyer, fake_stripe):
    response = buyer_api.post(LIST, {"name": "Bo Buyer"}, format="json")
    assert response.status_code == 201, response.data
    customer = Customer.objects.get(pk=response.data["id"])
    assert customer.user == buyer and customer.stripe_account is None and customer.email == "buyer@example.com"
    again = buyer_api.post(LIST, {"name": "Bo Buyer"}, format="json")
    assert again.status_code == 200 and again.data["id"] == customer.pk
    assert len([r for r in fake_stripe.requests if r.route_pattern == "/v1/customers"]) == 1


def test_create_customer_on_a_connected_account(buyer_api, buyer, seller_account, fake_stripe):
    response = buyer_api.post(LIST, {"stripe_account": seller_account.stripe_id}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["stripe_account"] == seller_account.stripe_id
    (request,) = [r for r in fake_stripe.requests if r.route_pattern == "/v1/customers"]
    assert request.account == seller_account.stripe_id
    listed = buyer_api.get(LIST, {"stripe_account": seller_account.stripe_id})
    assert [c["id"] for c in listed.data["results"]] == [response.data["id"]]


def test_update_and_field_error(buyer_api, buyer, fake_stripe):
    customer = customer_actions.get_or_create(buyer)
    response = buyer_api.patch(url(customer), {"name": "New Name"}, format="json")
    assert response.status_code == 200 and response.data["name"] == "New Name"
    bad = buyer_api.patch(url(customer), {"default_payment_method": "pm_missing"}, format="json")
    assert bad.status_code == 400 and list(bad.data) == ["default_payment_method"]


def test_payment_methods_attach_list_default_detach(buyer_api, buyer, fake_stripe):
    customer = customer_actions.get_or_create(buyer)
    attached = buyer_api.post(url(customer, "payment-methods"), {"payment_method": "pm_card_visa",
                                                                 "set_default": True}, format="json")
    assert attached.status_code == 201, attached.data
    pm = attached.data["id"]
    assert attached.data["card"]["last4"] == "4242" and attached.data["is_default"] is True
    customer.refresh_from_db()
    assert customer.default_payment_method == pm
    by_token = buyer_api.post(url(customer, "payment-methods"), {"token": "tok_mastercard"}, format="json")
    assert by_token.status_code == 201, by_token.data
    listed = buyer_api.get(url(customer, "payment-methods"))
    assert listed.status_code == 200
    assert {m["id"] for m in listed.data} == {pm, by_token.data["id"]}
    assert [m["id"] for m in listed.data if m["is_default"]] == [pm]
    detached = buyer_api.delete(url(customer, "detach-payment-method", payment_method=pm))
    assert detached.status_code == 204
    customer.refresh_from_db()
    assert customer.default_payment_method == ""
    assert [m["id"] for m in buyer_api.get(url(customer, "payment-methods")).data] == [by_token.data["id"]]


def test_attach_unknown_payment_method_is_a_field_error(buyer_api, buyer, fake_stripe):
    customer = customer_actions.get_or_create(buyer)
    response = buyer_api.post(url(customer, "payment-methods"), {"payment_method": "pm_nope"}, format="json")
    assert response.status_code == 400 and list(response.data) == ["payment_method"]


def test_cannot_detach_a_payment_method_of_another_customer(buyer_api, buyer, stranger, fake_stripe):
    mine = customer_actions.get_or_create(buyer)
    theirs = customer_actions.get_or_create(stranger)
    from pinax_connect.actions import payment_methods

    their_pm = payment_methods.attach(theirs, payment_method="pm_card_visa")["id"]
    response = buyer_api.delete(url(mine, "detach-payment-method", payment_method=their_pm))
    assert response.status_code == 400
    assert payment_methods.list_for(theirs)[0]["id"] == their_pm
