"""pinax_connect.actions.bulk.sync_all, the cost of a full sync, and events.fetch_events."""
import datetime
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pinax_connect.actions import accounts, bulk, events
from pinax_connect.exceptions import AccountDeauthorized, InvalidRequest
from pinax_connect.models import Account, Customer, ExternalAccount

from .conftest import account_object

pytestmark = pytest.mark.django_db

N = 1000


def seed_accounts(fake, n=N):
    """Put ``n`` accounts straight into the fake's state (creating them by API is slow)."""
    start = fake.now()
    for i in range(n):
        fake.save(account_object(id=f"acct_1Bulk{i:011d}", created=start + i, email=f"seller{i}@example.com"))


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def insert_batches_per_page(model, page_size=100):
    """INSERT statements Django needs for one page: 1, unless the backend caps query parameters
    (SQLite's 999 variables split a 100-row insert of a wide table)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * page_size)
    return -(-page_size // batch)


def test_syncing_1000_accounts_costs_10_calls_and_few_queries_per_page(fake_stripe):
    seed_accounts(fake_stripe)
    per_page = []
    with CaptureQueriesContext(connection) as ctx:
        result = bulk.sync_all(Account, progress=lambda n: per_page.append(len(ctx.captured_queries)))
    assert result == (N, 0)
    assert Account.objects.count() == N
    list_calls = [r for r in fake_stripe.requests if (r.method, r.path) == ("GET", "/v1/accounts")]
    assert len(list_calls) == 10 == len(fake_stripe.requests)
    counts = [b - a for a, b in zip([0] + per_page, per_page)]
    # One SELECT of the existing rows, then the INSERT (split only where the backend forces it).
    assert max(counts) <= 1 + insert_batches_per_page(Account)
    if connection.features.max_query_params is None:  # PostgreSQL: no parameter cap
        assert max(counts) <= 3


def test_a_second_full_sync_writes_nothing(fake_stripe):
    seed_accounts(fake_stripe)
    bulk.sync_all(Account)
    with CaptureQueriesContext(connection) as ctx:
        assert bulk.sync_all(Account) == (0, 0)
    assert writes(ctx.captured_queries) == []
    assert len(ctx.captured_queries) == 10  # one SELECT per page


def test_a_changed_account_is_updated_by_the_next_sync(fake_stripe):
    seed_accounts(fake_stripe, 150)
    bulk.sync_all(Account)
    changed = fake_stripe.find("acct_1Bulk00000000007")
    changed["charges_enabled"] = True
    fake_stripe.save(changed)
    with CaptureQueriesContext(connection) as ctx:
        assert bulk.sync_all(Account) == (0, 1)
    assert len(writes(ctx.captured_queries)) == 1
    assert Account.objects.get(stripe_id="acct_1Bulk00000000007").charges_enabled is True


def test_sync_all_accepts_a_model_name_and_created_gte(fake_stripe):
    seed_accounts(fake_stripe, 5)
    cutoff = fake_stripe.now() + 3
    assert bulk.sync_all("account", created_gte=datetime.datetime.fromtimestamp(cutoff, datetime.timezone.utc)) == (
        2,
        0,
    )
    assert fake_stripe.requests[-1].params["created"] == {"gte": str(cutoff)}


def test_sync_all_passes_stripe_errors_through(fake_stripe):
    import stripe

    fake_stripe.fail_next(3, status=429)
    with pytest.raises(stripe.RateLimitError, match="Too many requests"):
        bulk.sync_all(Account)


def test_sync_all_rejects_unknown_models_and_scopes(fake_stripe):
    with pytest.raises(InvalidRequest, match="Cannot sync"):
        bulk.sync_all("event")
    with pytest.raises(InvalidRequest, match="platform only"):
        bulk.sync_all(Account, stripe_account="acct_123")
    assert fake_stripe.requests == []


def test_sync_all_external_accounts_of_one_account(fake_stripe, custom_account):
    ExternalAccount.objects.all().delete()  # mirrored at creation; start from an empty mirror
    assert bulk.sync_all(ExternalAccount, stripe_account=custom_account) == (1, 0)
    assert ExternalAccount.objects.get().account == custom_account


def test_sync_all_external_accounts_of_every_owned_account(fake_stripe, custom_account, express_account, user):
    standard = accounts.create(user, "US", type="standard")
    ExternalAccount.objects.all().delete()  # mirrored at creation; start from an empty mirror
    sent = len(fake_stripe.requests)
    assert bulk.sync_all(ExternalAccount) == (1, 0)
    listed = {r.path for r in fake_stripe.requests[sent:]}
    assert listed == {
        f"/v1/accounts/{custom_account.stripe_id}/external_accounts",
        f"/v1/accounts/{express_account.stripe_id}/external_accounts",
    }
    assert standard.stripe_id not in " ".join(listed)


def test_sync_all_skips_deauthorized_accounts(fake_stripe, custom_account):
    accounts.deauthorize(custom_account)
    assert bulk.sync_all(ExternalAccount) == (0, 0)
    with pytest.raises(AccountDeauthorized):
        bulk.sync_all(ExternalAccount, stripe_account=Account.objects.get(pk=custom_account.pk))


def test_sync_all_dispatches_to_the_customers_module(fake_stripe, custom_account):
    customers = pytest.importorskip("pinax_connect.actions.customers")
    if not hasattr(customers, "sync_customers"):
        pytest.skip("customers.sync_customers not written yet")
    from stripe import StripeClient

    StripeClient("sk_test_x", http_client=fake_stripe).v1.customers.create(
        {"email": "buyer@example.com"}, {"stripe_account": custom_account.stripe_id}
    )
    assert bulk.sync_all(Customer, stripe_account=custom_account) == (1, 0)
    assert Customer.objects.get().stripe_account == custom_account


@pytest.mark.parametrize("model", sorted(bulk.LIST_SYNCS, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_every_model_has_its_list_sync(model):
    module_name, function_name = bulk.LIST_SYNCS[model]
    try:
        module = importlib.import_module(f"pinax_connect.actions.{module_name}")
    except ImportError:
        pytest.skip(f"pinax_connect.actions.{module_name} not written yet")
    assert callable(getattr(module, function_name))


# ---- events.fetch_events ---------------------------------------------------------------


def emit_events(fake, n, account=None):
    for i in range(n):
        fake.emit("account.updated", account_object(id=f"acct_1Evt{i:012d}"), account=account)


def test_fetch_events_pages_lazily_newest_first(fake_stripe):
    emit_events(fake_stripe, 150)
    stream = events.fetch_events()
    first = next(stream)
    assert len(fake_stripe.requests) == 1
    rest = list(stream)
    assert len(fake_stripe.requests) == 2
    got = [first] + rest
    assert len(got) == 150 and all(isinstance(e, dict) for e in got)
    assert got[0]["data"]["object"]["id"] == "acct_1Evt000000000149"
    assert fake_stripe.requests[1].params["starting_after"] == got[99]["id"]


def test_fetch_events_filters(fake_stripe, custom_account):
    sent = len(fake_stripe.requests)
    list(events.fetch_events(since=1700000000, stripe_account=custom_account, types=["account.*", "payout.paid"]))
    req = fake_stripe.requests[sent]
    assert (req.method, req.path) == ("GET", "/v1/events")
    assert req.account == custom_account.stripe_id
    assert req.params["created"] == {"gte": "1700000000"}
    assert req.params["types"] == ["account.*", "payout.paid"]
    assert req.params["limit"] == "100"


def test_fetch_events_of_one_connected_account(fake_stripe, custom_account):
    emit_events(fake_stripe, 2)
    emit_events(fake_stripe, 3, account=custom_account.stripe_id)
    mine = list(events.fetch_events(stripe_account=custom_account.stripe_id, types="account.updated"))
    emitted = [e for e in mine if e["data"]["object"]["id"].startswith("acct_1Evt")]
    assert len(emitted) == 3 and {e["account"] for e in mine} == {custom_account.stripe_id}
    assert all(e["type"] == "account.updated" for e in mine)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"types": []}, "types must be"),
        ({"types": ["x"] * 21}, "types must be"),
        ({"types": [""]}, "types must be"),
        ({"stripe_account": "cus_123"}, "stripe_account must be"),
    ],
)
def test_fetch_events_validation(fake_stripe, kwargs, message):
    with pytest.raises(InvalidRequest, match=message):
        next(events.fetch_events(**kwargs))
    assert fake_stripe.requests == []


def test_fetch_events_on_a_deauthorized_account(fake_stripe, custom_account):
    accounts.deauthorize(custom_account)
    with pytest.raises(AccountDeauthorized):
        next(events.fetch_events(stripe_account=custom_account))


def test_fetch_events_passes_stripe_errors_through(fake_stripe):
    import stripe

    with pytest.raises(stripe.PermissionError) as excinfo:
        next(events.fetch_events(stripe_account="acct_1Missing0000000"))
    assert "acct_1Missing0000000" in str(excinfo.value)
