"""Stripe faults on every write action: 500s, 429s, connection resets, lost responses.

Faults are injected with ``FakeStripe.fail_next`` on the action's POST only, so
stripe-python's real retry loop runs (``PINAX_CONNECT_MAX_NETWORK_RETRIES`` = 2:
three attempts per call). What must hold:

* retries reuse the action's idempotency key, so Stripe holds exactly one object
  for one intended write, even when a write was applied and its answer lost;
* the mirror ends consistent: one row when the call succeeded, none when it failed,
  and a row a crash left missing comes back with the list sync or the webhook;
* a failure that outlives the retries reaches the caller as Stripe's own exception
  class, and calling again with the same idempotency key completes the one write.
"""
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pytest
import stripe

from pinax_connect.actions import (
    accounts,
    charges,
    customers,
    payment_intents,
    payouts,
    refunds,
    transfers,
)
from pinax_connect.models import Account, Charge, Customer, Event, PaymentIntent, Payout, Refund, Transfer

from .conftest import count

pytestmark = pytest.mark.django_db

ATTEMPTS = 3  # 1 + PINAX_CONNECT_MAX_NETWORK_RETRIES (2, the default)

FAULTS = {
    "500": dict(status=500),
    "429": dict(status=429),
    "reset": dict(connection_error=True),
    "lost": dict(lose_response=True),
}
# What the caller gets when a fault outlives stripe-python's retries.
SURVIVING_ERROR = {
    "500": stripe.APIError,
    "429": stripe.RateLimitError,
    "reset": stripe.APIConnectionError,
    "lost": stripe.APIConnectionError,
}


@dataclass
class Write:
    """One write action under test, ready to run against the fake."""

    path: str  # the POST the fault is injected on
    object_type: str
    model: type
    scope: str | None  # the Stripe-Account the object lives on (None: the platform)
    run: Callable  # run(idempotency_key) -> the model instance the action returns
    heal: Callable  # the list sync that mirrors what Stripe holds

    def on_stripe(self, fake):
        return fake.all(self.object_type, self.scope)


def _account(request, fake):
    user = request.getfixturevalue("user")
    return Write(
        "/v1/accounts", "account", Account, None,
        lambda key: accounts.create(user, "US", type="express", email="new@example.com", idempotency_key=key),
        accounts.sync_accounts,
    )


def _platform_customer(request, fake):
    buyer = request.getfixturevalue("other_user")
    return Write(
        "/v1/customers", "customer", Customer, None,
        lambda key: customers.create(buyer, idempotency_key=key, name="Buyer"),
        customers.sync_customers,
    )


def _connected_customer(request, fake):
    account = request.getfixturevalue("custom_account")
    buyer = request.getfixturevalue("other_user")
    return Write(
        "/v1/customers", "customer", Customer, account.stripe_id,
        lambda key: customers.create(buyer, stripe_account=account, idempotency_key=key),
        lambda: customers.sync_customers(stripe_account=account),
    )


def _payment_intent(request, fake):
    account = request.getfixturevalue("custom_account")
    return Write(
        "/v1/payment_intents", "payment_intent", PaymentIntent, None,
        lambda key: payment_intents.create(
            Decimal("20.00"), "usd", payment_method="pm_card_visa", confirm=True, destination=account,
            application_fee_amount=Decimal("2.00"), idempotency_key=key,
        ),
        payment_intents.sync_payment_intents,
    )


def _charge(request, fake):
    account = request.getfixturevalue("custom_account")
    return Write(
        "/v1/charges", "charge", Charge, None,
        lambda key: charges.create(Decimal("15.00"), source="tok_visa", destination_account=account,
                                   idempotency_key=key),
        charges.sync_charges,
    )


def _transfer(request, fake):
    account = request.getfixturevalue("custom_account")
    fake.balance_add(None, "usd", 10000)
    return Write(
        "/v1/transfers", "transfer", Transfer, None,
        lambda key: transfers.create(Decimal("12.00"), "usd", account, idempotency_key=key),
        transfers.sync_transfers,
    )


def _payout(request, fake):
    account = request.getfixturevalue("custom_account")
    fake.balance_add(account.stripe_id, "usd", 5000)
    return Write(
        "/v1/payouts", "payout", Payout, account.stripe_id,
        lambda key: payouts.create(account, Decimal("7.00"), "usd", idempotency_key=key),
        lambda: payouts.sync_payouts(stripe_account=account),
    )


def _refund(request, fake):
    request.getfixturevalue("user")
    charge = charges.create(Decimal("30.00"), source="tok_visa")
    return Write(
        "/v1/refunds", "refund", Refund, None,
        lambda key: refunds.create(charge, Decimal("3.00"), idempotency_key=key),
        refunds.sync_refunds,
    )


WRITES = {
    "account": _account,
    "platform_customer": _platform_customer,
    "connected_customer": _connected_customer,
    "payment_intent": _payment_intent,
    "charge": _charge,
    "transfer": _transfer,
    "payout": _payout,
    "refund": _refund,
}


@pytest.fixture(params=list(WRITES))
def write(request, fake_stripe):
    made = WRITES[request.param](request, fake_stripe)
    made.name = request.param
    made.before = {obj["id"] for obj in made.on_stripe(fake_stripe)}
    made.rows_before = set(made.model.objects.values_list("stripe_id", flat=True))
    return made


def _new_on_stripe(write, fake):
    return [obj for obj in write.on_stripe(fake) if obj["id"] not in write.before]


def _new_rows(write):
    return list(write.model.objects.exclude(stripe_id__in=write.rows_before))


def _posts(write, fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == write.path]


@pytest.mark.parametrize("fault", list(FAULTS))
def test_faults_within_the_retry_budget_make_one_object_with_one_key(write, fault, fake_stripe):
    first_request = len(fake_stripe.requests)
    fake_stripe.fail_next(ATTEMPTS - 1, path=write.path, method="POST", **FAULTS[fault])
    count("faults injected", ATTEMPTS - 1)

    instance = write.run(None)

    posts = [r for r in fake_stripe.requests[first_request:] if r.method == "POST" and r.path == write.path]
    assert len(posts) == ATTEMPTS
    keys = {r.idempotency_key for r in posts}
    assert len(keys) == 1 and None not in keys, "every retry must reuse the action's idempotency key"
    (made,) = _new_on_stripe(write, fake_stripe)
    assert instance.stripe_id == made["id"]
    assert [row.stripe_id for row in _new_rows(write)] == [made["id"]]


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_that_outlives_the_retries_reaches_the_caller_and_the_same_key_completes_it(
    write, fault, fake_stripe
):
    key = f"rel-{write.name}-{fault}"
    fake_stripe.fail_next(ATTEMPTS, path=write.path, method="POST", **FAULTS[fault])
    count("faults injected", ATTEMPTS)

    with pytest.raises(SURVIVING_ERROR[fault]):
        write.run(key)

    assert len(_posts(write, fake_stripe)) >= ATTEMPTS
    assert _new_rows(write) == [], "nothing is mirrored for a call that failed"
    applied = _new_on_stripe(write, fake_stripe)
    # Only a lost response leaves a write applied on Stripe's side, and only one.
    assert len(applied) == (1 if fault == "lost" else 0)

    instance = write.run(key)  # the caller tries again with its key

    (made,) = _new_on_stripe(write, fake_stripe)
    assert instance.stripe_id == made["id"]
    assert [row.stripe_id for row in _new_rows(write)] == [made["id"]]


def test_a_write_lost_in_a_crash_is_mirrored_by_the_next_list_sync(write, fake_stripe):
    fake_stripe.fail_next(ATTEMPTS, path=write.path, method="POST", lose_response=True)
    count("faults injected", ATTEMPTS)
    with pytest.raises(stripe.APIConnectionError):
        write.run(None)
    (made,) = _new_on_stripe(write, fake_stripe)
    assert _new_rows(write) == []

    write.heal()

    (row,) = _new_rows(write)
    assert row.stripe_id == made["id"]
    assert row.stripe_data == fake_stripe.get(made["id"], write.scope, write.object_type)


# Writes Stripe announces with an event (account creation has none: see the list sync).
WEBHOOK_HEALED = [name for name in WRITES if name != "account"]


def test_a_write_lost_in_a_crash_is_mirrored_by_its_webhook(write, fake_stripe, stripe_webhook_client):
    if write.name not in WEBHOOK_HEALED:
        pytest.skip("Stripe sends no event when a connected account is created")
    first_event = len(fake_stripe.events)
    fake_stripe.fail_next(ATTEMPTS, path=write.path, method="POST", lose_response=True)
    count("faults injected", ATTEMPTS)
    with pytest.raises(stripe.APIConnectionError):
        write.run(None)
    (made,) = _new_on_stripe(write, fake_stripe)

    for event in fake_stripe.events[first_event:]:
        assert stripe_webhook_client(event).status_code == 200
        count("events delivered")

    (row,) = _new_rows(write)
    assert row.stripe_id == made["id"]
    assert row.stripe_data == fake_stripe.get(made["id"], write.scope, write.object_type)
    assert not Event.objects.filter(status=Event.FAILED).exists()


def test_an_account_lost_in_a_crash_comes_back_linked_to_its_user(fake_stripe, user):
    fake_stripe.fail_next(ATTEMPTS, path="/v1/accounts", method="POST", lose_response=True)
    count("faults injected", ATTEMPTS)
    with pytest.raises(stripe.APIConnectionError):
        accounts.create(user, "US", type="express")
    accounts.sync_accounts()
    (account,) = Account.objects.all()
    assert account.user == user


def test_get_or_create_customer_heals_a_lost_response_without_a_second_customer(
    fake_stripe, custom_account, other_user
):
    """get_or_create derives its key from (user, account): a later call completes the
    write a lost response interrupted, whoever makes it."""
    scope = custom_account.stripe_id
    fake_stripe.fail_next(ATTEMPTS, path="/v1/customers", method="POST", lose_response=True)
    count("faults injected", ATTEMPTS)
    with pytest.raises(stripe.APIConnectionError):
        customers.get_or_create(other_user, stripe_account=custom_account)
    assert len(fake_stripe.all("customer", scope)) == 1

    customer = customers.get_or_create(other_user, stripe_account=custom_account)

    (on_stripe,) = fake_stripe.all("customer", scope)
    assert customer.stripe_id == on_stripe["id"]
    assert customers.get_customer_for_user(other_user, stripe_account=custom_account) == customer


def test_payment_intent_charge_is_mirrored_once_after_retries(fake_stripe, custom_account):
    """The charge a confirmed intent makes is mirrored with it, once, after retries."""
    fake_stripe.fail_next(ATTEMPTS - 1, path="/v1/payment_intents", method="POST", lose_response=True)
    count("faults injected", ATTEMPTS - 1)
    intent = payment_intents.create(Decimal("9.00"), "usd", payment_method="pm_card_visa", confirm=True,
                                    destination=custom_account)
    (charge,) = fake_stripe.all("charge")
    assert intent.status == "succeeded" and intent.latest_charge == charge["id"]
    assert list(Charge.objects.values_list("stripe_id", flat=True)) == [charge["id"]]
    assert len(fake_stripe.all("payment_intent")) == 1


def test_a_failing_read_while_applying_a_webhook_keeps_the_event_for_redelivery(
    fake_stripe, custom_account, stripe_webhook_client, settings
):
    """With PINAX_CONNECT_WEBHOOK_REFETCH the handler reads the object back; when that
    read fails past the retries the event is kept as failed (nothing half-applied) and
    the next delivery applies it."""
    settings.PINAX_CONNECT_WEBHOOK_REFETCH = True
    fake_stripe.advance(1)
    accounts.update(custom_account, {"business_profile": {"name": "Renamed"}})
    event = fake_stripe.events[-1]
    Account.objects.filter(pk=custom_account.pk).update(business_name="Stale")
    path = f"/v1/accounts/{custom_account.stripe_id}"
    fake_stripe.fail_next(ATTEMPTS, status=500, path=path, method="GET")
    count("faults injected", ATTEMPTS)

    response = stripe_webhook_client(event)

    assert (response.status_code, response.content) == (500, b"failed")  # Stripe delivers it again
    row = Event.objects.get(stripe_id=event["id"])
    assert row.status == Event.FAILED and "APIError" in row.last_error
    assert Account.objects.get(pk=custom_account.pk).business_name == "Stale"

    assert stripe_webhook_client(event).content == b"processed"  # Stripe delivers it again
    assert Account.objects.get(pk=custom_account.pk).business_name == "Renamed"
    assert Event.objects.get(stripe_id=event["id"]).attempts == 2
