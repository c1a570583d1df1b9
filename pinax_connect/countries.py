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

The lists are a faithful model, not a copy: Stripe refines its per-country rules
over time and answers with the account's own ``requirements``, which the forms
always follow. Unknown country codes raise :class:`UnsupportedCountry`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .exceptions import PinaxConnectError

__all__ = [
    "BankFormat", "Country", "UnsupportedCountry", "COUNTRIES", "get", "codes", "is_supported",
    "iban_is_valid", "aba_is_valid", "clabe_is_valid", "minimum_fields", "additional_fields",
    "IBAN_LENGTHS", "EURO_AREA",
]


class UnsupportedCountry(PinaxConnectError, ValueError):
    """A country code Stripe has no custom accounts for (or that is not an ISO code)."""


# ---- bank formats -------------------------------------------------------------------

# ISO 13616 lengths for the IBAN countries Stripe pays out to.
IBAN_LENGTHS = {
    "AE": 23, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MT": 31, "NL": 18, "NO": 15,
    "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
}


def iban_is_valid(iban: str) -> bool:
    """True when compact ``iban`` has its country's length and a mod-97 checksum of 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", iban or ""):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is None or len(iban) != expected:
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def aba_is_valid(routing: str) -> bool:
    """True when ``routing`` is 9 digits with the ABA 3-7-1 checksum."""
    if not re.fullmatch(r"\d{9}", routing or ""):
        return False
    d = [int(c) for c in routing]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


def clabe_is_valid(clabe: str) -> bool:
    """True when ``clabe`` is a Mexican CLABE: 18 digits, weights 3-7-1 mod 10 check digit."""
    if not re.fullmatch(r"\d{18}", clabe or ""):
        return False
    weights = (3, 7, 1) * 6
    total = sum((int(c) * w) % 10 for c, w in zip(clabe[:17], weights))
    return (10 - total % 10) % 10 == int(clabe[17])


@dataclass(frozen=True)
class RoutingPart:
    """One piece of a local routing number (``transit_number``, ``sort_code``, ``ifsc``...)."""

    name: str
    label: str
    pattern: str  # full-match regex on the compact (no spaces/dashes) value
    example: str


@dataclass(frozen=True)
class BankFormat:
    """How a bank account in one country is written and sent to Stripe.

    ``parts`` join with ``joiner`` into ``routing_number``; ``account_pattern`` is a
    full-match regex for the compact account number; ``iban`` formats take a single
    IBAN as ``account_number``. ``checksum`` names a check in this module run on the
    routing number (``aba``) or account number (``clabe``). ``test_routing`` and
    ``test_account`` are Stripe's test bank details for the country.
    """

    name: str
    parts: tuple = ()
    joiner: str = ""
    account_pattern: str = r"\d{4,17}"
    account_label: str = "Account number"
    checksum: str = ""
    test_routing: str | None = None
    test_account: str = ""

    @property
    def iban(self) -> bool:
        return self.name == "iban"

    def routing_is_valid(self, routing: str | None) -> bool:
        """Whether Stripe's ``routing_number`` string fits this format."""
        if not self.parts:
            return not routing
        pieces = routing.split(self.joiner) if (routing and self.joiner) else None
        if pieces is None:
            if not routing:
                return False
            # Joined without a separator: split by the parts' fixed lengths.
            pieces, at = [], 0
            for part in self.parts:
                width = _width(part.pattern)
                pieces.append(routing[at:at + width] if width else routing[at:])
                at += width or len(routing)
            if at != len(routing):
                return False
        if len(pieces) != len(self.parts):
            return False
        if not all(re.fullmatch(p.pattern, piece) for p, piece in zip(self.parts, pieces)):
            return False
        return self.checksum != "aba" or aba_is_valid(routing)

    def account_is_valid(self, number: str, country: str = "") -> bool:
        """Whether the compact ``account_number`` fits this format."""
        if self.iban:
            return iban_is_valid(number) and (not country or number[:2] == country or number[:2] in IBAN_LENGTHS)
        if not re.fullmatch(self.account_pattern, number or ""):
            return False
        return self.checksum != "clabe" or clabe_is_valid(number)


def _width(pattern: str) -> int:
    found = re.fullmatch(r"\\d\{(\d+)\}", pattern)
    return int(found.group(1)) if found else 0


def _part(name, label, digits, example):
    return RoutingPart(name, label, r"\d{%d}" % digits, example)


IBAN = BankFormat("iban", account_label="IBAN")
BANK_FORMATS = {
    "US": BankFormat("aba", (_part("routing_number", "Routing number", 9, "110000000"),), checksum="aba",
                     account_pattern=r"\d{4,17}", test_routing="110000000", test_account="000123456789"),
    "CA": BankFormat("ca", (_part("transit_number", "Transit number", 5, "11000"),
                            _part("institution_number", "Institution number", 3, "000")), "-",
                     account_pattern=r"\d{7,12}", test_routing="11000-000", test_account="000123456789"),
    "GB": BankFormat("sort_code", (_part("sort_code", "Sort code", 6, "108800"),),
                     account_pattern=r"\d{8}", test_routing="108800", test_account="00012345"),
    "AU": BankFormat("bsb", (_part("bsb", "BSB", 6, "110000"),),
                     account_pattern=r"\d{5,9}", test_routing="110000", test_account="000123456"),
    "NZ": BankFormat("nz", (_part("bank_code", "Bank code", 2, "11"), _part("branch_code", "Branch code", 4, "0000")),
                     account_pattern=r"\d{9,10}", account_label="Account number (with suffix)",
                     test_routing="110000", test_account="0000000010"),
    "JP": BankFormat("jp", (_part("bank_code", "Bank code", 4, "1100"), _part("branch_code", "Branch code", 3, "000")),
                     account_pattern=r"\d{4,8}", test_routing="1100000", test_account="0001234"),
    "SG": BankFormat("sg", (_part("bank_code", "Bank code", 4, "1100"), _part("branch_code", "Branch code", 3, "000")),
                     "-", account_pattern=r"\d{6,12}", test_routing="1100-000", test_account="000123456"),
    "HK": BankFormat("hk", (_part("clearing_code", "Clearing code", 3, "110"),
                            _part("branch_code", "Branch code", 3, "000")), "-",
                     account_pattern=r"\d{6,12}", test_routing="110-000", test_account="000123456"),
    "BR": BankFormat("br", (_part("bank_code", "Bank code", 3, "110"), _part("branch_code", "Branch code", 4, "0000")),
                     "-", account_pattern=r"\d{1,12}", test_routing="110-0000", test_account="0001234"),
    "IN": BankFormat("ifsc", (RoutingPart("ifsc", "IFSC", r"[A-Z]{4}0[A-Z0-9]{6}", "HDFC0004051"),),
                     account_pattern=r"\d{9,18}", test_routing="HDFC0004051", test_account="000123456789"),
    "MY": BankFormat("swift", (RoutingPart("swift_code", "SWIFT / BIC code", r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?",
                                           "HBMBMYKL"),),
                     account_pattern=r"\d{5,17}", test_routing="HBMBMYKL", test_account="000123456000"),
    "TH": BankFormat("th", (_part("bank_code", "Bank code", 3, "110"),),
                     account_pattern=r"\d{10,12}", test_routing="110", test_account="0001234567"),
    "MX": BankFormat("clabe", (), account_pattern=r"\d{18}", account_label="CLABE", checksum="clabe",
                     test_account="000000001234567897"),
}

# Stripe's test IBANs (the usual published examples of each country's format).
TEST_IBANS = {
    "AE": "AE070331234567890123456", "AT": "AT611904300234573201", "BE": "BE62510007547061",
    "BG": "BG80BNBG96611020345678", "CH": "CH9300762011623852957", "CY": "CY17002001280000001200527600",
    "CZ": "CZ6508000000192000145399", "DE": "DE89370400440532013000", "DK": "DK5000400440116243",
    "EE": "EE382200221020145685", "ES": "ES9121000418450200051332", "FI": "FI2112345600000785",
    "FR": "FR1420041010050500013M02606", "GI": "GI75NWBK000000007099453", "GR": "GR1601101250000000012300695",
    "HR": "HR1210010051863000160", "HU": "HU42117730161111101800000000", "IE": "IE29AIBK93115212345678",
    "IT": "IT60X0542811101000000123456", "LI": "LI21088100002324013AA", "LT": "LT121000011101001000",
    "LU": "LU280019400644750000", "LV": "LV80BANK0000435195001", "MT": "MT84MALT011000012345MTLCAST001S",
    "NL": "NL91ABNA0417164300", "NO": "NO9386011117947", "PL": "PL61109010140000071219812874",
    "PT": "PT50000201231234567890154", "RO": "RO49AAAA1B31007593840000", "SE": "SE4550000000058398257466",
    "SI": "SI56263300012039086", "SK": "SK3112000000198742637541",
}

# ---- addresses -----------------------------------------------------------------------

POSTAL_CODES = {
    "US": (r"\d{5}(-\d{4})?", "94107"),
    "CA": (r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d", "K1A 0B1"),
    "GB": (r"(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})", "SW1A 1AA"),
    "GI": (r"GX11 1AA", "GX11 1AA"),
    "IE": (r"([AC-FHKNPRTV-Y]\d{2}|D6W) [0-9AC-FHKNPRTV-Y]{4}", "D02 X285"),
    "NL": (r"[1-9]\d{3} [A-Z]{2}", "1012 JS"),
    "JP": (r"\d{3}-\d{4}", "100-0001"),
    "PT": (r"\d{4}-\d{3}", "1000-001"),
    "PL": (r"\d{2}-\d{3}", "00-001"),
    "BR": (r"\d{5}-\d{3}", "01001-000"),
    "CZ": (r"\d{3} \d{2}", "110 00"), "SK": (r"\d{3} \d{2}", "811 01"),
    "SE": (r"\d{3} \d{2}", "111 22"), "GR": (r"\d{3} \d{2}", "105 57"),
    "MT": (r"[A-Z]{3} \d{4}", "VLT 1117"),
    **{c: (r"\d{4}", "1010") for c in ("AT", "AU", "BE", "BG", "CH", "CY", "DK", "HU", "LI", "LU",
                                       "LV", "NO", "NZ", "SI")},
    **{c: (r"\d{5}", "10115") for c in ("DE", "EE", "ES", "FI", "FR", "HR", "IT", "LT", "MX", "MY", "TH")},
    **{c: (r"\d{6}", "018956") for c in ("SG", "IN", "RO")},
}
# Where people type the code without its separator: (position, separator).
POSTAL_SEPARATORS = {"CA": (3, " "), "GB": (-3, " "), "GI": (4, " "), "IE": (3, " "), "NL": (4, " "),
                     "JP": (3, "-"), "PT": (4, "-"), "PL": (2, "-"), "BR": (5, "-"), "CZ": (3, " "),
                     "SK": (3, " "), "SE": (3, " "), "GR": (3, " "), "MT": (3, " ")}
NO_POSTAL_CODE = {"HK", "AE"}
# Countries whose ``address.state`` Stripe requires, from a fixed list (forms.address has them).
STATE_LISTS = {"US", "CA", "AU", "JP"}
# Countries whose ``address.state`` Stripe requires as free text.
STATE_REQUIRED = STATE_LISTS | {"BR", "IN", "MX", "MY", "TH"}

# ---- verification fields -------------------------------------------------------------

EURO_AREA = {"AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV",
             "MT", "NL", "PT", "SI", "SK"}
_EUROPE = EURO_AREA | {"BG", "CH", "CZ", "DK", "GB", "GI", "HU", "LI", "NO", "PL", "RO", "SE"}
# Individuals whose national ID number is part of the minimum (HKID, NRIC, CPF, RFC, PAN...).
ID_NUMBER_MINIMUM = {"HK", "SG", "BR", "MX", "IN", "MY", "TH", "AE"}
NATIONALITY_MINIMUM = {"SG", "AE"}
KANA_COUNTRIES = {"JP"}
# The people besides the representative each country's companies must declare.
COMPANY_ROLES = {c: ("owners", "directors", "executives") for c in _EUROPE}
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
    extra: dict = field(default_factory=dict, compare=False)

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


def get(code: str | None) -> Country:
    """The :class:`Country` for a two-letter code (any case); :class:`UnsupportedCountry` otherwise."""
    if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z]{2}", code):
        raise UnsupportedCountry(
            "%r is not a two-letter ISO 3166-1 country code (write 'US', not 'USA')." % (code,))
    found = COUNTRIES.get(code.upper())
    if found is None:
        raise UnsupportedCountry(
            "Stripe does not offer custom connected accounts in %r. Supported: %s." % (code, ", ".join(COUNTRIES)))
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


def person_fields(country: Country, representative: bool = True) -> list[str]:
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
    if not representative:
        return sorted(out)
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
        roles.append("company.%s_provided" % role)
        roles += ["%s.%s" % (role, p) for p in role_fields(country)]
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
