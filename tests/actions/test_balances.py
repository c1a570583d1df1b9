"""balances.retrieve: the platform's and a connected account's balance in Decimal."""
from decimal import Decimal

import pytest

from pinax_connect.actions import balances
from pinax_connect.exceptions import AccountDeauthorized
from pinax_connect.models import Account

pytestmark = pytest.mark.django_db


def test_platform_balance(fake_stripe):
    fake_stripe.balance_add(None, "usd", 1234)
    balance = balances.retrieve()
    assert balance.available["usd"] == Decimal("12.34")
    assert balance["available"] == balance.available
    assert fake_stripe.requests[-1].account is None


def test_pending_funds_in_zero_decimal_currency(fake_stripe):
    fake_stripe.state["hold_funds"] = True
    fake_stripe.balance_add(None, "jpy", 500, available=False)
    assert balances.retrieve().pending["jpy"] == Decimal("500")


def test_connected_account_balance(fake_stripe, custom_account):
    fake_stripe.balance_add(custom_account.stripe_id, "usd", 700)
    balance = balances.retrieve(custom_account)
    assert balance.available == {"usd": Decimal("7.00")}
    assert fake_stripe.requests[-1].account == custom_account.stripe_id


def test_deauthorized_account(fake_stripe, custom_account):
    Account.objects.filter(pk=custom_account.pk).update(authorized=False)
    custom_account.refresh_from_db()
    with pytest.raises(AccountDeauthorized):
        balances.retrieve(custom_account)
    assert not [r for r in fake_stripe.requests if r.path == "/v1/balance"]


def test_unknown_key_is_a_key_error(fake_stripe):
    with pytest.raises(KeyError):
        balances.retrieve()["stripe_data"]
