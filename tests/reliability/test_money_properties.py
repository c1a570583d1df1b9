"""Property tests of ``pinax_connect.money``: every currency round-trips, and what
Stripe would refuse is refused here (``ValueError``), never silently rounded."""
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pinax_connect import money
from pinax_connect.models import Charge

from .conftest import PROFILE, count

CURRENCIES = sorted(money.SUPPORTED_CURRENCIES)
currencies = st.sampled_from(CURRENCIES)
# Stripe amounts are integers; the largest a charge takes is 99,999,999 minor units,
# balances and reports go further. 10**15 covers both with room to spare.
minor_amounts = st.integers(min_value=0, max_value=10**15)


def _acceptable(minor, currency):
    """Whether Stripe takes ``minor`` units of ``currency`` as an amount we send."""
    if currency in money.THREE_DECIMAL_CURRENCIES:
        return minor % 10 == 0
    if currency in money.WHOLE_UNIT_TWO_DECIMAL:
        return minor % 100 == 0
    return True


@PROFILE
@given(currency=currencies, minor=minor_amounts)
def test_minor_units_round_trip_through_decimal_for_every_currency(currency, minor):
    count("money examples")
    major = money.from_minor(minor, currency)
    assert isinstance(major, Decimal)
    assert -major.as_tuple().exponent == money.exponent(currency)  # e.g. 5.00, 5, 5.000
    if _acceptable(minor, currency):
        assert money.to_minor(major, currency) == minor
        assert money.to_minor(str(major), currency) == minor
        assert money.to_minor(major, currency.upper()) == minor
    else:
        with pytest.raises(ValueError):
            money.to_minor(major, currency)


@PROFILE
@given(currency=currencies, minor=minor_amounts)
def test_every_amount_read_from_stripe_fits_the_model_columns(currency, minor):
    count("money examples")
    field = Charge._meta.get_field("amount")
    major = money.from_minor(minor, currency)
    digits = major.as_tuple()
    assert -digits.exponent <= field.decimal_places
    assert len(digits.digits) - (-digits.exponent) <= field.max_digits - field.decimal_places


@PROFILE
@given(currency=currencies, units=st.integers(0, 10**9), extra=st.integers(1, 9), places=st.integers(1, 6))
def test_more_decimal_places_than_the_currency_has_are_refused(currency, units, extra, places):
    count("money examples")
    digits = money.exponent(currency)
    # A non-zero digit one or more places past what the currency allows.
    amount = Decimal(units) + Decimal(extra).scaleb(-(digits + places))
    with pytest.raises(ValueError):
        money.to_minor(amount, currency)


@PROFILE
@given(currency=currencies, minor=st.integers(min_value=1, max_value=10**12))
def test_negative_amounts_are_refused_unless_asked_for(currency, minor):
    count("money examples")
    assume(_acceptable(minor, currency))
    negative = -money.from_minor(minor, currency)
    with pytest.raises(ValueError):
        money.to_minor(negative, currency)
    assert money.to_minor(negative, currency, allow_negative=True) == -minor


@PROFILE
@given(code=st.text(min_size=0, max_size=5))
def test_unknown_currencies_are_refused(code):
    count("money examples")
    assume(code.strip().lower() not in money.SUPPORTED_CURRENCIES)
    with pytest.raises(ValueError):
        money.to_minor("1", code)
    with pytest.raises(ValueError):
        money.from_minor(100, code)


@PROFILE
@given(currency=currencies, value=st.sampled_from(["NaN", "sNaN", "Infinity", "-Infinity", "", "1e", "1,5", "½"]))
def test_things_that_are_not_amounts_are_refused(currency, value):
    count("money examples")
    with pytest.raises(ValueError):
        money.to_minor(value, currency)


@PROFILE
@given(currency=currencies, cents=st.integers(0, 10**9))
def test_floats_with_the_currency_precision_convert_like_their_decimal(currency, cents):
    count("money examples")
    exact = Decimal(cents).scaleb(-money.exponent(currency))
    assume(_acceptable(cents, currency))
    assert money.to_minor(float(exact), currency) == cents


@PROFILE
@given(currency=currencies, value=st.one_of(st.floats(), st.text(max_size=3), st.booleans(), st.none()))
def test_from_minor_takes_only_stripes_integers(currency, value):
    count("money examples")
    if value is None:
        assert money.from_minor(value, currency) is None
        return
    with pytest.raises(ValueError):
        money.from_minor(value, currency)


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_amounts(value):
    with pytest.raises(ValueError):
        money.to_minor(value, "usd")
