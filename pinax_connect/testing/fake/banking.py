"""Bank accounts, debit cards and tokens (``POST /v1/tokens``) in the fake Stripe.

Full account and card numbers are checked (ABA routing checksum, IBAN mod-97,
Luhn) and then reduced to ``last4`` and a ``fingerprint``: they are never kept.
Stripe's test bank account numbers with a payout behaviour are remembered by
that behaviour only: ``fake.state["bank_behaviors"][ba_id]`` holds a payout
failure code (``no_account``, ``account_closed``...). Test cards live in
:mod:`.cards`; their behaviour follows the card's fingerprint.
"""

from collections.abc import Collection
from typing import Any

from ... import countries
from . import (
    cards,
    country_specs,  # noqa: F401  (registers GET /v1/country_specs)
)
from . import persons as persons_mod
from .cards import fingerprint
from .core import REDACTED, FakeStripe, FakeStripeError, Request, route
from .core import reject_unknown as _unknown
from .requirements import default_currency

BANK_NAME = "STRIPE TEST BANK"

# Stripe's test account numbers and the payout failure each one triggers.
BANK_BEHAVIORS = {
    "000111111116": "no_account",
    "000111111113": "account_closed",
    "000222222227": "insufficient_funds",
    "000333333335": "debit_not_authorized",
    "000444444440": "invalid_currency",
}

# Stripe's test bank tokens: token id -> (country, currency, routing, account number).
TEST_BANK_TOKENS = {
    "btok_us": ("US", "usd", "110000000", "000123456789"),
    "btok_us_verified": ("US", "usd", "110000000", "000123456789"),
    "btok_us_verified_noAccount": ("US", "usd", "110000000", "000111111116"),
    "btok_us_verified_accountClosed": ("US", "usd", "110000000", "000111111113"),
    "btok_us_verified_insufficientFunds": ("US", "usd", "110000000", "000222222227"),
    "btok_de": ("DE", "eur", None, "DE89370400440532013000"),
}

_BANK_KEYS = {
    "object", "country", "currency", "routing_number", "account_number",
    "account_holder_name", "account_holder_type", "account_type", "documents",
}
_CARD_KEYS = {
    "object", "number", "exp_month", "exp_year", "cvc", "currency", "name",
    "address_city", "address_country", "address_line1", "address_line2",
    "address_state", "address_zip", "default_for_currency", "metadata",
}


def aba_valid(routing: str) -> bool:
    """ABA routing number: 9 digits with the 3-7-1 checksum."""
    return countries.aba_is_valid(routing)


def iban_valid(iban: str | None) -> bool:
    """IBAN: the country's length and the mod-97 checksum."""
    return countries.iban_is_valid((iban or "").replace(" ", "").upper())


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0



# Stripe's words for a routing number that does not fit the country's format.
_ROUTING_MESSAGES = {
    "aba": "Routing number must have 9 digits and be a valid ABA routing number.",
    "ca": "Invalid routing number: Canadian routing numbers are a 5-digit transit number and a 3-digit "
          "institution number (TTTTT-III).",
    "sort_code": "Invalid sort code: it must have 6 digits.",
    "bsb": "Invalid BSB: it must have 6 digits.",
    "ifsc": "Invalid IFSC code: it must have 11 characters (4 letters, 0, 6 letters or digits).",
    "swift": "Invalid SWIFT/BIC code.",
}


def check_bank_details(country: str, routing: str | None, number: str, param: str) -> str:
    """Refuse bank details that do not fit ``country``'s format (see
    :mod:`pinax_connect.countries`), with Stripe's codes and params; returns the
    account number as stored (IBANs upper-cased)."""
    if not countries.is_supported(country):
        raise FakeStripeError.invalid(f"{param}[country]", f"Invalid country: {country}")
    fmt = countries.get(country).bank
    if fmt.iban:
        number = number.upper()
        if not iban_valid(number) or number[:2] != country:
            raise FakeStripeError.invalid(
                f"{param}[account_number]",
                "The account number you provided is not a valid IBAN.",
                code="account_number_invalid",
            )
        return number
    if not fmt.routing_is_valid(routing):
        if fmt.parts:
            message = _ROUTING_MESSAGES.get(fmt.name) or f"Invalid routing number for {country}."
        else:
            message = f"Routing numbers are not used for bank accounts in {country}."
        raise FakeStripeError.invalid(f"{param}[routing_number]", message, code="routing_number_invalid")
    if not fmt.account_is_valid(number):
        raise FakeStripeError.invalid(
            f"{param}[account_number]",
            f"Your bank account number is not valid for {country} ({fmt.account_label}).",
            code="account_number_invalid",
        )
    return number


def new_bank_account(fake: FakeStripe, raw: Any, param: str, default_country: str = "US") -> dict[str, Any]:
    """Validate raw bank details and return a ``bank_account`` object (no
    ``account`` yet). Raises 400 with ``param[routing_number]`` /
    ``param[account_number]`` like Stripe."""
    _unknown(_BANK_KEYS, raw, param)
    country = (raw.get("country") or default_country).upper()
    currency = (raw.get("currency") or default_currency(country)).lower()
    number = str(raw.get("account_number") or "").replace(" ", "")
    if not number:
        raise FakeStripeError.required(f"{param}[account_number]")
    routing = raw.get("routing_number") or None
    number = check_bank_details(country, routing, number, param)
    holder_type = raw.get("account_holder_type") or None
    if holder_type not in (None, "individual", "company"):
        raise FakeStripeError.invalid(
            f"{param}[account_holder_type]",
            "Invalid account_holder_type: must be one of individual or company",
        )
    bank = {
        "id": fake.new_id("ba"),
        "object": "bank_account",
        "account": None,
        "account_holder_name": raw.get("account_holder_name") or None,
        "account_holder_type": holder_type,
        "account_type": raw.get("account_type") or None,
        "available_payout_methods": ["standard"],
        "bank_name": BANK_NAME,
        "country": country,
        "currency": currency,
        "customer": None,
        "default_for_currency": None,
        "fingerprint": fingerprint(country, routing or "", number),
        "future_requirements": _bank_requirements(),
        "last4": number[-4:],
        "metadata": {},
        "requirements": _bank_requirements(),
        "routing_number": routing,
        "status": "new",
    }
    behavior = BANK_BEHAVIORS.get(number)
    if behavior:
        fake.state.setdefault("bank_behaviors", {})[bank["id"]] = behavior
    return bank


def _bank_requirements() -> dict[str, Any]:
    return {"currently_due": [], "errors": [], "past_due": [], "pending_verification": []}


def new_card(fake: FakeStripe, raw: Any, param: str) -> dict[str, Any]:
    """Validate raw card details and return a ``card`` object (number kept only
    as ``last4``/``fingerprint``, by which its test behaviour is found)."""
    _unknown(_CARD_KEYS, raw, param)
    number = str(raw.get("number") or "").replace(" ", "")
    if not number:
        raise FakeStripeError.required(f"{param}[number]")
    if not luhn_valid(number):
        raise FakeStripeError(
            402, "card_error", "Your card number is incorrect.", code="incorrect_number", param="number"
        )
    exp_month = fake.to_int(fake.require(raw, "exp_month", f"{param}[exp_month]"), f"{param}[exp_month]")
    exp_year = fake.to_int(fake.require(raw, "exp_year", f"{param}[exp_year]"), f"{param}[exp_year]")
    if exp_year < 100:
        exp_year += 2000
    if not 1 <= exp_month <= 12:
        raise FakeStripeError(
            402, "card_error", "Your card's expiration month is invalid.", code="invalid_expiry_month", param="exp_month"
        )
    this_year = 1970 + fake.now() // 31_556_952
    if exp_year < this_year:
        raise FakeStripeError(
            402, "card_error", "Your card's expiration year is invalid.", code="invalid_expiry_year", param="exp_year"
        )
    details = cards.card_details(number, exp_month, exp_year)
    return cards.card_object(fake, details, raw=raw, cvc_check="pass" if raw.get("cvc") else None)


def _token(fake: FakeStripe, kind: str, **extra: Any) -> dict[str, Any]:
    token = {
        "id": fake.new_id({"bank_account": "btok", "account": "ct", "person": "cpt", "pii": "pii"}.get(kind, "tok")),
        "object": "token",
        "client_ip": None,
        "created": fake.now(),
        "livemode": False,
        "type": kind,
        "used": False,
    }
    token.update(extra)
    return token


def test_token(fake: FakeStripe, token_id: str, account: str | None) -> dict[str, Any] | None:
    """Materialize one of Stripe's fixed test tokens (``btok_us_verified``,
    ``tok_visa_debit``...) in ``account``'s scope, or return None."""
    if token_id in TEST_BANK_TOKENS:
        country, currency, routing, number = TEST_BANK_TOKENS[token_id]
        bank = new_bank_account(
            fake,
            {"country": country, "currency": currency, "routing_number": routing, "account_number": number},
            "bank_account",
            country,
        )
        token = _token(fake, "bank_account", bank_account=bank)
    elif cards.test_card_number(token_id, ("tok_",)):
        number = cards.test_card_number(token_id, ("tok_",)) or ""
        exp_year = str(1970 + fake.now() // 31_556_952 + 3)
        card = new_card(fake, {"number": number, "exp_month": "12", "exp_year": exp_year, "cvc": "123"}, "card")
        token = _token(fake, "card", card=card)
    else:
        return None
    token["id"] = "{}_{}".format(token_id, fake.new_id("x")[2:])  # fixed ids are reusable
    return fake.save(token, account)


def use_token(
    fake: FakeStripe, token_id: str, account: str | None, kinds: Collection[str], param: str
) -> dict[str, Any]:
    """Consume a token of one of ``kinds`` visible to ``account`` (or the
    platform); test tokens are always available. Returns the token."""
    token = fake.get(token_id, account, "token") or fake.get(token_id, None, "token")
    if token is None:
        token = test_token(fake, token_id, account)
    if token is None:
        raise FakeStripeError.missing("token", token_id, param=param)
    if token["type"] not in kinds:
        raise FakeStripeError.invalid(
            param, "Invalid token type: expected {}, got {}".format(" or ".join(sorted(kinds)), token["type"])
        )
    if token["used"]:
        raise FakeStripeError.invalid(
            param, f"You cannot use a Stripe token more than once: {token_id}.", code="token_already_used"
        )
    token["used"] = True
    return token


def token_params(fake: FakeStripe, token_id: str) -> dict[str, Any]:
    """The (sanitized) account/person parameters an account or person token carries."""
    return fake.state.setdefault("token_params", {}).get(token_id, {})


@route("POST", "/v1/tokens", params={"account", "bank_account", "card", "customer", "cvc_update", "person", "pii"})
def create_token(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Tokenize bank details, a card, account or person information."""
    p = req.params
    kinds = [k for k in ("bank_account", "card", "account", "person", "pii", "cvc_update") if k in p]
    if len(kinds) != 1:
        raise FakeStripeError(
            400,
            message="You must supply exactly one of account, bank_account, card, cvc_update, person or pii.",
        )
    kind = kinds[0]
    if kind == "bank_account":
        token = _token(fake, kind, bank_account=new_bank_account(fake, p[kind], "bank_account"))
    elif kind == "card":
        if isinstance(p[kind], str):  # card=<card id> of a customer: not modelled
            raise FakeStripeError.invalid("card", "Creating tokens from existing cards is not supported by the fake.")
        token = _token(fake, kind, card=new_card(fake, p[kind], "card"))
    elif kind in ("account", "person"):
        params = p[kind]
        _validate_token_params(fake, kind, params, req.account)
        token = _token(fake, kind)
        fake.state.setdefault("token_params", {})[token["id"]] = persons_mod.sanitize(params)
    else:
        token = _token(fake, kind)  # pii / cvc_update carry nothing we keep
    return fake.save(token, req.account)


def _validate_token_params(fake: FakeStripe, kind: str, params: Any, account: str | None) -> None:
    """Run the same validation an account/person update would (on scratch data)."""
    if not isinstance(params, dict):
        raise FakeStripeError.invalid(kind, "Invalid object")
    if kind == "person":
        scratch = persons_mod.blank_person(fake, account or "acct_token", person_id="person_scratch")
        persons_mod.apply_person(fake, scratch, params, "person", None, account)
        return
    allowed = {"business_type", "company", "individual", "tos_shown_and_accepted"}
    for key in params:
        if key not in allowed:
            name = f"account[{key}]"
            raise FakeStripeError.unknown(name)
    if "individual" in params:
        scratch = persons_mod.blank_person(fake, account or "acct_token", person_id="person_scratch")
        persons_mod.apply_person(fake, scratch, params["individual"], "account[individual]", None, account)
    if "company" in params:
        persons_mod.apply_company(fake, persons_mod.blank_company(), params["company"], account, "account[company]")
    if "tos_shown_and_accepted" in params:
        fake.to_bool(params["tos_shown_and_accepted"], "account[tos_shown_and_accepted]")


__all__ = [
    "REDACTED",
    "TEST_BANK_TOKENS",
    "new_bank_account",
    "new_card",
    "use_token",
    "token_params",
    "test_token",
]
