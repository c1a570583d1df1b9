"""money.format_amount (display of stored values) and money.minimum_charge_amount."""
from decimal import Decimal

import pytest

from pinax_connect import money


@pytest.mark.parametrize("amount,currency,shown", [
    (Decimal("-11.25"), "usd", "-11.25 USD"),  # a refund after a payout
    (Decimal("27"), "usd", "27.00 USD"),
    (Decimal("500"), "jpy", "500 JPY"),
    (Decimal("5.12"), "kwd", "5.120 KWD"),
    (Decimal("-0.00"), "eur", "0.00 EUR"),
    (Decimal("1.005"), "usd", "1.005 USD"),  # more precision than USD has: shown, not refused
    ("3", "zzz", "3 ZZZ"),  # unknown currency
    ("not a number", "usd", "not a number USD"),
    (None, "usd", ""),
])
def test_format_amount_never_raises(amount, currency, shown):
    assert money.format_amount(amount, currency) == shown


def test_to_minor_still_refuses_negative_amounts():
    with pytest.raises(ValueError):
        money.to_minor(Decimal("-1"), "usd")


def test_minimum_charge_amounts():
    assert money.minimum_charge_amount("USD") == Decimal("0.50")
    assert money.minimum_charge_amount("gbp") == Decimal("0.30")
    assert money.minimum_charge_amount("jpy") == Decimal("50")
    assert money.minimum_charge_amount("xof") is None
    for code, minimum in money.MINIMUM_CHARGE_AMOUNTS.items():
        assert money.to_minor(minimum, code) > 0
