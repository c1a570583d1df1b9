"""Conversion between ``Decimal`` amounts and Stripe's integer minor units.

Every amount crosses this module on its way to or from Stripe, so currency rules
live here only: zero-decimal currencies (JPY: 500 means ¥500), three-decimal
currencies (KWD: 5.120 is sent as 5120, and Stripe requires the last digit to be 0),
and the two-decimal rest.
"""
from decimal import Decimal, InvalidOperation

# What the actions accept as an amount in major units (``Decimal("12.50")``, ``12``,
# ``"12.50"``; a float is accepted and converted through its shortest repr).
Amount = Decimal | int | float | str

ZERO_DECIMAL_CURRENCIES = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
THREE_DECIMAL_CURRENCIES = frozenset("bhd jod kwd omr tnd".split())

# Currencies Stripe can charge in (ISO 4217, lower case as Stripe writes them).
SUPPORTED_CURRENCIES = frozenset(
    """
    aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd
    bwp byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp
    gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr
    kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn
    myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf
    sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx
    usd uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw
    """.split()
)

# Currencies Stripe treats as two-decimal on the wire but that cannot carry a
# fractional part (the minor-unit amount must be a multiple of 100).
WHOLE_UNIT_TWO_DECIMAL = frozenset({"isk"})


def normalize_currency(currency: object) -> str:
    """Return ``currency`` lower-cased, or raise ``ValueError`` if Stripe does not know it."""
    code = str(currency or "").strip().lower()
    if code not in SUPPORTED_CURRENCIES:
        raise ValueError(f"Unknown or unsupported currency: {currency!r}")
    return code


def exponent(currency: str) -> int:
    """Number of minor-unit digits Stripe uses for ``currency`` (0, 2 or 3)."""
    code = normalize_currency(currency)
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def _as_decimal(amount: object) -> Decimal:
    if isinstance(amount, bool):
        raise ValueError(f"Not an amount: {amount!r}")  # Decimal(True) would be 1
    if isinstance(amount, float):
        # str() gives the shortest repr, so 5.1 becomes Decimal("5.1"), not 5.0999...
        amount = str(amount)
    try:
        value = Decimal(amount)  # type: ignore[arg-type]  # anything else is refused below
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"Not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"Not a finite amount: {amount!r}")
    return value


def to_minor(amount: object, currency: str, *, allow_negative: bool = False) -> int:
    """Convert a major-unit amount (``Decimal``, ``int``, ``str`` or ``float``) to Stripe's integer.

    Raises ``ValueError`` for unknown currencies, negative amounts (unless
    ``allow_negative``), or more precision than Stripe accepts for the currency.
    """
    code = normalize_currency(currency)
    value = _as_decimal(amount)
    if value < 0 and not allow_negative:
        raise ValueError(f"Amount must not be negative: {value}")
    digits = exponent(code)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(
            f"{value} has more decimal places than {code.upper()} allows ({digits})"
        )
    minor = int(scaled)
    if code in THREE_DECIMAL_CURRENCIES and minor % 10:
        raise ValueError(
            f"{value} {code.upper()}: Stripe requires the last of three decimal digits to be 0"
        )
    if code in WHOLE_UNIT_TWO_DECIMAL and minor % 100:
        raise ValueError(f"{value} {code.upper()}: amounts must be whole units")
    return minor


def from_minor(amount: int, currency: str) -> Decimal:
    """Convert Stripe's integer minor units to a ``Decimal`` in major units.

    ``None`` stays ``None`` (Stripe leaves many amounts null).
    """
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"Stripe amounts are integers, got {amount!r}")
    digits = exponent(currency)
    return Decimal(amount).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


# Stripe's smallest charge per settlement currency, in major units (docs.stripe.com/currencies,
# "Minimum and maximum charge amounts"). Stripe refuses a smaller charge with
# ``amount_too_small``; a currency not listed here has no minimum we know of beyond > 0.
MINIMUM_CHARGE_AMOUNTS: dict[str, Decimal] = {
    code: Decimal(value)
    for code, value in {
        "usd": "0.50", "aed": "2.00", "aud": "0.50", "bgn": "1.00", "brl": "0.50", "cad": "0.50",
        "chf": "0.50", "czk": "15.00", "dkk": "2.50", "eur": "0.50", "gbp": "0.30", "hkd": "4.00",
        "huf": "175.00", "inr": "0.50", "jpy": "50", "mxn": "10", "myr": "2", "nok": "3.00",
        "nzd": "0.50", "pln": "2.00", "ron": "2.00", "sek": "3.00", "sgd": "0.50", "thb": "10",
    }.items()
}


def minimum_charge_amount(currency: str) -> Decimal | None:
    """The smallest amount Stripe charges in ``currency`` (major units), or ``None`` if unknown.

    Validate prices with it before a buyer meets Stripe's ``amount_too_small``.
    """
    return MINIMUM_CHARGE_AMOUNTS.get(str(currency or "").strip().lower())


def format_amount(amount: object, currency: object) -> str:
    """``"-11.25 USD"``: an amount as people read it, in the currency's own decimals.

    Meant for display of stored values, so it never raises: negative amounts
    (refunds after a payout, disputes) keep their sign, ``None`` gives ``""``, and a
    value this module would refuse (an unknown currency, more decimals than the
    currency has) is shown as it is rather than breaking the page.
    """
    if amount is None or amount == "":
        return ""
    return f"{format_number(amount, currency)} {str(currency or '').strip().upper()}".strip()


def format_number(amount: object, currency: object) -> str:
    """The number part of :func:`format_amount`: ``"25.00"``, ``"2500"`` for JPY, ``"-11.25"``.

    Never raises: a value or currency this module would refuse is shown as given."""
    try:
        value = _as_decimal(amount)
        digits = exponent(str(currency or "").strip())
    except ValueError:
        return str(amount)
    quantum = Decimal(1).scaleb(-digits)
    shown = value.quantize(quantum) if value == value.quantize(quantum) else value
    if shown == 0:
        shown = abs(shown)  # never "-0.00"
    return str(shown)
