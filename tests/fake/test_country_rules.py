"""The fake Stripe applies each country's rules from pinax_connect.countries:
country specs, account countries, bank formats, states, file purposes, structured values."""
import io

import pytest
import stripe

from pinax_connect import countries

CAPS = {"card_payments": {"requested": True}, "transfers": {"requested": True}}
LOCAL_FORMATS = sorted(code for code, c in countries.COUNTRIES.items() if not c.bank.iban)
IBAN_COUNTRIES = sorted(code for code, c in countries.COUNTRIES.items() if c.bank.iban)


def custom(stripe_client, country="US", **extra):
    params = {"type": "custom", "country": country, "business_type": "individual", "capabilities": CAPS}
    params.update(extra)
    return stripe_client.v1.accounts.create(params)


def bank(code, **override):
    details = {"object": "bank_account", "country": code, "currency": countries.get(code).currency,
               **countries.get(code).test_bank}
    details.update(override)
    return details


def _refused(call):
    with pytest.raises(stripe.InvalidRequestError) as info:
        call()
    return info.value


# ---- country specs and account countries ---------------------------------------------------

def test_country_spec_says_the_default_currency_and_verification_fields(stripe_client):
    spec = stripe_client.v1.country_specs.retrieve("AE")
    assert spec.default_currency == "aed"
    assert spec.verification_fields.individual.minimum == countries.minimum_fields("AE", "individual")
    assert "individual.id_number" in spec.verification_fields.individual.minimum
    company = spec.verification_fields.company.minimum
    assert "company.directors_provided" in company and "directors.first_name" in company
    hk = stripe_client.v1.country_specs.retrieve("HK")
    assert not any(p.endswith("postal_code") for p in hk.verification_fields.individual.minimum)


def test_country_specs_list_every_supported_country_alphabetically(stripe_client):
    listed = [spec.id for spec in stripe_client.v1.country_specs.list({"limit": 100}).data]
    assert listed == countries.codes()


def test_an_unknown_country_spec_is_not_found(stripe_client):
    error = _refused(lambda: stripe_client.v1.country_specs.retrieve("ZZ"))
    assert error.code == "resource_missing"


@pytest.mark.parametrize("code,error_code", [("USA", "parameter_invalid"), ("ZZ", "country_unsupported"),
                                             ("CN", "country_unsupported")])
def test_accounts_are_only_created_in_supported_countries(stripe_client, code, error_code):
    error = _refused(lambda: custom(stripe_client, code))
    assert error.param == "country" and error.code == error_code


@pytest.mark.parametrize("code", countries.codes())
def test_each_country_gets_its_default_currency_and_accepts_its_test_bank_details(stripe_client, code):
    acct = custom(stripe_client, code, external_account=bank(code))
    assert acct.default_currency == countries.get(code).currency
    assert acct.external_accounts.data[0].currency == countries.get(code).currency


# ---- bank details per format ------------------------------------------------------------------

BAD_ROUTING = {"US": "110000001", "CA": "11000", "GB": "12345", "AU": "1100", "NZ": "11000",
               "JP": "110000", "SG": "1100000", "HK": "110000", "BR": "1100000", "IN": "HDFC004051",
               "MY": "HBMB", "TH": "11", "MX": "123"}
BAD_ACCOUNT = {"US": "123", "CA": "123", "GB": "1", "AU": "123", "NZ": "12", "JP": "12", "SG": "12",
               "HK": "12", "BR": "1234567890123", "IN": "12", "MY": "12", "TH": "12",
               "MX": "000000001234567890"}  # a CLABE whose check digit is wrong


@pytest.mark.parametrize("code", LOCAL_FORMATS)
def test_a_routing_number_in_the_wrong_format_is_refused(stripe_client, code, fake):
    assert set(BAD_ROUTING) == set(LOCAL_FORMATS)
    error = _refused(lambda: custom(stripe_client, code, external_account=bank(code, routing_number=BAD_ROUTING[code])))
    assert (error.code, error.param) == ("routing_number_invalid", "external_account[routing_number]")
    assert fake.all("account") == [] or all(a["country"] != code for a in fake.all("account"))


@pytest.mark.parametrize("code", LOCAL_FORMATS)
def test_an_account_number_in_the_wrong_format_is_refused(stripe_client, code):
    error = _refused(lambda: custom(stripe_client, code, external_account=bank(code, account_number=BAD_ACCOUNT[code])))
    assert (error.code, error.param) == ("account_number_invalid", "external_account[account_number]")


@pytest.mark.parametrize("code", IBAN_COUNTRIES)
def test_an_iban_with_a_wrong_checksum_or_length_is_refused(stripe_client, code):
    good = countries.TEST_IBANS[code]
    wrong_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    for value in (wrong_digit, good[:-1], code + "00NOTANIBAN"):
        error = _refused(lambda: custom(stripe_client, code, external_account=bank(code, account_number=value)))
        assert (error.code, error.param) == ("account_number_invalid", "external_account[account_number]")


def test_the_old_loopholes_are_closed(stripe_client):
    for code, override in (("GB", {"routing_number": "12345", "account_number": "1"}),
                           ("CA", {"routing_number": "nonsense"}),
                           ("CH", {"account_number": "CH00NOTANIBAN"}),
                           ("AE", {"account_number": "AE000000000000000000000"})):
        _refused(lambda: custom(stripe_client, code, external_account=bank(code, **override)))


# ---- addresses, structured values, documents --------------------------------------------------

def test_an_invalid_us_state_is_refused_with_stripes_code(stripe_client):
    acct = custom(stripe_client)
    error = _refused(lambda: stripe_client.v1.accounts.update(acct.id, {"individual": {"address": {
        "line1": "1 Main", "city": "Springfield", "state": "XX", "country": "US"}}}))
    assert (error.code, error.param) == ("account_country_invalid_state", "individual[address][state]")
    stripe_client.v1.accounts.update(acct.id, {"individual": {"address": {"state": "CA"}}})


def test_a_vat_id_with_its_country_prefix_is_accepted(stripe_client):
    acct = custom(stripe_client, "DE", business_type="company")
    acct = stripe_client.v1.accounts.update(acct.id, {"company": {"vat_id": "DE123456789"}})
    assert acct.company.vat_id_provided is True


def test_full_name_aliases_must_be_an_array(stripe_client, fake):
    acct = custom(stripe_client)
    # stripe-python always encodes a list; a hand-made request can send a bare string.
    body, status, _headers = fake.request("post", "https://api.stripe.com/v1/accounts/%s" % acct.id,
                                          {"Authorization": "Bearer sk_test_fake"},
                                          "individual[full_name_aliases]=Jen")
    assert status == 400 and "full_name_aliases" in body
    acct = stripe_client.v1.accounts.update(acct.id, {"individual": {"full_name_aliases": ["Jen", "J. R."]}})
    assert acct.individual.full_name_aliases == ["Jen", "J. R."]


def _upload(stripe_client, account, purpose):
    data = io.BytesIO(b"%PDF-1.4 test")
    data.name = "doc.pdf"
    return stripe_client.v1.files.create({"file": data, "purpose": purpose}, {"stripe_account": account})


def test_documents_need_the_purpose_stripe_wants_where_they_go(stripe_client):
    acct = custom(stripe_client, "DE", business_type="company")
    identity = _upload(stripe_client, acct.id, "identity_document")
    company = _upload(stripe_client, acct.id, "additional_verification")
    requirement = _upload(stripe_client, acct.id, "account_requirement")
    wrong = [
        {"company": {"verification": {"document": {"front": identity.id}}}},
        {"documents": {"company_registration_verification": {"files": [identity.id]}}},
    ]
    for params in wrong:
        error = _refused(lambda: stripe_client.v1.accounts.update(acct.id, params))
        assert "purpose" in str(error.user_message)
    rep = stripe_client.v1.accounts.persons.create(acct.id, {"relationship": {"representative": True}})
    error = _refused(lambda: stripe_client.v1.accounts.persons.update(
        acct.id, rep.id, {"verification": {"document": {"front": company.id}}}))
    assert error.param == "verification[document][front]"
    stripe_client.v1.accounts.update(acct.id, {
        "company": {"verification": {"document": {"front": company.id}}},
        "documents": {"company_registration_verification": {"files": [requirement.id]}}})
    stripe_client.v1.accounts.persons.update(acct.id, rep.id, {
        "verification": {"document": {"front": identity.id}},
        "documents": {"company_authorization": {"files": [requirement.id]}}})


def test_raised_document_requirements_are_met_by_the_documents(stripe_client, fake):
    acct = custom(stripe_client, "DE", business_type="company")
    fake.raise_requirements(acct.id, ["documents.company_registration_verification"])
    due = stripe_client.v1.accounts.retrieve(acct.id).requirements.currently_due
    assert "documents.company_registration_verification" in due
    requirement = _upload(stripe_client, acct.id, "account_requirement")
    stripe_client.v1.accounts.update(
        acct.id, {"documents": {"company_registration_verification": {"files": [requirement.id]}}})
    due = stripe_client.v1.accounts.retrieve(acct.id).requirements.currently_due
    assert "documents.company_registration_verification" not in due


@pytest.mark.parametrize("code", ["JP", "SG", "HK", "BR", "MX", "IN"])
def test_countries_ask_for_their_own_minimum(stripe_client, code):
    due = custom(stripe_client, code).requirements.currently_due
    assert sorted(due) == [p for p in countries.minimum_fields(code) if p != "business_type"]
    if code == "JP":
        assert "individual.first_name_kana" in due and "individual.address_kanji.town" in due
    else:
        assert "individual.id_number" in due


def test_documents_provided_survive_dump_and_load(stripe_client, fake, tmp_path):
    from pinax_connect.testing import FakeStripe

    acct = custom(stripe_client, "DE", business_type="company")
    fake.raise_requirements(acct.id, ["documents.company_license"])
    requirement = _upload(stripe_client, acct.id, "account_requirement")
    stripe_client.v1.accounts.update(acct.id, {"documents": {"company_license": {"files": [requirement.id]}}})
    fake.dump(tmp_path / "state.json")
    again = FakeStripe.load(tmp_path / "state.json")
    client = stripe.StripeClient("sk_test_fake", http_client=again)
    assert "documents.company_license" not in client.v1.accounts.retrieve(acct.id).requirements.currently_due
