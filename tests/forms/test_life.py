"""The whole life of a custom account through our forms, against the fake Stripe."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect.actions import accounts
from pinax_connect.models import Account
from pinax_connect.testing.webhooks import signed_webhook
from tests.forms.conftest import US_INDIVIDUAL

pytestmark = [pytest.mark.urls("tests.forms.urls"), pytest.mark.django_db]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
RAISED = ["individual.id_number", "individual.verification.document"]


def _create(logged_in, user):
    response = logged_in.post("/create/", US_INDIVIDUAL)
    assert response.status_code == 302
    account = Account.objects.get(user=user)
    assert account.charges_enabled
    return account


def _submit_additional(logged_in, account):
    response = logged_in.get(f"/update/{account.pk}/")
    form = response.context["form"]
    assert set(form.fields) == {
        "individual__id_number",
        "individual__verification__document__front",
        "individual__verification__document__back",
    }
    assert form.hosted_paths == []
    return logged_in.post(
        f"/update/{account.pk}/",
        {"individual__id_number": "000-00-0000",
         "individual__verification__document__front": SimpleUploadedFile("passport.png", PNG, "image/png")},
    )


def test_initial_form_then_raised_requirements_then_additional_form(logged_in, user, fake_stripe):
    account = _create(logged_in, user)
    deadline = fake_stripe.now() + 7 * 86400
    fake_stripe.raise_requirements(account.stripe_id, RAISED, deadline=deadline)
    account = accounts.sync_account(account)
    assert account.verification_fields_needed == RAISED
    assert account.verification_due_by is not None

    response = _submit_additional(logged_in, account)
    assert response.status_code == 302, response.content.decode()[:2000]

    account.refresh_from_db()
    assert account.verification_fields_needed == []
    assert account.stripe_data["individual"]["id_number_provided"] is True
    front = account.stripe_data["individual"]["verification"]["document"]["front"]
    assert front.startswith("file_")
    uploaded = [r for r in fake_stripe.requests if r.path == "/v1/files"]
    assert len(uploaded) == 1 and uploaded[0].account == account.stripe_id
    assert uploaded[0].params["purpose"] == "identity_document"
    # exactly one account update was sent for the additional information
    updates = [r for r in fake_stripe.requests if r.method == "POST" and r.route_pattern == "/v1/accounts/{account}"]
    assert len(updates) == 1


def test_requirements_arrive_by_signed_webhook(logged_in, user, fake_stripe, client, settings):
    account = _create(logged_in, user)
    # Time passes before Stripe asks for more. (The fake clock stands still otherwise, and
    # an event stamped before our last API read of the account is rightly ignored as stale.)
    fake_stripe.advance(3600)
    fake_stripe.raise_requirements(account.stripe_id, RAISED, deadline=fake_stripe.now() + 86400)
    event = [e for e in fake_stripe.events if e["type"] == "account.updated"][-1]
    payload, header = signed_webhook(event, settings.PINAX_CONNECT_WEBHOOK_SECRETS[0])
    response = client.post("/stripe/webhook/", payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.verification_fields_needed == RAISED

    assert _submit_additional(logged_in, account).status_code == 302
    account.refresh_from_db()
    assert account.verification_fields_needed == []
