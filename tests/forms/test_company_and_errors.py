"""Company onboarding details, structured values and errors of multi-call saves."""
import pytest
import stripe
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect import countries
from pinax_connect.actions import accounts
from pinax_connect.forms import AdditionalCustomAccountForm, InitialCustomAccountForm
from pinax_connect.models import Account
from tests.forms.conftest import make_request
from tests.forms.seller import bank_values, fill

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _company_data(user, code="US", **override):
    form = InitialCustomAccountForm(request=make_request(user), country=code, business_type="company")
    data, _files = fill(form, code)
    data.update(override)
    return data


# ---- countries checked when the form is built ----------------------------------------------

@pytest.mark.parametrize("code,message", [("USA", "two-letter"), ("ZZ", "does not offer"), ("CN", "does not offer"),
                                          ("", "two-letter")])
def test_an_unsupported_country_is_refused_when_the_form_is_built(user, code, message):
    with pytest.raises(countries.UnsupportedCountry, match=message):
        InitialCustomAccountForm(request=make_request(user), country=code)


def test_a_lower_case_country_code_is_fine(user):
    assert InitialCustomAccountForm(request=make_request(user), country="hk").country == "HK"


def test_hong_kong_has_no_postal_code_and_the_uae_pays_out_to_an_aed_iban(user, fake_stripe):
    hk = InitialCustomAccountForm(request=make_request(user), country="HK")
    assert "individual__address__postal_code" not in hk.fields
    assert "individual__id_number" in hk.fields
    ae = InitialCustomAccountForm(request=make_request(user), country="AE")
    assert "external_account__iban" in ae.fields and "individual__nationality" in ae.fields
    data, _files = fill(ae, "AE")
    form = InitialCustomAccountForm(data, request=make_request(user), country="AE")
    assert form.is_valid(), form.errors
    sent = form.submission().account["external_account"]
    assert (sent["country"], sent["currency"], sent["account_number"][:2]) == ("AE", "aed", "AE")


# ---- a failed step of a multi-call save ----------------------------------------------------

@pytest.mark.urls("tests.forms.urls")
def test_a_refused_representative_is_shown_and_the_resubmission_completes_the_same_account(
        logged_in, user, fake_stripe):
    data = _company_data(user, **{"representative__email": "jenny@localhost"})  # Django accepts, Stripe not
    response = logged_in.post("/create-company/", data)
    assert response.status_code == 200  # the seed's view re-displays the form
    form = response.context["form"]
    assert "representative__email" in form.errors
    assert form.account is not None and Account.objects.filter(user=user).count() == 1
    assert not [p for p in fake_stripe.all("person", form.account.stripe_id) if p["relationship"]["representative"]]

    data["representative__email"] = "jenny@example.com"
    response = logged_in.post("/create-company/", data)
    assert response.status_code == 302
    account = Account.objects.get(user=user)  # still one: the resubmission completed it
    assert account.stripe_id == form.account.stripe_id
    assert account.charges_enabled and account.payouts_enabled
    creations = [r for r in fake_stripe.requests if r.method == "POST" and r.path == "/v1/accounts"]
    assert len(creations) == 1


def test_save_raises_when_a_later_step_fails(user, fake_stripe):
    data = _company_data(user, **{"representative__email": "jenny@localhost"})
    form = InitialCustomAccountForm(data, request=make_request(user), country="US", business_type="company")
    assert form.is_valid(), form.errors
    with pytest.raises(stripe.InvalidRequestError):
        form.save()
    assert form.errors["representative__email"]


# ---- bank details refused by Stripe land on the field ----------------------------------------

LOCAL = sorted(code for code, c in countries.COUNTRIES.items() if not c.bank.iban)


@pytest.mark.parametrize("code", LOCAL + ["DE", "AE", "CH"])
def test_bank_details_stripe_refuses_land_on_their_field(user, fake_stripe, code):
    form = InitialCustomAccountForm(request=make_request(user), country=code)
    data, _files = fill(form, code)
    form = InitialCustomAccountForm(data, request=make_request(user), country=code)
    assert form.is_valid(), form.errors
    rules = countries.get(code)
    # What Stripe would refuse although our own check passed it (e.g. a closed bank code).
    if rules.bank.iban:
        form.cleaned_data["external_account__iban"] = countries.TEST_IBANS[code][:-1] + "X"
        expected = "external_account__iban"
    elif rules.bank.parts:
        first = rules.bank.parts[0].name
        form.cleaned_data["external_account__" + first] = "0"
        expected = "external_account__" + first
    else:
        form.cleaned_data["external_account__account_number"] = bank_values(code)["account_number"][:-1] + "0"
        expected = "external_account__account_number"
    with pytest.raises(stripe.InvalidRequestError):
        form.save()
    assert list(form.errors) == [expected]
    assert Account.objects.filter(user=user).count() == 0


# ---- structured values reach Stripe as Stripe wants them -------------------------------------

def test_structured_values_are_sent_as_arrays_enums_and_money(user, us_account, fake_stripe):
    paths = ["individual.full_name_aliases", "individual.political_exposure", "individual.gender",
             "business_profile.monthly_estimated_revenue.amount", "individual.nationality"]
    fake_stripe.raise_requirements(us_account.stripe_id, paths)
    account = accounts.sync_account(us_account)
    account.verification_fields_needed = paths  # political_exposure already has Stripe's default "none"
    form = AdditionalCustomAccountForm(account=account)
    assert dict(form.fields["individual__political_exposure"].choices)["existing"]
    assert form.fields["business_profile__monthly_estimated_revenue__currency"].initial == "usd"
    form = AdditionalCustomAccountForm({
        "individual__full_name_aliases": "Jen Rosen\nJ. Rosen", "individual__political_exposure": "existing",
        "individual__gender": "female", "individual__nationality": "us",
        "business_profile__monthly_estimated_revenue__amount": "2500.00",
        "business_profile__monthly_estimated_revenue__currency": "usd"}, account=account)
    assert form.is_valid(), form.errors
    assert form.submission().account["individual"]["full_name_aliases"] == ["Jen Rosen", "J. Rosen"]
    account = form.save()
    stored = fake_stripe.find(account.stripe_id)
    assert stored["individual"]["full_name_aliases"] == ["Jen Rosen", "J. Rosen"]
    assert stored["individual"]["political_exposure"] == "existing"
    assert stored["business_profile"]["monthly_estimated_revenue"] == {"amount": 250000, "currency": "usd"}
    assert account.verification_fields_needed == []


def test_company_documents_go_up_with_the_purpose_stripe_wants(user, fake_stripe):
    data = _company_data(user, "DE")
    form = InitialCustomAccountForm(data, request=make_request(user), country="DE", business_type="company")
    assert form.is_valid(), form.errors
    account = form.save()
    asked = ["company.verification.document", "documents.company_registration_verification"]
    reps = [p for p in fake_stripe.all("person", account.stripe_id) if p["relationship"]["representative"]]
    asked += [f"{reps[0]['id']}.verification.document", f"{reps[0]['id']}.documents.company_authorization"]
    fake_stripe.raise_requirements(account.stripe_id, asked)
    account = accounts.sync_account(account)
    form = AdditionalCustomAccountForm(account=account, request=make_request(user))
    assert form.hosted_paths == []
    files = {name: SimpleUploadedFile("doc.png", PNG, "image/png")
             for name, field in form.fields.items() if field.required}
    form = AdditionalCustomAccountForm({}, files, account=account, request=make_request(user))
    assert form.is_valid(), form.errors
    account = form.save()
    assert account.verification_fields_needed == []
    purposes = sorted(r.params["purpose"] for r in fake_stripe.requests if r.path == "/v1/files")
    assert purposes == ["account_requirement", "account_requirement", "additional_verification",
                        "identity_document"]


def test_a_failed_upload_of_a_documents_file_is_reported_on_its_field(user, fake_stripe):
    # documents[<kind>][files] is a list: the failing file's path holds a list index.
    data = _company_data(user, "DE")
    form = InitialCustomAccountForm(data, request=make_request(user), country="DE", business_type="company")
    assert form.is_valid(), form.errors
    account = form.save()
    fake_stripe.raise_requirements(account.stripe_id, ["documents.company_registration_verification"])
    account = accounts.sync_account(account)
    files = {"documents__company_registration_verification__files": SimpleUploadedFile("doc.png", PNG, "image/png")}
    form = AdditionalCustomAccountForm({}, files, account=account, request=make_request(user))
    assert form.is_valid(), form.errors
    fake_stripe.fail_next(5, status=500, path="/v1/files")  # more than stripe-python's retries
    with pytest.raises(stripe.APIError):
        form.save()
    assert form.errors["documents__company_registration_verification__files"]


def test_attestations_and_the_ownership_declaration_are_rendered_when_stripe_asks(user, fake_stripe):
    data = _company_data(user, "GB")
    form = InitialCustomAccountForm(data, request=make_request(user), country="GB", business_type="company")
    assert form.is_valid(), form.errors
    account = form.save()
    fake_stripe.advance(60)
    fake_stripe.raise_requirements(account.stripe_id, ["company.executives_provided"])
    account = accounts.sync_account(account)
    account.verification_fields_needed = ["company.executives_provided", "company.ownership_declaration.date",
                                          "company.ownership_declaration.ip"]
    without_request = AdditionalCustomAccountForm(account=account)
    assert without_request.hosted_paths == ["company.ownership_declaration.date", "company.ownership_declaration.ip"]
    form = AdditionalCustomAccountForm({"company__executives_provided": "on", "company__ownership_declaration": "on"},
                                       account=account, request=make_request(user))
    assert form.fields["company__executives_provided"].required
    assert form.is_valid(), form.errors
    sent = form.submission().account["company"]
    assert sent["executives_provided"] is True and sent["ownership_declaration"]["ip"] == "203.0.113.9"
    form.save()
    stored = fake_stripe.find(account.stripe_id)["company"]
    assert stored["executives_provided"] is True and stored["ownership_declaration"]["ip"] == "203.0.113.9"
