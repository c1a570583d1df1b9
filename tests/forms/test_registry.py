"""Every path of the requirement-path registry, both ways: form data -> Stripe params,
and a Stripe error's ``param`` -> the form field it belongs on."""
import datetime

import pytest
import stripe
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from pinax_connect.forms import fields as registry
from pinax_connect.forms.accounts import RequirementsForm
from pinax_connect.forms.errors import apply_stripe_error

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# key -> (requirement path below the scope, form data below the scope, expected params
#         below the scope, Stripe error param below the scope, field the error lands on)
PERSON_CASES = {
    "first_name": ("first_name", {"first_name": "Jenny"}, {"first_name": "Jenny"}, "first_name", "first_name"),
    "last_name": ("last_name", {"last_name": "Rosen"}, {"last_name": "Rosen"}, "last_name", "last_name"),
    "dob": ("dob.day", {"dob": "1990-01-15"}, {"dob": {"day": 15, "month": 1, "year": 1990}},
            "dob[year]", "dob"),
    "address": (
        "address.postal_code",
        {"address__line1": "510 Townsend St", "address__city": "San Francisco", "address__state": "CA",
         "address__postal_code": "94103"},
        {"address": {"line1": "510 Townsend St", "city": "San Francisco", "state": "CA",
                     "postal_code": "94103", "country": "US"}},
        "address[postal_code]", "address__postal_code",
    ),
    "email": ("email", {"email": "j@example.com"}, {"email": "j@example.com"}, "email", "email"),
    "phone": ("phone", {"phone": "+1 415 555 0100"}, {"phone": "+1 415 555 0100"}, "phone", "phone"),
    "ssn_last_4": ("ssn_last_4", {"ssn_last_4": "1234"}, {"ssn_last_4": "1234"}, "ssn_last_4", "ssn_last_4"),
    "id_number": ("id_number", {"id_number": "123-45-6789"}, {"id_number": "123456789"}, "id_number",
                  "id_number"),
    "verification.document": (
        "verification.document", {"verification__document__front": "FILE"},
        {"verification": {"document": {"front": "FILE"}}},
        "verification[document][front]", "verification__document__front",
    ),
    "verification.additional_document": (
        "verification.additional_document.front", {"verification__additional_document__front": "FILE"},
        {"verification": {"additional_document": {"front": "FILE"}}},
        "verification[additional_document][back]", "verification__additional_document__back",
    ),
    "relationship.title": ("relationship.title", {"relationship__title": "CEO"},
                           {"relationship": {"title": "CEO"}}, "relationship[title]", "relationship__title"),
    "relationship.owner": ("relationship.owner", {"relationship__owner": "on"},
                           {"relationship": {"owner": True}}, "relationship[owner]", "relationship__owner"),
}

COMPANY_CASES = {
    "name": ("name", {"name": "Rosen LLC"}, {"name": "Rosen LLC"}, "name", "name"),
    "tax_id": ("tax_id", {"tax_id": "12-3456789"}, {"tax_id": "123456789"}, "tax_id", "tax_id"),
    "phone": ("phone", {"phone": "+14155550100"}, {"phone": "+14155550100"}, "phone", "phone"),
    "address": (
        "address.line1",
        {"address__line1": "1 Main St", "address__city": "Austin", "address__state": "TX",
         "address__postal_code": "73301-0001"},
        {"address": {"line1": "1 Main St", "city": "Austin", "state": "TX", "postal_code": "73301-0001",
                     "country": "US"}},
        "address[city]", "address__city",
    ),
    "verification.document": (
        "verification.document", {"verification__document__front": "FILE"},
        {"verification": {"document": {"front": "FILE"}}},
        "verification[document]", "verification__document__front",
    ),
}

ACCOUNT_CASES = {
    "business_profile.url": ("business_profile.url", {"business_profile__url": "https://example.com/shop"},
                             {"business_profile": {"url": "https://example.com/shop"}},
                             "business_profile[url]", "business_profile__url"),
    "business_profile.mcc": ("business_profile.mcc", {"business_profile__mcc": "5734"},
                             {"business_profile": {"mcc": "5734"}}, "business_profile[mcc]",
                             "business_profile__mcc"),
    "business_profile.product_description": (
        "business_profile.product_description", {"business_profile__product_description": "Pottery"},
        {"business_profile": {"product_description": "Pottery"}}, "business_profile[product_description]",
        "business_profile__product_description"),
    "business_type": ("business_type", {"business_type": "company"}, {"business_type": "company"},
                      "business_type", "business_type"),
    "external_account": (
        "external_account",
        {"external_account__routing_number": "110000000", "external_account__account_number": "000123456789",
         "external_account__account_holder_name": "Jenny Rosen"},
        {"external_account": {"object": "bank_account", "country": "US", "currency": "usd",
                              "routing_number": "110000000", "account_number": "000123456789",
                              "account_holder_name": "Jenny Rosen", "account_holder_type": "individual"}},
        "external_account[routing_number]", "external_account__routing_number",
    ),
    "tos_acceptance": (
        "tos_acceptance.ip", {"tos_acceptance": "on"},
        {"tos_acceptance": {"date": "NOW", "ip": "198.51.100.7", "user_agent": "Browser/1.0"}},
        "tos_acceptance[ip]", "tos_acceptance",
    ),
}


PERSON_CASES.update({
    **{key: (key, {key: "ヤマダ"}, {key: "ヤマダ"}, key, key)
       for key in ("first_name_kana", "first_name_kanji", "last_name_kana", "last_name_kanji")},
    "maiden_name": ("maiden_name", {"maiden_name": "Smith"}, {"maiden_name": "Smith"}, "maiden_name", "maiden_name"),
    "full_name_aliases": ("full_name_aliases", {"full_name_aliases": "Jen Rosen\n\nJ. R."},
                          {"full_name_aliases": ["Jen Rosen", "J. R."]}, "full_name_aliases[1]", "full_name_aliases"),
    **{key: (key + ".town",
             {f"{key}__line1": "1-1", f"{key}__town": "Chiyoda", f"{key}__city": "Chiyoda-ku",
              f"{key}__state": "Tokyo", f"{key}__postal_code": "100-0001"},
             {key: {"line1": "1-1", "town": "Chiyoda", "city": "Chiyoda-ku", "state": "Tokyo",
                    "postal_code": "100-0001", "country": "US"}},
             f"{key}[town]", f"{key}__town")
       for key in ("address_kana", "address_kanji")},
    "registered_address": (
        "registered_address.city",
        {"registered_address__line1": "1 Main St", "registered_address__city": "Austin",
         "registered_address__state": "TX", "registered_address__postal_code": "73301"},
        {"registered_address": {"line1": "1 Main St", "city": "Austin", "state": "TX", "postal_code": "73301",
                                "country": "US"}},
        "registered_address[state]", "registered_address__state"),
    "gender": ("gender", {"gender": "female"}, {"gender": "female"}, "gender", "gender"),
    "nationality": ("nationality", {"nationality": "fr"}, {"nationality": "FR"}, "nationality", "nationality"),
    "political_exposure": ("political_exposure", {"political_exposure": "existing"},
                           {"political_exposure": "existing"}, "political_exposure", "political_exposure"),
    "id_number_secondary": ("id_number_secondary", {"id_number_secondary": "A1234567"},
                            {"id_number_secondary": "A1234567"}, "id_number_secondary", "id_number_secondary"),
    **{f"documents.{kind}": (f"documents.{kind}.files", {f"documents__{kind}__files": "FILE"},
                             {"documents": {kind: {"files": ["FILE"]}}},
                             f"documents[{kind}][files][0]", f"documents__{kind}__files")
       for kind in ("company_authorization", "passport", "visa")},
    **{f"relationship.{flag}": (f"relationship.{flag}", {f"relationship__{flag}": "on"},
                                {"relationship": {flag: True}}, f"relationship[{flag}]", f"relationship__{flag}")
       for flag in ("director", "executive")},
    "relationship.percent_ownership": (
        "relationship.percent_ownership", {"relationship__percent_ownership": "37.50"},
        {"relationship": {"percent_ownership": "37.5"}}, "relationship[percent_ownership]",
        "relationship__percent_ownership"),
})

COMPANY_CASES.update({
    **{key: (key, {key: value}, {key: sent}, key, key) for key, value, sent in (
        ("name_kana", "カブシキガイシャ", "カブシキガイシャ"), ("name_kanji", "株式会社", "株式会社"),
        ("vat_id", "DE 123.456.789", "DE123456789"), ("registration_number", "HRB 1234", "HRB 1234"),
        ("tax_id_registrar", "Amtsgericht", "Amtsgericht"), ("export_license_id", "EL-1", "EL-1"),
        ("export_purpose_code", "P0101", "P0101"), ("structure", "multi_member_llc", "multi_member_llc"))},
    **{key: (key + ".city",
             {f"{key}__line1": "1-1", f"{key}__town": "Chiyoda", f"{key}__city": "Chiyoda-ku",
              f"{key}__state": "Tokyo", f"{key}__postal_code": "100-0001"},
             {key: {"line1": "1-1", "town": "Chiyoda", "city": "Chiyoda-ku", "state": "Tokyo",
                    "postal_code": "100-0001", "country": "US"}},
             f"{key}[postal_code]", f"{key}__postal_code")
       for key in ("address_kana", "address_kanji")},
    **{key: (key, {key: "on"}, {key: True}, key, key)
       for key in ("owners_provided", "directors_provided", "executives_provided")},
    "ownership_declaration": ("ownership_declaration.ip", {"ownership_declaration": "on"},
                              {"ownership_declaration": {"date": "NOW", "ip": "198.51.100.7",
                                                         "user_agent": "Browser/1.0"}},
                              "ownership_declaration[date]", "ownership_declaration"),
})

ACCOUNT_CASES.update({
    **{f"business_profile.{key}": (f"business_profile.{key}", {f"business_profile__{key}": value},
                                   {"business_profile": {key: value}}, f"business_profile[{key}]",
                                   f"business_profile__{key}")
       for key, value in (("name", "Rosen Pottery"), ("support_email", "help@example.com"),
                          ("support_phone", "+14155550100"), ("support_url", "https://example.com/help"))},
    "business_profile.support_address": (
        "business_profile.support_address.line1",
        {"business_profile__support_address__line1": "1 Main St", "business_profile__support_address__city": "Austin",
         "business_profile__support_address__state": "TX", "business_profile__support_address__postal_code": "73301"},
        {"business_profile": {"support_address": {"line1": "1 Main St", "city": "Austin", "state": "TX",
                                                  "postal_code": "73301", "country": "US"}}},
        "business_profile[support_address][city]", "business_profile__support_address__city"),
    "business_profile.monthly_estimated_revenue": (
        "business_profile.monthly_estimated_revenue.amount",
        {"business_profile__monthly_estimated_revenue__amount": "1500.50",
         "business_profile__monthly_estimated_revenue__currency": "usd"},
        {"business_profile": {"monthly_estimated_revenue": {"amount": 150050, "currency": "usd"}}},
        "business_profile[monthly_estimated_revenue][currency]",
        "business_profile__monthly_estimated_revenue__currency"),
    **{f"documents.{kind}": (f"documents.{kind}", {f"documents__{kind}__files": "FILE"},
                             {"documents": {kind: {"files": ["FILE"]}}},
                             f"documents[{kind}][files][0]", f"documents__{kind}__files")
       for kind in ("bank_account_ownership_verification", "company_license", "company_memorandum_of_association",
                    "company_ministerial_decree", "company_registration_verification",
                    "company_tax_id_verification", "proof_of_registration")},
})

PERSON_SCOPES = ["individual", "representative", "person_1AbC", "owners"]


def _request():
    return RequestFactory().post("/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Browser/1.0")


def _bind(paths, data, country="US"):
    files = {}
    for key, value in list(data.items()):
        if value == "FILE":
            files[key] = SimpleUploadedFile("id.png", PNG, "image/png")
            del data[key]
    ctx = registry.Context(country=country, request=_request())
    form = RequirementsForm(data, files, context=ctx, paths=paths)
    # Only the fields under test are filled in; the others may stay optional/empty.
    for name, f in form.fields.items():
        if name not in data and name not in files:
            f.required = False
    return form, files


def _check_params(actual, expected):
    if expected == "FILE":
        assert hasattr(actual, "read")
    elif expected == "NOW":
        assert abs(actual - int(datetime.datetime.now().timestamp())) < 300  # a unix time, not a timed assertion
    elif isinstance(expected, list):
        assert len(actual) == len(expected), (actual, expected)
        for got, want in zip(actual, expected):
            _check_params(got, want)
    elif isinstance(expected, dict):
        assert set(actual) == set(expected), (actual, expected)
        for key in expected:
            _check_params(actual[key], expected[key])
    else:
        assert actual == expected


def _prefixed(scope, data):
    return {f"{scope}__{k}" if scope else k: v for k, v in data.items()}


def _under(root, param):
    """``_under("individual", "dob[year]") == "individual[dob][year]"``."""
    head, bracket, tail = param.partition("[")
    return f"{root}[{head}]{bracket}{tail}"


def _error_on(form, param, scope=""):
    exc = stripe.InvalidRequestError("That is not right.", param)
    return apply_stripe_error(form, exc, scope=scope)


def test_every_registry_entry_has_a_round_trip_case():
    assert set(PERSON_CASES) == {e.key for e in registry.PERSON_ENTRIES}
    assert set(COMPANY_CASES) == {e.key for e in registry.COMPANY_ENTRIES}
    assert set(ACCOUNT_CASES) == {e.key for e in registry.ACCOUNT_ENTRIES}


@pytest.mark.parametrize("scope", PERSON_SCOPES)
@pytest.mark.parametrize("key", sorted(PERSON_CASES))
def test_person_path_round_trip(scope, key):
    rel_path, data, expected, error_param, error_field = PERSON_CASES[key]
    form, _files = _bind([f"{scope}.{rel_path}"], _prefixed(scope, data))
    assert form.is_valid(), form.errors
    submission = form.submission()
    if scope == "individual":
        assert submission.persons == {}
        _check_params(submission.account, {"individual": expected})
    else:
        assert submission.account == {}
        _check_params(submission.persons, {scope: expected})
    # Stripe names the param from the call it answers: account-level for individual[...],
    # relative to the person for the Persons API.
    if scope == "individual":
        field = _error_on(form, _under("individual", error_param))
    else:
        field = _error_on(form, error_param, scope=scope)
    assert field == f"{scope}__{error_field}"
    assert form.errors[field] == ["That is not right."]


@pytest.mark.parametrize("key", sorted(COMPANY_CASES))
def test_company_path_round_trip(key):
    rel_path, data, expected, error_param, error_field = COMPANY_CASES[key]
    form, _files = _bind([f"company.{rel_path}"], _prefixed("company", data))
    assert form.is_valid(), form.errors
    _check_params(form.submission().account, {"company": expected})
    field = _error_on(form, _under("company", error_param))
    assert field == f"company__{error_field}"


@pytest.mark.parametrize("key", sorted(ACCOUNT_CASES))
def test_account_path_round_trip(key):
    path, data, expected, error_param, error_field = ACCOUNT_CASES[key]
    form, _files = _bind([path], dict(data))
    assert form.is_valid(), form.errors
    _check_params(form.submission().account, expected)
    assert _error_on(form, error_param) == error_field


LEGACY_CASES = [
    # (legacy path, business type, form field it becomes)
    ("legal_entity.first_name", "individual", "individual__first_name"),
    ("legal_entity.last_name", "individual", "individual__last_name"),
    ("legal_entity.dob.day", "individual", "individual__dob"),
    ("legal_entity.dob.year", "individual", "individual__dob"),
    ("legal_entity.address.line1", "individual", "individual__address__line1"),
    ("legal_entity.address.postal_code", "individual", "individual__address__line1"),
    ("legal_entity.personal_address.city", "individual", "individual__address__line1"),
    ("legal_entity.ssn_last_4", "individual", "individual__ssn_last_4"),
    ("legal_entity.personal_id_number", "individual", "individual__id_number"),
    ("legal_entity.verification.document", "individual", "individual__verification__document__front"),
    ("legal_entity.phone_number", "individual", "individual__phone"),
    ("legal_entity.type", "individual", "business_type"),
    ("legal_entity.business_name", "company", "company__name"),
    ("legal_entity.business_tax_id", "company", "company__tax_id"),
    ("legal_entity.address.city", "company", "company__address__line1"),
    ("legal_entity.first_name", "company", "representative__first_name"),
    ("legal_entity.phone_number", "company", "company__phone"),
]


@pytest.mark.parametrize("path,business_type,field", LEGACY_CASES)
def test_legacy_legal_entity_paths_become_todays_fields(path, business_type, field):
    ctx = registry.Context(country="US", request=_request(), business_type=business_type)
    form = RequirementsForm(context=ctx, paths=[path])
    assert field in form.fields
    assert form.hosted_paths == []


def test_legacy_path_values_are_sent_under_todays_parameter_names():
    ctx = registry.Context(country="US", request=_request())
    paths = ["legal_entity.dob.day", "legal_entity.dob.month", "legal_entity.personal_id_number"]
    form = RequirementsForm({"individual__dob": "1980-02-29", "individual__id_number": "123456789"},
                            context=ctx, paths=paths)
    assert list(form.fields) == ["individual__dob", "individual__id_number"]  # one date field for three paths
    assert form.is_valid(), form.errors
    assert form.submission().account == {
        "individual": {"dob": {"day": 29, "month": 2, "year": 1980}, "id_number": "123456789"}
    }


def test_legacy_additional_owners_go_to_stripe_hosted_onboarding():
    ctx = registry.Context(country="US", request=_request())
    form = RequirementsForm(context=ctx, paths=["legal_entity.additional_owners.0.first_name"])
    assert form.fields == {}
    assert form.hosted_paths == ["legal_entity.additional_owners.0.first_name"]
