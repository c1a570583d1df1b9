"""Shared fixtures for the actions tests (also used by the money-movement tests).

Fixture names are stable: ``user``, ``other_user``, ``custom_account`` (a US custom
account with every requirement supplied: charges and payouts enabled, a verified US
bank account), ``express_account`` (a fresh US express account of ``other_user``).
Accounts are created through ``pinax_connect.actions.accounts.create`` against the
fake Stripe installed by the ``fake_stripe`` fixture.
"""
import functools

import pytest

from pinax_connect.actions import accounts
from pinax_connect.testing.factories import merge, mock_object

# Test values the fake (like Stripe's test mode) accepts as verified.
US_BANK_ACCOUNT = {
    "object": "bank_account",
    "country": "US",
    "currency": "usd",
    "routing_number": "110000000",
    "account_number": "000123456789",
    "account_holder_name": "Jenny Rosen",
    "account_holder_type": "individual",
}


def ready_custom_account_params():
    """Everything a US individual custom account needs to be charges/payouts enabled."""
    return {
        "email": "jenny@example.com",
        "business_type": "individual",
        "business_profile": {"mcc": "5734", "url": "https://jenny.example.com", "name": "Jenny's Shop"},
        "individual": {
            "first_name": "Jenny",
            "last_name": "Rosen",
            "email": "jenny@example.com",
            "phone": "+15555550100",
            "dob": {"day": 1, "month": 1, "year": 1990},
            "address": {
                "line1": "address_full_match",
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94103",
                "country": "US",
            },
            "ssn_last_4": "0000",
            "id_number": "000000000",
        },
        "tos_acceptance": {"date": 1700000000, "ip": "127.0.0.1"},
        "external_account": dict(US_BANK_ACCOUNT),
    }


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(username="seller", email="seller@example.com", password="x")


@pytest.fixture
def other_user(db, django_user_model):
    return django_user_model.objects.create_user(username="buyer", email="buyer@example.com", password="x")


@pytest.fixture
def custom_account(fake_stripe, user):
    """A ready US custom account of ``user`` (charges_enabled, payouts_enabled, US bank)."""
    return accounts.create(user, "US", type="custom", **ready_custom_account_params())


@pytest.fixture
def express_account(fake_stripe, other_user):
    """A fresh US express account of ``other_user`` (onboarding not done yet)."""
    return accounts.create(other_user, "US", type="express", email="express@example.com")


def account_object(id="acct_1TestAccount00", **overrides):
    """A connected-account dict shaped like Stripe's (``fixtures3.json``), for sync tests
    and for seeding the fake directly with ``fake.save(...)``."""
    obj = {
        "id": id,
        "object": "account",
        "business_profile": {"mcc": None, "name": None, "url": None, "support_email": None},
        "business_type": None,
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": False,
        "controller": {"type": "application", "requirement_collection": "application"},
        "country": "US",
        "created": 1700000000,
        "default_currency": "usd",
        "details_submitted": False,
        "email": "site@example.com",
        "external_accounts": {"object": "list", "data": [], "has_more": False,
                              "url": "/v1/accounts/%s/external_accounts" % id},
        "livemode": False,
        "metadata": {},
        "payouts_enabled": False,
        "requirements": {
            "alternatives": [],
            "current_deadline": None,
            "currently_due": [],
            "disabled_reason": None,
            "errors": [],
            "eventually_due": [],
            "past_due": [],
            "pending_verification": [],
        },
        "settings": {"dashboard": {"display_name": None, "timezone": "Etc/UTC"}},
        "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
        "type": "custom",
    }
    obj.update(overrides)
    return {**_stripe_shaped("Account"), **obj}


def bank_account_object(id="ba_1TestBank000000", account="acct_1TestAccount00", **overrides):
    """A ``bank_account`` dict as Stripe returns it for a connected account (last 4 only)."""
    obj = {
        "id": id,
        "object": "bank_account",
        "account": account,
        "account_holder_name": "Jenny Rosen",
        "account_holder_type": "individual",
        "account_type": None,
        "bank_name": "STRIPE TEST BANK",
        "country": "US",
        "currency": "usd",
        "customer": None,
        "default_for_currency": True,
        "fingerprint": "PQBqY6e5XwUm7Exf",
        "last4": "6789",
        "metadata": {},
        "routing_number": "110000000",
        "status": "new",
    }
    obj.update(overrides)
    return {**_stripe_shaped("BankAccount"), **obj}


def _stripe_shaped(resource):
    """Every top-level field Stripe sends for ``resource`` (from the test kit); callers
    replace the ones they care about."""
    return merge(_stripe_shape(resource), {})  # a copy: callers may mutate nested values


@functools.cache
def _stripe_shape(resource):
    return mock_object(resource)
