"""External (bank) accounts of the seller's connected account: list, add, set default, delete."""
import pytest
from django.urls import reverse

from pinax_connect.models import ExternalAccount

from ..actions.conftest import US_BANK_ACCOUNT

pytestmark = pytest.mark.django_db

LIST = reverse("pinax_connect_rest:external-account-list")


def url(ext, suffix="detail"):
    return reverse(f"pinax_connect_rest:external-account-{suffix}", kwargs={"pk": ext.pk})


def bank(**overrides):
    details = {k: v for k, v in US_BANK_ACCOUNT.items() if k != "object"}
    return {**details, **overrides}


def test_list_filters_by_account(api, seller_account):
    response = api.get(LIST, {"account": seller_account.stripe_id})
    assert response.status_code == 200
    assert [e["last4"] for e in response.data["results"]] == ["6789"]
    assert api.get(LIST, {"account": "acct_other"}).data["results"] == []


def test_add_with_bank_details(api, seller_account, fake_stripe):
    response = api.post(LIST, {"account": seller_account.stripe_id,
                               "bank_account": bank(account_number="000999999991")}, format="json")
    assert response.status_code == 201, response.data
    row = ExternalAccount.objects.get(stripe_id=response.data["stripe_id"])
    assert row.account == seller_account and row.last4 == "9991"


def test_add_with_token(api, seller_account):
    response = api.post(LIST, {"account": seller_account.stripe_id, "token": "btok_us_verified"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["object_type"] == "bank_account"


def test_add_needs_token_or_bank_details(api, seller_account, fake_stripe):
    before = len(fake_stripe.requests)
    response = api.post(LIST, {"account": seller_account.stripe_id}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.data
    assert len(fake_stripe.requests) == before


def test_stripe_error_names_the_bank_field(api, seller_account):
    response = api.post(LIST, {"account": seller_account.stripe_id,
                               "bank_account": bank(routing_number="123456789")}, format="json")
    assert response.status_code == 400
    assert list(response.data) == ["bank_account"] and list(response.data["bank_account"]) == ["routing_number"]


def test_bad_token_names_the_token_field(api, seller_account):
    response = api.post(LIST, {"account": seller_account.stripe_id, "token": "btok_nope"}, format="json")
    assert response.status_code == 400 and list(response.data) == ["token"]


def test_cannot_add_to_another_users_account(stranger_api, seller_account, fake_stripe):
    before = len(fake_stripe.requests)
    response = stranger_api.post(LIST, {"account": seller_account.stripe_id, "token": "btok_us"}, format="json")
    assert response.status_code == 400 and "account" in response.data
    assert len(fake_stripe.requests) == before


def test_set_default_and_delete(api, seller_account):
    created = api.post(LIST, {"account": seller_account.stripe_id, "token": "btok_us_verified"}, format="json")
    new = ExternalAccount.objects.get(pk=created.data["id"])
    old = ExternalAccount.objects.get(account=seller_account, default_for_currency=True)
    response = api.post(url(new, "set-default"))
    assert response.status_code == 200 and response.data["default_for_currency"] is True
    old.refresh_from_db()
    assert old.default_for_currency is False
    deleted = api.delete(url(old))
    assert deleted.status_code == 204
    assert not ExternalAccount.objects.filter(pk=old.pk).exists()


def test_deleting_the_default_is_refused_by_stripe(api, seller_account):
    default = ExternalAccount.objects.get(account=seller_account, default_for_currency=True)
    response = api.delete(url(default))
    assert response.status_code == 400 and response.data["code"]
    assert ExternalAccount.objects.filter(pk=default.pk).exists()
