from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pinax_connect.models import (
    Account,
    Charge,
    Customer,
    Event,
    ExternalAccount,
    Payout,
    Transfer,
    UserAccount,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("seller", "seller@example.com", "pw")


@pytest.fixture
def account(user):
    return Account.objects.create(stripe_id="acct_1", user=user, type="custom")


def test_stripe_id_is_unique():
    Account.objects.create(stripe_id="acct_dup")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(stripe_id="acct_dup")


def test_event_stripe_id_is_unique():
    Event.objects.create(stripe_id="evt_1", type="account.updated")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(stripe_id="evt_1", type="account.updated")


def test_user_account_is_unique_per_user_and_account(user, account):
    c1 = Customer.objects.create(stripe_id="cus_1", stripe_account=account)
    c2 = Customer.objects.create(stripe_id="cus_2", stripe_account=account)
    UserAccount.objects.create(user=user, account=account, customer=c1)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserAccount.objects.create(user=user, account=account, customer=c2)


def test_customer_belongs_to_one_user_account(user, account):
    other = get_user_model().objects.create_user("buyer")
    c1 = Customer.objects.create(stripe_id="cus_1", stripe_account=account)
    UserAccount.objects.create(user=user, account=account, customer=c1)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserAccount.objects.create(user=other, account=account, customer=c1)


def test_user_account_refuses_a_customer_of_another_account(user, account):
    other = Account.objects.create(stripe_id="acct_2")
    platform_customer = Customer.objects.create(stripe_id="cus_p")
    foreign_customer = Customer.objects.create(stripe_id="cus_f", stripe_account=other)
    for customer in (platform_customer, foreign_customer):
        with pytest.raises(ValidationError) as info:
            UserAccount.objects.create(user=user, account=account, customer=customer)
        assert "customer" in info.value.message_dict
    assert not UserAccount.objects.exists()


def test_seed_003_lookups(user, account):
    customer = Customer.objects.create(stripe_id="cus_1", stripe_account=account)
    UserAccount.objects.create(user=user, account=account, customer=customer)
    # Both lines as written in seed 003.
    assert UserAccount.filter(user=user, account=account, customer=customer).exists()
    assert user.customers.get(user_account__account=account) == customer
    assert list(customer.users.all()) == [user]


def test_platform_customer_is_one_per_user(user):
    Customer.objects.create(stripe_id="cus_a", user=user)
    assert user.stripe_customer.stripe_id == "cus_a"
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(stripe_id="cus_b", user=user)


def test_amounts_keep_every_currency_precision(account):
    charge = Charge.objects.create(
        stripe_id="ch_1", amount=Decimal("5.125"), currency="kwd", status="succeeded", destination=account
    )
    charge.refresh_from_db()
    assert charge.amount == Decimal("5.125")
    big = Charge.objects.create(stripe_id="ch_2", amount=Decimal("99999999.99"), currency="usd", status="succeeded")
    big.refresh_from_db()
    assert big.amount == Decimal("99999999.99")
    assert list(account.destination_charges.all()) == [charge]


def test_json_fields_round_trip(account):
    account.requirements = {"currently_due": ["external_account"], "errors": []}
    account.verification_fields_needed = ["external_account"]
    account.stripe_data = {"id": "acct_1", "nested": {"a": [1, 2]}}
    account.save()
    account.refresh_from_db()
    assert account.verification_fields_needed == ["external_account"]
    assert account.stripe_data["nested"] == {"a": [1, 2]}


def test_event_validated_message_is_the_payload():
    payload = {"id": "evt_1", "type": "account.updated", "data": {"object": {"id": "acct_1"}}}
    event = Event.objects.create(stripe_id="evt_1", type="account.updated", payload=payload)
    event.refresh_from_db()
    assert event.validated_message["data"]["object"]["id"] == "acct_1"
    assert event.stripe_object == {"id": "acct_1"}
    assert event.status == Event.RECEIVED and event.attempts == 0 and event.deliveries == 1


def test_deleting_an_account_removes_what_lives_on_it(user, account):
    customer = Customer.objects.create(stripe_id="cus_1", stripe_account=account)
    UserAccount.objects.create(user=user, account=account, customer=customer)
    ExternalAccount.objects.create(stripe_id="ba_1", account=account, object_type="bank_account", last4="6789")
    Payout.objects.create(stripe_id="po_1", stripe_account=account, amount=1, currency="usd", status="pending")
    transfer = Transfer.objects.create(stripe_id="tr_1", destination=account, amount=1, currency="usd")
    account.delete()
    assert not Customer.objects.exists() and not UserAccount.objects.exists()
    assert not ExternalAccount.objects.exists() and not Payout.objects.exists()
    transfer.refresh_from_db()
    assert transfer.destination is None  # platform money history is kept
