"""Behaviour of InitialCustomAccountForm and AdditionalCustomAccountForm."""
import pytest
import stripe
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect.actions import accounts
from pinax_connect.forms import AdditionalCustomAccountForm, InitialCustomAccountForm
from pinax_connect.forms.errors import CONNECTION_MESSAGE, RATE_LIMIT_MESSAGE
from pinax_connect.models import Account
from tests.forms import views
from tests.forms.conftest import DE_INDIVIDUAL, US_INDIVIDUAL, make_request

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _raise(fake, account, fields, **kwargs):
    fake.raise_requirements(account.stripe_id, fields, **kwargs)
    return accounts.sync_account(account)


# ---- construction ----------------------------------------------------------------------

def test_each_form_instance_gets_its_own_field_instances(user):
    one = InitialCustomAccountForm(request=make_request(user), country="US")
    two = InitialCustomAccountForm(request=make_request(user), country="US")
    assert set(one.fields) == set(two.fields)
    for name in one.fields:
        assert one.fields[name] is not two.fields[name]
    one.fields["individual__first_name"].label = "Changed"
    assert two.fields["individual__first_name"].label != "Changed"


@pytest.mark.parametrize("country,present,absent", [
    ("US", ["individual__ssn_last_4", "external_account__routing_number", "individual__address__state"], []),
    ("DE", ["external_account__iban"], ["individual__ssn_last_4", "external_account__routing_number"]),
    ("CA", ["external_account__transit_number", "external_account__institution_number"], ["individual__ssn_last_4"]),
    ("GB", ["external_account__sort_code"], ["individual__ssn_last_4"]),
])
def test_initial_form_asks_what_the_country_needs(user, country, present, absent):
    form = InitialCustomAccountForm(request=make_request(user), country=country)
    for name in ["individual__first_name", "individual__dob", "individual__address__postal_code",
                 "business_profile__mcc", "business_profile__url", "tos_acceptance"] + present:
        assert name in form.fields
    for name in absent:
        assert name not in form.fields
    assert form.fields["tos_acceptance"].required


def test_initial_form_needs_a_logged_in_user():
    with pytest.raises(PermissionDenied):
        InitialCustomAccountForm(request=make_request(None), country="US")


def test_initial_form_for_a_company_creates_the_account_and_its_representative(user, fake_stripe):
    data = {
        "company__name": "Rosen Pottery LLC", "company__tax_id": "00-0000000", "company__phone": "+14155550100",
        "company__address__line1": "1 Main St", "company__address__city": "Austin",
        "company__address__state": "TX", "company__address__postal_code": "73301",
        **{k.replace("individual__", "representative__"): v for k, v in US_INDIVIDUAL.items()
           if k.startswith("individual__")},
        "representative__relationship__title": "CEO", "representative__relationship__owner": "on",
        "representative__relationship__executive": "on", "company__owners_provided": "on",
        "company__ownership_declaration": "on",
        "business_profile__mcc": "5734", "business_profile__url": "https://rosen.example.com",
        "external_account__routing_number": "110000000", "external_account__account_number": "000123456789",
        "external_account__account_holder_name": "Rosen Pottery LLC", "tos_acceptance": "on",
    }
    form = InitialCustomAccountForm(data, request=make_request(user), country="US", business_type="company")
    assert form.is_valid(), form.errors
    account = form.save()
    assert account.business_type == "company"
    assert account.stripe_data["company"]["tax_id_provided"] is True
    reps = [p for p in fake_stripe.all("person", account.stripe_id) if p["relationship"]["representative"]]
    assert len(reps) == 1
    assert reps[0]["first_name"] == "Jenny" and reps[0]["relationship"]["title"] == "CEO"
    assert reps[0]["relationship"]["owner"] is True
    bank = fake_stripe.all("bank_account", account.stripe_id)[0]
    assert bank["account_holder_type"] == "company"


def test_additional_form_shows_exactly_the_fields_needed(user, us_account, fake_stripe):
    account = _raise(fake_stripe, us_account, ["individual.id_number", "individual.verification.document"])
    form = AdditionalCustomAccountForm(account=account)
    assert list(form.fields) == [
        "individual__id_number",
        "individual__verification__document__front",
        "individual__verification__document__back",
    ]


def test_additional_form_prefills_what_stripe_already_has(user, us_account, fake_stripe):
    account = _raise(fake_stripe, us_account, ["individual.first_name", "individual.address.line1",
                                               "business_profile.url", "individual.ssn_last_4"])
    # The fake asks even though it has them (as Stripe does when a value fails verification).
    account.verification_fields_needed = ["individual.first_name", "individual.address.line1",
                                          "business_profile.url", "individual.ssn_last_4"]
    form = AdditionalCustomAccountForm(account=account)
    assert form.initial["individual__first_name"] == "Jenny"
    assert form.initial["individual__address__line1"] == "510 Townsend St"
    assert form.initial["individual__address__state"] == "CA"
    assert form.initial["business_profile__url"] == "https://jenny.example.com"
    assert "individual__ssn_last_4" not in form.initial


def test_additional_form_shows_stripes_reasons_next_to_the_fields(user, us_account, fake_stripe):
    reason = "The ID number does not match the name on file."
    account = _raise(fake_stripe, us_account, ["individual.id_number"], errors=[
        {"code": "verification_failed_id_number_match", "reason": reason, "requirement": "individual.id_number"}])
    form = AdditionalCustomAccountForm(account=account)
    assert form.requirement_reasons == {"individual__id_number": [reason]}
    assert reason in str(form["individual__id_number"].help_text)
    assert reason in form.render()


def test_eventually_due_only_behind_the_option(user, us_account, fake_stripe):
    account = us_account
    eventually = account.requirements["eventually_due"]
    assert "individual.id_number" in eventually and account.verification_fields_needed == []
    assert list(AdditionalCustomAccountForm(account=account).fields) == []
    form = AdditionalCustomAccountForm(account=account, include_eventually_due=True)
    assert "individual__id_number" in form.fields


def test_unknown_plain_paths_get_a_labelled_generic_field_that_reaches_stripe(user, us_account, fake_stripe):
    account = us_account
    # A path Stripe may add in a future API version: still collected, as text.
    account.verification_fields_needed = ["business_profile.annual_revenue_note"]
    form = AdditionalCustomAccountForm({"business_profile__annual_revenue_note": "About 10k"}, account=account)
    assert "Requested by Stripe" in str(form.fields["business_profile__annual_revenue_note"].label)
    assert form.is_valid(), form.errors
    sent = form.submission().account
    assert sent == {"business_profile": {"annual_revenue_note": "About 10k"}}


def test_paths_that_need_stripe_hosted_onboarding_offer_an_account_link(user, us_account, fake_stripe):
    account = us_account
    account.verification_fields_needed = ["individual.verification.proof_of_liveness"]
    request = make_request(user, method="get", path="/verify/")
    form = AdditionalCustomAccountForm(account=account, request=request)
    assert form.fields == {}
    assert form.hosted_paths == ["individual.verification.proof_of_liveness"]
    html = form.render()
    assert str(form.hosted_message) in html.replace("&#x27;", "'")
    assert "/account_link/" in form.hosted_onboarding_url and form.hosted_onboarding_url in html
    link = [r for r in fake_stripe.requests if r.path == "/v1/account_links"][0]
    assert link.params["account"] == account.stripe_id
    assert link.params["return_url"] == "http://testserver/verify/"


def test_hosted_link_can_point_at_the_hosts_own_view(user, us_account):
    account = us_account
    account.verification_fields_needed = ["individual.verification.proof_of_liveness"]
    form = AdditionalCustomAccountForm(account=account, account_link_url="/payouts/stripe-onboarding/")
    assert form.hosted_onboarding_url == "/payouts/stripe-onboarding/"


def test_terms_without_a_request_go_to_stripe(user, us_account):
    us_account.verification_fields_needed = ["tos_acceptance.date", "tos_acceptance.ip"]
    form = AdditionalCustomAccountForm(account=us_account)
    assert form.fields == {} and form.hosted_paths == ["tos_acceptance.date", "tos_acceptance.ip"]


# ---- ownership -----------------------------------------------------------------------------

def test_additional_form_refuses_another_users_account(us_account, other_user):
    with pytest.raises(PermissionDenied):
        AdditionalCustomAccountForm(account=us_account, request=make_request(other_user))
    with pytest.raises(PermissionDenied):
        AdditionalCustomAccountForm(account=us_account, request=make_request(None))
    AdditionalCustomAccountForm(account=us_account, request=make_request(us_account.user))


@pytest.mark.urls("tests.forms.urls")
def test_update_view_with_request_forbids_other_users(client, us_account, other_user, fake_stripe):
    client.force_login(other_user)
    before = len(fake_stripe.requests)
    assert client.get(f"/update-owned/{us_account.pk}/").status_code == 403
    assert client.post(f"/update-owned/{us_account.pk}/", {"individual__id_number": "123456789"}).status_code == 403
    assert len(fake_stripe.requests) == before


# ---- local validation ---------------------------------------------------------------------

@pytest.mark.parametrize("dob", ["2999-01-01", "1850-01-01", "not a date"])
def test_implausible_birth_dates_are_refused_before_stripe(user, fake_stripe, dob):
    form = InitialCustomAccountForm({**US_INDIVIDUAL, "individual__dob": dob}, request=make_request(user),
                                    country="US")
    assert not form.is_valid()
    assert "individual__dob" in form.errors
    assert fake_stripe.requests == []


def test_a_child_cannot_hold_the_account(user):
    import datetime

    last_year = datetime.date.today().replace(year=datetime.date.today().year - 1, month=1, day=1)
    form = InitialCustomAccountForm({**US_INDIVIDUAL, "individual__dob": last_year.isoformat()},
                                    request=make_request(user), country="US")
    assert not form.is_valid() and "individual__dob" in form.errors


@pytest.mark.parametrize("name,content,error", [
    ("id.txt", b"hello", "Upload a JPG, PNG or PDF file."),
    ("id.png", b"%PDF-1.4 not a png", "Upload a JPG, PNG or PDF file."),
    ("id.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "The file must be smaller than 10 MB."),
])
def test_documents_are_checked_before_upload(us_account, fake_stripe, name, content, error):
    us_account.verification_fields_needed = ["individual.verification.document"]
    before = len(fake_stripe.requests)
    form = AdditionalCustomAccountForm(
        {}, {"individual__verification__document__front": SimpleUploadedFile(name, content)}, account=us_account)
    assert not form.is_valid()
    assert form.errors["individual__verification__document__front"] == [error]
    assert len(fake_stripe.requests) == before


@pytest.mark.parametrize("name,content", [
    ("id.jpg", b"\xff\xd8\xff\xe0" + b"0" * 16), ("id.png", PNG), ("id.pdf", b"%PDF-1.7\n" + b"0" * 16)])
def test_jpg_png_and_pdf_documents_are_accepted(us_account, name, content):
    us_account.verification_fields_needed = ["individual.verification.document"]
    form = AdditionalCustomAccountForm(
        {}, {"individual__verification__document__front": SimpleUploadedFile(name, content)}, account=us_account)
    assert form.is_valid(), form.errors


# ---- Stripe errors --------------------------------------------------------------------------

@pytest.mark.urls("tests.forms.urls")
def test_a_stripe_param_error_lands_on_its_field_and_the_page_is_shown_again(logged_in, user, fake_stripe):
    # Django accepts this URL; Stripe refuses it (not a public address).
    response = logged_in.post("/create/", {**US_INDIVIDUAL, "business_profile__url": "https://localhost"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"business_profile__url": ["Not a valid URL"]}
    assert not Account.objects.exists()
    # the sensitive values typed are not sent back to the browser
    assert b"000123456789" not in response.content
    assert b'value="0000"' not in response.content
    assert b"Jenny" in response.content  # ...while the harmless ones are kept


def test_the_form_re_raises_stripes_exception_after_recording_it(user, fake_stripe):
    form = InitialCustomAccountForm({**US_INDIVIDUAL, "business_profile__url": "https://localhost"},
                                    request=make_request(user), country="US")
    assert form.is_valid()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        form.save()
    assert caught.value.param == "business_profile[url]"
    assert "business_profile__url" in form.errors


def test_an_unmapped_stripe_error_is_a_non_field_error_with_stripes_message(user):
    from pinax_connect.forms.errors import apply_stripe_error

    form = InitialCustomAccountForm(dict(US_INDIVIDUAL), request=make_request(user), country="US")
    assert form.is_valid()
    exc = stripe.InvalidRequestError("Payouts are paused for this platform.", "settings[payouts][schedule]")
    assert apply_stripe_error(form, exc) is None
    assert form.non_field_errors() == ["Payouts are paused for this platform."]


def test_a_stripe_server_error_is_a_generic_non_field_error(us_account, fake_stripe):
    us_account.verification_fields_needed = ["individual.first_name"]
    form = AdditionalCustomAccountForm({"individual__first_name": "Jenny"}, account=us_account)
    assert form.is_valid()
    fake_stripe.fail_next(5, status=500, path="/v1/accounts/*")  # more than stripe-python's retries
    with pytest.raises(stripe.APIError):
        form.save()
    assert form.non_field_errors() == [
        "Our payment provider could not process this information. Please check it and try again."]


@pytest.mark.parametrize("fault,exception,message", [
    ({"connection_error": True}, stripe.APIConnectionError, CONNECTION_MESSAGE),
    ({"status": 429}, stripe.RateLimitError, RATE_LIMIT_MESSAGE),
])
def test_connection_errors_and_rate_limits_give_a_friendly_message(user, fake_stripe, fault, exception, message):
    form = InitialCustomAccountForm(dict(US_INDIVIDUAL), request=make_request(user), country="US")
    assert form.is_valid()
    fake_stripe.fail_next(5, path="/v1/accounts", **fault)  # more than stripe-python's retries
    with pytest.raises(exception):
        form.save()
    assert form.non_field_errors() == [str(message)]
    assert not Account.objects.exists()


@pytest.mark.urls("tests.forms.urls")
def test_update_view_re_displays_stripe_errors_as_the_seed_expects(logged_in, us_account, fake_stripe):
    # Stripe wants the website again (e.g. it could not verify it).
    Account.objects.filter(pk=us_account.pk).update(verification_fields_needed=["business_profile.url"])
    response = logged_in.post(f"/update/{us_account.pk}/", {"business_profile__url": "https://localhost"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"business_profile__url": ["Not a valid URL"]}
    assert isinstance(views.CAUGHT[0], stripe.InvalidRequestError)


def test_person_errors_land_on_the_persons_field(user, fake_stripe):
    from pinax_connect.client import get_client

    form = InitialCustomAccountForm(dict(DE_INDIVIDUAL), request=make_request(user), country="DE")
    assert form.is_valid(), form.errors
    account = form.save()
    person = get_client().v1.accounts.persons.create(account.stripe_id, {"first_name": "Anna"})
    account.verification_fields_needed = [f"{person.id}.id_number", f"{person.id}.last_name"]
    # Locally plausible; this (fake) Stripe only takes digits for German ID numbers.
    form = AdditionalCustomAccountForm({f"{person.id}__id_number": "AB-123456",
                                        f"{person.id}__last_name": "Schmidt"}, account=account)
    assert form.is_valid(), form.errors
    with pytest.raises(stripe.InvalidRequestError):
        form.save()
    assert list(form.errors) == [f"{person.id}__id_number"]
    assert "AB-123456" not in str(form.errors)


def test_additional_form_routes_person_values_to_that_person(us_account, fake_stripe):
    from pinax_connect.client import get_client

    person = get_client().v1.accounts.persons.create(us_account.stripe_id, {"first_name": "Ann"})
    us_account.verification_fields_needed = [f"{person.id}.last_name", "business_profile.product_description"]
    form = AdditionalCustomAccountForm({f"{person.id}__last_name": "Lee",
                                        "business_profile__product_description": "Pots"}, account=us_account)
    assert form.is_valid(), form.errors
    before = len(fake_stripe.requests)
    account = form.save()
    sent = [(r.method, r.route_pattern) for r in fake_stripe.requests[before:]]
    assert sent == [
        ("POST", "/v1/accounts/{account}"),
        ("POST", "/v1/accounts/{account}/persons/{person}"),
        ("GET", "/v1/accounts/{account}"),
    ]
    assert fake_stripe.find(person.id, us_account.stripe_id)["last_name"] == "Lee"
    assert account.stripe_data["business_profile"]["product_description"] == "Pots"


def test_german_account_through_the_form(user, fake_stripe):
    form = InitialCustomAccountForm(dict(DE_INDIVIDUAL), request=make_request(user), country="DE")
    assert form.is_valid(), form.errors
    account = form.save()
    assert account.country == "DE" and account.default_currency == "eur"
    assert account.verification_fields_needed == []


def test_representative_values_update_the_existing_representative(user, fake_stripe):
    test_initial_form_for_a_company_creates_the_account_and_its_representative(user, fake_stripe)
    account = Account.objects.get(user=user)
    account.verification_fields_needed = ["representative.phone", "representative.email"]
    form = AdditionalCustomAccountForm({"representative__phone": "+14155550199",
                                        "representative__email": "ceo@example.com"}, account=account)
    assert form.is_valid(), form.errors
    form.save()
    reps = [p for p in fake_stripe.all("person", account.stripe_id) if p["relationship"]["representative"]]
    assert len(reps) == 1
    assert (reps[0]["phone"], reps[0]["email"]) == ("+14155550199", "ceo@example.com")


def test_the_same_unknown_path_twice_gives_one_field():
    from pinax_connect.forms import fields as registry
    from pinax_connect.forms.accounts import RequirementsForm

    form = RequirementsForm(context=registry.Context(country="US"),
                            paths=["company.registration_number", "company.registration_number"])
    assert list(form.fields) == ["company__registration_number"] and len(form.bindings) == 1
