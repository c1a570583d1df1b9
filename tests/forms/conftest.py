import pytest
from django.contrib.auth import get_user_model

from tests.forms import views

US_INDIVIDUAL = {
    "individual__first_name": "Jenny",
    "individual__last_name": "Rosen",
    "individual__dob": "1990-01-15",
    "individual__address__line1": "510 Townsend St",
    "individual__address__city": "San Francisco",
    "individual__address__state": "CA",
    "individual__address__postal_code": "94103",
    "individual__email": "jenny@example.com",
    "individual__phone": "+14155550100",
    "individual__ssn_last_4": "0000",
    "business_profile__mcc": "5734",
    "business_profile__url": "https://jenny.example.com",
    "external_account__routing_number": "110000000",
    "external_account__account_number": "000123456789",
    "external_account__account_holder_name": "Jenny Rosen",
    "tos_acceptance": "on",
}

DE_INDIVIDUAL = {
    "individual__first_name": "Max",
    "individual__last_name": "Mustermann",
    "individual__dob": "1985-06-01",
    "individual__address__line1": "Unter den Linden 1",
    "individual__address__city": "Berlin",
    "individual__address__postal_code": "10117",
    "individual__email": "max@example.com",
    "individual__phone": "+4930123456",
    "business_profile__mcc": "5734",
    "business_profile__url": "https://max.example.com",
    "external_account__iban": "DE89 3704 0044 0532 0130 00",
    "external_account__account_holder_name": "Max Mustermann",
    "tos_acceptance": "on",
}


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("jenny", password="pw")


@pytest.fixture
def other_user(db):
    return get_user_model().objects.create_user("mallory", password="pw")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _clear_caught():
    views.CAUGHT.clear()
    yield
    views.CAUGHT.clear()


def make_request(user=None, method="post", path="/", **extra):
    """A request from ``user`` (anonymous when None), as a view would pass it to the forms."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = getattr(RequestFactory(), method)(path, REMOTE_ADDR="203.0.113.9",
                                                 HTTP_USER_AGENT="pytest-browser", **extra)
    request.user = user or AnonymousUser()
    return request


@pytest.fixture
def us_account(user, fake_stripe):
    """A US individual custom account of ``user``, created through InitialCustomAccountForm."""
    from pinax_connect.forms import InitialCustomAccountForm

    form = InitialCustomAccountForm(dict(US_INDIVIDUAL), request=make_request(user), country="US")
    assert form.is_valid(), form.errors
    account = form.save()
    # Stripe raises requirements some time after the account was created.
    fake_stripe.advance(60)
    return account
