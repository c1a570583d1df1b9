"""CustomAccountWizard: business type -> person -> address -> bank account -> terms."""
import pytest
from django.contrib.sessions.models import Session
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect.forms.wizard import CustomAccountWizard
from pinax_connect.models import Account

pytestmark = [pytest.mark.urls("tests.forms.urls"), pytest.mark.django_db]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PREFIX = "custom_account_wizard"
STEPS = {
    "business_type": {"business_type": "individual", "business_profile__mcc": "5734",
                      "business_profile__url": "https://jenny.example.com"},
    "person": {"individual__first_name": "Jenny", "individual__last_name": "Rosen",
               "individual__dob": "1990-01-15", "individual__email": "jenny@example.com",
               "individual__phone": "+14155550100", "individual__ssn_last_4": "0000"},
    "address": {"individual__address__line1": "510 Townsend St", "individual__address__city": "San Francisco",
                "individual__address__state": "CA", "individual__address__postal_code": "94103"},
    "bank_account": {"external_account__routing_number": "110000000",
                     "external_account__account_number": "000123456789",
                     "external_account__account_holder_name": "Jenny Rosen"},
    "terms": {"tos_acceptance": "on"},
}


@pytest.fixture
def storage(tmp_path, monkeypatch):
    store = FileSystemStorage(location=str(tmp_path))
    monkeypatch.setattr(CustomAccountWizard, "file_storage", store)
    return tmp_path


def _post(client, step, data, files=None):
    payload = {f"{PREFIX}-current_step": step, **{f"{step}-{k}": v for k, v in data.items()}}
    payload.update({f"{step}-{k}": v for k, v in (files or {}).items()})
    return client.post("/wizard/", payload)


def _wizard_session_data():
    return [s.get_decoded() for s in Session.objects.all()]


def _stored_files(tmp_path):
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def test_wizard_walks_the_steps_and_creates_the_account(logged_in, user, fake_stripe, storage):
    response = logged_in.get("/wizard/")
    assert response.status_code == 200
    assert list(response.context["wizard"]["form"].fields) == [
        "business_type", "business_profile__mcc", "business_profile__url"]
    for step in ["business_type", "person", "address", "bank_account"]:
        files = None
        if step == "person":
            files = {"individual__verification__document__front": SimpleUploadedFile("id.png", PNG, "image/png")}
        response = _post(logged_in, step, STEPS[step], files)
        assert response.status_code == 200, step
        assert not response.context["wizard"]["form"].errors, (step, response.context["wizard"]["form"].errors)
        if step == "person":
            assert len(_stored_files(storage)) == 1  # the document waits in file storage
    assert response.context["wizard"]["steps"].current == "terms"
    response = _post(logged_in, "terms", STEPS["terms"])
    assert response.status_code == 200
    assert "Your payment account has been created." in response.content.decode()

    account = Account.objects.get(user=user)
    assert account.charges_enabled and account.payouts_enabled
    assert account.stripe_data["individual"]["verification"]["document"]["front"].startswith("file_")
    assert [r.account for r in fake_stripe.requests if r.path == "/v1/files"] == [account.stripe_id]
    # afterwards: the document is gone from file storage, the step data from the session
    assert _stored_files(storage) == []
    for data in _wizard_session_data():
        assert not any(k.startswith("wizard_") and v.get("step_data") for k, v in data.items()
                       if isinstance(v, dict))
        assert "000123456789" not in repr(data)


def test_wizard_person_step_fits_the_business_type(logged_in, storage):
    response = _post(logged_in, "business_type", {**STEPS["business_type"], "business_type": "company"})
    form = response.context["wizard"]["form"]
    assert "company__name" in form.fields and "representative__first_name" in form.fields
    assert "individual__first_name" not in form.fields


def test_wizard_needs_a_logged_in_user(client, storage):
    assert client.get("/wizard/").status_code == 403


def test_a_stripe_error_at_the_end_goes_back_to_its_step_and_forgets_sensitive_values(
        logged_in, user, fake_stripe, storage):
    steps = dict(STEPS, business_type={**STEPS["business_type"], "business_profile__url": "https://localhost"})
    for step in ["business_type", "person", "address", "bank_account"]:
        _post(logged_in, step, steps[step])
    response = _post(logged_in, "terms", steps["terms"])
    assert response.status_code == 200
    wizard = response.context["wizard"]
    assert wizard["steps"].current == "business_type"
    assert wizard["form"].errors == {"business_profile__url": ["Not a valid URL"]}
    assert not Account.objects.exists()
    sessions = repr(_wizard_session_data())
    assert "000123456789" not in sessions  # the account number must be typed again
    assert "Jenny" in sessions  # the rest is kept

    _post(logged_in, "business_type", STEPS["business_type"])
    _post(logged_in, "person", STEPS["person"])  # SSN last 4 again
    _post(logged_in, "address", STEPS["address"])
    _post(logged_in, "bank_account", STEPS["bank_account"])
    response = _post(logged_in, "terms", STEPS["terms"])
    assert "Your payment account has been created." in response.content.decode()
    assert Account.objects.filter(user=user).count() == 1
