"""What a payment is made with, in the fake Stripe: legacy card sources
(``tok_<card>``, ``card_...``) and PaymentMethod objects (``pm_card_<card>``,
``pm_...``), resolved from what a request passes. Test values are the cards in
:data:`.cards.TEST_CARDS`; raw card numbers work too. The fake never keeps a
full card number, only brand, last4 and a fingerprint."""

import copy
from collections.abc import Mapping
from typing import Any

from .banking import use_token
from .cards import card_details, card_object, details_of_card, test_card_number
from .core import FakeStripe, FakeStripeError


def card_source(
    fake: FakeStripe, details: Mapping[str, Any], account: str | None, customer: str | None = None
) -> dict[str, Any]:
    """A legacy ``card`` object (customer source / charge source), stored."""
    return fake.save(card_object(fake, details, customer), account)


_PM_TYPES = (
    "acss_debit affirm afterpay_clearpay alipay au_becs_debit bacs_debit bancontact blik boleto "
    "card_present cashapp customer_balance eps fpx giropay grabpay ideal interac_present klarna "
    "konbini link oxxo p24 paynow paypal pix promptpay sepa_debit sofort us_bank_account "
    "wechat_pay zip"
).split()


def payment_method_object(
    fake: FakeStripe, details: Mapping[str, Any], account: str | None, billing_details: Any = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Store and return a new card ``payment_method``."""
    pm: dict[str, Any] = {
        "id": fake.new_id("pm"),
        "object": "payment_method",
        "billing_details": {
            "address": {"city": None, "country": None, "line1": None, "line2": None,
                        "postal_code": None, "state": None},
            "email": None,
            "name": None,
            "phone": None,
        },
        "card": {
            **details,
            "checks": {"address_line1_check": None, "address_postal_code_check": None,
                       "cvc_check": "pass"},
            "generated_from": None,
            "networks": {"available": [details["brand"]], "preferred": None},
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": fake.now(),
        "customer": None,
        "livemode": False,
        "metadata": metadata or {},
        "radar_options": {},
        "type": "card",
    }
    pm.update({t: None for t in _PM_TYPES})
    if isinstance(billing_details, dict):
        for key, value in billing_details.items():
            if key == "address" and isinstance(value, dict):
                pm["billing_details"]["address"].update(value)
            elif key in pm["billing_details"]:
                pm["billing_details"][key] = value or None
    return fake.save(pm, account)


def resolve_payment_method(
    fake: FakeStripe, value: str, account: str | None, name: str = "payment_method"
) -> dict[str, Any]:
    """A stored payment method for ``value``; ``pm_card_*`` test ids create a
    fresh one each time, as on Stripe."""
    number = test_card_number(value, ("pm_card_",))
    if number:
        return payment_method_object(fake, card_details(number), account)
    pm = fake.find(value, account, "payment_method", param=name)
    return pm


def card_from_token(
    fake: FakeStripe, value: str, account: str | None, customer: str | None = None, name: str = "source"
) -> dict[str, Any] | None:
    """The card (stored in ``account``'s scope) behind a test token such as
    ``tok_visa`` / ``tok_chargeDeclined``, or a token from ``POST /v1/tokens``
    (consumed); None if ``value`` is no token."""
    number = test_card_number(value, ("tok_",))
    if number:
        return card_source(fake, card_details(number), account, customer)
    if fake.get(value, account, "token") is None and fake.get(value, None, "token") is None:
        return None
    token = use_token(fake, value, account, {"card"}, name)
    card = dict(copy.deepcopy(token["card"]), customer=customer)
    return fake.save(card, account)


def resolve_source(
    fake: FakeStripe, value: str, account: str | None, customer: str | None = None, name: str = "source"
) -> tuple[str, dict[str, Any]]:
    """``(id, card details)`` of a charge source: a card token, a card
    (``card_*``) of the customer, or a payment method."""
    card = card_from_token(fake, value, account, name=name)
    if card is not None:
        return card["id"], details_of_card(card)
    if isinstance(value, str) and value.startswith("pm_"):
        pm = resolve_payment_method(fake, value, account, name)
        return pm["id"], pm["card"]
    card = fake.get(value, account, "card")
    if card is None or (customer and card.get("customer") not in (None, customer)):
        raise FakeStripeError.missing("source", value, param=name)
    return card["id"], details_of_card(card)


def _already_attached() -> FakeStripeError:
    return FakeStripeError.invalid(
        "payment_method",
        "The payment method you provided has already been attached to a customer.",
        code="payment_method_unexpected_state",
    )
