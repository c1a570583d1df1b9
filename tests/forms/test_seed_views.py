"""Seed 003's CreateCustomAccountView / UpdateCustomAccountView, run as written."""
import pytest

from pinax_connect.models import Account, ExternalAccount
from tests.forms.conftest import DE_INDIVIDUAL, US_INDIVIDUAL

pytestmark = [pytest.mark.urls("tests.forms.urls"), pytest.mark.django_db]


def test_create_view_get_renders_the_us_fields(logged_in, fake_stripe):
    response = logged_in.get("/create/")
    assert response.status_code == 200
    form = response.context["form"]
    assert "individual__ssn_last_4" in form.fields
    assert "external_account__routing_number" in form.fields
    assert b'name="tos_acceptance"' in response.content


def test_create_view_creates_a_us_individual_account(logged_in, user, fake_stripe):
    response = logged_in.post("/create/", US_INDIVIDUAL, HTTP_USER_AGENT="pytest-browser", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302, response.content.decode()[:2000]
    account = Account.objects.get(user=user)
    assert account.type == "custom"
    assert account.country == "US"
    assert account.charges_enabled and account.payouts_enabled
    assert account.verification_fields_needed == []
    data = account.stripe_data
    assert data["individual"]["first_name"] == "Jenny"
    assert data["individual"]["dob"] == {"day": 15, "month": 1, "year": 1990}
    assert data["tos_acceptance"]["ip"] == "203.0.113.9"
    assert data["tos_acceptance"]["user_agent"] == "pytest-browser"
    bank = ExternalAccount.objects.get(account=account)
    assert bank.last4 == "6789" and bank.routing_number == "110000000"


def test_create_view_creates_a_german_account_with_an_iban(logged_in, user, fake_stripe):
    response = logged_in.post("/create-de/", DE_INDIVIDUAL)
    assert response.status_code == 302, response.content.decode()[:2000]
    account = Account.objects.get(user=user)
    assert account.country == "DE"
    assert account.charges_enabled and account.payouts_enabled
    bank = ExternalAccount.objects.get(account=account)
    assert (bank.country, bank.currency, bank.last4) == ("DE", "eur", "3000")
    assert "individual__ssn_last_4" not in logged_in.get("/create-de/").context["form"].fields
