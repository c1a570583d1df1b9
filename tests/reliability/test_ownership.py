"""Ownership: a logged-in user can only act on their own connected account.

The library ships these views and view-building blocks:

* ``pinax_connect:webhook`` (no user: authenticated by its signature, see
  test_hostile_webhooks);
* ``CustomAccountWizard`` (always acts for ``request.user``; anonymous: 403);
* ``InitialCustomAccountForm`` (creates for ``request.user``; anonymous refused) and
  ``AdditionalCustomAccountForm`` (with ``request=``, refuses an account of another
  user), used in the host's ``FormView`` (``tests/forms/views.py`` are seed 003's);
* the OAuth completion step ``onboarding.oauth_complete`` (``state`` bound to the session).

Each refusal happens before anything is sent to Stripe, and changes no row.
"""
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver

from pinax_connect import urls as pinax_urls
from pinax_connect.actions import accounts, onboarding
from pinax_connect.exceptions import OAuthStateMismatch
from pinax_connect.forms import AdditionalCustomAccountForm, InitialCustomAccountForm
from pinax_connect.models import Account
from tests.forms.conftest import US_INDIVIDUAL, make_request

from .conftest import count

pytestmark = [pytest.mark.urls("tests.forms.urls"), pytest.mark.django_db]

# Every view pinax_connect.urls ships, and where its access control is tested.
SHIPPED_VIEWS = {"webhook": "test_hostile_webhooks (signature instead of a user)"}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _names(p.url_patterns, prefix)
        elif isinstance(p, URLPattern):
            yield p.name


def test_every_view_pinax_connect_ships_has_its_access_control_tested():
    """A new view in pinax_connect.urls must be added here with its ownership test."""
    assert set(_names(pinax_urls.urlpatterns)) == set(SHIPPED_VIEWS)


@pytest.fixture
def sellers_account(fake_stripe, user):
    """``user``'s custom account (made with the form: SSN last 4 only), with Stripe
    asking for the full ID number."""
    form = InitialCustomAccountForm(dict(US_INDIVIDUAL), request=make_request(user), country="US")
    assert form.is_valid(), form.errors
    account = form.save()
    fake_stripe.advance(60)
    fake_stripe.raise_requirements(account.stripe_id, ["individual.id_number"])
    account = accounts.sync_account(account)
    assert "individual.id_number" in account.verification_fields_needed
    return account


def _writes(fake):
    return [r for r in fake.requests if r.method in ("POST", "DELETE")]


def _row(account):
    return Account.objects.filter(pk=account.pk).values().get()


@pytest.mark.parametrize("method", ["get", "post"])
def test_update_view_refuses_another_users_account_with_403_and_changes_nothing(
    client, other_user, sellers_account, fake_stripe, method
):
    client.force_login(other_user)
    before, sent = _row(sellers_account), len(fake_stripe.requests)
    count("ownership attempts")

    response = getattr(client, method)(f"/update-owned/{sellers_account.pk}/", {"individual__id_number": "000000000"})

    assert response.status_code == 403
    assert fake_stripe.requests[sent:] == [], "nothing may be sent to Stripe"
    assert _row(sellers_account) == before


def test_update_view_refuses_anonymous_users(client, sellers_account, fake_stripe):
    sent = len(fake_stripe.requests)
    count("ownership attempts")
    response = client.post(f"/update-owned/{sellers_account.pk}/", {"individual__id_number": "000000000"})
    assert response.status_code == 403
    assert fake_stripe.requests[sent:] == []


def test_update_view_lets_the_owner_through(client, user, sellers_account, fake_stripe):
    client.force_login(user)
    response = client.post(f"/update-owned/{sellers_account.pk}/", {"individual__id_number": "000000000"})
    assert response.status_code == 302
    assert "individual.id_number" not in Account.objects.get(pk=sellers_account.pk).verification_fields_needed


def test_additional_form_refuses_another_user_before_any_stripe_call(other_user, sellers_account, fake_stripe):
    sent = len(fake_stripe.requests)
    count("ownership attempts")
    with pytest.raises(PermissionDenied):
        AdditionalCustomAccountForm({"individual__id_number": "000000000"}, account=sellers_account,
                                    request=make_request(other_user))
    assert fake_stripe.requests[sent:] == []


def test_initial_form_and_wizard_refuse_anonymous_users(client, fake_stripe):
    count("ownership attempts", 3)
    with pytest.raises(PermissionDenied):
        InitialCustomAccountForm(dict(US_INDIVIDUAL), request=make_request(None), country="US")
    assert client.get("/wizard/").status_code == 403
    assert client.post("/wizard/", {"custom_account_wizard-current_step": "business_type"}).status_code == 403
    assert fake_stripe.requests == [] and not Account.objects.exists()


def test_create_view_makes_the_account_for_the_logged_in_user_only(client, user, other_user, fake_stripe,
                                                                   custom_account):
    """A user cannot aim the creation at someone else: the form has no user field, and an
    extra ``user``/``account`` in the POST is ignored."""
    client.force_login(other_user)
    theirs = _row(custom_account)
    count("ownership attempts")
    response = client.post("/create/", {**US_INDIVIDUAL, "user": user.pk, "account": custom_account.pk})
    assert response.status_code == 302
    assert Account.objects.get(user=other_user).stripe_id != custom_account.stripe_id
    assert _row(custom_account) == theirs


def test_wizard_creates_for_the_logged_in_user_only(client, user, other_user, fake_stripe, custom_account):
    from .test_personal_data import WIZARD_INDIVIDUAL, run_wizard

    client.force_login(other_user)
    theirs = _row(custom_account)
    count("ownership attempts")
    run_wizard(client, WIZARD_INDIVIDUAL)
    (created,) = Account.objects.filter(user=other_user)
    assert created.stripe_id != custom_account.stripe_id
    assert _row(custom_account) == theirs


# ---- OAuth state ------------------------------------------------------------------------


def _state_of(url):
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["state"][0]


@pytest.fixture
def client_id(settings):
    settings.PINAX_CONNECT_CLIENT_ID = "ca_reliability"
    return settings.PINAX_CONNECT_CLIENT_ID


def _session_request(user):
    request = make_request(user)
    request.session = SessionStore()
    return request


def test_oauth_state_from_another_users_session_is_refused(fake_stripe, client_id, user, other_user):
    """A victim's authorize URL (state in the victim's session) completed in the
    attacker's session, or the reverse: refused, nothing sent, nothing linked."""
    victim, attacker = _session_request(user), _session_request(other_user)
    victims_state = _state_of(onboarding.oauth_authorize_url(victim))
    onboarding.oauth_authorize_url(attacker)  # the attacker has a state of their own
    code = fake_stripe.oauth_code()
    count("ownership attempts")

    with pytest.raises(OAuthStateMismatch):
        onboarding.oauth_complete(attacker, code=code, state=victims_state)

    assert fake_stripe.requests == [] and not Account.objects.exists()
    # The refused attempt consumed the attacker's state, not the victim's.
    assert onboarding.OAUTH_STATE_SESSION_KEY in victim.session


@pytest.mark.parametrize("forged", ["", " ", "x" * 43, "\x00", "é" * 43])
def test_forged_oauth_states_are_refused(fake_stripe, client_id, user, forged):
    request = _session_request(user)
    onboarding.oauth_authorize_url(request)
    count("ownership attempts")
    with pytest.raises(OAuthStateMismatch):
        onboarding.oauth_complete(request, code=fake_stripe.oauth_code(), state=forged)
    assert fake_stripe.requests == [] and not Account.objects.exists()
