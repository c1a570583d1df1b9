"""A company's owners, directors and executives: add, edit and remove through the Persons API."""
import pytest
import stripe
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect.forms import InitialCustomAccountForm
from pinax_connect.forms.persons import CompanyPersonForm, company_persons, remove_person
from tests.forms.conftest import make_request
from tests.forms.seller import fill

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def company(user, fake_stripe):
    """A German company whose representative is an executive but neither owner nor director."""
    form = InitialCustomAccountForm(request=make_request(user), country="DE", business_type="company")
    data, _files = fill(form, "DE", roles=("executive",))
    form = InitialCustomAccountForm(data, request=make_request(user), country="DE", business_type="company")
    assert form.is_valid(), form.errors
    return form.save()


OWNER = {
    "person_new__first_name": "Otto", "person_new__last_name": "Owner", "person_new__email": "otto@example.com",
    "person_new__dob": "1970-03-04", "person_new__address__line1": "Hauptstr. 1",
    "person_new__address__city": "Berlin", "person_new__address__postal_code": "10115",
    "person_new__relationship__owner": "on", "person_new__relationship__director": "on",
    "person_new__relationship__percent_ownership": "60",
}


def test_a_director_is_asked_for_until_one_is_added(company, user, fake_stripe):
    assert any(p.startswith("directors.") for p in company.verification_fields_needed)
    assert not company.charges_enabled
    form = CompanyPersonForm(OWNER, {"person_new__verification__document__front":
                                     SimpleUploadedFile("id.png", PNG, "image/png")},
                             account=company, request=make_request(user))
    assert form.is_valid(), form.errors
    account = form.save()
    assert account.verification_fields_needed == [] and account.charges_enabled
    person = fake_stripe.find(form.person_id, account=account.stripe_id)
    assert person["relationship"]["owner"] is True and person["relationship"]["director"] is True
    assert person["relationship"]["percent_ownership"] == 60
    assert person["verification"]["document"]["front"].startswith("file_")


def test_a_person_is_edited_with_what_stripe_has_prefilled_and_removed(company, user, fake_stripe):
    form = CompanyPersonForm(OWNER, account=company)
    assert form.is_valid(), form.errors
    form.save()
    person_id = form.person_id
    edit = CompanyPersonForm(account=company, person_id=person_id)
    assert edit.initial[f"{person_id}__first_name"] == "Otto"
    assert edit.initial[f"{person_id}__address__city"] == "Berlin"
    data = {k.replace("person_new", person_id): v for k, v in OWNER.items()}
    data[f"{person_id}__relationship__percent_ownership"] = "30"
    edit = CompanyPersonForm(data, account=company, person_id=person_id)
    assert edit.is_valid(), edit.errors
    edit.save()
    assert fake_stripe.find(person_id, account=company.stripe_id)["relationship"]["percent_ownership"] == 30
    assert person_id in [p.id for p in company_persons(company)]
    account = remove_person(company, person_id)
    assert person_id not in [p.id for p in company_persons(account)]
    assert any(p.startswith("directors.") for p in account.verification_fields_needed)


def test_stripes_refusal_lands_on_the_persons_field(company, fake_stripe):
    form = CompanyPersonForm({**OWNER, "person_new__email": "otto@localhost"}, account=company)
    assert form.is_valid(), form.errors
    with pytest.raises(stripe.InvalidRequestError):
        form.save()
    assert list(form.errors) == ["person_new__email"]


def test_only_the_owner_of_the_account_may_add_people(company, other_user):
    with pytest.raises(PermissionDenied):
        CompanyPersonForm(account=company, request=make_request(other_user))


def test_japanese_people_are_asked_for_kana_and_kanji(user, fake_stripe):
    form = InitialCustomAccountForm(request=make_request(user), country="JP", business_type="company")
    data, _files = fill(form, "JP", roles=("executive",))
    form = InitialCustomAccountForm(data, request=make_request(user), country="JP", business_type="company")
    assert form.is_valid(), form.errors
    account = form.save()
    person_form = CompanyPersonForm(account=account)
    assert "person_new__first_name_kana" in person_form.fields
    assert "person_new__address_kanji__town" in person_form.fields
    assert "person_new__first_name" not in person_form.fields
