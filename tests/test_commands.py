"""The operations commands: pinax_connect_sync and pinax_connect_init_customers."""
import io

import pytest
import stripe
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from pinax_connect.actions import accounts, customers
from pinax_connect.models import Account, Customer, ExternalAccount, UserAccount
from pinax_connect.ratelimit import call_with_backoff
from tests.actions.conftest import custom_account, other_user, ready_custom_account_params, user  # noqa: F401

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_sync_restores_the_mirror_from_stripe(fake_stripe, custom_account, other_user):
    customers.create(other_user, stripe_account=custom_account)
    customers.create(other_user)
    Account.objects.all().delete()  # cascades to what lived on the account
    Customer.objects.all().delete()
    out, _ = run("pinax_connect_sync", "accounts", "customers", "external_accounts")
    assert Account.objects.filter(stripe_id=custom_account.stripe_id).exists()
    assert Customer.objects.filter(stripe_account__isnull=True).count() == 1  # the platform's
    assert ExternalAccount.objects.count() == 1
    assert "accounts (platform): 1 seen, 1 created, 0 updated" in out
    assert "external accounts (every account): 1 seen" in out
    # Customers of a connected account need --account / --all-accounts.
    run("pinax_connect_sync", "customers", "--all-accounts")
    assert Customer.objects.filter(stripe_account__stripe_id=custom_account.stripe_id).count() == 1


def test_sync_named_account_only(fake_stripe, custom_account, other_user):
    customers.create(other_user, stripe_account=custom_account)
    Customer.objects.all().delete()
    sent = len(fake_stripe.requests)
    out, _ = run("pinax_connect_sync", "customers", "accounts", "--account", custom_account.stripe_id)
    paths = {r.path for r in fake_stripe.requests[sent:]}
    assert paths == {"/v1/customers"}  # accounts are listed on the platform only
    assert all(r.account == custom_account.stripe_id for r in fake_stripe.requests[sent:])
    assert Customer.objects.get().stripe_account == custom_account


def test_sync_since_is_sent_as_created_gte(fake_stripe):
    sent = len(fake_stripe.requests)
    run("pinax_connect_sync", "accounts", "--since", "2026-01-31")
    (listed,) = fake_stripe.requests[sent:]
    assert listed.params["created"] == {"gte": "1769817600"}


@pytest.mark.parametrize(
    "args,message",
    [
        (("invoices",), "Unknown model"),
        (("--account", "acct_unknown"), "Unknown account"),
        (("--since", "yesterday"), "--since wants a date"),
    ],
)
def test_sync_refuses_bad_input(fake_stripe, args, message):
    with pytest.raises(CommandError, match=message):
        run("pinax_connect_sync", *args)
    assert fake_stripe.requests == []


def test_sync_reports_failures_and_exits_non_zero(fake_stripe, custom_account):
    fake_stripe.fail_next(3, status=500, path="/v1/accounts", method="GET")
    with pytest.raises(CommandError, match="1 sync"):
        run("pinax_connect_sync", "accounts", "payouts")
    # The other model was still synced.
    assert any(r.path == "/v1/payouts" for r in fake_stripe.requests)


def test_rate_limits_are_retried_with_backoff_and_the_same_key(fake_stripe, user, settings):
    settings.PINAX_CONNECT_MAX_NETWORK_RETRIES = 0  # only our backoff retries
    fake_stripe.fail_next(2, status=429, path="/v1/accounts", method="POST")
    delays = []
    account = call_with_backoff(
        accounts.create, user, "US", type="express", idempotency_key="once", sleep=delays.append
    )
    assert delays == [1.0, 2.0]
    posts = [r for r in fake_stripe.requests if r.path == "/v1/accounts" and r.method == "POST"]
    assert [r.status for r in posts] == [429, 429, 200]
    assert {r.idempotency_key for r in posts} == {"once"}
    assert Account.objects.get() == account


def test_rate_limit_that_persists_is_raised(fake_stripe, user, settings):
    settings.PINAX_CONNECT_MAX_NETWORK_RETRIES = 0
    fake_stripe.fail_next(3, status=429, path="/v1/accounts", method="POST")
    with pytest.raises(stripe.RateLimitError):
        call_with_backoff(accounts.create, user, "US", type="express", attempts=3, sleep=lambda s: None)


def test_init_customers_is_idempotent(fake_stripe):
    users = [get_user_model().objects.create_user(f"u{i}", f"u{i}@example.com") for i in range(3)]
    get_user_model().objects.create_user("gone", is_active=False)
    out, _ = run("pinax_connect_init_customers", "--concurrency", "1")
    assert "3 customers created, 0 failed" in out
    assert {c.user for c in Customer.objects.all()} == set(users)
    assert len(fake_stripe.all("customer")) == 3
    out, _ = run("pinax_connect_init_customers", "--concurrency", "1")
    assert "0 customers created" in out and len(fake_stripe.all("customer")) == 3


def test_init_customers_on_a_connected_account(fake_stripe, custom_account, other_user):
    out, _ = run("pinax_connect_init_customers", "--account", custom_account.stripe_id, "--concurrency", "1")
    assert "2 customers created" in out  # the seller and the buyer
    assert UserAccount.objects.filter(account=custom_account).count() == 2
    assert len(fake_stripe.all("customer", custom_account.stripe_id)) == 2
    assert fake_stripe.all("customer") == []  # nothing on the platform


def test_init_customers_unknown_account(fake_stripe):
    with pytest.raises(CommandError, match="Unknown account"):
        run("pinax_connect_init_customers", "--account", "acct_nope")


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_init_customers_concurrently_makes_one_customer_per_user(fake_stripe):
    users = [get_user_model().objects.create_user(f"c{i}") for i in range(12)]
    out, _ = run("pinax_connect_init_customers", "--concurrency", "4")
    assert "12 customers created, 0 failed" in out
    assert Customer.objects.count() == 12 and len(fake_stripe.all("customer")) == 12
    assert {c.user_id for c in Customer.objects.all()} == {u.pk for u in users}
