"""Person and company hashes of connected accounts: blank shapes and the rules
for applying ``individual[...]``, ``company[...]`` and person parameters.

Sensitive inputs (SSN, ID and tax numbers) are validated and then reduced to
their ``*_provided`` flags: the values are never kept, not even in tokens.
"""

import re
from collections.abc import Collection
from typing import Any, TypeVar

from ... import countries
from .core import REDACTED, FakeStripe, FakeStripeError
from .core import param_path as _p
from .core import reject_unknown as _unknown

_ADDRESS_KEYS = {"city", "country", "line1", "line2", "postal_code", "state"}
_KANA_KEYS = _ADDRESS_KEYS | {"town"}
_TEXT = {
    "email", "first_name", "first_name_kana", "first_name_kanji", "gender",
    "last_name", "last_name_kana", "last_name_kanji", "maiden_name",
    "nationality", "phone",
}
PERSON_PARAMS = _TEXT | {
    "address", "address_kana", "address_kanji", "dob", "documents",
    "full_name_aliases", "id_number", "id_number_secondary", "metadata",
    "political_exposure", "registered_address", "relationship", "ssn_last_4",
    "verification",
}
COMPANY_PARAMS = {
    "address", "address_kana", "address_kanji", "directors_provided",
    "executives_provided", "export_license_id", "export_purpose_code", "name",
    "name_kana", "name_kanji", "owners_provided", "ownership_declaration", "phone",
    "registration_number", "structure", "tax_id", "tax_id_registrar", "vat_id",
    "verification",
}
COMPANY_STRUCTURES = {
    "", "free_zone_establishment", "free_zone_llc", "government_instrumentality", "governmental_unit",
    "incorporated_non_profit", "incorporated_partnership", "limited_liability_partnership", "llc",
    "multi_member_llc", "private_company", "private_corporation", "private_partnership", "public_company",
    "public_corporation", "public_partnership", "single_member_llc", "sole_establishment", "sole_proprietorship",
    "tax_exempt_government_instrumentality", "unincorporated_association", "unincorporated_non_profit",
    "unincorporated_partnership",
}
_RELATIONSHIP_KEYS = {"director", "executive", "owner", "percent_ownership", "representative", "title"}
SENSITIVE = {"ssn_last_4", "id_number", "id_number_secondary", "tax_id", "vat_id"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_T = TypeVar("_T")


def _address() -> dict[str, str | None]:
    return {k: None for k in sorted(_ADDRESS_KEYS)}


def _document() -> dict[str, str | None]:
    return {"back": None, "details": None, "details_code": None, "front": None}


def blank_person(fake: FakeStripe, account_id: str, person_id: str | None = None) -> dict[str, Any]:
    """A person with every property Stripe returns, nothing filled in."""
    return {
        "id": person_id or fake.new_id("person"),
        "object": "person",
        "account": account_id,
        "address": _address(),
        "address_kana": None,
        "address_kanji": None,
        "created": fake.now(),
        "dob": {"day": None, "month": None, "year": None},
        "email": None,
        "first_name": None,
        "first_name_kana": None,
        "first_name_kanji": None,
        "full_name_aliases": [],
        "future_requirements": None,
        "gender": None,
        "id_number_provided": False,
        "id_number_secondary_provided": False,
        "last_name": None,
        "last_name_kana": None,
        "last_name_kanji": None,
        "maiden_name": None,
        "metadata": {},
        "nationality": None,
        "phone": None,
        "political_exposure": "none",
        "registered_address": _address(),
        "relationship": {
            "director": False,
            "executive": False,
            "owner": False,
            "percent_ownership": None,
            "representative": False,
            "title": None,
        },
        "requirements": None,
        "ssn_last_4_provided": False,
        "verification": {
            "additional_document": _document(),
            "details": None,
            "details_code": None,
            "document": _document(),
            "status": "unverified",
        },
    }


def blank_company() -> dict[str, Any]:
    """A company hash with every property Stripe returns, nothing filled in."""
    return {
        "address": _address(),
        "address_kana": None,
        "address_kanji": None,
        "directors_provided": False,
        "executives_provided": False,
        "export_license_id": None,
        "export_purpose_code": None,
        "name": None,
        "name_kana": None,
        "name_kanji": None,
        "owners_provided": False,
        "ownership_declaration": None,
        "phone": None,
        "structure": None,
        "tax_id_provided": False,
        "tax_id_registrar": None,
        "vat_id_provided": False,
        "verification": {"document": _document()},
    }




def _text(value: _T) -> _T | None:
    return None if value == "" else value


def _check_state(value: dict[str, Any], prefix: str, key: str, country: str | None) -> None:
    """Refuse a ``state`` that is not one of the country's (US, CA, AU), as Stripe does."""
    country = (value.get("country") or country or "").upper()
    state = value.get("state")
    if not state or country not in ("US", "CA", "AU"):
        return
    if state.upper() not in dict(countries.STATES[country]):
        raise FakeStripeError.invalid(
            _p(prefix, key, "state"),
            f"The state you provided ({state}) is not a valid state for the country {country}.",
            code="account_country_invalid_state",
        )


def _apply_address(
    target: dict[str, Any], key: str, value: Any, prefix: str, keys: Collection[str] = _ADDRESS_KEYS,
    country: str | None = None,
) -> None:
    if value == "":
        target[key] = _address() if key in ("address", "registered_address") else None
        return
    _unknown(keys, value, _p(prefix, key))
    if key in ("address", "registered_address"):
        _check_state(value, prefix, key, country)
    current = target.get(key) or {k: None for k in sorted(keys)}
    for k, v in value.items():
        current[k] = _text(v)
    target[key] = current


def _apply_dob(fake: FakeStripe, target: dict[str, Any], value: Any, prefix: str) -> None:
    if value == "":
        target["dob"] = {"day": None, "month": None, "year": None}
        return
    _unknown({"day", "month", "year"}, value, _p(prefix, "dob"))
    dob = dict(target["dob"])
    for part in ("day", "month", "year"):
        if part in value:
            dob[part] = fake.to_int(value[part], _p(prefix, "dob", part))
    limits = {"day": (1, 31), "month": (1, 12), "year": (1900, 9999)}
    for part, (lo, hi) in limits.items():
        if dob[part] is not None and not lo <= dob[part] <= hi:
            raise FakeStripeError.invalid(
                _p(prefix, "dob", part), f"Invalid {part} of birth: {dob[part]}"
            )
    if dob["year"] is not None:
        this_year = 1970 + fake.now() // 31_556_952
        if this_year - dob["year"] < 13:
            raise FakeStripeError.invalid(
                _p(prefix, "dob", "year"),
                "You must be at least 13 years of age to use Stripe",
                code="invalid_dob_age_under_minimum",
            )
    target["dob"] = dob


def _check_number(value: Any, param: str, digits: Collection[int] | None, what: str) -> bool:
    """Validate a sensitive number; returns True (it was provided)."""
    if value == REDACTED:
        return True
    cleaned = str(value).replace("-", "").replace(" ", "")
    if not cleaned.isdigit() or (digits and len(cleaned) not in digits):
        # Never echo the value back.
        raise FakeStripeError.invalid(param, f"Invalid {what}.")
    return True


def _apply_documents(
    fake: FakeStripe, target: dict[str, Any], value: Any, prefix: str, account: str | None, keys: set[str],
    purpose: str = "identity_document",
) -> None:
    _unknown(keys | {"details"}, value, _p(prefix, "verification"))
    for doc_key in keys:
        doc = value.get(doc_key)
        if doc is None:
            continue
        _unknown({"front", "back"}, doc, _p(prefix, "verification", doc_key))
        for side in ("front", "back"):
            if side in doc:
                file_id = _text(doc[side])
                if file_id is not None and file_id != REDACTED:
                    _check_file(fake, file_id, account, purpose, _p(prefix, "verification", doc_key, side))
                target["verification"][doc_key][side] = file_id


def _check_file(fake: FakeStripe, file_id: str, account: str | None, purpose: str, param: str) -> None:
    """Refuse a file id that does not exist or was uploaded with another purpose."""
    found = fake.get(file_id, account, "file") or fake.get(file_id, None, "file")
    if found is None:
        raise FakeStripeError.invalid(param, f"No such file upload: '{file_id}'", code="resource_missing")
    if found["purpose"] != purpose:
        raise FakeStripeError.invalid(
            param,
            "The file {} was uploaded with purpose '{}', but a file with purpose '{}' is required here.".format(file_id, found["purpose"], purpose),
        )


PERSON_DOCUMENTS = {"company_authorization", "passport", "visa"}
ACCOUNT_DOCUMENTS = {
    "bank_account_ownership_verification", "company_license", "company_memorandum_of_association",
    "company_ministerial_decree", "company_registration_verification", "company_tax_id_verification",
    "proof_of_registration",
}


def apply_file_documents(
    fake: FakeStripe, owner_id: str, value: Any, param: str, account: str | None, kinds: Collection[str]
) -> None:
    """``documents[<kind>][files][]``: file ids of purpose ``account_requirement``.

    What was provided is remembered by kind in ``fake.state["documents"][owner_id]``
    (Stripe does not return it on the object), for the requirements to see.
    """
    if not isinstance(value, dict):
        raise FakeStripeError.invalid(param, "Invalid object")
    _unknown(kinds, value, param)
    # A list, not a set: the fake's state must stay JSON (FakeStripe.dump / load).
    provided = fake.state.setdefault("documents", {}).setdefault(owner_id, [])
    for kind, doc in value.items():
        if not isinstance(doc, dict):
            raise FakeStripeError.invalid(_p(param, kind), "Invalid object")
        _unknown({"files"}, doc, _p(param, kind))
        files = doc.get("files") or []
        if not isinstance(files, list):
            raise FakeStripeError.invalid(_p(param, kind, "files"), "Invalid array")
        for i, file_id in enumerate(files):
            if file_id:
                _check_file(fake, file_id, account, "account_requirement", "%s[%d]" % (_p(param, kind, "files"), i))
        if any(files) and kind not in provided:
            provided.append(kind)


def apply_person(
    fake: FakeStripe, person: dict[str, Any], params: Any, prefix: str, country: str | None,
    account: str | None = None,
) -> dict[str, Any]:
    """Apply person parameters (``individual[...]``, ``person[...]`` or a
    person endpoint's) to ``person``.

    ``prefix`` is the bracket path used in error params (``"individual"``, or
    ``""`` for a person endpoint); ``country`` selects ID-number rules (None:
    lenient); ``account`` is the scope uploaded files live in.
    """
    _unknown(PERSON_PARAMS, params, prefix)
    for key, value in params.items():
        param = _p(prefix, key)
        if key in _TEXT:
            if key == "email" and value and not _EMAIL.match(value):
                raise FakeStripeError.invalid(param, f"Invalid email address: {value}", code="email_invalid")
            person[key] = _text(value)
        elif key in ("address", "registered_address"):
            _apply_address(person, key, value, prefix, country=country)
        elif key in ("address_kana", "address_kanji"):
            _apply_address(person, key, value, prefix, _KANA_KEYS)
        elif key == "dob":
            _apply_dob(fake, person, value, prefix)
        elif key == "ssn_last_4":
            person["ssn_last_4_provided"] = _check_number(value, param, {4}, "SSN last 4 digits")
        elif key == "id_number":
            digits = {9} if country == "US" else None
            person["id_number_provided"] = _check_number(value, param, digits, "ID number")
        elif key == "id_number_secondary":
            person["id_number_secondary_provided"] = _check_number(value, param, None, "ID number")
        elif key == "metadata":
            person["metadata"] = fake.merge_metadata(person["metadata"], value, param)
        elif key == "full_name_aliases":
            if value != "" and not isinstance(value, list):
                raise FakeStripeError.invalid(param, "Invalid array")
            person["full_name_aliases"] = [] if value == "" else list(value)
        elif key == "political_exposure":
            if value not in ("none", "existing"):
                raise FakeStripeError.invalid(param, "Invalid political_exposure: must be one of none or existing")
            person[key] = value
        elif key == "relationship":
            _apply_relationship(fake, person, value, param)
        elif key == "verification":
            _apply_documents(fake, person, value, prefix, account, {"document", "additional_document"})
        elif key == "documents":
            apply_file_documents(fake, person["id"], value, param, account, PERSON_DOCUMENTS)
    return person


def _apply_relationship(fake: FakeStripe, person: dict[str, Any], value: Any, param: str) -> None:
    _unknown(_RELATIONSHIP_KEYS, value, param)
    rel = person["relationship"]
    for key, v in value.items():
        if key == "title":
            rel[key] = _text(v)
        elif key == "percent_ownership":
            if v == "":
                rel[key] = None
                continue
            try:
                pct = float(v)
            except (TypeError, ValueError):
                raise FakeStripeError.invalid(_p(param, key), f"Invalid decimal: {v}") from None
            if not 0 <= pct <= 100:
                raise FakeStripeError.invalid(_p(param, key), "percent_ownership must be between 0 and 100")
            rel[key] = pct
        else:
            rel[key] = fake.to_bool(v, _p(param, key))


def apply_company(
    fake: FakeStripe, company: dict[str, Any], params: Any, account: str | None = None, prefix: str = "company"
) -> dict[str, Any]:
    """Apply ``company[...]`` parameters to a company hash."""
    _unknown(COMPANY_PARAMS, params, prefix)
    for key, value in params.items():
        param = _p(prefix, key)
        if key in ("address",):
            _apply_address(company, key, value, prefix)
        elif key == "structure":
            if value not in COMPANY_STRUCTURES:
                raise FakeStripeError.invalid(param, f"Invalid company structure: {value}")
            company[key] = _text(value)
        elif key in ("address_kana", "address_kanji"):
            _apply_address(company, key, value, prefix, _KANA_KEYS)
        elif key in ("directors_provided", "executives_provided", "owners_provided"):
            company[key] = fake.to_bool(value, param)
        elif key == "tax_id":
            company["tax_id_provided"] = _check_number(value, param, None, "tax ID")
        elif key == "vat_id":
            # Stripe takes VAT numbers with their country prefix (DE123456789).
            if value != REDACTED and not re.fullmatch(r"[A-Za-z0-9 .-]{4,30}", str(value)):
                raise FakeStripeError.invalid(param, "Invalid VAT ID.")
            company["vat_id_provided"] = True
        elif key == "ownership_declaration":
            _unknown({"date", "ip", "user_agent"}, value, param)
            decl = dict(company.get("ownership_declaration") or {"date": None, "ip": None, "user_agent": None})
            for k, v in value.items():
                decl[k] = fake.to_int(v, _p(param, k)) if k == "date" else _text(v)
            company["ownership_declaration"] = decl
        elif key == "verification":
            _apply_documents(fake, company, value, prefix, account, {"document"}, purpose="additional_verification")
        elif key == "registration_number":
            pass  # accepted, never returned by Stripe
        else:
            company[key] = _text(value)
    return company


def sanitize(params: Any) -> Any:
    """Parameters with every sensitive value replaced by a marker, for tokens."""
    if isinstance(params, dict):
        return {k: (REDACTED if k in SENSITIVE and v != "" else sanitize(v)) for k, v in params.items()}
    if isinstance(params, list):
        return [sanitize(v) for v in params]
    return params
