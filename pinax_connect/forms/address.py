"""Postal addresses as Stripe wants them, per country.

Stripe's address hash is ``line1``, ``line2``, ``city``, ``state``, ``postal_code``,
``country``. What ``state`` means (a US state, a Canadian province, an Australian
state, a Japanese prefecture) and what a postal code looks like depend on the
country; this module holds the subdivision lists, and reads postal-code rules from
:mod:`pinax_connect.countries`.
"""
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import countries

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The subdivision lists live in the country table (the fake Stripe checks states with them).
US_STATES, CA_PROVINCES = countries.STATES["US"], countries.STATES["CA"]
AU_STATES, JP_PREFECTURES = countries.STATES["AU"], countries.STATES["JP"]

# Countries whose addresses need a ``state`` picked from a fixed list, and its label.
SUBDIVISIONS = {
    "US": (_("State"), US_STATES),
    "CA": (_("Province"), CA_PROVINCES),
    "AU": (_("State"), AU_STATES),
    "JP": (_("Prefecture"), JP_PREFECTURES),
}

# Postal-code patterns and separators live in the country table.
POSTAL_CODES = countries.POSTAL_CODES
_SEPARATOR_AT = countries.POSTAL_SEPARATORS


def has_postal_code(country: str) -> bool:
    """False where the country has no postal codes (Hong Kong, the UAE): none is asked for."""
    return country not in countries.NO_POSTAL_CODE


def state_required(country: str) -> bool:
    """Whether Stripe needs ``address.state`` for addresses in ``country``."""
    return country in countries.STATE_REQUIRED


def normalize_postal_code(value: str | None, country: str) -> str:
    """Upper-case ``value`` and put the separator where ``country`` writes it."""
    value = " ".join((value or "").upper().split())
    if country in _SEPARATOR_AT:
        at, sep = _SEPARATOR_AT[country]
        compact = value.replace(" ", "").replace("-", "")
        if len(compact) > abs(at):
            value = compact[:at] + sep + compact[at:]
    return value


def validate_postal_code(value: str | None, country: str) -> str:
    """Return the normalized postal code, or raise ``ValidationError``.

    Countries without a pattern here are passed through (Stripe validates them).
    """
    value = normalize_postal_code(value, country)
    pattern = POSTAL_CODES.get(country)
    if pattern and not re.fullmatch(pattern[0], value):
        raise ValidationError(
            _("Enter a valid postal code (for example %(example)s)."),
            code="invalid_postal_code",
            params={"example": pattern[1]},
        )
    return value


def state_choices(country: str) -> "tuple[StrOrPromise, list[tuple[str, str]]] | None":
    """``(label, choices)`` for the ``state`` of an address in ``country``, or ``None``."""
    return SUBDIVISIONS.get(country)
