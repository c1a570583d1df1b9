"""pinax_connect.actions.accounts: the Account mirror and the account actions."""
import datetime
from decimal import Decimal
import json
import pathlib

import pytest
import stripe
import stripe.oauth_error
from django.core.exceptions import ImproperlyConfigured

from pinax_connect import identity
from pinax_connect.actions import accounts
from pinax_connect.exceptions import AccountDeauthorized, InvalidRequest
from pinax_connect.models import Account

from .conftest import account_object, ready_custom_account_params

FIXTURES = pathlib.Path("/work/shared/stripe-openapi/fixtures3.json")
UTC = datetime.timezone.utc

pytestmark = pytest.mark.django_db


# ---- the mapping (plain dicts, no Stripe) ------------------------------------------


def test_sync_maps_every_column():
    obj = account_object(
        business_type="individual",
        business_profile={"name": "Jenny's Shop", "url": "https://jenny.example.com"},
        charges_enabled=True,
        payouts_enabled=True,
        details_submitted=True,
        email="jenny@example.com",
        requirements={
            "current_deadline": 1700086400,
            "currently_due": ["individual.dob.day", "external_account"],
            "past_due": ["external_account", "tos_acceptance.date"],
            "disabled_reason": "requirements.past_due",
            "eventually_due": [],
        },
    )
    account = accounts.sync_account_from_stripe_object(obj)
    account.refresh_from_db()
    assert account.stripe_id == "acct_1TestAccount00"
    assert account.type == "custom"
    assert account.country == "US"
    assert account.default_currency == "usd"
    assert account.email == "jenny@example.com"
    assert account.business_type == "individual"
    assert account.business_name == "Jenny's Shop"
    assert account.business_url == "https://jenny.example.com"
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (True, True, True)
    assert account.capabilities == {"card_payments": "active", "transfers": "active"}
    assert account.requirements == obj["requirements"]
    assert account.verification_fields_needed == ["individual.dob.day", "external_account", "tos_acceptance.date"]
    assert account.verification_due_by == datetime.datetime(2023, 11, 15, 22, 13, 20, tzinfo=UTC)
    assert account.verification_disabled_reason == "requirements.past_due"
    assert account.created == datetime.datetime.fromtimestamp(1700000000, UTC)
    assert account.stripe_data == obj
    assert account.user is None


def test_sync_of_an_account_without_requirements_leaves_verification_empty():
    account = accounts.sync_account_from_stripe_object(account_object(requirements=None))
    assert account.verification_fields_needed == []
    assert account.verification_due_by is None
    assert account.verification_disabled_reason == ""


@pytest.mark.parametrize(
    "controller, expected",
    [
        ({"requirement_collection": "application", "stripe_dashboard": {"type": "none"}}, "custom"),
        ({"requirement_collection": "stripe", "stripe_dashboard": {"type": "express"}}, "express"),
        ({"requirement_collection": "stripe", "stripe_dashboard": {"type": "full"}}, "standard"),
        ({"type": "account"}, "standard"),
    ],
)
def test_type_is_derived_from_controller_when_type_is_absent(controller, expected):
    obj = account_object(controller=controller)
    del obj["type"]
    assert accounts.sync_account_from_stripe_object(obj).type == expected


def test_type_field_wins_over_controller():
    obj = account_object(type="express", controller={"requirement_collection": "application"})
    assert accounts.sync_account_from_stripe_object(obj).type == "express"


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"business_profile": {"name": "Profile"}, "company": {"name": "Company"}}, "Profile"),
        ({"business_profile": {"name": None}, "company": {"name": "Company"}}, "Company"),
        ({"business_profile": None, "settings": {"dashboard": {"display_name": "Dash"}}}, "Dash"),
        ({"business_profile": None, "settings": None}, ""),
    ],
)
def test_business_name_fallbacks(overrides, expected):
    assert accounts.sync_account_from_stripe_object(account_object(**overrides)).business_name == expected


def test_user_is_set_only_when_given(user, other_user):
    account = accounts.sync_account_from_stripe_object(account_object(), user=user)
    assert account.user == user
    # A webhook sync (no user) keeps the link.
    accounts.sync_account_from_stripe_object(account_object(email="new@example.com"), event_created=1800000000)
    account.refresh_from_db()
    assert account.user == user and account.email == "new@example.com"
    # Passing a user explicitly relinks.
    accounts.sync_account_from_stripe_object(account_object(), user=other_user)
    account.refresh_from_db()
    assert account.user == other_user


def test_an_older_event_does_not_overwrite_newer_state():
    accounts.sync_account_from_stripe_object(account_object(charges_enabled=True), event_created=1800000100)
    stale = accounts.sync_account_from_stripe_object(account_object(charges_enabled=False), event_created=1800000000)
    assert stale.charges_enabled is True
    assert Account.objects.get().charges_enabled is True


def test_connected_account_context_is_accepted_and_ignored():
    account = accounts.sync_account_from_stripe_object(account_object(), stripe_account="acct_1TestAccount00")
    assert account.stripe_id == "acct_1TestAccount00"


def test_pinax_stripe_alias_is_the_same_function():
    assert accounts.sync_account_from_stripe_data is accounts.sync_account_from_stripe_object


def test_sync_accepts_a_stripe_python_object():
    obj = stripe.StripeObject.construct_from(account_object(email="obj@example.com"), "sk_test")
    assert accounts.sync_account_from_stripe_object(obj).email == "obj@example.com"


@pytest.mark.skipif(not FIXTURES.exists(), reason="Stripe's OpenAPI fixtures are not available")
def test_sync_of_stripes_own_example_account():
    example = json.loads(FIXTURES.read_text())["resources"]["account"]
    account = accounts.sync_account_from_stripe_object(example)
    assert account.stripe_id == example["id"]
    assert account.type == "standard"
    assert account.verification_fields_needed == example["requirements"]["currently_due"]
    assert account.verification_disabled_reason == "requirements.past_due"


# ---- create ---------------------------------------------------------------------------


def test_create_custom_account_sends_params_and_links_user(fake_stripe, user):
    account = accounts.create(user, "us", type="custom", idempotency_key="create-1", **ready_custom_account_params())
    (req,) = [r for r in fake_stripe.requests if r.route_pattern == "/v1/accounts" and r.method == "POST"]
    assert req.params["type"] == "custom"
    assert req.params["country"] == "US"
    assert req.params["capabilities"] == {"card_payments": {"requested": "true"}, "transfers": {"requested": "true"}}
    assert req.params["business_profile"]["url"] == "https://jenny.example.com"
    assert req.idempotency_key == "create-1"
    assert account.user == user
    assert account.type == "custom"
    assert account.charges_enabled and account.payouts_enabled
    assert account.verification_fields_needed == []
    assert Account.objects.get(stripe_id=account.stripe_id).user == user


def test_create_never_stores_the_id_number(fake_stripe, user):
    params = ready_custom_account_params()
    params["individual"]["id_number"] = "123459876"
    account = accounts.create(user, "US", type="custom", **params)
    stored = json.dumps(Account.objects.get(pk=account.pk).stripe_data)
    assert "123459876" not in stored
    assert "000123456789" not in stored


def test_create_sends_a_fresh_idempotency_key_by_default(fake_stripe, user):
    accounts.create(user, "US", type="express")
    accounts.create(user, "US", type="express")
    keys = [r.idempotency_key for r in fake_stripe.requests if r.method == "POST"]
    assert len(keys) == 2 and all(keys) and keys[0] != keys[1]


def test_create_keeps_capabilities_given(fake_stripe, user):
    accounts.create(user, "US", type="custom", capabilities={"transfers": {"requested": True}})
    (req,) = [r for r in fake_stripe.requests if r.method == "POST"]
    assert req.params["capabilities"] == {"transfers": {"requested": "true"}}


@pytest.mark.parametrize("type_", ["express", "standard"])
def test_create_hosted_accounts_request_no_capabilities(fake_stripe, user, type_):
    account = accounts.create(user, "US", type=type_)
    (req,) = [r for r in fake_stripe.requests if r.method == "POST"]
    assert "capabilities" not in req.params
    assert account.type == type_ and account.user == user


def test_create_with_controller(fake_stripe, user):
    controller = {
        "fees": {"payer": "application"},
        "losses": {"payments": "application"},
        "requirement_collection": "application",
        "stripe_dashboard": {"type": "none"},
    }
    account = accounts.create(user, "US", controller=controller)
    (req,) = [r for r in fake_stripe.requests if r.method == "POST"]
    assert "type" not in req.params
    assert req.params["controller"]["requirement_collection"] == "application"
    assert set(req.params["capabilities"]) == {"card_payments", "transfers"}
    assert account.type == "custom"


def test_create_without_user(fake_stripe):
    assert accounts.create(None, "US", type="express").user is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"type": "custom", "controller": {"requirement_collection": "application"}}, "exactly one"),
        ({}, "exactly one"),
        ({"type": "premium"}, "Unknown account type"),
        ({"controller": "application"}, "controller= must be a dict"),
    ],
)
def test_create_validates_type_and_controller(fake_stripe, user, kwargs, message):
    with pytest.raises(InvalidRequest, match=message):
        accounts.create(user, "US", **kwargs)
    assert fake_stripe.requests == []


@pytest.mark.parametrize("country", ["USA", "U", "1A", "", None, 840])
def test_create_validates_country(fake_stripe, user, country):
    with pytest.raises(InvalidRequest, match="two-letter"):
        accounts.create(user, country, type="custom")
    assert fake_stripe.requests == []


def test_create_refuses_an_unsaved_user(fake_stripe, django_user_model):
    with pytest.raises(InvalidRequest, match="saved user"):
        accounts.create(django_user_model(username="ghost"), "US", type="custom")
    assert fake_stripe.requests == []


def test_create_passes_stripe_errors_through(fake_stripe, user):
    with pytest.raises(stripe.InvalidRequestError, match="Received unknown parameter: favourite_colour"):
        accounts.create(user, "US", type="custom", favourite_colour="blue")
    assert not Account.objects.exists()


# ---- update / sync_account / reject / delete --------------------------------------


def test_update_sends_data_and_stores_the_result(fake_stripe, custom_account):
    account = accounts.update(custom_account, {"business_profile": {"name": "Renamed"}}, idempotency_key="u-1")
    req = fake_stripe.requests[-1]
    assert (req.method, req.path) == ("POST", f"/v1/accounts/{custom_account.stripe_id}")
    assert req.params == {"business_profile": {"name": "Renamed"}}
    assert req.idempotency_key == "u-1"
    assert account.business_name == "Renamed"
    assert Account.objects.get(pk=custom_account.pk).business_name == "Renamed"


@pytest.mark.parametrize("data", [{}, None, [("email", "x")]])
def test_update_validates_data(fake_stripe, custom_account, data):
    sent = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest, match="non-empty dict"):
        accounts.update(custom_account, data)
    assert len(fake_stripe.requests) == sent


def test_update_needs_an_account_instance(fake_stripe):
    with pytest.raises(InvalidRequest, match="Account instance"):
        accounts.update("acct_123", {"email": "x@example.com"})
    assert fake_stripe.requests == []


@pytest.mark.parametrize(
    "call",
    [
        lambda a: accounts.update(a, {"email": "x@example.com"}),
        accounts.sync_account,
        lambda a: accounts.reject(a, "other"),
        accounts.delete,
        accounts.deauthorize,
    ],
    ids=["update", "sync_account", "reject", "delete", "deauthorize"],
)
def test_account_actions_need_an_account_instance(fake_stripe, call):
    with pytest.raises(InvalidRequest, match="Account instance"):
        call("acct_1NotAnInstance00")
    assert fake_stripe.requests == []


def test_update_passes_stripe_errors_through(fake_stripe, custom_account):
    with pytest.raises(stripe.InvalidRequestError, match="Received unknown parameter: nickname"):
        accounts.update(custom_account, {"nickname": "x"})


def test_sync_account_rereads_from_stripe(fake_stripe, custom_account):
    stored = fake_stripe.find(custom_account.stripe_id)
    stored["email"] = "changed-on-stripe@example.com"
    fake_stripe.save(stored)
    account = accounts.sync_account(custom_account)
    assert fake_stripe.requests[-1].method == "GET"
    assert account.email == "changed-on-stripe@example.com"
    assert accounts.retrieve(custom_account).email == "changed-on-stripe@example.com"


def test_sync_account_passes_stripe_errors_through(fake_stripe):
    ghost = accounts.sync_account_from_stripe_object(account_object(id="acct_1Missing0000000"))
    with pytest.raises(stripe.InvalidRequestError, match="No such account: 'acct_1Missing0000000'"):
        accounts.sync_account(ghost)


def test_reject_sends_the_reason(fake_stripe, custom_account):
    account = accounts.reject(custom_account, "fraud")
    req = fake_stripe.requests[-1]
    assert (req.method, req.path) == ("POST", f"/v1/accounts/{custom_account.stripe_id}/reject")
    assert req.params == {"reason": "fraud"}
    assert req.idempotency_key
    assert account.verification_disabled_reason == "rejected.fraud"
    assert account.charges_enabled is False and account.payouts_enabled is False


def test_reject_validates_the_reason(fake_stripe, custom_account):
    sent = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest, match="reject reason"):
        accounts.reject(custom_account, "because")
    assert len(fake_stripe.requests) == sent


def test_reject_passes_stripe_errors_through(fake_stripe, user):
    standard = accounts.create(user, "US", type="standard")
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        accounts.reject(standard, "other")
    assert excinfo.value.user_message


def test_delete_removes_the_account_on_stripe_and_keeps_its_financial_history(fake_stripe, custom_account):
    from pinax_connect.actions import charges
    from pinax_connect.exceptions import AccountDeauthorized
    from pinax_connect.models import Charge

    charge = charges.create(Decimal("10.00"), source="tok_visa", currency="usd", destination_account=custom_account)

    deleted = accounts.delete(custom_account)

    assert deleted.deleted is True and deleted.id == custom_account.stripe_id
    assert fake_stripe.requests[-1].method == "DELETE"
    row = Account.objects.get(stripe_id=custom_account.stripe_id)
    assert row.date_deleted is not None and not row.authorized
    assert Charge.objects.get(pk=charge.pk).destination_id == row.pk
    with pytest.raises(AccountDeauthorized, match="deleted"):
        accounts.update(row, {"email": "x@example.com"})


def test_delete_passes_stripe_errors_through(fake_stripe):
    ghost = accounts.sync_account_from_stripe_object(account_object(id="acct_1Missing0000000"))
    with pytest.raises(stripe.StripeError) as excinfo:
        accounts.delete(ghost)
    assert "acct_1Missing0000000" in str(excinfo.value)
    assert Account.objects.filter(pk=ghost.pk).exists()


# ---- deauthorize & the guard ---------------------------------------------------------


def test_deauthorize_a_custom_account_only_marks_it(fake_stripe, custom_account):
    sent = len(fake_stripe.requests)
    account = accounts.deauthorize(custom_account)
    assert len(fake_stripe.requests) == sent
    assert account.authorized is False
    assert Account.objects.get(pk=custom_account.pk).authorized is False


def test_deauthorize_a_standard_account_revokes_oauth(fake_stripe, settings, user):
    settings.PINAX_CONNECT_CLIENT_ID = fake_stripe.client_id()
    standard = accounts.create(user, "US", type="standard")
    accounts.deauthorize(standard)
    req = fake_stripe.requests[-1]
    assert (req.method, req.path, req.status) == ("POST", "/oauth/deauthorize", 200)
    assert req.params == {"client_id": fake_stripe.client_id(), "stripe_user_id": standard.stripe_id}
    assert fake_stripe.events[-1]["type"] == "account.application.deauthorized"
    assert Account.objects.get(pk=standard.pk).authorized is False


def test_deauthorize_a_standard_account_needs_the_client_id(fake_stripe, settings, user):
    settings.PINAX_CONNECT_CLIENT_ID = None
    standard = accounts.create(user, "US", type="standard")
    with pytest.raises(ImproperlyConfigured, match="PINAX_CONNECT_CLIENT_ID"):
        accounts.deauthorize(standard)
    assert Account.objects.get(pk=standard.pk).authorized is True


def test_deauthorize_passes_stripe_errors_through(fake_stripe, settings):
    settings.PINAX_CONNECT_CLIENT_ID = fake_stripe.client_id()
    ghost = accounts.sync_account_from_stripe_object(account_object(id="acct_1Missing0000000", type="standard"))
    with pytest.raises(stripe.oauth_error.InvalidClientError, match="not connected to stripe account acct_1Missing"):
        accounts.deauthorize(ghost)
    assert Account.objects.get(pk=ghost.pk).authorized is True


@pytest.mark.parametrize(
    "call",
    [
        lambda a: accounts.update(a, {"email": "x@example.com"}),
        lambda a: accounts.sync_account(a),
        lambda a: accounts.reject(a, "other"),
        lambda a: accounts.delete(a),
        lambda a: accounts.deauthorize(a),
    ],
    ids=["update", "sync_account", "reject", "delete", "deauthorize"],
)
def test_actions_on_a_deauthorized_account_raise(fake_stripe, custom_account, call):
    accounts.deauthorize(custom_account)
    sent = len(fake_stripe.requests)
    with pytest.raises(AccountDeauthorized, match=custom_account.stripe_id):
        call(custom_account)
    assert len(fake_stripe.requests) == sent


def test_ensure_authorized():
    account = accounts.sync_account_from_stripe_object(account_object())
    assert accounts.ensure_authorized(account) is None
    accounts.set_authorized(account, False)
    with pytest.raises(AccountDeauthorized):
        accounts.ensure_authorized(Account.objects.get(pk=account.pk))


def test_set_authorized_writes_only_the_flag():
    account = accounts.sync_account_from_stripe_object(account_object(email="kept@example.com"))
    accounts.set_authorized(account, False)
    row = Account.objects.get(pk=account.pk)
    assert row.authorized is False and row.email == "kept@example.com"
    accounts.set_authorized(row, True)
    assert Account.objects.get(pk=account.pk).authorized is True


# ---- list sync ---------------------------------------------------------------------------


def test_sync_accounts_mirrors_the_list(fake_stripe, user):
    first = accounts.create(user, "US", type="express")
    Account.objects.all().delete()
    fake_stripe.advance(3600)
    accounts.create(user, "US", type="custom")
    Account.objects.all().delete()
    pages = []
    assert accounts.sync_accounts(progress=pages.append) == (2, 0)
    assert set(Account.objects.values_list("type", flat=True)) == {"express", "custom"}
    assert pages == [2]
    # create() names the user in the account's metadata, so a sync links them back.
    assert Account.objects.get(stripe_id=first.stripe_id).user == user


def test_sync_links_users_only_from_our_metadata_and_only_when_unlinked(fake_stripe, user, other_user):
    nobody = accounts.create(None, "US", type="express")
    mine = accounts.create(user, "US", type="express")
    assert fake_stripe.get(mine.stripe_id)["metadata"] == identity.user_metadata(user)
    Account.objects.filter(pk=mine.pk).update(user=other_user)  # re-assigned locally: kept
    Account.objects.filter(pk=nobody.pk).delete()
    accounts.sync_accounts()
    assert Account.objects.get(stripe_id=nobody.stripe_id).user is None
    assert Account.objects.get(stripe_id=mine.stripe_id).user == other_user


def test_an_event_for_an_account_we_lost_links_it_to_its_user(fake_stripe, user):
    account = accounts.create(user, "US", type="custom", metadata={"shop": "7"})
    data = fake_stripe.get(account.stripe_id)
    assert data["metadata"] == {"shop": "7", **identity.user_metadata(user)}
    Account.objects.all().delete()
    assert accounts.sync_account_from_stripe_object(data, event_created=fake_stripe.now()).user == user


def test_an_account_naming_a_user_of_another_installation_is_not_linked(fake_stripe, user, caplog, settings):
    account = accounts.create(user, "US", type="express")
    data = fake_stripe.get(account.stripe_id)
    Account.objects.all().delete()
    # A staging site sharing the test-mode Stripe account: same user id, another SECRET_KEY.
    settings.SECRET_KEY = "another-installation"
    assert accounts.sync_account_from_stripe_object(data).user is None
    assert "check does not match" in caplog.text
    settings.SECRET_KEY = "pinax-connect-tests-not-secret"
    assert accounts.link_users_from_metadata() == 1


def test_an_account_naming_only_a_user_id_is_not_linked(fake_stripe, user):
    # What main wrote before the check existed, or a restored database whose user #1 is someone else.
    data = account_object(id="acct_1OnlyAnId000000", metadata={"pinax_connect_user": str(user.pk)})
    assert accounts.sync_account_from_stripe_object(data).user is None


def test_a_restored_database_with_another_user_under_that_id_does_not_get_the_account(fake_stripe, user, django_user_model):
    account = accounts.create(user, "US", type="express")
    data = fake_stripe.get(account.stripe_id)
    Account.objects.all().delete()
    pk = user.pk
    user.delete()
    django_user_model.objects.create_user(username="stranger", password="x", id=pk)  # same id, joined later
    assert accounts.sync_account_from_stripe_object(data).user is None


def test_sync_accounts_filters_on_created(fake_stripe, user):
    accounts.create(user, "US", type="express")
    later = fake_stripe.advance(3600)
    newer = accounts.create(user, "US", type="custom")
    Account.objects.all().delete()
    assert accounts.sync_accounts(created_gte=datetime.datetime.fromtimestamp(later, UTC)) == (1, 0)
    assert list(Account.objects.values_list("stripe_id", flat=True)) == [newer.stripe_id]
    assert fake_stripe.requests[-1].params["created"] == {"gte": str(later)}


def test_sync_accounts_passes_stripe_errors_through(fake_stripe):
    fake_stripe.fail_next(3, status=500)
    with pytest.raises(stripe.APIError, match="injected"):
        accounts.sync_accounts()


# ---- seed 003, as written (pinax.stripe imports renamed to pinax_connect) -----------------


def test_seed_003_account_updated_receiver(client, fake_stripe, custom_account, django_capture_on_commit_callbacks):
    """"Updating a Custom Account with Further Verification Information": the receiver
    sees the fields Stripe asks for, delivered through the real webhook endpoint."""
    from django.dispatch import receiver

    from pinax_connect.models import Account
    from pinax_connect.signals import WEBHOOK_SIGNALS
    from pinax_connect.testing import signed_webhook

    notified = []

    def receiver_switch(func):  # the host project's own decorator in the seed
        return func

    @receiver(WEBHOOK_SIGNALS["account.updated"])
    @receiver_switch
    def stripe_account_updated(sender, event, **kwargs):
        account = Account.objects.get(
            stripe_id=event.validated_message['data']['object']['id']
        )
        # if this is not a custom account, it's probably our platform
        # account or an express or standard account, so do nothing
        if not account.type == "custom":
            return
        if account.verification_due_by and account.verification_fields_needed:
            # then Stripe is asking us for some info!
            notified.append(account)  # the seed's "pass": notify the user

    try:
        # The fake's clock stands still while the wall clock (our sync watermark) runs:
        # move it past the moment custom_account was read, as time passes on Stripe.
        fake_stripe.advance(60)
        deadline = fake_stripe.now() + 7 * 86400
        fake_stripe.raise_requirements(custom_account.stripe_id, ["individual.verification.document"], deadline=deadline)
        (event,) = [e for e in fake_stripe.events if e["type"] == "account.updated"][-1:]
        payload, signature = signed_webhook(event, "whsec_test_platform")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/stripe/webhook/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
            )
    finally:
        WEBHOOK_SIGNALS["account.updated"].disconnect(stripe_account_updated)
    assert response.status_code == 200
    (account,) = notified
    assert account.stripe_id == custom_account.stripe_id
    assert account.verification_fields_needed == ["individual.verification.document"]
    assert account.verification_due_by == datetime.datetime.fromtimestamp(deadline, UTC)


def test_seed_003_manual_payout_of_a_custom_account(fake_stripe, custom_account):
    """"Manually paying out a Custom account", with ``stripe_account`` (left unbound in
    the seed) being the account as Stripe returns it."""
    from pinax_connect.actions import transfers
    from pinax_connect.client import get_client
    from pinax_connect.models import Account

    fake_stripe.balance_add(custom_account.stripe_id, "usd", 10000)
    stripe_account = get_client().v1.accounts.retrieve(custom_account.stripe_id)

    account = Account.objects.get(pk=custom_account.pk)
    # we choose the first external account the user has configured
    external_account = stripe_account.external_accounts.data[0]
    with pytest.warns(DeprecationWarning):
        external_transfer = transfers.create(
            5.00,
            'USD',
            external_account.id,
            "A payout to a bank account!",
            stripe_account=account.stripe_id,  # this tells Stripe to transfer from the balance of the Custom account
        )
    assert external_transfer.status in ('paid', 'pending')
    assert external_transfer.destination == external_account.id


def test_create_mirrors_the_bank_account_sent_with_the_account(custom_account):
    (bank,) = custom_account.external_accounts.all()
    assert bank.object_type == "bank_account" and bank.last4 == "6789"
    assert bank.stripe_id == custom_account.stripe_data["external_accounts"]["data"][0]["id"]
