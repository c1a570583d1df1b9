"""Stripe faults under the onboarding form: one account per intended creation, errors
that outlive the retries shown as the documented form errors, nothing half-stored."""
import pytest
import stripe

from django.contrib.sessions.backends.db import SessionStore

from pinax_connect.forms import InitialCustomAccountForm
from pinax_connect.forms.accounts import CREATION_SESSION_KEY
from pinax_connect.forms.errors import CONNECTION_MESSAGE, GENERIC_MESSAGE, RATE_LIMIT_MESSAGE
from pinax_connect.models import Account, ExternalAccount
from tests.forms.conftest import US_INDIVIDUAL, make_request

from .conftest import count
from .test_faults import ATTEMPTS, FAULTS

pytestmark = pytest.mark.django_db

FORM_ERROR = {
    "500": (stripe.APIError, GENERIC_MESSAGE),
    "429": (stripe.RateLimitError, RATE_LIMIT_MESSAGE),
    "reset": (stripe.APIConnectionError, CONNECTION_MESSAGE),
    "lost": (stripe.APIConnectionError, CONNECTION_MESSAGE),
}


def _form(user, request=None):
    request = request or make_request(user)
    form = InitialCustomAccountForm(dict(US_INDIVIDUAL), request=request, country="US")
    assert form.is_valid(), form.errors
    return form


def _accounts_on_stripe(fake):
    return [a for a in fake.all("account") if a.get("type") == "custom"]


@pytest.mark.parametrize("fault", list(FAULTS))
def test_form_survives_faults_within_the_retry_budget_with_one_account(fault, fake_stripe, user):
    fake_stripe.fail_next(ATTEMPTS - 1, path="/v1/accounts", method="POST", **FAULTS[fault])
    count("faults injected", ATTEMPTS - 1)

    account = _form(user).save()

    (on_stripe,) = _accounts_on_stripe(fake_stripe)
    assert account.stripe_id == on_stripe["id"] and account.user == user
    assert list(Account.objects.values_list("stripe_id", flat=True)) == [on_stripe["id"]]
    assert ExternalAccount.objects.filter(account=account).count() == 1


@pytest.mark.parametrize("fault", list(FAULTS))
def test_form_reports_a_fault_that_outlives_the_retries_and_stores_nothing(fault, fake_stripe, user):
    exc_class, message = FORM_ERROR[fault]
    fake_stripe.fail_next(ATTEMPTS, path="/v1/accounts", method="POST", **FAULTS[fault])
    count("faults injected", ATTEMPTS)
    form = _form(user)

    with pytest.raises(exc_class):
        form.save()

    assert form.non_field_errors() == [str(message)]
    assert not Account.objects.exists() and not ExternalAccount.objects.exists()


def _browser(user):
    """Requests of one seller's browser: they share a session."""
    session = SessionStore()
    session.create()

    def request():
        req = make_request(user)
        req.session = session
        return req

    return request


def test_resubmitting_the_form_after_a_lost_response_does_not_make_a_second_account(fake_stripe, user):
    browser = _browser(user)
    fake_stripe.fail_next(ATTEMPTS, path="/v1/accounts", method="POST", lose_response=True)
    count("faults injected", ATTEMPTS)
    with pytest.raises(stripe.APIConnectionError):
        _form(user, browser()).save()

    account = _form(user, browser()).save()  # the seller does what the message says

    (on_stripe,) = _accounts_on_stripe(fake_stripe)
    assert account.stripe_id == on_stripe["id"] and account.user == user
    assert CREATION_SESSION_KEY not in browser().session


def test_a_changed_resubmission_after_a_failure_still_creates_the_account(fake_stripe, user):
    browser = _browser(user)
    fake_stripe.fail_next(ATTEMPTS, path="/v1/accounts", method="POST", lose_response=True)
    count("faults injected", ATTEMPTS)
    with pytest.raises(stripe.APIConnectionError):
        _form(user, browser()).save()

    changed = InitialCustomAccountForm({**US_INDIVIDUAL, "individual__first_name": "Jen"},
                                       request=browser(), country="US")
    assert changed.is_valid(), changed.errors
    account = changed.save()  # the old key no longer fits: a new attempt is made

    assert account.stripe_data["individual"]["first_name"] == "Jen" and account.user == user
    # The first account exists too (its response was lost); it is tied to the same seller.
    assert len(_accounts_on_stripe(fake_stripe)) == 2
