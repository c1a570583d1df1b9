"""pinax_connect.testing.factories: mock Stripe objects made by the fake Stripe."""

import json

import pytest
import stripe

from pinax_connect.testing import FakeStripe
from pinax_connect.testing.factories import RESOURCES, get_mock_resource, merge, mock_event, mock_object

EXPECTED = {
    "Account": (stripe.Account, "account", "acct_"),
    "ApplicationFee": (stripe.ApplicationFee, "application_fee", "fee_"),
    "BankAccount": (stripe.BankAccount, "bank_account", "ba_"),
    "Capability": (stripe.Capability, "capability", "card_payments"),
    "Card": (stripe.Card, "card", "card_"),
    "Charge": (stripe.Charge, "charge", "ch_"),
    "CheckoutSession": (stripe.checkout.Session, "checkout.session", "cs_test_"),
    "Customer": (stripe.Customer, "customer", "cus_"),
    "Event": (stripe.Event, "event", "evt_"),
    "PaymentIntent": (stripe.PaymentIntent, "payment_intent", "pi_"),
    "Payout": (stripe.Payout, "payout", "po_"),
    "Person": (stripe.Person, "person", "person_"),
    "Refund": (stripe.Refund, "refund", "re_"),
    "Transfer": (stripe.Transfer, "transfer", "tr_"),
}


def test_every_resource_has_a_mock():
    assert set(RESOURCES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_get_mock_resource_returns_the_stripe_python_class(name):
    cls, object_type, prefix = EXPECTED[name]
    obj = get_mock_resource(name)
    assert isinstance(obj, cls)
    assert obj.object == object_type and obj.id.startswith(prefix)


def test_mocks_are_in_a_realistic_state():
    account = get_mock_resource("Account")
    assert account.charges_enabled and account.payouts_enabled
    assert account.capabilities.to_dict() == {"card_payments": "active", "transfers": "active"}
    assert account.requirements.currently_due == [] and account.external_accounts.data[0].last4 == "6789"
    charge = get_mock_resource("Charge")
    assert (charge.status, charge.paid, charge.captured, charge.amount) == ("succeeded", True, True, 2000)
    assert get_mock_resource("PaymentIntent").status == "succeeded"
    refund = get_mock_resource("Refund")
    assert refund.status == "succeeded" and refund.charge.startswith("ch_")
    assert get_mock_resource("Event").type == "account.updated"


def test_overrides_replace_top_level_values():
    card = get_mock_resource("Card", name="Rocky Road", exp_year=2040)
    assert card.name == "Rocky Road" and card.exp_year == 2040 and card.last4 == "4242"


def test_nested_overrides_merge_into_the_default():
    account = get_mock_resource("Account", requirements={"currently_due": ["individual.dob.day"]},
                                metadata={"seller": "7"})
    assert account.requirements.currently_due == ["individual.dob.day"]
    assert account.requirements.past_due == [] and "eventually_due" in account.requirements
    assert account.metadata.to_dict() == {"seller": "7"}
    # Nested StripeObjects are typed like the client's.
    assert isinstance(account.external_accounts.data[0], stripe.BankAccount)


def test_merge_replaces_lists_and_leaves_its_arguments_alone():
    base = {"a": {"b": [1], "c": 1}}
    assert merge(base, {"a": {"b": [2]}}) == {"a": {"b": [2], "c": 1}}
    assert base == {"a": {"b": [1], "c": 1}}


def test_ids_never_repeat():
    ids = {get_mock_resource("Customer").id for _ in range(3)}
    assert len(ids) == 3


def test_mock_object_is_a_plain_json_dict_a_fake_can_serve():
    obj = mock_object("Customer", email="seed@example.com")
    assert type(obj) is dict and json.loads(json.dumps(obj)) == obj
    fake = FakeStripe()
    fake.save(obj)
    client = stripe.StripeClient("sk_test_x", http_client=fake)
    assert client.v1.customers.retrieve(obj["id"]).email == "seed@example.com"


def test_unknown_resources_are_refused():
    with pytest.raises(ValueError, match="No mock for 'Plan'"):
        get_mock_resource("Plan")


def test_mock_event_wraps_an_object_like_a_connect_webhook():
    account = get_mock_resource("Account")
    event = mock_event("account.updated", account, account=account.id,
                       data={"previous_attributes": {"charges_enabled": False}})
    assert event["object"] == "event" and event["type"] == "account.updated"
    assert event["id"].startswith("evt_") and event["account"] == account.id
    assert event["data"]["object"] == account.to_dict()
    assert event["data"]["previous_attributes"] == {"charges_enabled": False}
    assert event["api_version"] and event["livemode"] is False
    # A platform event carries no ``account``, as on Stripe.
    assert "account" not in mock_event("charge.succeeded", mock_object("Charge"))
    # It parses as Stripe's own Event.
    assert stripe.Event.construct_from(event, "sk_test_x").data.object.id == account.id


def test_fields_named_like_the_arguments_can_be_overridden():
    # Seed 000's own example: a card whose holder is Rocky Road.
    assert get_mock_resource("Card", name="Rocky Road").name == "Rocky Road"
    assert mock_event("payout.paid", mock_object("Payout"), type="payout.failed")["type"] == "payout.failed"
