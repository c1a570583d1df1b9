"""Sensitive values typed into our forms reach Stripe and nowhere else of ours."""
import logging
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect.actions import accounts
from pinax_connect.models import Account
from tests.forms.conftest import US_INDIVIDUAL

pytestmark = [pytest.mark.urls("tests.forms.urls"), pytest.mark.django_db]

ACCOUNT_NUMBER = "000987654321"
SSN_LAST_4 = "7391"
ID_NUMBER = "987-65-4329"
DOCUMENT_MARKER = b"PINAX-SECRET-DOCUMENT-BYTES"
PNG = b"\x89PNG\r\n\x1a\n" + DOCUMENT_MARKER


def _secret_patterns():
    # Whole values only: "7391" inside a longer id or timestamp is not a leak.
    values = [ACCOUNT_NUMBER, SSN_LAST_4, ID_NUMBER, ID_NUMBER.replace("-", ""), DOCUMENT_MARKER.decode()]
    return [re.compile(rf"(?<![0-9A-Za-z]){re.escape(v)}(?![0-9A-Za-z])") for v in values]


def _leaks(text):
    return [p.pattern for p in _secret_patterns() if p.search(text)]


def _our_log_text(caplog):
    """Every captured line, stripe-python's own DEBUG lines included."""
    return "\n".join(r.getMessage() for r in caplog.records)


def _database_text():
    chunks = []
    for model in apps.get_models():
        for row in model.objects.values_list():
            chunks.append(f"{model._meta.label}: {row!r}")
    for session in Session.objects.all():
        chunks.append(f"session: {session.get_decoded()!r}")
    return "\n".join(chunks)


def test_sensitive_values_are_not_stored_in_the_database_sessions_or_logs(logged_in, user, fake_stripe, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    create = {**US_INDIVIDUAL, "external_account__account_number": ACCOUNT_NUMBER,
              "individual__ssn_last_4": SSN_LAST_4}
    response = logged_in.post("/create/", create)
    assert response.status_code == 302
    account = Account.objects.get(user=user)

    fake_stripe.advance(60)
    fake_stripe.raise_requirements(account.stripe_id, ["individual.id_number", "individual.verification.document"])
    account = accounts.sync_account(account)
    response = logged_in.post(f"/update/{account.pk}/", {
        "individual__id_number": ID_NUMBER,
        "individual__verification__document__front": SimpleUploadedFile("id.png", PNG, "image/png"),
    })
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.verification_fields_needed == []

    # They did reach Stripe...
    sent = [r.params for r in fake_stripe.requests if r.method == "POST"]
    assert sent, "nothing was sent"
    assert account.stripe_data["individual"]["ssn_last_4_provided"] is True
    assert account.stripe_data["individual"]["id_number_provided"] is True
    # ...and are nowhere in our database, sessions or logs.
    assert _leaks(_database_text()) == []
    assert _leaks(_our_log_text(caplog)) == []


def test_a_failed_submission_does_not_echo_or_keep_sensitive_values(logged_in, user, fake_stripe, caplog):
    caplog.set_level(logging.DEBUG)
    data = {**US_INDIVIDUAL, "external_account__account_number": ACCOUNT_NUMBER,
            "individual__ssn_last_4": SSN_LAST_4, "business_profile__url": "https://localhost"}
    response = logged_in.post("/create/", data)
    assert response.status_code == 200 and response.context["form"].errors
    assert _leaks(response.content.decode()) == []
    assert _leaks(_database_text()) == []
    assert _leaks(_our_log_text(caplog)) == []


def test_stripe_pythons_debug_log_does_not_carry_sensitive_values(logged_in, fake_stripe, caplog):
    caplog.set_level(logging.DEBUG)
    data = {**US_INDIVIDUAL, "external_account__account_number": ACCOUNT_NUMBER}
    assert logged_in.post("/create/", data).status_code == 302
    stripe_lines = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("stripe"))
    assert _leaks(stripe_lines) == []
