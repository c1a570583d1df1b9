"""Every delivery order of one request's events ends in Stripe's state (issue 12).

Stripe stamps events in whole seconds and does not order deliveries, and one request
usually emits several events in the same second. For each multi-event action, the
events it made are delivered in every order (ties included: the fake's clock does
not move inside a request, as Stripe's ``created`` does not), starting from the
mirror as it was before the action and as the action left it; each time the mirror
must equal a fresh read from the fake. A tie costs at most one read of the object.
"""
import itertools
from decimal import Decimal

import pytest
from django.db import transaction

from pinax_connect.actions import accounts, payment_intents, payouts, refunds
from pinax_connect.models import Account, ApplicationFee, Charge, PaymentIntent, Payout, Refund, Transfer

from .conftest import count, ready_custom_account_params

pytestmark = pytest.mark.django_db

COMPARED = (Account, Charge, PaymentIntent, Refund, Transfer, Payout, ApplicationFee)

# Above this many events the orders are sampled: all orders of the first six events,
# the others kept in their emitted places (720 orders), plus every rotation of the
# whole sequence, so each event is delivered first and last at least once.
FULL = 6


def _orders(events):
    if len(events) <= FULL:
        return list(itertools.permutations(events))
    head, tail = events[:FULL], events[FULL:]
    orders = [list(p) + tail for p in itertools.permutations(head)]
    orders += [events[i:] + events[:i] for i in range(len(events))]
    return orders


def _scope(row):
    account = getattr(row, "stripe_account", None)
    return account.stripe_id if account is not None else None


def _id(value):
    return value.get("id") if isinstance(value, dict) else value


def _differences(fake):
    """``[(model, id, key)]`` where a mirror row differs from the fake's object now
    (expanded references compared by id, as the mirror may hold either)."""
    found = []
    for model in COMPARED:
        for row in model.objects.all():
            current = fake.get(row.stripe_id, _scope(row))
            if current is None:
                found.append((model.__name__, row.stripe_id, "missing on Stripe"))
                continue
            for key in sorted(set(current) | set(row.stripe_data)):
                if _id(current.get(key)) != _id(row.stripe_data.get(key)):
                    found.append((model.__name__, row.stripe_id, key))
    return found


def _reads(fake):
    return sum(1 for r in fake.requests if r.method == "GET")


def _check_every_order(fake, deliver, action):
    """Run ``action``, then replay its events in every order from the mirror before
    and after it; returns the number of orders tried."""
    before = transaction.savepoint()
    first = len(fake.events)
    action()
    events = list(fake.events[first:])
    assert len(events) >= 2, [e["type"] for e in events]
    tried = 0
    # First from the mirror as the action left it, then from the mirror as it was
    # before the action (its writes lost); the fake keeps Stripe's new state.
    for start in (transaction.savepoint(), before):
        transaction.savepoint_rollback(start)
        for order in _orders(events):
            point = transaction.savepoint()
            reads = _reads(fake)
            for event in order:
                assert deliver(event).status_code == 200
            assert _differences(fake) == [], [e["type"] for e in order]
            assert _reads(fake) - reads <= len(order)
            transaction.savepoint_rollback(point)
            tried += 1
    count("delivery orders tried", tried)
    return tried


@pytest.fixture
def deliver(stripe_webhook_client):
    return stripe_webhook_client


@pytest.fixture
def funded(fake_stripe, custom_account):
    fake_stripe.balance_add(None, "usd", 10**6)
    fake_stripe.balance_add(custom_account.stripe_id, "usd", 10**6)
    return custom_account


def test_payment_intent_confirm(fake_stripe, deliver):
    _check_every_order(
        fake_stripe, deliver, lambda: payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True)
    )


def test_payment_intent_capture(fake_stripe, deliver):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True, capture_method="manual")
    fake_stripe.advance(1)
    _check_every_order(fake_stripe, deliver, lambda: payment_intents.capture(intent, Decimal("6")))


def test_destination_charge(fake_stripe, deliver, funded):
    _check_every_order(
        fake_stripe, deliver,
        lambda: payment_intents.create(
            20, "usd", payment_method="pm_card_visa", confirm=True, destination=funded, application_fee_amount=2,
        ),
    )


def test_refund_with_reverse_transfer(fake_stripe, deliver, funded):
    intent = payment_intents.create(
        20, "usd", payment_method="pm_card_visa", confirm=True, destination=funded, application_fee_amount=2,
    )
    fake_stripe.advance(1)
    charge = Charge.objects.get(stripe_id=intent.latest_charge)
    _check_every_order(
        fake_stripe, deliver,
        lambda: refunds.create(charge, Decimal("5"), reverse_transfer=True, refund_application_fee=True),
    )


def test_onboarding_to_enabled(fake_stripe, deliver, user):
    account = accounts.create(user, "US", type="custom", email="new@example.com")
    fake_stripe.advance(1)
    params = {k: v for k, v in ready_custom_account_params().items() if k != "email"}
    _check_every_order(fake_stripe, deliver, lambda: accounts.update(account, params))
    assert fake_stripe.get(account.stripe_id)["charges_enabled"] is True


def test_payout(fake_stripe, deliver, funded):
    def pay_out():
        payout = payouts.create(funded, Decimal("3"), "usd")
        fake_stripe.pay_out(payout.stripe_id, funded.stripe_id)  # paid in the same second

    _check_every_order(fake_stripe, deliver, pay_out)
