"""Every Stripe country: an individual and a company onboard through our forms alone.

The test seller (:mod:`tests.forms.seller`) fills whatever fields the forms render
with the country's test values; the fake Stripe applies the country's rules from
:mod:`pinax_connect.countries`. An account counts as onboarded when Stripe (the
fake) enables charges and payouts and nothing is left for the hosted page.
"""
import pytest

from pinax_connect import countries
from pinax_connect.actions import accounts
from pinax_connect.forms import AdditionalCustomAccountForm, InitialCustomAccountForm
from pinax_connect.models import Account
from tests.forms.conftest import make_request
from tests.forms.seller import fill

pytestmark = pytest.mark.django_db

COUNTRIES = countries.codes()
MAX_ROUNDS = 3


def _additional_rounds(account, user, code, roles):
    """Answer AdditionalCustomAccountForm until Stripe asks for nothing more; the rounds used."""
    for rounds in range(MAX_ROUNDS):
        account = accounts.sync_account(account)
        if not account.verification_fields_needed:
            return account, rounds
        form = AdditionalCustomAccountForm(account=account, request=make_request(user))
        assert form.hosted_paths == [], (code, form.hosted_paths)
        data, files = fill(form, code, roles=roles)
        form = AdditionalCustomAccountForm(data, files, account=account, request=make_request(user))
        assert form.is_valid(), (code, form.errors)
        account = form.save()
    raise AssertionError("%s still needs %s" % (code, account.verification_fields_needed))


def _assert_enabled(account, fake, code):
    rules = countries.get(code)
    stripe_account = fake.find(account.stripe_id)
    assert stripe_account["requirements"]["currently_due"] == []
    assert account.charges_enabled and account.payouts_enabled, stripe_account["requirements"]
    assert stripe_account["default_currency"] == rules.currency
    bank = fake.all("bank_account", account.stripe_id)[0]
    assert bank["currency"] == rules.currency


@pytest.mark.parametrize("code", COUNTRIES)
def test_an_individual_onboards_in_one_form(code, user, fake_stripe):
    form = InitialCustomAccountForm(request=make_request(user), country=code)
    assert form.hosted_paths == []
    data, files = fill(form, code)
    form = InitialCustomAccountForm(data, files, request=make_request(user), country=code)
    assert form.is_valid(), (code, form.errors)
    account = form.save()
    account, rounds = _additional_rounds(account, user, code, roles=())
    assert rounds == 0  # the initial form asks for the country's whole minimum
    _assert_enabled(account, fake_stripe, code)


@pytest.mark.parametrize("code", COUNTRIES)
def test_a_company_onboards_with_its_owners_and_directors_through_the_persons_api(code, user, fake_stripe):
    # The representative is an executive only: owners and directors are other people,
    # added when Stripe asks for them (owners.*, directors.*) through the Persons API.
    form = InitialCustomAccountForm(request=make_request(user), country=code, business_type="company")
    assert form.hosted_paths == []
    data, files = fill(form, code, roles=("executive",))
    form = InitialCustomAccountForm(data, files, request=make_request(user), country=code, business_type="company")
    assert form.is_valid(), (code, form.errors)
    account = form.save()
    account, _rounds = _additional_rounds(account, user, code, roles=("owner", "director", "executive"))
    _assert_enabled(account, fake_stripe, code)
    people = fake_stripe.all("person", account.stripe_id)
    for role in countries.get(code).company_roles:
        flag = countries.ROLE_FLAGS[role]
        if flag != "owner":  # "no owner of 25% or more" is a valid attestation
            assert any(p["relationship"][flag] for p in people), (code, role)
    assert Account.objects.filter(user=user).count() == 1


# ---- the wizard, country by country -----------------------------------------------------------

def _wizard(client, code, business_type, roles):
    response = client.get(f"/wizard/{code}/")
    for _step in range(6):
        wizard = response.context["wizard"]
        form = wizard["form"]
        data, files = fill(form, code, roles=roles)
        if "business_type" in form.fields:
            data[form.add_prefix("business_type")] = business_type
        data[wizard["management_form"].add_prefix("current_step")] = wizard["steps"].current
        response = client.post(f"/wizard/{code}/", {**data, **files})
        if response.context is None or "wizard" not in response.context:
            return response
        assert not response.context["wizard"]["form"].errors or response.context["wizard"]["steps"].current != \
            wizard["steps"].current, (code, response.context["wizard"]["form"].errors)
    raise AssertionError("the wizard did not finish")


@pytest.mark.urls("tests.forms.urls")
@pytest.mark.parametrize("business_type", ["individual", "company"])
@pytest.mark.parametrize("code", COUNTRIES)
def test_the_wizard_onboards_in_every_country(code, business_type, logged_in, user, fake_stripe):
    response = _wizard(logged_in, code, business_type, roles=("owner", "director", "executive"))
    assert response.status_code == 200 and "Your payment account has been created." in response.content.decode()
    account = Account.objects.get(user=user)
    assert account.business_type == business_type
    account, rounds = _additional_rounds(account, user, code, roles=("owner", "director", "executive"))
    assert rounds == 0
    _assert_enabled(account, fake_stripe, code)
