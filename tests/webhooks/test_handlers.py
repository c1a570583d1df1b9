"""The default handlers keep the mirror in step with Stripe, through signed deliveries.

Objects and events come from the fake Stripe (``fake_stripe.events``), produced by
calling Stripe directly (not pinax_connect's actions), so the only way rows reach
the mirror here is the webhook endpoint.
"""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.dispatch import receiver
from django.test.utils import CaptureQueriesContext

from pinax_connect.client import get_client
from pinax_connect.models import (
    Account,
    ApplicationFee,
    Charge,
    Customer,
    Event,
    ExternalAccount,
    PaymentIntent,
    Payout,
    Refund,
    Transfer,
    TransferReversal,
)
from pinax_connect.signals import WEBHOOK_SIGNALS
from tests.actions.conftest import ready_custom_account_params

from .conftest import account_object, make_event

pytestmark = pytest.mark.django_db


def deliver_all(deliver, events):
    for event in events:
        response = deliver(event)
        assert response.status_code == 200, (event["type"], response.content)
        assert response.content == b"processed", (event["type"], response.content)


def new_custom_account(fake):
    """A ready custom account created on the fake only; returns its id."""
    return get_client().v1.accounts.create(
        {
            "type": "custom",
            "country": "US",
            "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
            **ready_custom_account_params(),
        }
    ).id


def test_a_marketplace_is_mirrored_from_webhooks_alone(fake_stripe, stripe_webhook_client):
    stripe = get_client().v1
    acct = new_custom_account(fake_stripe)
    customer = stripe.customers.create({"email": "buyer@example.com"})
    intent = stripe.payment_intents.create(
        {
            "amount": 1000,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
            "transfer_data": {"destination": acct},
            "application_fee_amount": 100,
        }
    )
    stripe.refunds.create({"payment_intent": intent.id, "amount": 300})
    fake_stripe.balance_add(None, "usd", 100000)
    transfer = stripe.transfers.create({"amount": 500, "currency": "usd", "destination": acct})
    stripe.transfers.reversals.create(transfer.id, {"amount": 200})
    payout = stripe.payouts.create({"amount": 100, "currency": "usd"}, {"stripe_account": acct})
    direct_customer = stripe.customers.create({"email": "direct@example.com"}, {"stripe_account": acct})
    stripe.customers.delete(customer.id)
    assert Account.objects.count() == 0 and Customer.objects.count() == 0

    events = list(fake_stripe.events)
    # Stripe does not promise an order; an external account needs its Account row first.
    events.sort(key=lambda e: e["type"] != "account.updated")
    deliver_all(stripe_webhook_client, events)

    account = Account.objects.get(stripe_id=acct)
    assert account.charges_enabled and account.payouts_enabled
    assert account.capabilities == {"card_payments": "active", "transfers": "active"}
    assert ExternalAccount.objects.get(account=account).last4 == "6789"
    platform_customer = Customer.objects.get(stripe_id=customer.id)
    assert platform_customer.stripe_account is None and platform_customer.date_purged is not None
    assert Customer.objects.get(stripe_id=direct_customer.id).stripe_account == account
    pi = PaymentIntent.objects.get(stripe_id=intent.id)
    assert (pi.status, pi.amount, pi.transfer_destination) == ("succeeded", Decimal("10.00"), account)
    charge = Charge.objects.get(payment_intent=pi)
    assert (charge.amount_refunded, charge.destination, charge.refunded) == (Decimal("3.00"), account, False)
    assert Refund.objects.get(charge=charge).amount == Decimal("3.00")
    assert ApplicationFee.objects.get().amount == Decimal("1.00")
    mirrored_transfer = Transfer.objects.get(stripe_id=transfer.id)
    assert (mirrored_transfer.amount_reversed, mirrored_transfer.destination) == (Decimal("2.00"), account)
    assert TransferReversal.objects.get(transfer=mirrored_transfer).amount == Decimal("2.00")
    assert Payout.objects.get(stripe_id=payout.id).stripe_account == account
    assert set(Event.objects.values_list("status", flat=True)) == {Event.PROCESSED}
    assert Event.objects.count() == len(events)


def test_seed_003_receiver_works_unchanged(stripe_webhook_client):
    """The receiver from pinax-stripe's Connect docs, with its imports renamed."""
    notified = []

    def receiver_switch(func):  # the seed's own decorator (not part of pinax_connect)
        return func

    @receiver(WEBHOOK_SIGNALS["account.updated"])
    @receiver_switch
    def stripe_account_updated(sender, event, **kwargs):
        account = Account.objects.get(stripe_id=event.validated_message["data"]["object"]["id"])
        # if this is not a custom account, it's probably our platform
        # account or an express or standard account, so do nothing
        if not account.type == "custom":
            return
        if account.verification_due_by and account.verification_fields_needed:
            # then Stripe is asking us for some info!
            notified.append(account.stripe_id)

    try:
        obj = account_object(
            "acct_seed003",
            requirements={
                "currently_due": ["individual.id_number"],
                "past_due": [],
                "eventually_due": [],
                "current_deadline": 1900000000,
                "disabled_reason": None,
            },
        )
        response = stripe_webhook_client(make_event("account.updated", obj, account="acct_seed003"))
    finally:
        WEBHOOK_SIGNALS["account.updated"].disconnect(stripe_account_updated)
    assert response.status_code == 200
    assert notified == ["acct_seed003"]


def test_out_of_order_account_updated_leaves_the_newest_state(stripe_webhook_client, recorder):
    recorder.listen("account.updated", handler=False)
    newer = make_event("account.updated", account_object("acct_ooo", charges_enabled=False), created=1700000100)
    older = make_event("account.updated", account_object("acct_ooo", charges_enabled=True), created=1700000000)

    stripe_webhook_client(newer)
    stripe_webhook_client(older)

    account = Account.objects.get(stripe_id="acct_ooo")
    assert account.charges_enabled is False
    assert account.last_event_created == datetime.datetime.fromtimestamp(1700000100, tz=datetime.timezone.utc)
    assert [e for e, _t, _o in recorder.signalled] == [newer["id"], older["id"]]  # both signalled
    assert set(Event.objects.values_list("status", flat=True)) == {Event.PROCESSED}


def test_deauthorized_then_authorized(fake_stripe, stripe_webhook_client):
    acct = new_custom_account(fake_stripe)
    stripe_webhook_client(make_event("account.updated", get_client().v1.accounts.retrieve(acct).to_dict(), account=acct))
    application = {"id": "ca_platform", "object": "application", "name": "Platform"}

    stripe_webhook_client(make_event("account.application.deauthorized", application, account=acct))
    assert Account.objects.get(stripe_id=acct).authorized is False

    stripe_webhook_client(make_event("account.application.authorized", application, account=acct))
    assert Account.objects.get(stripe_id=acct).authorized is True


def test_authorized_account_we_do_not_mirror_is_read_from_stripe(fake_stripe, stripe_webhook_client):
    acct = new_custom_account(fake_stripe)
    fake_stripe.requests.clear()
    application = {"id": "ca_platform", "object": "application", "name": "Platform"}

    assert stripe_webhook_client(make_event("account.application.authorized", application, account=acct)).status_code == 200

    account = Account.objects.get(stripe_id=acct)
    assert account.authorized and account.type == "custom"
    assert [(r.method, r.route_pattern) for r in fake_stripe.requests] == [("GET", "/v1/accounts/{account}")]


def test_deauthorized_unknown_account_does_nothing(stripe_webhook_client):
    application = {"id": "ca_platform", "object": "application"}
    response = stripe_webhook_client(make_event("account.application.deauthorized", application, account="acct_nope"))
    assert response.status_code == 200
    assert Account.objects.count() == 0


def test_external_account_deleted_removes_the_row(fake_stripe, stripe_webhook_client):
    acct = new_custom_account(fake_stripe)
    stripe_webhook_client(make_event("account.updated", get_client().v1.accounts.retrieve(acct).to_dict(), account=acct))
    bank = get_client().v1.accounts.external_accounts.list(acct).data[0].to_dict()
    stripe_webhook_client(make_event("account.external_account.created", bank, account=acct))
    assert ExternalAccount.objects.filter(stripe_id=bank["id"]).exists()

    stripe_webhook_client(make_event("account.external_account.deleted", {**bank, "deleted": True}, account=acct))
    assert not ExternalAccount.objects.filter(stripe_id=bank["id"]).exists()


def test_capability_updated_updates_the_account_capabilities(stripe_webhook_client):
    stripe_webhook_client(make_event("account.updated", account_object("acct_cap"), created=1700000000))
    capability = {
        "id": "transfers",
        "object": "capability",
        "account": "acct_cap",
        "status": "inactive",
        "requested": True,
        "requirements": {},
    }
    stripe_webhook_client(make_event("capability.updated", capability, account="acct_cap", created=1700000050))
    account = Account.objects.get(stripe_id="acct_cap")
    assert account.capabilities == {"card_payments": "active", "transfers": "inactive"}
    assert account.stripe_data["capabilities"] == account.capabilities

    # A capability event older than the account state we have does not overwrite it.
    stale = {**capability, "status": "pending"}
    stripe_webhook_client(make_event("capability.updated", stale, account="acct_cap", created=1699999000))
    assert Account.objects.get(stripe_id="acct_cap").capabilities["transfers"] == "inactive"


def test_person_events_store_nothing_but_are_signalled(stripe_webhook_client, recorder):
    Account.objects.create(stripe_id="acct_people")
    recorder.listen("person.created", handler=False)
    person = {"id": "person_1", "object": "person", "account": "acct_people", "first_name": "Jenny"}
    stripe_webhook_client(make_event("person.created", person, account="acct_people"))
    assert recorder.signalled == [(Event.objects.get().stripe_id, "person.created", "person_1")]
    assert Account.objects.count() == 1


def test_customer_deleted_marks_the_customer_purged(fake_stripe, stripe_webhook_client):
    customer = get_client().v1.customers.create({"email": "gone@example.com"}).to_dict()
    stripe_webhook_client(make_event("customer.created", customer))
    assert Customer.objects.get(stripe_id=customer["id"]).date_purged is None
    stripe_webhook_client(make_event("customer.deleted", customer))
    assert Customer.objects.get(stripe_id=customer["id"]).date_purged is not None


def test_refetch_syncs_the_object_as_stripe_has_it_now(fake_stripe, stripe_webhook_client, settings, recorder):
    settings.PINAX_CONNECT_WEBHOOK_REFETCH = True
    acct = new_custom_account(fake_stripe)
    Account.objects.create(stripe_id=acct)
    customer = get_client().v1.customers.create({"email": "old@example.com"}, {"stripe_account": acct}).to_dict()
    get_client().v1.customers.update(customer["id"], {"email": "new@example.com"}, {"stripe_account": acct})
    recorder.listen("customer.created", handler=False)
    fake_stripe.requests.clear()

    stripe_webhook_client(make_event("customer.created", customer, account=acct))

    assert Customer.objects.get(stripe_id=customer["id"]).email == "new@example.com"
    assert [(r.method, r.route_pattern, r.account) for r in fake_stripe.requests] == [
        ("GET", "/v1/customers/{id}", acct)
    ]
    assert recorder.signalled[0][2] == customer["id"]
    assert Event.objects.get().payload["data"]["object"]["email"] == "old@example.com"  # stored as delivered


def test_refetch_failure_marks_the_event_failed(fake_stripe, stripe_webhook_client, settings):
    settings.PINAX_CONNECT_WEBHOOK_REFETCH = True
    settings.PINAX_CONNECT_MAX_NETWORK_RETRIES = 0
    Account.objects.create(stripe_id="acct_gone")
    event = make_event("customer.updated", {"id": "cus_gone", "object": "customer"}, account="acct_gone")
    assert stripe_webhook_client(event).status_code == 500  # inline retry: Stripe redelivers
    stored = Event.objects.get()
    assert stored.status == Event.FAILED and "acct_gone" in stored.last_error


@pytest.mark.django_db(transaction=True)
def test_account_updated_costs_at_most_8_queries_and_no_api_call(fake_stripe, stripe_webhook_client):
    """Measured outside a test transaction, as in production (no extra savepoints)."""
    acct = new_custom_account(fake_stripe)
    obj = get_client().v1.accounts.retrieve(acct).to_dict()
    stripe_webhook_client(make_event("account.updated", obj, account=acct, created=1700000000))
    fake_stripe.requests.clear()

    changed = {**obj, "email": "changed@example.com"}
    with CaptureQueriesContext(connection) as queries:
        response = stripe_webhook_client(make_event("account.updated", changed, account=acct, created=1700000100))

    assert response.status_code == 200 and response.content == b"processed"
    assert Account.objects.get(stripe_id=acct).email == "changed@example.com"
    assert len(queries) <= 8, "\n".join(q["sql"] for q in queries)
    assert fake_stripe.requests == []
