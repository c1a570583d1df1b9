"""Webhook storms, one delivery at a time (both databases): every event of a busy
account delivered several times, in random order, over a mirror that lost its rows.
Each event is applied once and the mirror ends equal to Stripe's final state.
The concurrent version (threads, PostgreSQL) is in test_concurrency_pg."""
import random

import pytest

from pinax_connect.models import (
    ApplicationFee, Charge, Event, PaymentIntent, Payout, Refund, Transfer, TransferReversal,
)

from .conftest import count
from .storms import missing_rows, mismatches, one_round, prepare

pytestmark = pytest.mark.django_db

ROUNDS = 3
COPIES = 3


@pytest.mark.parametrize("tick", [1, 0], ids=["one-second-apart", "same-second"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duplicated_shuffled_events_over_a_wiped_mirror_converge_to_stripes_state(
    fake_stripe, custom_account, other_user, stripe_webhook_client, seed, tick
):
    customer = prepare(fake_stripe, custom_account, other_user)
    account = custom_account
    for i in range(ROUNDS):
        account = one_round(fake_stripe, account, customer, i, tick=tick)
    # A crash lost what the actions wrote: only Account and Customer rows stay (stale).
    for model in (TransferReversal, Refund, Charge, PaymentIntent, Transfer, Payout, ApplicationFee):
        model.objects.all().delete()
    events = fake_stripe.events
    deliveries = [event for event in events for _ in range(COPIES)]
    random.Random(seed).shuffle(deliveries)

    for event in deliveries:
        assert stripe_webhook_client(event).status_code == 200
    count("events hammered", len(deliveries))

    rows = {row.stripe_id: row for row in Event.objects.all()}
    assert set(rows) == {event["id"] for event in events}
    assert {(row.status, row.attempts, row.deliveries) for row in rows.values()} == {
        (Event.PROCESSED, 1, COPIES)}
    assert missing_rows(fake_stripe, account) == []
    assert mismatches(fake_stripe) == []
    assert Charge.objects.count() == Refund.objects.count() == Payout.objects.count() == ROUNDS


@pytest.mark.parametrize("seed", [1, 2])
def test_changes_within_one_second_converge_with_refetch(
    fake_stripe, custom_account, other_user, stripe_webhook_client, settings, seed
):
    """Stripe's ``created`` has one-second resolution: two changes of one object in the
    same second cannot be ordered from their events. PINAX_CONNECT_WEBHOOK_REFETCH makes
    every event apply the object as Stripe has it now, so the mirror converges anyway."""
    from pinax_connect.actions import accounts

    settings.PINAX_CONNECT_WEBHOOK_REFETCH = True
    first = len(fake_stripe.events)
    for i in range(4):  # no clock movement: all in the same second
        accounts.update(custom_account, {"business_profile": {"name": f"Name {i}"}})
    events = fake_stripe.events[first:]
    deliveries = events * 2
    random.Random(seed).shuffle(deliveries)
    for event in deliveries:
        assert stripe_webhook_client(event).status_code == 200
    count("events hammered", len(deliveries))

    custom_account.refresh_from_db()
    assert custom_account.business_name == "Name 3"
    assert mismatches(fake_stripe) == []


def test_a_stale_event_after_an_api_read_is_corrected_by_the_next_event(
    fake_stripe, custom_account, stripe_webhook_client
):
    """The sync layer's rule (sync.py): reads do not move the watermark, so an old event
    applied after a read wins for a while, until the event of the next change arrives."""
    from pinax_connect.actions import accounts

    fake_stripe.advance(1)
    accounts.update(custom_account, {"business_profile": {"name": "First"}})
    first = fake_stripe.events[-1]
    fake_stripe.advance(1)
    account = accounts.update(custom_account, {"business_profile": {"name": "Second"}})
    second = fake_stripe.events[-1]
    assert account.business_name == "Second"

    stripe_webhook_client(first)  # late delivery of the older change
    stripe_webhook_client(second)
    count("events hammered", 2)

    account.refresh_from_db()
    assert account.business_name == "Second"
    assert mismatches(fake_stripe) == []
