"""pinax_connect.actions.external_accounts: payout bank accounts of connected accounts."""
import json

import pytest
import stripe

from pinax_connect.actions import accounts, external_accounts
from pinax_connect.exceptions import AccountDeauthorized, InvalidRequest
from pinax_connect.models import ExternalAccount

from .conftest import US_BANK_ACCOUNT, account_object, bank_account_object

pytestmark = pytest.mark.django_db

SECOND_BANK = {**US_BANK_ACCOUNT, "account_number": "000999999991"}


def stored_text():
    return json.dumps(list(ExternalAccount.objects.values("stripe_data", "last4", "routing_number")))


# ---- the mapping (plain dicts) --------------------------------------------------------


def test_sync_maps_every_column():
    account = accounts.sync_account_from_stripe_object(account_object())
    row = external_accounts.sync_external_account_from_stripe_object(bank_account_object())
    row.refresh_from_db()
    assert row.account == account
    assert row.object_type == "bank_account"
    assert row.bank_name == "STRIPE TEST BANK"
    assert row.country == "US" and row.currency == "usd"
    assert row.last4 == "6789"
    assert row.routing_number == "110000000"
    assert row.fingerprint == "PQBqY6e5XwUm7Exf"
    assert row.default_for_currency is True
    assert row.status == "new"
    assert row.brand == ""


def test_sync_of_a_card():
    accounts.sync_account_from_stripe_object(account_object())
    card = {
        "id": "card_1TestCard0000000",
        "object": "card",
        "account": "acct_1TestAccount00",
        "brand": "Visa",
        "country": "US",
        "currency": "usd",
        "default_for_currency": False,
        "fingerprint": "Xt5EWLLDS7FJjR1c",
        "last4": "4242",
        "exp_month": 8,
        "exp_year": 2030,
    }
    row = external_accounts.sync_external_account_from_stripe_object(card)
    assert (row.object_type, row.brand, row.last4, row.default_for_currency) == ("card", "Visa", "4242", False)


def test_sync_resolves_the_account_from_context_when_the_object_has_none():
    account = accounts.sync_account_from_stripe_object(account_object())
    row = external_accounts.sync_external_account_from_stripe_object(
        bank_account_object(account=None), stripe_account="acct_1TestAccount00"
    )
    assert row.account == account
    row2 = external_accounts.sync_external_account_from_stripe_object(
        bank_account_object(id="ba_1Other", account=None), stripe_account=account
    )
    assert row2.account == account


def test_sync_for_an_unmirrored_account_writes_nothing():
    assert external_accounts.sync_external_account_from_stripe_object(bank_account_object()) is None
    assert not ExternalAccount.objects.exists()


def test_sync_drops_full_numbers_should_they_ever_appear():
    accounts.sync_account_from_stripe_object(account_object())
    leaky = bank_account_object(account_number="000123456789")
    row = external_accounts.sync_external_account_from_stripe_object(leaky)
    assert "account_number" not in row.stripe_data
    assert "000123456789" not in stored_text()


def test_an_older_event_does_not_overwrite_newer_state():
    accounts.sync_account_from_stripe_object(account_object())
    external_accounts.sync_external_account_from_stripe_object(
        bank_account_object(status="verified"), event_created=1800000100
    )
    row = external_accounts.sync_external_account_from_stripe_object(
        bank_account_object(status="new"), event_created=1800000000
    )
    assert row.status == "verified"


# ---- create ----------------------------------------------------------------------------


def test_create_from_raw_details_stores_last4_only(fake_stripe, custom_account):
    row = external_accounts.create(custom_account, bank_account=SECOND_BANK, idempotency_key="ba-1")
    req = fake_stripe.requests[-1]
    assert (req.method, req.path) == ("POST", f"/v1/accounts/{custom_account.stripe_id}/external_accounts")
    assert req.params["external_account"]["object"] == "bank_account"
    assert req.params["external_account"]["routing_number"] == "110000000"
    assert req.idempotency_key == "ba-1"
    assert row.account == custom_account
    assert row.last4 == "9991"
    assert row.object_type == "bank_account"
    assert "000999999991" not in stored_text()
    assert "account_number" not in ExternalAccount.objects.get(pk=row.pk).stripe_data


def test_create_from_a_token_as_default(fake_stripe, custom_account):
    row = external_accounts.create(custom_account, token="btok_us_verified", default_for_currency=True)
    req = fake_stripe.requests[-1]
    assert req.params == {"external_account": "btok_us_verified", "default_for_currency": "true"}
    assert row.default_for_currency is True
    assert row.last4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "exactly one"),
        ({"token": "btok_us_verified", "bank_account": US_BANK_ACCOUNT}, "exactly one"),
        ({"token": ""}, "token must be"),
        ({"bank_account": "000123456789"}, "must be a dict"),
        ({"bank_account": {**US_BANK_ACCOUNT, "account_number": ""}}, "missing: account_number"),
        ({"bank_account": {"account_number": "000123456789"}}, "missing: country, currency"),
        ({"bank_account": {**US_BANK_ACCOUNT, "country": "USA"}}, "two-letter"),
        ({"bank_account": {**US_BANK_ACCOUNT, "currency": "xyz"}}, "currency"),
        ({"bank_account": {**US_BANK_ACCOUNT, "iban": "DE89"}}, "unknown keys: iban"),
    ],
)
def test_create_validation(fake_stripe, custom_account, kwargs, message):
    sent = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest, match=message) as excinfo:
        external_accounts.create(custom_account, **kwargs)
    assert len(fake_stripe.requests) == sent
    assert "000123456789" not in str(excinfo.value)  # never echoed back


def test_create_needs_an_account(fake_stripe):
    with pytest.raises(InvalidRequest, match="Account instance"):
        external_accounts.create("acct_123", token="btok_us_verified")


def test_create_on_a_deauthorized_account(fake_stripe, custom_account):
    accounts.deauthorize(custom_account)
    with pytest.raises(AccountDeauthorized):
        external_accounts.create(custom_account, token="btok_us_verified")


def test_create_passes_stripe_errors_through(fake_stripe, custom_account):
    bad_routing = {**US_BANK_ACCOUNT, "routing_number": "123456789"}
    with pytest.raises(stripe.InvalidRequestError, match="valid ABA routing number") as excinfo:
        external_accounts.create(custom_account, bank_account=bad_routing)
    assert excinfo.value.param == "external_account[routing_number]"
    assert "000123456789" not in str(excinfo.value)


# ---- list / sync / set_default / delete -------------------------------------------------


def test_custom_account_fixture_has_its_bank_account_mirrored_after_sync(fake_stripe, custom_account):
    ExternalAccount.objects.all().delete()  # mirrored at creation; start from an empty mirror
    assert external_accounts.sync_external_accounts(custom_account) == (1, 0)
    (row,) = external_accounts.list_for(custom_account)
    assert (row.last4, row.currency, row.default_for_currency) == ("6789", "usd", True)
    assert row.account == custom_account


def test_sync_external_accounts_drops_removed_ones(fake_stripe, custom_account):
    external_accounts.sync_external_accounts(custom_account)
    extra = external_accounts.create(custom_account, bank_account=SECOND_BANK)
    fake_stripe.remove(extra.stripe_id, custom_account.stripe_id)
    fake_stripe.remove(extra.stripe_id)
    external_accounts.sync_external_accounts(custom_account)
    assert not ExternalAccount.objects.filter(pk=extra.pk).exists()
    assert external_accounts.list_for(custom_account).count() == 1


def test_sync_external_accounts_second_run_writes_nothing(fake_stripe, custom_account):
    external_accounts.sync_external_accounts(custom_account)
    assert external_accounts.sync_external_accounts(custom_account) == (0, 0)


def test_list_for_reads_the_database_only(fake_stripe, custom_account):
    external_accounts.sync_external_accounts(custom_account)
    sent = len(fake_stripe.requests)
    assert [r.last4 for r in external_accounts.list_for(custom_account)] == ["6789"]
    assert len(fake_stripe.requests) == sent


def test_sync_external_accounts_accepts_an_id_of_a_mirrored_account(fake_stripe, custom_account):
    ExternalAccount.objects.all().delete()
    assert external_accounts.sync_external_accounts(custom_account.stripe_id) == (1, 0)


def test_sync_external_accounts_needs_a_mirrored_account(fake_stripe):
    with pytest.raises(InvalidRequest, match="mirrored account"):
        external_accounts.sync_external_accounts("acct_1NotMirrored000")
    assert fake_stripe.requests == []


def test_sync_external_accounts_passes_stripe_errors_through(fake_stripe):
    ghost = accounts.sync_account_from_stripe_object(account_object(id="acct_1Missing0000000"))
    with pytest.raises(stripe.StripeError) as excinfo:
        external_accounts.sync_external_accounts(ghost)
    assert "acct_1Missing0000000" in str(excinfo.value)


def test_set_default_moves_the_flag(fake_stripe, custom_account):
    external_accounts.sync_external_accounts(custom_account)
    first = external_accounts.list_for(custom_account).get()
    second = external_accounts.create(custom_account, bank_account=SECOND_BANK)
    assert second.default_for_currency is False
    second = external_accounts.set_default(second)
    update = [r for r in fake_stripe.requests if r.method == "POST"][-1]
    assert update.params == {"default_for_currency": "true"}
    assert update.idempotency_key
    assert second.default_for_currency is True
    first.refresh_from_db()
    assert first.default_for_currency is False


def test_set_default_on_a_deauthorized_account(fake_stripe, custom_account):
    row = external_accounts.create(custom_account, bank_account=SECOND_BANK)
    accounts.deauthorize(custom_account)
    row.account.refresh_from_db()
    with pytest.raises(AccountDeauthorized):
        external_accounts.set_default(row)


def test_set_default_passes_stripe_errors_through(fake_stripe, custom_account):
    row = external_accounts.create(custom_account, bank_account=SECOND_BANK)
    fake_stripe.remove(row.stripe_id, custom_account.stripe_id)
    fake_stripe.remove(row.stripe_id)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        external_accounts.set_default(row)
    assert row.stripe_id in str(excinfo.value)


def test_delete_removes_it_on_stripe_and_here(fake_stripe, custom_account):
    row = external_accounts.create(custom_account, bank_account=SECOND_BANK)
    deleted = external_accounts.delete(row)
    assert deleted.deleted is True
    assert fake_stripe.requests[-1].method == "DELETE"
    assert not ExternalAccount.objects.filter(stripe_id=row.stripe_id).exists()


def test_delete_of_the_default_passes_stripes_refusal_through(fake_stripe, custom_account):
    external_accounts.sync_external_accounts(custom_account)
    default = external_accounts.list_for(custom_account).get()
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        external_accounts.delete(default)
    assert "default" in str(excinfo.value)
    assert ExternalAccount.objects.filter(pk=default.pk).exists()


def test_delete_on_a_deauthorized_account(fake_stripe, custom_account):
    row = external_accounts.create(custom_account, bank_account=SECOND_BANK)
    accounts.deauthorize(custom_account)
    row.account.refresh_from_db()
    with pytest.raises(AccountDeauthorized):
        external_accounts.delete(row)
    assert ExternalAccount.objects.filter(pk=row.pk).exists()
