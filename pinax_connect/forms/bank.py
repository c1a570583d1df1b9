"""Bank account fields that fit the seller's country, checked before Stripe sees them.

Stripe takes a bank account as ``external_account[routing_number]`` plus
``external_account[account_number]``; what sellers actually know is a US routing
number, a Canadian transit + institution number, a UK sort code, an Australian
BSB, an Indian IFSC, a Mexican CLABE, an IBAN... The formats live in the country
table (:mod:`pinax_connect.countries`); a :class:`BankScheme` turns one into form
fields, validates them locally (ABA, IBAN and CLABE checksums) and builds the
Stripe hash.

Full account numbers and IBANs are sensitive: their widgets never render the value
back, and validation messages never quote it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import countries
from ..countries import EURO_AREA, IBAN_LENGTHS, aba_is_valid, iban_is_valid  # noqa: F401  (public names)
from .widgets import SensitiveInput

_CHECKSUMS = {"aba": aba_is_valid, "clabe": countries.clabe_is_valid}


def default_currency(country: str) -> str:
    """The currency a bank account in ``country`` is normally held in."""
    return countries.default_currency(country)


def compact(value: str | None) -> str:
    """``value`` without spaces and dashes, upper-cased."""
    return re.sub(r"[\s-]", "", value or "").upper()


class PatternField(forms.CharField):
    """A bank code or number (spaces and dashes ignored) that must match ``pattern``."""

    def __init__(self, *, pattern: str, example: str = "", checksum: Callable[[str], bool] | None = None,
                 sensitive: bool = False, **kwargs: Any) -> None:
        self.pattern, self.example, self.checksum = pattern, example, checksum
        if sensitive:
            kwargs.setdefault("widget", SensitiveInput())
        kwargs.setdefault("max_length", 42)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in self.empty_values:
            return value
        code = compact(value)
        if not re.fullmatch(self.pattern, code):
            digits = re.fullmatch(r"\\d\{(\d+)(?:,(\d+))?\}", self.pattern)
            if digits:
                low, high = digits.group(1), digits.group(2) or digits.group(1)
                msg = _("Enter exactly %(min)s digits.") if low == high else _(
                    "Enter between %(min)s and %(max)s digits.")
                raise ValidationError(msg, code="invalid_length", params={"min": low, "max": high})
            raise ValidationError(_("Enter a valid code (for example %(example)s)."), code="invalid_format",
                                  params={"example": self.example})
        if self.checksum and not self.checksum(code):
            raise ValidationError(_("This number is not valid: please check it."), code="invalid_checksum")
        return code


class IBANField(forms.CharField):
    """An IBAN, checked (country, length, mod-97) locally; never re-rendered."""

    def __init__(self, *, country: str | None = None, **kwargs: Any) -> None:
        self.country = country
        kwargs.setdefault("widget", SensitiveInput())
        kwargs.setdefault("max_length", 42)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
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

    ``routing`` lists the field names whose values, joined by ``joiner``, make
    Stripe's ``routing_number`` (empty when the account number says it all: IBAN, CLABE).
    """

    name: str
    format: countries.BankFormat | None = None

    @property
    def routing(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.format.parts) if self.format else ("routing_number",)

    @property
    def joiner(self) -> str:
        return self.format.joiner if self.format else ""

    def fields(self, country: str) -> dict[str, forms.Field]:
        """Fresh form fields (``suffix -> Field``): new instances on every call."""
        fmt = self.format
        out: dict[str, forms.Field]
        if fmt is None:  # not a Stripe country: Stripe's two generic fields, Stripe validates
            out = {
                "routing_number": forms.CharField(label=_("Routing / bank code"), max_length=64, required=False),
                "account_number": PatternField(label=_("Account number"), pattern=r"[A-Z0-9]{1,34}",
                                               sensitive=True),
            }
        elif fmt.iban:
            out = {"iban": IBANField(label=_("IBAN"), country=country)}
        else:
            out = {part.name: PatternField(label=_(part.label), pattern=part.pattern, example=part.example,
                                           checksum=_CHECKSUMS.get(fmt.checksum) if len(fmt.parts) == 1 else None)
                   for part in fmt.parts}
            out["account_number"] = PatternField(
                label=_(fmt.account_label), pattern=fmt.account_pattern, sensitive=True,
                checksum=_CHECKSUMS.get(fmt.checksum) if not fmt.parts else None)
        out["account_holder_name"] = forms.CharField(label=_("Account holder name"), max_length=255)
        return out

    def to_params(self, values: Mapping[str, Any], country: str, currency: str | None = None) -> dict[str, Any]:
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

    def suffix_for(self, name: str) -> str | None:
        """The field a Stripe error on ``external_account[<name>]`` belongs on."""
        if self.name == "iban" and name in ("account_number", "routing_number", "country"):
            return "iban"
        if name == "routing_number":
            return self.routing[0] if self.routing else "account_number"
        if name == "account_number":
            return "account_number"
        if name == "account_holder_name":
            return "account_holder_name"
        return None


GENERIC_SCHEME = BankScheme("generic")


def scheme_for(country: str) -> BankScheme:
    """The :class:`BankScheme` for a bank account in ``country`` (from the country table)."""
    if not countries.is_supported(country):
        return GENERIC_SCHEME
    fmt = countries.get(country).bank
    return BankScheme(fmt.name, fmt)
