"""Country rules checked before Stripe is called: bank details and postal addresses."""
import pytest
from django.core.exceptions import ValidationError

from pinax_connect.forms import address, bank
from pinax_connect.forms import fields as registry
from pinax_connect.forms.accounts import RequirementsForm


# ---- IBAN and ABA checksums ------------------------------------------------------------

@pytest.mark.parametrize("iban", [
    "DE89370400440532013000",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "IE29AIBK93115212345678",
    "GB82WEST12345698765432",
])
def test_valid_ibans_pass_the_checksum(iban):
    assert bank.iban_is_valid(iban)


@pytest.mark.parametrize("iban", [
    "DE89370400440532013001",   # checksum off by one digit
    "DE8937040044053201300",    # one character short for Germany
    "XX89370400440532013000",   # not a country with that checksum
    "DE89-3704",                # garbage
])
def test_invalid_ibans_fail(iban):
    assert not bank.iban_is_valid(bank.compact(iban))


def test_aba_routing_checksum():
    assert bank.aba_is_valid("110000000")
    assert bank.aba_is_valid("021000021")
    assert not bank.aba_is_valid("110000001")
    assert not bank.aba_is_valid("11000000")


# ---- bank fields per country --------------------------------------------------------------

@pytest.mark.parametrize("country,expected", [
    ("US", {"routing_number", "account_number"}),
    ("CA", {"transit_number", "institution_number", "account_number"}),
    ("GB", {"sort_code", "account_number"}),
    ("AU", {"bsb", "account_number"}),
    ("DE", {"iban"}),
    ("FR", {"iban"}),
    ("IE", {"iban"}),
    ("NL", {"iban"}),
    ("SG", {"bank_code", "branch_code", "account_number"}),
    ("JP", {"bank_code", "branch_code", "account_number"}),
    ("NZ", {"bank_code", "branch_code", "account_number"}),
    ("HK", {"clearing_code", "branch_code", "account_number"}),
    ("IN", {"ifsc", "account_number"}),
    ("MX", {"account_number"}),
    ("BR", {"bank_code", "branch_code", "account_number"}),
    ("MY", {"swift_code", "account_number"}),
    ("TH", {"bank_code", "account_number"}),
    ("AE", {"iban"}),
])
def test_bank_fields_fit_the_country(country, expected):
    assert set(bank.scheme_for(country).fields(country)) == expected | {"account_holder_name"}


def _bank_form(country, data):
    ctx = registry.Context(country=country)
    return RequirementsForm({f"external_account__{k}": v for k, v in data.items()}, context=ctx,
                            paths=["external_account"])


@pytest.mark.parametrize("country,data,currency,routing,account_number", [
    ("US", {"routing_number": "110000000", "account_number": "000123456789"}, "usd", "110000000", "000123456789"),
    ("CA", {"transit_number": "11000", "institution_number": "000", "account_number": "000123456789"},
     "cad", "11000-000", "000123456789"),
    ("GB", {"sort_code": "10-88-00", "account_number": "00012345"}, "gbp", "108800", "00012345"),
    ("AU", {"bsb": "110-000", "account_number": "000123456"}, "aud", "110000", "000123456"),
    ("SG", {"bank_code": "1100", "branch_code": "000", "account_number": "000123456"},
     "sgd", "1100-000", "000123456"),
    ("JP", {"bank_code": "1100", "branch_code": "000", "account_number": "0001234"}, "jpy", "1100000", "0001234"),
])
def test_bank_details_become_stripes_routing_and_account_number(country, data, currency, routing, account_number):
    form = _bank_form(country, {**data, "account_holder_name": "Jenny Rosen"})
    assert form.is_valid(), form.errors
    sent = form.submission().account["external_account"]
    assert sent == {"object": "bank_account", "country": country, "currency": currency,
                    "routing_number": routing, "account_number": account_number,
                    "account_holder_name": "Jenny Rosen", "account_holder_type": "individual"}


def test_an_iban_is_sent_as_the_account_number_without_routing_number():
    form = _bank_form("DE", {"iban": "de89 3704 0044 0532 0130 00", "account_holder_name": "Max"})
    assert form.is_valid(), form.errors
    sent = form.submission().account["external_account"]
    assert sent["account_number"] == "DE89370400440532013000"
    assert "routing_number" not in sent
    assert (sent["country"], sent["currency"]) == ("DE", "eur")


def test_an_iban_from_another_country_says_where_the_bank_is():
    form = _bank_form("DE", {"iban": "NL91ABNA0417164300", "account_holder_name": "Max"})
    assert form.is_valid(), form.errors
    sent = form.submission().account["external_account"]
    assert (sent["country"], sent["currency"]) == ("NL", "eur")


@pytest.mark.parametrize("country,data,field", [
    ("DE", {"iban": "DE89370400440532013001"}, "external_account__iban"),
    ("US", {"routing_number": "110000001", "account_number": "000123456789"}, "external_account__routing_number"),
    ("US", {"routing_number": "110000000", "account_number": "12"}, "external_account__account_number"),
    ("CA", {"transit_number": "1100", "institution_number": "000", "account_number": "0001234"},
     "external_account__transit_number"),
    ("GB", {"sort_code": "1088", "account_number": "00012345"}, "external_account__sort_code"),
    ("AU", {"bsb": "110000", "account_number": "12"}, "external_account__account_number"),
])
def test_bad_bank_details_are_refused_locally_without_echoing_them(country, data, field):
    form = _bank_form(country, {**data, "account_holder_name": "Jenny Rosen"})
    assert not form.is_valid()
    assert field in form.errors
    for value in data.values():
        if len(value) >= 8:
            assert value not in str(form.errors)


@pytest.mark.parametrize("country,param,field", [
    ("CA", "external_account[routing_number]", "external_account__transit_number"),
    ("GB", "external_account[routing_number]", "external_account__sort_code"),
    ("AU", "external_account[routing_number]", "external_account__bsb"),
    ("DE", "external_account[account_number]", "external_account__iban"),
    ("DE", "external_account[routing_number]", "external_account__iban"),
    ("US", "external_account[account_holder_name]", "external_account__account_holder_name"),
])
def test_stripe_bank_errors_land_on_the_countrys_field(country, param, field):
    import stripe

    from pinax_connect.forms.errors import apply_stripe_error

    form = _bank_form(country, {})
    form.is_valid()
    assert apply_stripe_error(form, stripe.InvalidRequestError("Invalid.", param)) == field


# ---- addresses ---------------------------------------------------------------------------

@pytest.mark.parametrize("country,good,bad", [
    ("US", ["94103", "94103-1234"], ["9410", "ABCDE"]),
    ("CA", ["K1A 0B1", "k1a0b1"], ["12345", "K1A 0B"]),
    ("GB", ["SW1A 1AA", "m11ae", "EC1A 1BB"], ["12345", "SW1A"]),
    ("AU", ["2000"], ["200", "20000"]),
    ("DE", ["10115"], ["1011", "101155"]),
    ("FR", ["75001"], ["7500"]),
    ("IE", ["D02 X285", "a65f4e2"], ["D02", "12345"]),
    ("NL", ["1012 JS", "1012js"], ["0123 AB", "1012"]),
    ("SG", ["018956"], ["18956"]),
    ("JP", ["100-0001", "1000001"], ["100-001"]),
])
def test_postal_codes_are_checked_per_country(country, good, bad):
    for value in good:
        normalized = address.validate_postal_code(value, country)
        assert normalized == address.normalize_postal_code(value, country)
    for value in bad:
        with pytest.raises(ValidationError):
            address.validate_postal_code(value, country)


def test_unknown_countries_postal_codes_are_left_to_stripe():
    assert address.validate_postal_code("anything 1", "ZZ") == "ANYTHING 1"


@pytest.mark.parametrize("country,label,contains", [
    ("US", "State", "CA"), ("CA", "Province", "QC"), ("AU", "State", "NSW"), ("JP", "Prefecture", "Tokyo"),
])
def test_address_state_is_a_choice_where_the_country_has_subdivisions(country, label, contains):
    form = RequirementsForm(context=registry.Context(country=country), paths=["individual.address.state"])
    state = form.fields["individual__address__state"]
    assert str(state.label) == label
    assert contains in dict(state.choices)
    assert state.required


@pytest.mark.parametrize("country", ["GB", "DE", "FR", "IE", "NL", "SG"])
def test_address_state_is_optional_text_elsewhere(country):
    form = RequirementsForm(context=registry.Context(country=country), paths=["individual.address.line1"])
    assert not hasattr(form.fields["individual__address__state"], "choices")
    assert not form.fields["individual__address__state"].required


def test_address_sends_the_normalized_postal_code_and_the_country():
    form = RequirementsForm(
        {"individual__address__line1": "1 Rue", "individual__address__city": "Amsterdam",
         "individual__address__postal_code": "1012js"},
        context=registry.Context(country="NL"), paths=["individual.address.line1"],
    )
    assert form.is_valid(), form.errors
    assert form.submission().account["individual"]["address"] == {
        "line1": "1 Rue", "city": "Amsterdam", "postal_code": "1012 JS", "country": "NL"}
