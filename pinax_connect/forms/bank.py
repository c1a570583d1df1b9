"""Bank account fields that fit the seller's country, checked before Stripe sees them.

Stripe takes a bank account as ``external_account[routing_number]`` plus
``external_account[account_number]``; what sellers actually know is a US routing
number, a Canadian transit + institution number, a UK sort code, an Australian
BSB, an IBAN... Each :class:`BankScheme` knows its country's fields, validates them
locally (ABA and IBAN checksums) and builds the Stripe hash.

Full account numbers and IBANs are sensitive: their widgets never render the value
back, and validation messages never quote it.
"""
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .widgets import SensitiveInput

EURO_AREA = {
    "AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK",
}
# Non-euro countries where Stripe pays out to an IBAN, with their currency.
OTHER_IBAN_COUNTRIES = {
    "BG": "bgn", "CH": "chf", "CZ": "czk", "DK": "dkk", "HU": "huf", "LI": "chf",
    "NO": "nok", "PL": "pln", "RO": "ron", "SE": "sek", "GI": "gbp",
}
CURRENCIES = {
    "US": "usd", "CA": "cad", "GB": "gbp", "AU": "aud", "NZ": "nzd", "SG": "sgd",
    "JP": "jpy", "HK": "hkd", "MX": "mxn", "BR": "brl", "IN": "inr", "MY": "myr", "TH": "thb",
    **{c: "eur" for c in EURO_AREA},
    **OTHER_IBAN_COUNTRIES,
}

# IBAN lengths by country (ISO 13616 registry) for the countries Stripe supports.
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21,
    "HU": 28, "IE": 22, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
}


def default_currency(country):
    """The currency a bank account in ``country`` is normally held in."""
    return CURRENCIES.get(country, "usd")


def compact(value):
    """``value`` without spaces and dashes, upper-cased."""
    return re.sub(r"[\s-]", "", value or "").upper()


def iban_is_valid(iban):
    """True when ``iban`` (compact) has a known length for its country and its mod-97 checksum is 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{1,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def aba_is_valid(routing_number):
    """True when ``routing_number`` is 9 digits with a valid ABA checksum."""
    if not re.fullmatch(r"\d{9}", routing_number):
        return False
    d = [int(c) for c in routing_number]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


class DigitsField(forms.CharField):
    """Digits only (spaces and dashes ignored), with a length range and an optional checksum."""

    def __init__(self, *, min_digits, max_digits, checksum=None, sensitive=False, **kwargs):
        self.min_digits, self.max_digits, self.checksum = min_digits, max_digits, checksum
        if sensitive:
            kwargs.setdefault("widget", SensitiveInput())
        kwargs.setdefault("max_length", max_digits + 8)  # room for separators
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        digits = compact(value)
        if not digits.isdigit() or not (self.min_digits <= len(digits) <= self.max_digits):
            if self.min_digits == self.max_digits:
                msg = _("Enter exactly %(min)s digits.")
            else:
                msg = _("Enter between %(min)s and %(max)s digits.")
            raise ValidationError(msg, code="invalid_length", params={"min": self.min_digits, "max": self.max_digits})
        if self.checksum and not self.checksum(digits):
            raise ValidationError(_("This number is not valid: please check it."), code="invalid_checksum")
        return digits


class IBANField(forms.CharField):
    """An IBAN, checked (country, length, mod-97) locally; never re-rendered."""

    def __init__(self, *, country=None, **kwargs):
        self.country = country
        kwargs.setdefault("widget", SensitiveInput())
        kwargs.setdefault("max_length", 42)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        iban = compact(value)
        if not iban_is_valid(iban):
            raise ValidationError(_("Enter a valid IBAN."), code="invalid_iban")
        return iban


@dataclass(frozen=True)
class BankScheme:
    """How one country's bank details are asked for and sent to Stripe.

    ``routing`` lists the suffixes whose digits, joined by ``joiner``, make
    Stripe's ``routing_number`` (empty when the account number is an IBAN).
    """

    name: str
    routing: tuple = ()
    joiner: str = ""
    make_fields: object = field(default=None, repr=False)

    def fields(self, country):
        """Fresh form fields (``suffix -> Field``): new instances on every call."""
        out = self.make_fields(country)
        out["account_holder_name"] = forms.CharField(label=_("Account holder name"), max_length=255)
        return out

    def to_params(self, values, country, currency=None):
        """The ``external_account`` hash Stripe takes (``object: bank_account``)."""
        iban = values.get("iban")
        params = {
            "object": "bank_account",
            # An IBAN says where the bank is (a German seller may bank in Lithuania).
            "country": iban[:2] if iban else country,
            "currency": currency or default_currency(country),
            "account_number": iban or values["account_number"],
        }
        routing = self.joiner.join(values[s] for s in self.routing if values.get(s))
        if routing:
            params["routing_number"] = routing
        if values.get("account_holder_name"):
            params["account_holder_name"] = values["account_holder_name"]
        if values.get("account_holder_type"):
            params["account_holder_type"] = values["account_holder_type"]
        return params

    def suffix_for(self, name):
        """The field a Stripe error on ``external_account[<name>]`` belongs on."""
        if name == "routing_number" and self.routing:
            return self.routing[0]
        if name == "account_number":
            return "iban" if self.name == "iban" else "account_number"
        if name == "account_holder_name":
            return "account_holder_name"
        return None


def _account_number(min_digits, max_digits, label=None):
    return DigitsField(
        label=label or _("Account number"), min_digits=min_digits, max_digits=max_digits, sensitive=True
    )


SCHEMES = {
    "US": BankScheme("aba", ("routing_number",), make_fields=lambda c: {
        "routing_number": DigitsField(label=_("Routing number"), min_digits=9, max_digits=9, checksum=aba_is_valid),
        "account_number": _account_number(4, 17),
    }),
    # Stripe writes Canadian routing numbers as "<transit>-<institution>".
    "CA": BankScheme("ca", ("transit_number", "institution_number"), "-", make_fields=lambda c: {
        "transit_number": DigitsField(label=_("Transit number"), min_digits=5, max_digits=5),
        "institution_number": DigitsField(label=_("Institution number"), min_digits=3, max_digits=3),
        "account_number": _account_number(7, 12),
    }),
    "GB": BankScheme("sort_code", ("sort_code",), make_fields=lambda c: {
        "sort_code": DigitsField(label=_("Sort code"), min_digits=6, max_digits=6),
        "account_number": _account_number(8, 8),
    }),
    "AU": BankScheme("bsb", ("bsb",), make_fields=lambda c: {
        "bsb": DigitsField(label=_("BSB"), min_digits=6, max_digits=6),
        "account_number": _account_number(5, 9),
    }),
    # Singapore: "<bank code>-<branch code>"; Japan: bank code followed by branch code.
    "SG": BankScheme("sg", ("bank_code", "branch_code"), "-", make_fields=lambda c: {
        "bank_code": DigitsField(label=_("Bank code"), min_digits=4, max_digits=4),
        "branch_code": DigitsField(label=_("Branch code"), min_digits=3, max_digits=3),
        "account_number": _account_number(6, 12),
    }),
    "JP": BankScheme("jp", ("bank_code", "branch_code"), make_fields=lambda c: {
        "bank_code": DigitsField(label=_("Bank code"), min_digits=4, max_digits=4),
        "branch_code": DigitsField(label=_("Branch code"), min_digits=3, max_digits=3),
        "account_number": _account_number(4, 8),
    }),
}
IBAN_SCHEME = BankScheme("iban", make_fields=lambda c: {"iban": IBANField(label=_("IBAN"), country=c)})
# Elsewhere: Stripe's two generic fields; Stripe validates them.
GENERIC_SCHEME = BankScheme("generic", ("routing_number",), make_fields=lambda c: {
    "routing_number": forms.CharField(label=_("Routing / bank code"), max_length=64, required=False),
    "account_number": _account_number(1, 34),
})


def scheme_for(country):
    """The :class:`BankScheme` for a bank account in ``country``."""
    if country in EURO_AREA or country in OTHER_IBAN_COUNTRIES:
        return IBAN_SCHEME
    return SCHEMES.get(country, GENERIC_SCHEME)
