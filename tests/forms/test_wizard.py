"""CustomAccountWizard: business type -> person -> address -> verification (identity
numbers, documents, bank account, terms)."""
import re

import pytest
from django import forms
from django.contrib.sessions.models import Session
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect.forms.widgets import SensitiveInput
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
               "individual__phone": "+14155550100"},
    "address": {"individual__address__line1": "510 Townsend St", "individual__address__city": "San Francisco",
                "individual__address__state": "CA", "individual__address__postal_code": "94103"},
    "verification": {"individual__ssn_last_4": "0000",
                     "external_account__routing_number": "110000000",
                     "external_account__account_number": "000123456789",
                     "external_account__account_holder_name": "Jenny Rosen",
                     "tos_acceptance": "on"},
}
COMPANY = {
    "business_type": {**STEPS["business_type"], "business_type": "company"},
    "person": {"company__name": "Rosen Pottery LLC", "company__phone": "+14155550100",
               "representative__first_name": "Jenny", "representative__last_name": "Rosen",
               "representative__dob": "1990-01-15", "representative__email": "ceo@example.com",
               "representative__phone": "+14155550101", "representative__relationship__title": "CEO"},
    "address": {"company__address__line1": "1 Main St", "company__address__city": "Austin",
                "company__address__state": "TX", "company__address__postal_code": "73301",
                "representative__address__line1": "2 Main St", "representative__address__city": "Austin",
                "representative__address__state": "TX", "representative__address__postal_code": "73301"},
    "ownership": {"representative__relationship__owner": "on", "representative__relationship__executive": "on",
                  "representative__relationship__percent_ownership": "100",
                  "company__owners_provided": "on", "company__ownership_declaration": "on"},
}
SENSITIVE = ["0000", "000123456789"]  # the SSN last 4 and the account number


def _has_secret(text):
    """True when ``text`` holds a sensitive value as a whole number ("0000" is not in "110000000")."""
    return any(re.search(rf"(?<![0-9]){value}(?![0-9])", text) for value in SENSITIVE)


@pytest.fixture
def storage(tmp_path, monkeypatch):
    store = FileSystemStorage(location=str(tmp_path))
    monkeypatch.setattr(CustomAccountWizard, "file_storage", store)
    return tmp_path


def _post(client, step, data, files=None):
    payload = {f"{PREFIX}-current_step": step, **{f"{step}-{k}": v for k, v in data.items()}}
    payload.update({f"{step}-{k}": v for k, v in (files or {}).items()})
    return client.post("/wizard/", payload)


def _walk(client, steps, until="verification"):
    response = client.get("/wizard/")
    for step in ["business_type", "person", "address", "ownership"]:
        if step not in steps:
            continue
        if step == until:
            break
        response = _post(client, step, steps[step])
        assert response.status_code == 200, step
        assert not response.context["wizard"]["form"].errors, (step, response.context["wizard"]["form"].errors)
    return response


def _wizard_session_data():
    return [s.get_decoded() for s in Session.objects.all()]


def _stored_files(tmp_path):
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def _document():
    return {"individual__verification__document__front": SimpleUploadedFile("id.png", PNG, "image/png")}


def test_wizard_walks_the_steps_and_creates_the_account(logged_in, user, fake_stripe, storage):
    response = logged_in.get("/wizard/")
    assert response.status_code == 200
    assert list(response.context["wizard"]["form"].fields) == [
        "business_type", "business_profile__mcc", "business_profile__url"]
    response = _walk(logged_in, STEPS)
    assert response.context["wizard"]["steps"].current == "verification"
    assert list(response.context["wizard"]["form"].fields) == [
        "individual__ssn_last_4", "individual__verification__document__front",
        "individual__verification__document__back", "external_account__routing_number",
        "external_account__account_number", "external_account__account_holder_name", "tos_acceptance"]
    response = _post(logged_in, "verification", STEPS["verification"], _document())
    assert response.status_code == 200
    assert "Your payment account has been created." in response.content.decode()

    account = Account.objects.get(user=user)
    assert account.charges_enabled and account.payouts_enabled
    assert account.stripe_data["individual"]["ssn_last_4_provided"] is True
    assert account.stripe_data["individual"]["verification"]["document"]["front"].startswith("file_")
    assert [r.account for r in fake_stripe.requests if r.path == "/v1/files"] == [account.stripe_id]
    # afterwards: no file was ever written, the step data is gone from the session
    assert _stored_files(storage) == []
    for data in _wizard_session_data():
        assert not any(k.startswith("wizard_") and v.get("step_data") for k, v in data.items()
                       if isinstance(v, dict))
        assert not _has_secret(repr(data))


@pytest.mark.parametrize("steps", [STEPS, COMPANY], ids=["individual", "company"])
def test_only_the_last_step_asks_for_sensitive_values(logged_in, storage, steps):
    response = logged_in.get("/wizard/")
    for step in [step for step in ["business_type", "person", "address", "ownership", "verification"]
                 if step in steps or step == "verification"]:
        form = response.context["wizard"]["form"]
        assert response.context["wizard"]["steps"].current == step
        secret = [name for name, f in form.fields.items()
                  if isinstance(f.widget, SensitiveInput) or isinstance(f, forms.FileField)]
        if step == "verification":
            assert "external_account__account_number" in secret
            assert any(name.endswith("ssn_last_4") for name in secret)
            assert any(name.endswith("verification__document__front") for name in secret)
            if steps is COMPANY:
                assert "company__tax_id" in secret
        else:
            assert secret == [], step
            response = _post(logged_in, step, steps[step])
            assert not response.context["wizard"]["form"].errors, response.context["wizard"]["form"].errors


def test_wizard_person_step_fits_the_business_type(logged_in, storage):
    response = _post(logged_in, "business_type", {**STEPS["business_type"], "business_type": "company"})
    form = response.context["wizard"]["form"]
    assert "company__name" in form.fields and "representative__first_name" in form.fields
    assert "individual__first_name" not in form.fields


def test_wizard_needs_a_logged_in_user(client, storage):
    assert client.get("/wizard/").status_code == 403


def test_the_last_step_is_never_stored_even_when_it_is_invalid_or_left_with_back(logged_in, storage):
    _walk(logged_in, STEPS)
    # invalid (no terms): shown again with its errors, typed sensitive values not echoed
    response = _post(logged_in, "verification", {**STEPS["verification"], "tos_acceptance": ""}, _document())
    assert response.context["wizard"]["steps"].current == "verification"
    assert "tos_acceptance" in response.context["wizard"]["form"].errors
    assert not _has_secret(response.content.decode())
    # "Back" from the last step
    response = logged_in.post("/wizard/", {f"{PREFIX}-current_step": "verification", "wizard_goto_step": "address",
                                           **{f"verification-{k}": v for k, v in STEPS["verification"].items()}})
    assert response.context["wizard"]["steps"].current == "address"
    response = _post(logged_in, "address", STEPS["address"])
    assert response.context["wizard"]["steps"].current == "verification"
    assert not response.context["wizard"]["form"].is_bound  # empty, no errors: typed afresh
    assert not _has_secret(repr(_wizard_session_data()))
    assert _stored_files(storage) == []
    assert not Account.objects.exists()


def test_a_stripe_error_at_the_end_goes_back_to_its_step_and_keeps_no_sensitive_values(
        logged_in, user, fake_stripe, storage):
    steps = dict(STEPS, business_type={**STEPS["business_type"], "business_profile__url": "https://localhost"})
    _walk(logged_in, steps)
    response = _post(logged_in, "verification", steps["verification"], _document())
    assert response.status_code == 200
    wizard = response.context["wizard"]
    assert wizard["steps"].current == "business_type"
    assert wizard["form"].errors == {"business_profile__url": ["Not a valid URL"]}
    assert not Account.objects.exists()
    sessions = repr(_wizard_session_data())
    assert not _has_secret(sessions)  # the last step must be filled in again
    assert "Jenny" in sessions  # the other steps are kept
    assert _stored_files(storage) == []

    _post(logged_in, "business_type", STEPS["business_type"])
    _post(logged_in, "person", STEPS["person"])
    response = _post(logged_in, "address", STEPS["address"])
    assert not response.context["wizard"]["form"].is_bound
    response = _post(logged_in, "verification", STEPS["verification"], _document())
    assert "Your payment account has been created." in response.content.decode()
    assert Account.objects.filter(user=user).count() == 1


def test_a_stripe_error_about_the_last_step_shows_it_again_without_the_typed_values(
        logged_in, user, fake_stripe, storage):
    _walk(logged_in, STEPS)
    fake_stripe.fail_next(5, status=500, path="/v1/accounts", method="POST")  # more than stripe-python's retries
    response = _post(logged_in, "verification", STEPS["verification"], _document())
    wizard = response.context["wizard"]
    assert wizard["steps"].current == "verification"
    assert wizard["form"].non_field_errors() == [
        "Our payment provider could not process this information. Please check it and try again."]
    assert not Account.objects.exists()
    assert not _has_secret(response.content.decode())
    assert not _has_secret(repr(_wizard_session_data()))
    assert _stored_files(storage) == []
