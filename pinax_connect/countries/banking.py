"""Bank-account formats of the countries in :mod:`pinax_connect.countries`: how a local
account is written, how its parts join into Stripe's ``routing_number``, the checks
(ABA, IBAN mod-97, CLABE) and Stripe's test bank details per country."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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
    total = sum((int(c) * w) % 10 for c, w in zip(clabe[:17], weights, strict=False))
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
        if not all(re.fullmatch(p.pattern, piece) for p, piece in zip(self.parts, pieces, strict=False)):
            return False
        return self.checksum != "aba" or aba_is_valid(routing or "")

    def account_is_valid(self, number: str) -> bool:
        """Whether the compact ``account_number`` fits this format."""
        if self.iban:
            return iban_is_valid(number)
        if not re.fullmatch(self.account_pattern, number or ""):
            return False
        return self.checksum != "clabe" or clabe_is_valid(number)


def _width(pattern: str) -> int:
    found = re.fullmatch(r"\\d\{(\d+)\}", pattern)
    return int(found.group(1)) if found else 0


def _part(name: str, label: Any, digits: int, example: str) -> RoutingPart:
    return RoutingPart(name, label, rf"\d{{{digits}}}", example)


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

