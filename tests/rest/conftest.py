"""Fixtures for the REST API tests: users, API clients, a ready seller account, a paid purchase.

Everything is created through the API or the actions against the fake Stripe
(``fake_stripe``), never by writing mirror rows by hand.
"""
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from pinax_connect.actions import accounts, payment_intents
from pinax_connect.actions import customers as customer_actions

from ..actions.conftest import ready_custom_account_params


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    # Throttle counters live in the cache, which outlives a test's database.
    cache.clear()
    yield
    cache.clear()


def _user(django_user_model, name, **extra):
    return django_user_model.objects.create_user(username=name, email=f"{name}@example.com", password="x", **extra)


@pytest.fixture
def seller(db, django_user_model):
    return _user(django_user_model, "seller")


@pytest.fixture
def buyer(db, django_user_model):
    return _user(django_user_model, "buyer")


@pytest.fixture
def stranger(db, django_user_model):
    return _user(django_user_model, "stranger")


@pytest.fixture
def staff(db, django_user_model):
    return _user(django_user_model, "staff", is_staff=True)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(seller):
    """An APIClient logged in as the seller."""
    return client_for(seller)


@pytest.fixture
def buyer_api(buyer):
    return client_for(buyer)


@pytest.fixture
def stranger_api(stranger):
    return client_for(stranger)


@pytest.fixture
def staff_api(staff):
    return client_for(staff)


@pytest.fixture
def seller_account(fake_stripe, seller):
    """A ready US custom account of the seller (charges and payouts enabled, a US bank)."""
    return accounts.create(seller, "US", type="custom", **ready_custom_account_params())


@pytest.fixture
def purchase(fake_stripe, buyer, seller_account):
    """A succeeded destination-charge PaymentIntent: the buyer paid the seller 25.00 (fee 2.50)."""
    customer = customer_actions.get_or_create(buyer)
    return payment_intents.create(
        Decimal("25.00"), "usd", customer=customer, payment_method="pm_card_visa", destination=seller_account,
        application_fee_amount=Decimal("2.50"), confirm=True,
    )
