"""What Stripe asks of a custom connected account, country by country: one table.

The forms (:mod:`pinax_connect.forms`), the fake Stripe
(:mod:`pinax_connect.testing.fake`, which serves ``GET /v1/country_specs`` from it)
and ``docs/forms.md`` all read this module, so a country's rules are written once.
For each country where Stripe offers custom accounts it says:

* the default currency (``country_spec.default_currency``);
* how a local bank account is written (:class:`BankFormat`: the routing parts and
  how they join into Stripe's ``routing_number``, the account number's digits, or an
  IBAN and its length), with Stripe's test bank details;
* the postal-code pattern (``None`` where the country has no postal codes: HK, AE)
  and whether ``address.state`` is picked from a list (see :mod:`.forms.address`);
* the minimum and additional verification fields for individuals and companies,
  in Stripe's own requirement-path words (``country_spec.verification_fields``).

Sources (checked 2026-12 with the project's documentation search):

* Country specs object, ``verification_fields.{individual,company}.{minimum,additional}``
  ("fields which every account must eventually provide" / "only required for some
  users"): https://docs.stripe.com/api/country_specs/object
* Required verification information per country and business type:
  https://docs.stripe.com/connect/required-verification-information
* Bank account formats and test numbers per country:
  https://docs.stripe.com/connect/payouts-bank-accounts and
  https://docs.stripe.com/connect/testing#account-numbers
* Upload purposes (``identity_document`` for person documents,
  ``additional_verification`` for ``company.verification.document``,
  ``account_requirement`` for ``documents[*][files]``): Stripe's OpenAPI spec
  (API version 2023-08-16), https://docs.stripe.com/api/files/create
* ``account_country_invalid_state``: https://docs.stripe.com/error-codes

The package holds the bank formats (:mod:`.banking`) and address rules
(:mod:`.addresses`) beside the per-country table here. The lists are a faithful
model, not a copy: Stripe refines its per-country rules over time and answers with
the account's own ``requirements``, which the forms always follow. Unknown country
codes raise :class:`UnsupportedCountry`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..exceptions import PinaxConnectError
from .addresses import NO_POSTAL_CODE, POSTAL_CODES, POSTAL_SEPARATORS, STATE_LISTS, STATE_REQUIRED, STATES
from .banking import (
    BANK_FORMATS,
    IBAN,
    IBAN_LENGTHS,
    TEST_IBANS,
    BankFormat,
    RoutingPart,
    aba_is_valid,
    clabe_is_valid,
    iban_is_valid,
)

__all__ = [
    "BankFormat", "Country", "RoutingPart", "UnsupportedCountry", "COUNTRIES", "get", "codes", "is_supported",
    "default_currency", "iban_is_valid", "aba_is_valid", "clabe_is_valid", "minimum_fields", "additional_fields",
    "person_fields", "role_fields", "address_fields", "IBAN", "IBAN_LENGTHS", "BANK_FORMATS", "TEST_IBANS",
    "EURO_AREA", "NO_POSTAL_CODE", "POSTAL_CODES", "POSTAL_SEPARATORS", "STATE_LISTS", "STATE_REQUIRED", "STATES",
]


class UnsupportedCountry(PinaxConnectError, ValueError):
    """A country code Stripe has no custom accounts for (or that is not an ISO code)."""


# ---- verification fields -------------------------------------------------------------

EURO_AREA = {"AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV",
             "MT", "NL", "PT", "SI", "SK"}
_EUROPE = EURO_AREA | {"BG", "CH", "CZ", "DK", "GB", "GI", "HU", "LI", "NO", "PL", "RO", "SE"}
# Individuals whose national ID number is part of the minimum (HKID, NRIC, CPF, RFC, PAN...).
ID_NUMBER_MINIMUM = {"HK", "SG", "BR", "MX", "IN", "MY", "TH", "AE"}
NATIONALITY_MINIMUM = {"SG", "AE"}
KANA_COUNTRIES = {"JP"}
# The people besides the representative each country's companies must declare.
COMPANY_ROLES: dict[str, tuple[str, ...]] = {c: ("owners", "directors", "executives") for c in _EUROPE}
COMPANY_ROLES.update({c: ("owners", "directors") for c in ("CA", "AU", "NZ", "JP", "SG", "HK", "MY", "TH", "IN",
                                                             "AE", "BR", "MX")})
COMPANY_ROLES["US"] = ("owners",)
OWNERSHIP_DECLARATION = {"US"} | _EUROPE
ROLE_FLAGS = {"owners": "owner", "directors": "director", "executives": "executive"}

_NAMES = {
    "AE": "United Arab Emirates", "AT": "Austria", "AU": "Australia", "BE": "Belgium", "BG": "Bulgaria",
    "BR": "Brazil", "CA": "Canada", "CH": "Switzerland", "CY": "Cyprus", "CZ": "Czech Republic",
    "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom", "GI": "Gibraltar", "GR": "Greece", "HK": "Hong Kong", "HR": "Croatia",
    "HU": "Hungary", "IE": "Ireland", "IN": "India", "IT": "Italy", "JP": "Japan", "LI": "Liechtenstein",
    "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta", "MX": "Mexico", "MY": "Malaysia",
    "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "PL": "Poland", "PT": "Portugal",
    "RO": "Romania", "SE": "Sweden", "SG": "Singapore", "SI": "Slovenia", "SK": "Slovakia", "TH": "Thailand",
    "US": "United States",
}
_CURRENCIES = {
    "AE": "aed", "AU": "aud", "BG": "bgn", "BR": "brl", "CA": "cad", "CH": "chf", "CZ": "czk", "DK": "dkk",
    "GB": "gbp", "GI": "gbp", "HK": "hkd", "HU": "huf", "IN": "inr", "JP": "jpy", "LI": "chf", "MX": "mxn",
    "MY": "myr", "NO": "nok", "NZ": "nzd", "PL": "pln", "RO": "ron", "SE": "sek", "SG": "sgd", "TH": "thb",
    "US": "usd", **{c: "eur" for c in EURO_AREA},
}


@dataclass(frozen=True)
class Country:
    """Stripe's rules for custom accounts in one country (see the module docstring)."""

    code: str
    name: str
    currency: str
    bank: BankFormat
    postal_code: tuple | None  # (pattern, example), or None: no postal codes
    state_required: bool
    state_list: bool
    id_number_minimum: bool
    nationality_minimum: bool
    kana: bool
    company_roles: tuple
    ownership_declaration: bool

    @property
    def test_bank(self) -> dict:
        """Stripe's test bank details for this country (``routing_number`` only where it has one)."""
        if self.bank.iban:
            return {"account_number": TEST_IBANS[self.code]}
        out = {"account_number": self.bank.test_account}
        if self.bank.test_routing:
            out["routing_number"] = self.bank.test_routing
        return out


def _country(code: str) -> Country:
    return Country(
        code=code, name=_NAMES[code], currency=_CURRENCIES[code],
        bank=BANK_FORMATS.get(code, IBAN),
        postal_code=None if code in NO_POSTAL_CODE else POSTAL_CODES.get(code),
        state_required=code in STATE_REQUIRED, state_list=code in STATE_LISTS,
        id_number_minimum=code in ID_NUMBER_MINIMUM, nationality_minimum=code in NATIONALITY_MINIMUM,
        kana=code in KANA_COUNTRIES, company_roles=COMPANY_ROLES[code],
        ownership_declaration=code in OWNERSHIP_DECLARATION,
    )


COUNTRIES = {code: _country(code) for code in sorted(_NAMES)}


def codes() -> list[str]:
    """Every supported country code, sorted."""
    return list(COUNTRIES)


def is_supported(code: str | None) -> bool:
    return isinstance(code, str) and code.upper() in COUNTRIES


def default_currency(code: str | None) -> str:
    """The country's default currency; ``usd`` for a country not in the table."""
    return COUNTRIES[code.upper()].currency if code and is_supported(code) else "usd"


def get(code: str | None) -> Country:
    """The :class:`Country` for a two-letter code (any case); :class:`UnsupportedCountry` otherwise."""
    if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z]{2}", code):
        raise UnsupportedCountry(
            f"{code!r} is not a two-letter ISO 3166-1 country code (write 'US', not 'USA').")
    found = COUNTRIES.get(code.upper())
    if found is None:
        raise UnsupportedCountry(
            f"Stripe does not offer custom connected accounts in {code!r}. Supported: {', '.join(COUNTRIES)}."
        )
    return found


# ---- requirement paths -----------------------------------------------------------------

def address_fields(country: Country, prefix: str) -> list[str]:
    """``<prefix>.city/line1/postal_code/state`` as this country requires them."""
    out = [f"{prefix}.city", f"{prefix}.line1"]
    if country.postal_code is not None:
        out.append(f"{prefix}.postal_code")
    if country.state_required:
        out.append(f"{prefix}.state")
    return out


def person_fields(country: Country) -> list[str]:
    """The minimum of a person (individual or representative), relative to the person."""
    out = ["dob.day", "dob.month", "dob.year", "email", "first_name", "last_name", "phone"]
    if country.kana:
        out = [p for p in out if p not in ("first_name", "last_name")]
        out += ["first_name_kana", "first_name_kanji", "last_name_kana", "last_name_kanji"]
        out += address_fields(country, "address_kana") + address_fields(country, "address_kanji")
        out += ["address_kana.town", "address_kanji.town"]
    else:
        out += address_fields(country, "address")
    if country.code == "US":
        out.append("ssn_last_4")
    if country.id_number_minimum:
        out.append("id_number")
    if country.nationality_minimum:
        out.append("nationality")
    return sorted(out)


def role_fields(country: Country) -> list[str]:
    """What Stripe needs of each owner, director or executive (relative to the person)."""
    names = ["first_name_kana", "last_name_kana"] if country.kana else ["first_name", "last_name"]
    return sorted(names + ["email", "dob.day", "dob.month", "dob.year"])


def minimum_fields(code: str, business_type: str = "individual") -> list[str]:
    """``verification_fields.<individual|company>.minimum`` of ``code``'s country spec."""
    country = get(code)
    common = ["business_profile.mcc", "business_profile.url", "business_type", "external_account",
              "tos_acceptance.date", "tos_acceptance.ip"]
    if business_type == "individual":
        return sorted(common + ["individual." + p for p in person_fields(country)])
    company = ["company.name", "company.phone", "company.tax_id"]
    if country.kana:
        company += ["company.name_kana", "company.name_kanji"]
        company += address_fields(country, "company.address_kana") + address_fields(country, "company.address_kanji")
        company += ["company.address_kana.town", "company.address_kanji.town"]
    else:
        company += address_fields(country, "company.address")
    rep = ["representative." + p for p in person_fields(country) + ["relationship.executive", "relationship.title"]]
    roles = []
    for role in country.company_roles:
        roles.append(f"company.{role}_provided")
        roles += [f"{role}.{p}" for p in role_fields(country)]
    if country.ownership_declaration:
        roles += ["company.ownership_declaration.date", "company.ownership_declaration.ip"]
    return sorted(common + company + rep + roles)


def additional_fields(code: str, business_type: str = "individual") -> list[str]:
    """``verification_fields.<individual|company>.additional``: asked of some accounts later."""
    country = get(code)
    person = "individual" if business_type == "individual" else "representative"
    out = [f"{person}.verification.document", f"{person}.verification.additional_document"]
    if not country.id_number_minimum:
        out.append(f"{person}.id_number")
    if business_type != "individual":
        out += ["company.verification.document", "documents.company_registration_verification",
                "documents.bank_account_ownership_verification", "representative.documents.company_authorization"]
    return sorted(out)
