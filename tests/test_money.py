from decimal import Decimal

import pytest

from pinax_connect import money

TWO_DECIMAL_SAMPLE = sorted(
    money.SUPPORTED_CURRENCIES - money.ZERO_DECIMAL_CURRENCIES - money.THREE_DECIMAL_CURRENCIES - money.WHOLE_UNIT_TWO_DECIMAL
)


def test_stripe_currency_lists_are_exact():
    assert money.ZERO_DECIMAL_CURRENCIES == set(
        "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".lower().split()
    )
    assert money.THREE_DECIMAL_CURRENCIES == set("BHD JOD KWD OMR TND".lower().split())
    assert money.ZERO_DECIMAL_CURRENCIES <= money.SUPPORTED_CURRENCIES
    assert money.THREE_DECIMAL_CURRENCIES <= money.SUPPORTED_CURRENCIES


@pytest.mark.parametrize("currency", sorted(money.ZERO_DECIMAL_CURRENCIES))
def test_zero_decimal_currencies(currency):
    assert money.exponent(currency) == 0
    assert money.to_minor(Decimal("500"), currency) == 500
    assert money.to_minor(Decimal("500.000"), currency) == 500
    assert money.from_minor(500, currency) == Decimal("500")
    with pytest.raises(ValueError, match="decimal places"):
        money.to_minor(Decimal("500.5"), currency)


@pytest.mark.parametrize("currency", sorted(money.THREE_DECIMAL_CURRENCIES))
def test_three_decimal_currencies(currency):
    assert money.exponent(currency) == 3
    assert money.to_minor(Decimal("5.12"), currency) == 5120
    assert money.to_minor(Decimal("5.120"), currency) == 5120
    assert money.from_minor(5120, currency) == Decimal("5.120")
    with pytest.raises(ValueError, match="last of three decimal digits"):
        money.to_minor(Decimal("5.125"), currency)
    with pytest.raises(ValueError, match="decimal places"):
        money.to_minor(Decimal("5.1251"), currency)


@pytest.mark.parametrize("currency", TWO_DECIMAL_SAMPLE)
def test_two_decimal_currencies(currency):
    assert money.exponent(currency) == 2
    assert money.to_minor(Decimal("10.99"), currency) == 1099
    assert money.from_minor(1099, currency) == Decimal("10.99")
    assert money.from_minor(1000, currency) == Decimal("10.00")
    with pytest.raises(ValueError, match="decimal places"):
        money.to_minor(Decimal("10.999"), currency)


def test_isk_is_two_decimal_on_the_wire_but_whole_units_only():
    assert money.to_minor(Decimal("150"), "isk") == 15000
    with pytest.raises(ValueError, match="whole units"):
        money.to_minor(Decimal("150.50"), "isk")


@pytest.mark.parametrize(
    "amount,expected",
    [(5, 500), ("5.00", 500), (5.1, 510), (0.29, 29), (Decimal("0.01"), 1), (0, 0), (Decimal("1E+2"), 10000)],
)
def test_accepted_input_types(amount, expected):
    assert money.to_minor(amount, "usd") == expected


def test_float_imprecision_does_not_leak():
    # 0.1 + 0.2 is 0.30000000000000004 as a float; its shortest repr is refused, not rounded.
    with pytest.raises(ValueError):
        money.to_minor(0.1 + 0.2, "usd")
    assert money.to_minor(19.99, "usd") == 1999


def test_currency_case_and_whitespace():
    assert money.to_minor("1", " USD ") == 100
    assert money.normalize_currency("JpY") == "jpy"


@pytest.mark.parametrize("currency", ["", None, "usdd", "xxx", "btc"])
def test_unknown_currency(currency):
    with pytest.raises(ValueError, match="currency"):
        money.to_minor("1", currency)


def test_negative_amounts():
    with pytest.raises(ValueError, match="negative"):
        money.to_minor(Decimal("-1"), "usd")
    assert money.to_minor(Decimal("-1.50"), "usd", allow_negative=True) == -150
    assert money.from_minor(-150, "usd") == Decimal("-1.50")


@pytest.mark.parametrize("amount", ["abc", "NaN", "Infinity", object(), "1,00"])
def test_not_amounts(amount):
    with pytest.raises(ValueError):
        money.to_minor(amount, "usd")


@pytest.mark.parametrize("value", [1.5, "150", True, Decimal("150")])
def test_from_minor_wants_integers(value):
    with pytest.raises(ValueError, match="integers"):
        money.from_minor(value, "usd")


def test_from_minor_keeps_none():
    assert money.from_minor(None, "usd") is None


@pytest.mark.parametrize("currency", sorted(money.SUPPORTED_CURRENCIES))
def test_round_trip_every_currency(currency):
    for minor in (0, 10, 1000, 123450, 99999990):
        if currency in money.WHOLE_UNIT_TWO_DECIMAL and minor % 100:
            continue
        assert money.to_minor(money.from_minor(minor, currency), currency) == minor
