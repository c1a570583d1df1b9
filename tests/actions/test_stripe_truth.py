"""Cases where the library agreed only with its own fake, not with Stripe (issue 12).

Each test fails on the main of before the fix; the permutation and storm tests of
``tests/reliability`` cover delivery orders at large.
"""
import copy
from decimal import Decimal

import pytest

from pinax_connect.actions import accounts, customers, payment_intents, transfers
from pinax_connect.exceptions import AccountNotReady
from pinax_connect.models import Account, Charge, Customer, PaymentIntent
from pinax_connect.testing.fake.core import event_object
from pinax_connect.webhooks import handlers
from pinax_connect.webhooks.registry import registry
from tests.actions.conftest import ready_custom_account_params

pytestmark = pytest.mark.django_db


def _gets(fake):
    return [r for r in fake.requests if r.method == "GET"]


# ---- sub-objects do not move the account's watermark -----------------------------------


def test_a_later_capability_event_does_not_hide_an_earlier_account_update(fake_stripe, custom_account,
                                                                          stripe_webhook_client):
    t = fake_stripe.now()
    account_obj = copy.deepcopy(fake_stripe.get(custom_account.stripe_id))
    account_obj["requirements"]["currently_due"] = ["individual.id_number"]
    account_update = event_object("evt_1AccountUpdated0", "account.updated", account_obj, t + 100,
                                  account=custom_account.stripe_id)
    capability = {"id": "transfers", "object": "capability", "account": custom_account.stripe_id,
                  "status": "active", "requested": True}
    capability_update = event_object("evt_1CapabilityUpd0", "capability.updated", capability, t + 101,
                                     account=custom_account.stripe_id)

    assert stripe_webhook_client(capability_update).status_code == 200
    assert stripe_webhook_client(account_update).status_code == 200

    row = Account.objects.get(pk=custom_account.pk)
    assert row.stripe_data["requirements"]["currently_due"] == ["individual.id_number"]
    assert row.capabilities["transfers"] == "active"
    assert row.capability_events["transfers"]["created"] == t + 101


def test_an_older_capability_event_does_not_undo_a_newer_account_state(fake_stripe, custom_account,
                                                                      stripe_webhook_client):
    t = fake_stripe.now()
    account_obj = copy.deepcopy(fake_stripe.get(custom_account.stripe_id))
    stripe_webhook_client(event_object("evt_1AccountUpdated1", "account.updated", account_obj, t + 50,
                                       account=custom_account.stripe_id))
    capability = {"id": "transfers", "object": "capability", "account": custom_account.stripe_id,
                  "status": "inactive", "requested": True}
    stripe_webhook_client(event_object("evt_1CapabilityOld00", "capability.updated", capability, t + 10,
                                       account=custom_account.stripe_id))
    assert Account.objects.get(pk=custom_account.pk).capabilities["transfers"] == "active"


# ---- same-second ties cost one read ---------------------------------------------------


def test_the_older_of_two_same_second_events_delivered_last_does_not_win(fake_stripe, stripe_webhook_client):
    first = len(fake_stripe.events)
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True, capture_method="manual")
    created, authorized = (e for e in fake_stripe.events[first:] if e["type"].startswith("payment_intent."))
    assert created["created"] == authorized["created"]
    PaymentIntent.objects.filter(pk=intent.pk).delete()

    stripe_webhook_client(authorized)
    reads = len(_gets(fake_stripe))
    stripe_webhook_client(created)  # same second, older state, delivered last

    assert PaymentIntent.objects.get(stripe_id=intent.stripe_id).status == "requires_capture"
    assert len(_gets(fake_stripe)) - reads == 1  # the tie was settled by one read
    assert payment_intents.capture(PaymentIntent.objects.get(stripe_id=intent.stripe_id)).status == "succeeded"


def test_events_of_increasing_seconds_cost_no_reads(fake_stripe, custom_account, stripe_webhook_client):
    first = len(fake_stripe.events)
    for i in range(3):
        fake_stripe.advance(1)
        accounts.update(custom_account, {"business_profile": {"name": f"Shop {i}"}})
    reads = len(_gets(fake_stripe))
    for event in fake_stripe.events[first:]:
        stripe_webhook_client(event)
    assert len(_gets(fake_stripe)) == reads


# ---- actions do not refuse on a stale mirror --------------------------------------------


def test_capture_rereads_a_stale_mirror_once_instead_of_refusing(fake_stripe):
    intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True, capture_method="manual")
    PaymentIntent.objects.filter(pk=intent.pk).update(status="requires_confirmation")
    reads = len(_gets(fake_stripe))
    captured = payment_intents.capture(PaymentIntent.objects.get(pk=intent.pk), Decimal("4"))
    assert captured.status == "succeeded" and captured.amount_received == Decimal("4.00")
    assert len(_gets(fake_stripe)) - reads == 1


# ---- readiness follows the capability the call needs ------------------------------------


def test_a_recipient_account_takes_destination_charges(fake_stripe, user):
    params = ready_custom_account_params()
    recipient = accounts.create(user, "US", type="custom", capabilities={"transfers": {"requested": True}}, **params)
    assert recipient.charges_enabled is False and recipient.capabilities["transfers"] == "active"
    intent = payment_intents.create(20, "usd", payment_method="pm_card_visa", confirm=True, destination=recipient)
    assert intent.status == "succeeded"
    assert Charge.objects.get(stripe_id=intent.latest_charge).stripe_data["transfer_data"]["destination"] == \
        recipient.stripe_id


def test_a_transfer_to_an_account_without_transfers_names_the_capability(fake_stripe, user):
    account = accounts.create(user, "US", type="custom", email="new@example.com")
    fake_stripe.balance_add(None, "usd", 10**5)
    with pytest.raises(AccountNotReady) as refused:
        transfers.create(Decimal("5"), "usd", account)
    assert "transfers" in str(refused.value)
    assert not [r for r in fake_stripe.requests if r.path == "/v1/transfers"]


# ---- deleted customers are never handed out again -----------------------------------------


def test_a_customer_deleted_on_stripe_is_replaced(fake_stripe, user, stripe_webhook_client):
    from pinax_connect.client import get_client

    old = customers.get_or_create(user)
    first = len(fake_stripe.events)
    get_client().v1.customers.delete(old.stripe_id)
    (deleted,) = [e for e in fake_stripe.events[first:] if e["type"] == "customer.deleted"]
    assert stripe_webhook_client(deleted).status_code == 200

    new = customers.get_or_create(user)
    assert new.stripe_id != old.stripe_id and not fake_stripe.get(new.stripe_id).get("deleted")
    assert Customer.objects.get(pk=old.pk).date_purged is not None


def test_purge_then_a_changed_email_gets_a_new_customer_without_an_idempotency_error(fake_stripe, user):
    old = customers.get_or_create(user, email=user.email)
    customers.purge(old)
    user.email = "changed@example.com"
    user.save()
    new = customers.get_or_create(user, email=user.email)
    assert new.stripe_id != old.stripe_id and fake_stripe.get(new.stripe_id)["email"] == "changed@example.com"
    # the same intent again is the same request: same key, no second customer
    assert customers.get_or_create(user, email=user.email).stripe_id == new.stripe_id


# ---- built-in handlers run before host handlers ------------------------------------------


def test_default_handlers_run_before_a_host_handler_registered_earlier(fake_stripe, stripe_webhook_client):
    seen = []

    def host_handler(event, source, subtype):
        seen.append(Charge.objects.filter(stripe_id=source["data"]["object"]["id"]).exists())

    # as if the host's AppConfig.ready() ran before pinax_connect's
    registry._entries.insert(0, ("charge.succeeded", host_handler))
    try:
        handlers.register_defaults()
        names = [handler for handler, _ in registry.handlers_for("charge.succeeded")]
        assert names.index(host_handler) == len(names) - 1
        first = len(fake_stripe.events)
        intent = payment_intents.create(10, "usd", payment_method="pm_card_visa", confirm=True)
        Charge.objects.filter(stripe_id=intent.latest_charge).delete()
        (succeeded,) = [e for e in fake_stripe.events[first:] if e["type"] == "charge.succeeded"]
        stripe_webhook_client(succeeded)
    finally:
        registry.unregister("charge.succeeded", host_handler)
    assert seen == [True]


# ---- double submits: keys derived from the intent -------------------------------------------


def test_intent_keys_are_stable_per_intent_and_differ_between_intents():
    from pinax_connect.client import intent_key

    assert intent_key("refund", 42, "5.00") == intent_key("refund", 42, "5.00")
    assert len({intent_key("refund", 42, "5.00"), intent_key("refund", 42, "6.00"),
                intent_key("refund", 43, "5.00"), intent_key("payout", 42, "5.00")}) == 4


def test_a_double_submitted_partial_refund_with_an_intent_key_refunds_once(fake_stripe):
    from pinax_connect.actions import refunds
    from pinax_connect.client import intent_key

    intent = payment_intents.create(20, "usd", payment_method="pm_card_visa", confirm=True)
    charge = Charge.objects.get(stripe_id=intent.latest_charge)
    key = intent_key("refund", "purchase-7", "5")
    first = refunds.create(charge, Decimal("5"), idempotency_key=key)
    second = refunds.create(Charge.objects.get(pk=charge.pk), Decimal("5"), idempotency_key=key)
    assert first.stripe_id == second.stripe_id
    assert len(fake_stripe.all("refund")) == 1
