"""Stripe's test cards: the one table the whole fake uses, and the ``card``
object built from them.

A test card is usable as ``tok_<name>`` (card token / charge source),
``pm_card_<name>`` (payment method) and by its number (``POST /v1/tokens``,
external accounts). Its behaviour — a decline, 3D Secure — follows the number,
found again from a stored card's ``fingerprint``: the fake never keeps a full
card number, only brand, ``last4`` and the fingerprint.
"""

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from .core import FakeStripe

# name -> (number, brand, funding); brands as payment methods spell them.
TEST_CARDS = {
    "visa": ("4242424242424242", "visa", "credit"),
    "visa_debit": ("4000056655665556", "visa", "debit"),
    "mastercard": ("5555555555554444", "mastercard", "credit"),
    "mastercard_debit": ("5200828282828210", "mastercard", "debit"),
    "amex": ("378282246310005", "amex", "credit"),
    "discover": ("6011111111111117", "discover", "credit"),
    "bypassPending": ("4000000000000077", "visa", "credit"),
    "chargeDeclined": ("4000000000000002", "visa", "credit"),
    "chargeDeclinedInsufficientFunds": ("4000000000009995", "visa", "credit"),
    "chargeDeclinedLostCard": ("4000000000009987", "visa", "credit"),
    "chargeDeclinedStolenCard": ("4000000000009979", "visa", "credit"),
    "chargeDeclinedFraudulent": ("4100000000000019", "visa", "credit"),
    "chargeDeclinedExpiredCard": ("4000000000000069", "visa", "credit"),
    "chargeDeclinedIncorrectCvc": ("4000000000000127", "visa", "credit"),
    "authenticationRequired": ("4000002760003184", "visa", "credit"),
    # Disputes and fraud warnings (fake/disputes.py)
    "createDispute": ("4000000000000259", "visa", "credit"),
    "createDisputeProductNotReceived": ("4000000000002685", "visa", "credit"),
    "createDisputeInquiry": ("4000000000001976", "visa", "credit"),
    "createIssuerFraudRecord": ("4000000000005423", "visa", "credit"),
}
CARD_BY_NUMBER = {number: name for name, (number, _, _) in TEST_CARDS.items()}

# number -> (code, decline_code, message) of the card error Stripe returns.
DECLINES = {
    "4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "4000000000009987": ("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": ("card_declined", "stolen_card", "Your card was declined."),
    "4100000000000019": ("card_declined", "fraudulent", "Your card was declined."),
    "4000000000000069": ("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": ("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
}
AUTHENTICATION_REQUIRED = {"4000002760003184"}

# payment methods say "amex", legacy card objects "American Express"
BRAND_NAMES = {"visa": "Visa", "mastercard": "MasterCard", "amex": "American Express",
               "discover": "Discover"}


def fingerprint(*parts: str) -> str:
    """A stable, non-reversible-looking 16-character fingerprint."""
    digest = hashlib.sha256(("pinax-fake|" + "|".join(parts)).encode()).hexdigest()
    return digest[:16]


def brand_of(number: str) -> str:
    """The brand (payment method spelling) of a card number, by its prefix."""
    if number.startswith("4"):
        return "visa"
    if number[:1] == "5" or number[:1] == "2":
        return "mastercard"
    if number[:2] in ("34", "37"):
        return "amex"
    if number.startswith("6"):
        return "discover"
    return "unknown"


def card_details(
    number: str, exp_month: int | str = 12, exp_year: int | str = 2034, funding: str | None = None
) -> dict[str, Any]:
    """What the fake keeps about a card: never the full number, only a fingerprint."""
    name = CARD_BY_NUMBER.get(number)
    brand, fund = (TEST_CARDS[name][1], TEST_CARDS[name][2]) if name else (brand_of(number), "credit")
    return {
        "brand": brand,
        "country": "US",
        "exp_month": int(exp_month),
        "exp_year": int(exp_year),
        "fingerprint": fingerprint("card", number),
        "funding": funding or fund,
        "last4": number[-4:],
    }


def number_of_card(details: Mapping[str, Any]) -> str | None:
    """The test card number behind stored details (by fingerprint), or None."""
    for number in CARD_BY_NUMBER:
        if fingerprint("card", number) == details.get("fingerprint"):
            return number
    return None


def test_card_number(value: object, prefixes: Iterable[str]) -> str | None:
    """The number of a magic test value like ``tok_visa`` / ``pm_card_visa``
    (``tok_visa_chargeDeclined`` works too), or None."""
    for prefix in prefixes:
        if isinstance(value, str) and value.startswith(prefix):
            name = value[len(prefix):]
            if name.startswith("visa_") and name[5:] in TEST_CARDS:
                name = name[5:]
            if name in TEST_CARDS:
                return TEST_CARDS[name][0]
    return None


def details_of_card(card: Mapping[str, Any]) -> dict[str, Any]:
    """The payment-method style details of a stored ``card`` object."""
    return {k: card[k] for k in ("country", "exp_month", "exp_year", "fingerprint",
                                 "funding", "last4")} | {"brand": brand_key(card["brand"])}


def brand_key(display: str) -> str:
    """``"American Express"`` -> ``"amex"``."""
    return {v: k for k, v in BRAND_NAMES.items()}.get(display, display.lower())


def card_object(
    fake: FakeStripe, details: Mapping[str, Any], customer: str | None = None,
    raw: Mapping[str, Any] | None = None, cvc_check: str | None = "pass",
) -> dict[str, Any]:
    """A ``card`` object (not stored) from ``details`` (:func:`card_details`);
    ``raw`` carries the holder fields sent with it (name, address_*, currency)."""
    raw = raw or {}
    debit = details["funding"] == "debit"
    return {
        "id": fake.new_id("card"),
        "object": "card",
        "account": None,
        "address_city": raw.get("address_city"),
        "address_country": raw.get("address_country"),
        "address_line1": raw.get("address_line1"),
        "address_line1_check": "pass" if raw.get("address_line1") else None,
        "address_line2": raw.get("address_line2"),
        "address_state": raw.get("address_state"),
        "address_zip": raw.get("address_zip"),
        "address_zip_check": "pass" if raw.get("address_zip") else None,
        "available_payout_methods": ["standard", "instant"] if debit else None,
        "brand": BRAND_NAMES.get(details["brand"], details["brand"].title()),
        "country": details["country"],
        "currency": (raw.get("currency") or "usd").lower() if debit else None,
        "customer": customer,
        "cvc_check": cvc_check,
        "default_for_currency": None,
        "dynamic_last4": None,
        "exp_month": details["exp_month"],
        "exp_year": details["exp_year"],
        "fingerprint": details["fingerprint"],
        "funding": details["funding"],
        "last4": details["last4"],
        "metadata": {},
        "name": raw.get("name"),
        "status": None,
        "tokenization_method": None,
    }
