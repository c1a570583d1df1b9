"""Connected accounts through the API: create, read, update, links, requirements, balance."""
import pytest
from django.urls import reverse

from pinax_connect.models import Account

from ..actions.conftest import ready_custom_account_params

pytestmark = pytest.mark.django_db

LIST = reverse("pinax_connect_rest:connected-account-list")


def detail(account, suffix=""):
    name = "pinax_connect_rest:connected-account-" + (suffix or "detail")
    return reverse(name, kwargs={"pk": account.pk})


def account_posts(fake):
    return [r for r in fake.requests if r.method == "POST" and r.route_pattern == "/v1/accounts"]


def test_create_custom_account(api, seller, fake_stripe):
    body = {"type": "custom", "country": "us", **ready_custom_account_params()}
    response = api.post(LIST, body, format="json")
    assert response.status_code == 201, response.data
    account = Account.objects.get(stripe_id=response.data["stripe_id"])
    assert account.user == seller and account.type == "custom"
    assert response.data["id"] == account.pk and response.data["charges_enabled"] is True
    assert response.data["stripe_data"]["id"] == account.stripe_id
    (request,) = account_posts(fake_stripe)
    assert request.params["country"] == "US"
    assert request.params["individual"]["dob"] == {"day": "1", "month": "1", "year": "1990"}


def test_create_express_account_with_controller(api, fake_stripe):
    controller = {"fees": {"payer": "application"}, "losses": {"payments": "application"},
                  "stripe_dashboard": {"type": "express"}}
    response = api.post(LIST, {"country": "US", "controller": controller, "email": "x@example.com"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["type"] == "express"
    (request,) = account_posts(fake_stripe)
    assert "type" not in request.params and request.params["controller"]["stripe_dashboard"] == {"type": "express"}


def test_create_needs_type_or_controller(api, fake_stripe):
    response = api.post(LIST, {"country": "US"}, format="json")
    assert response.status_code == 400 and "type" in response.data
    assert account_posts(fake_stripe) == []


def test_create_refuses_controller_that_contradicts_type(api, fake_stripe):
    response = api.post(LIST, {"country": "US", "type": "custom",
                               "controller": {"stripe_dashboard": {"type": "express"}}}, format="json")
    assert response.status_code == 400 and "controller" in response.data


def test_stripe_error_lands_on_the_nested_field(api, fake_stripe):
    params = ready_custom_account_params()
    params["individual"]["dob"] = {"day": 1, "month": 1, "year": 2024}
    response = api.post(LIST, {"type": "custom", "country": "US", **params}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"individual"}
    assert list(response.data["individual"]) == ["dob"]
    assert "13 years" in response.data["individual"]["dob"][0]
    assert not Account.objects.exists()


def test_stripe_error_on_bank_details_names_external_account(api, fake_stripe):
    params = ready_custom_account_params()
    params["external_account"]["routing_number"] = "123456789"
    response = api.post(LIST, {"type": "custom", "country": "US", **params}, format="json")
    assert response.status_code == 400
    assert list(response.data) == ["external_account"]


def test_list_and_retrieve_read_the_mirror(api, seller_account, fake_stripe):
    before = len(fake_stripe.requests)
    listed = api.get(LIST)
    assert listed.status_code == 200
    assert [a["stripe_id"] for a in listed.data["results"]] == [seller_account.stripe_id]
    one = api.get(detail(seller_account))
    assert one.status_code == 200 and one.data["stripe_id"] == seller_account.stripe_id
    assert len(fake_stripe.requests) == before  # no Stripe round trip


def test_partial_update_goes_through_stripe(api, seller_account, fake_stripe):
    response = api.patch(detail(seller_account), {"business_profile": {"name": "Renamed Shop"},
                                                  "metadata": {"shop": "42"}}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["business_name"] == "Renamed Shop"
    seller_account.refresh_from_db()
    assert seller_account.business_name == "Renamed Shop"
    update = [r for r in fake_stripe.requests if r.route_pattern == "/v1/accounts/{account}" and r.method == "POST"]
    assert update and update[-1].params["business_profile"] == {"name": "Renamed Shop"}


def test_put_is_a_partial_update_too(api, seller_account):
    response = api.put(detail(seller_account), {"email": "new@example.com"}, format="json")
    assert response.status_code == 200 and response.data["email"] == "new@example.com"


def test_update_refuses_create_only_fields(api, seller_account, fake_stripe):
    before = len(fake_stripe.requests)
    response = api.patch(detail(seller_account), {"type": "express", "country": "FR"}, format="json")
    assert response.status_code == 400  # nothing Stripe accepts on update was sent
    assert len(fake_stripe.requests) == before


def test_update_stripe_error_maps_to_field(api, seller_account):
    response = api.patch(detail(seller_account), {"business_profile": {"mcc": "12"}}, format="json")
    assert response.status_code == 400
    assert list(response.data) == ["business_profile"] and list(response.data["business_profile"]) == ["mcc"]


def test_account_link(api, seller_account, fake_stripe):
    response = api.post(detail(seller_account, "account-link"),
                        {"refresh_url": "https://shop.example/refresh", "return_url": "https://shop.example/done"},
                        format="json")
    assert response.status_code == 201, response.data
    assert response.data["url"].startswith("https://")
    (request,) = [r for r in fake_stripe.requests if r.route_pattern == "/v1/account_links"]
    assert request.params["account"] == seller_account.stripe_id and request.params["type"] == "account_onboarding"


def test_account_link_bad_url_is_a_field_error(api, seller_account):
    response = api.post(detail(seller_account, "account-link"),
                        {"refresh_url": "nope", "return_url": "https://shop.example/done"}, format="json")
    assert response.status_code == 400 and "refresh_url" in response.data


def test_login_link_for_express(api, fake_stripe):
    created = api.post(LIST, {"type": "express", "country": "US"}, format="json")
    account = Account.objects.get(pk=created.data["id"])
    fake_stripe.complete_onboarding(account.stripe_id)
    response = api.post(detail(account, "login-link"))
    assert response.status_code == 201 and response.data["url"].startswith("https://")


def test_login_link_for_custom_is_refused(api, seller_account, fake_stripe):
    response = api.post(detail(seller_account, "login-link"))
    assert response.status_code == 400 and response.data["code"] == "invalid_request"


def test_requirements_with_labels(api, fake_stripe):
    created = api.post(LIST, {"type": "custom", "country": "US", "business_type": "individual",
                              "capabilities": ["card_payments", "transfers"]}, format="json")
    assert created.status_code == 201, created.data
    account = Account.objects.get(pk=created.data["id"])
    response = api.get(detail(account, "requirements"))
    assert response.status_code == 200
    due = {item["path"]: item["label"] for item in response.data["currently_due"]}
    assert set(due) == set(account.requirements["currently_due"])
    assert due["individual.first_name"] != "individual.first_name"  # a label a person reads
    assert due["individual.first_name"]


def test_balance(api, seller_account, purchase, fake_stripe):
    response = api.get(detail(seller_account, "balance"))
    assert response.status_code == 200
    # 25.00 paid, 2.50 platform fee: 22.50 reached the seller (pending or available).
    total = sum(float(v) for part in ("available", "pending") for v in response.data[part].values())
    assert total == pytest.approx(22.50)


def test_seed_000_snippet_with_our_names(fake_stripe, seller):
    """Seed 000's test, with the fake Stripe instead of mock.patch: a mock Account POSTed back is created."""
    from rest_framework.reverse import reverse as drf_reverse
    from rest_framework.test import APIClient

    from pinax_connect.testing import get_mock_resource

    data = get_mock_resource("Account", type="custom")
    uri = drf_reverse("pinax_connect_rest:connected-account-list")
    client = APIClient()
    client.force_authenticate(seller)
    # stripe-python 16 objects are not dicts any more: .to_dict() is the seed's `data`.
    response = client.post(uri, data=data.to_dict(), format="json")
    assert response.status_code == 201, response.data
    assert response.data["type"] == "custom" and response.data["email"] == data["email"]
    assert Account.objects.get(pk=response.data["id"]).user == seller
    # Only what Stripe accepts on create was sent: the object's read-only parts were left out.
    (request,) = account_posts(fake_stripe)
    assert not {"id", "object", "requirements", "external_accounts", "charges_enabled"} & set(request.params)
    assert "id" not in request.params["individual"] and request.params["individual"]["first_name"] == "Jenny"


def test_deauthorized_account_is_a_409(api, seller_account, fake_stripe):
    from pinax_connect.actions.accounts import set_authorized

    set_authorized(seller_account, False)
    before = len(fake_stripe.requests)
    response = api.patch(detail(seller_account), {"email": "x@example.com"}, format="json")
    assert response.status_code == 409 and response.data["code"] == "account_deauthorized"
    assert len(fake_stripe.requests) == before


def test_validated_names_a_missing_input_serializer():
    from pinax_connect.rest.views import ConnectedAccountViewSet

    view = ConnectedAccountViewSet()
    view.action = "balance"  # a read: no input serializer
    with pytest.raises(AssertionError, match="ConnectedAccountViewSet has no input serializer for action 'balance'"):
        view.validated({})
