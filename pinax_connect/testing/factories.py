"""Stripe objects for tests that need one without a conversation with Stripe.

``get_mock_resource("Account", email="x@example.com")`` returns a
``stripe.Account`` (a real stripe-python object, as the client returns it);
``mock_object`` returns the same thing as a plain dict, e.g. to seed a
:class:`FakeStripe` with ``fake.save(...)`` or to build webhook payloads;
``mock_event`` wraps an object in an ``event``.

There is no second copy of Stripe's shapes here: every object is made by the
fake Stripe itself — a private scratch :class:`FakeStripe` answers the same
API calls a marketplace makes (create an account and onboard it, charge a
card...) — and the overrides are merged into the result. Nested dicts merge
key by key (``requirements={"currently_due": ["x"]}`` keeps the other
requirement lists); any other value replaces the default.
"""

import copy
from typing import Any

import stripe
from stripe import _util

from .fake import FakeStripe
from .fake.core import event_object

__all__ = ["RESOURCES", "get_mock_resource", "merge", "mock_event", "mock_object"]

AMOUNT = 2000  # cents: the default amount of charges, intents, transfers...
CURRENCY = "usd"

_scratch: dict = {}


def _client() -> tuple[Any, Any]:
    """The scratch fake and a client on it, created on first use."""
    if not _scratch:
        fake = FakeStripe()
        _scratch["fake"] = fake
        _scratch["client"] = stripe.StripeClient("sk_test_factories", http_client=fake)
    return _scratch["fake"], _scratch["client"]


def _account(fake: Any, client: Any) -> Any:
    """A US custom account, onboarded: card_payments and transfers active, a bank account."""
    acct = client.v1.accounts.create(
        {
            "type": "custom",
            "country": "US",
            "email": "jenny.rosen@example.com",
            "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        }
    )
    fake.complete_onboarding(acct.id)
    return client.v1.accounts.retrieve(acct.id)


def _customer(fake: Any, client: Any) -> Any:
    return client.v1.customers.create(
        {"email": "jenny.rosen@example.com", "name": "Jenny Rosen", "description": "Test customer"}
    )


def _charge(fake: Any, client: Any) -> Any:
    return client.v1.charges.create(
        {"amount": AMOUNT, "currency": CURRENCY, "source": "tok_visa", "description": "Test charge"}
    )


def _payment_intent(fake: Any, client: Any) -> Any:
    return client.v1.payment_intents.create(
        {"amount": AMOUNT, "currency": CURRENCY, "payment_method": "pm_card_visa", "confirm": True,
         "payment_method_types": ["card"]}
    )


def _refund(fake: Any, client: Any) -> Any:
    return client.v1.refunds.create({"charge": _charge(fake, client).id})


def _transfer(fake: Any, client: Any) -> Any:
    destination = _account(fake, client)
    charge = _charge(fake, client)
    return client.v1.transfers.create(
        {"amount": AMOUNT // 2, "currency": CURRENCY, "destination": destination.id,
         "source_transaction": charge.id}
    )


def _payout(fake: Any, client: Any) -> Any:
    _charge(fake, client)  # funds to pay out
    return client.v1.payouts.create({"amount": AMOUNT // 2, "currency": CURRENCY})


def _bank_account(fake: Any, client: Any) -> Any:
    return _account(fake, client).external_accounts.data[0]


def _card(fake: Any, client: Any) -> Any:
    customer = _customer(fake, client)
    return client.v1.customers.payment_sources.create(customer.id, {"source": "tok_visa"})


def _application_fee(fake: Any, client: Any) -> Any:
    destination = _account(fake, client)
    charge = client.v1.charges.create(
        {"amount": AMOUNT, "currency": CURRENCY, "source": "tok_visa",
         "transfer_data": {"destination": destination.id}, "application_fee_amount": 200}
    )
    return client.v1.application_fees.retrieve(charge.application_fee)


def _checkout_session(fake: Any, client: Any) -> Any:
    return client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": "https://example.com/success",
            "cancel_url": "https://example.com/cancel",
            "line_items": [
                {"quantity": 1,
                 "price_data": {"currency": CURRENCY, "unit_amount": AMOUNT,
                                "product_data": {"name": "Test product"}}}
            ],
        }
    )


def _person(fake: Any, client: Any) -> Any:
    acct = client.v1.accounts.create(
        {"type": "custom", "country": "US", "business_type": "company",
         "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}}}
    )
    fake.complete_onboarding(acct.id)
    return client.v1.accounts.persons.list(acct.id).data[0]


def _capability(fake: Any, client: Any) -> Any:
    return client.v1.accounts.capabilities.retrieve(_account(fake, client).id, "card_payments")


def _event(fake: Any, client: Any) -> Any:
    acct = _account(fake, client)
    return client.v1.events.list({"limit": 1, "type": "account.updated"}, {"stripe_account": acct.id}).data[0]


RESOURCES = {
    "Account": _account,
    "ApplicationFee": _application_fee,
    "BankAccount": _bank_account,
    "Capability": _capability,
    "Card": _card,
    "Charge": _charge,
    "CheckoutSession": _checkout_session,
    "Customer": _customer,
    "Event": _event,
    "PaymentIntent": _payment_intent,
    "Payout": _payout,
    "Person": _person,
    "Refund": _refund,
    "Transfer": _transfer,
}


def merge(base: Any, overrides: Any) -> Any:
    """``base`` with ``overrides`` applied: dicts merge recursively, anything
    else (lists, strings, None) replaces. Neither argument is modified."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def mock_object(resource: str, /, **overrides: Any) -> dict:
    """A realistic Stripe object of ``resource`` (``"Account"``, ``"Charge"``...
    see ``RESOURCES``) as a plain dict, with ``overrides`` merged in (any
    field, ``name`` and ``type`` included). Ids are unique within the process."""
    try:
        build = RESOURCES[resource]
    except KeyError:
        raise ValueError(f"No mock for {resource!r}; known resources: {', '.join(sorted(RESOURCES))}") from None
    fake, client = _client()
    try:
        obj = build(fake, client).to_dict()
    finally:
        # Forget the scratch objects but keep the id counter, so ids never repeat.
        counter = fake.state["counter"]
        fake.reset()
        fake.state["counter"] = counter
    return merge(obj, overrides)


def get_mock_resource(resource: str, /, **overrides: Any) -> Any:
    """Like :func:`mock_object`, as the stripe-python object the client would
    return (``stripe.Account``, ``stripe.Charge``...; nested objects too)."""
    return _util.convert_to_stripe_object(mock_object(resource, **overrides))


def mock_event(type: str, obj: dict, /, account: str | None = None, **overrides: Any) -> dict:
    """An ``event`` dict of ``type`` about ``obj`` (a dict or StripeObject), as
    Stripe delivers it to a webhook endpoint; ``account`` marks a Connect
    event. ``overrides`` are merged in (e.g. ``data={"previous_attributes": {...}}``)."""
    if isinstance(obj, stripe.StripeObject):
        obj = obj.to_dict()
    fake, _ = _client()
    event = event_object(fake.new_id("evt"), type, obj, fake.now(), account=account)
    return merge(event, overrides)
