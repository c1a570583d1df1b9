"""customers: create / get_or_create / update / purge / sync, on the platform and on connected accounts."""
import threading

import pytest
import stripe
from django.db import connection
from django.utils import timezone

from pinax_connect.actions import customers
from pinax_connect.exceptions import AccountDeauthorized, InvalidRequest
from pinax_connect.models import Account, Customer, UserAccount

pytestmark = pytest.mark.django_db


def customer_object(id="cus_1Test000000000", **overrides):
    """A customer dict shaped like Stripe's (fixtures3.json)."""
    obj = {
        "id": id, "object": "customer", "address": None, "balance": 0, "created": 1700000000,
        "currency": "usd", "default_source": None, "delinquent": False, "description": None,
        "email": "jenny@example.com", "invoice_settings": {"default_payment_method": None},
        "livemode": False, "metadata": {}, "name": "Jenny Rosen",
    }
    obj.update(overrides)
    return obj


def creates(fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/customers"]


# --------------------------------------------------------------------------- sync from objects


def test_sync_customer_maps_columns():
    obj = customer_object(delinquent=True, invoice_settings={"default_payment_method": "pm_1"})
    row = customers.sync_customer_from_stripe_object(obj)
    assert (row.email, row.name, row.currency, row.delinquent) == ("jenny@example.com", "Jenny Rosen", "usd", True)
    assert row.default_payment_method == "pm_1"
    assert row.stripe_account is None and row.stripe_data["id"] == obj["id"]


def test_sync_customer_on_connected_account_links_the_account():
    account = Account.objects.create(stripe_id="acct_1Conn")
    row = customers.sync_customer_from_stripe_object(customer_object(), stripe_account="acct_1Conn")
    assert row.stripe_account == account


def test_sync_customer_on_unmirrored_account_leaves_it_null():
    row = customers.sync_customer_from_stripe_object(customer_object(), stripe_account="acct_unknown")
    assert row.stripe_account is None


def test_sync_deleted_customer_stamps_date_purged():
    customers.sync_customer_from_stripe_object(customer_object())
    row = customers.sync_customer_from_stripe_object({"id": "cus_1Test000000000", "object": "customer", "deleted": True})
    assert row.date_purged is not None
    assert row.email == "jenny@example.com"  # the stub does not wipe the mirror
    assert customers.sync_customer_from_stripe_object({"id": "cus_never", "deleted": True}) is None


def test_older_event_does_not_overwrite_customer():
    customers.sync_customer_from_stripe_object(customer_object(email="new@x.test"), event_created=2000)
    row = customers.sync_customer_from_stripe_object(customer_object(email="old@x.test"), event_created=1000)
    assert row.email == "new@x.test"


# --------------------------------------------------------------------------- platform customers


def test_create_platform_customer(fake_stripe, user):
    customer = customers.create(user, name="Jenny", idempotency_key="cus-key-1")
    assert customer.user == user and customer.stripe_account is None
    assert customer.email == user.email and customer.name == "Jenny"
    (request,) = creates(fake_stripe)
    assert request.idempotency_key == "cus-key-1" and request.account is None
    assert request.params["email"] == user.email
    assert customers.get_customer_for_user(user) == customer


def test_create_sends_a_generated_idempotency_key(fake_stripe, user):
    customers.create(user)
    (request,) = creates(fake_stripe)
    assert request.idempotency_key


def test_create_twice_for_the_platform_is_refused(fake_stripe, user):
    customers.create(user)
    with pytest.raises(InvalidRequest, match="get_or_create"):
        customers.create(user)
    assert len(creates(fake_stripe)) == 1


def test_stripe_errors_pass_through(fake_stripe, user):
    with pytest.raises(stripe.InvalidRequestError, match="Received unknown parameter: colour"):
        customers.create(user, colour="blue")
    assert not Customer.objects.exists()


def test_get_customer_for_user_is_none_when_absent(user, other_user):
    assert customers.get_customer_for_user(user) is None
    assert customers.get_customer_for_user(user, stripe_account="acct_nope") is None


def test_get_or_create_returns_the_same_customer(fake_stripe, user):
    first = customers.get_or_create(user)
    second = customers.get_or_create(user)
    assert first == second
    assert len(creates(fake_stripe)) == 1


def test_get_or_create_uses_a_key_derived_from_user_and_account(fake_stripe, user, other_user):
    customers.get_or_create(user)
    customers.get_or_create(other_user)
    keys = [r.idempotency_key for r in creates(fake_stripe)]
    assert len(set(keys)) == 2 and all(k.startswith("pinax-connect-customer-") for k in keys)


def test_get_or_create_after_the_link_was_lost_reuses_the_stripe_customer(fake_stripe, user):
    # A concurrent caller that created the Stripe customer but lost the race to link it
    # replays the same key: Stripe answers with the same customer, not a second one.
    first = customers.get_or_create(user)
    Customer.objects.filter(pk=first.pk).update(user=None)
    again = customers.get_or_create(user)
    assert again.stripe_id == first.stripe_id and again.user == user
    assert len(fake_stripe.all("customer")) == 1


def test_get_or_create_raises_when_the_customer_was_purged_while_linking(fake_stripe, user, monkeypatch):
    # A purge (customer.deleted) landing between the creation and the link leaves the
    # user no live customer: get_or_create says so instead of returning None.
    link = customers._link

    def purged_meanwhile(user_, account, customer):
        customers._mark_purged(customer)
        return link(user_, account, customer)

    monkeypatch.setattr(customers, "_link", purged_meanwhile)
    with pytest.raises(InvalidRequest, match="deleted"):
        customers.get_or_create(user)


@pytest.mark.parametrize("on_account", [False, True], ids=["platform", "connected account"])
def test_a_customer_purged_while_linking_is_not_linked_and_the_next_call_makes_a_new_one(
    fake_stripe, user, custom_account, monkeypatch, on_account
):
    # The purged row must not keep the user (Customer.user, UserAccount): if it did,
    # every later get_or_create would collide with it and raise for ever.
    stripe_account = custom_account if on_account else None
    link = customers._link
    purged = []

    def purged_meanwhile(user_, account, customer):
        purged.append(customers._mark_purged(customer))
        return link(user_, account, customer)

    monkeypatch.setattr(customers, "_link", purged_meanwhile)
    with pytest.raises(InvalidRequest, match="deleted"):
        customers.get_or_create(user, stripe_account=stripe_account)
    monkeypatch.setattr(customers, "_link", link)

    gone = Customer.objects.get(pk=purged[0].pk)
    assert gone.user_id is None and not gone.user_accounts.exists()
    fresh = customers.get_or_create(user, stripe_account=stripe_account)
    assert fresh.pk != gone.pk and fresh.date_purged is None
    assert customers.get_customer_for_user(user, stripe_account=stripe_account) == fresh


def test_update_sends_params_and_mirrors(fake_stripe, user):
    customer = customers.create(user)
    updated = customers.update(customer, name="New Name", idempotency_key="upd-1")
    assert updated.name == "New Name"
    request = fake_stripe.requests[-1]
    assert request.path == f"/v1/customers/{customer.stripe_id}" and request.idempotency_key == "upd-1"


def test_update_validates(fake_stripe, user):
    customer = customers.create(user)
    with pytest.raises(InvalidRequest, match="Nothing to update"):
        customers.update(customer)
    customers.purge(customer)
    with pytest.raises(InvalidRequest, match="deleted"):
        customers.update(customer, name="x")


def test_purge_deletes_on_stripe_and_keeps_the_row(fake_stripe, user):
    customer = customers.create(user)
    customers.purge(customer)
    row = Customer.objects.get(pk=customer.pk)
    assert row.date_purged is not None and row.user is None
    assert fake_stripe.requests[-1].method == "DELETE"
    assert customers.get_customer_for_user(user) is None
    # get_or_create makes a new one for the user
    fresh = customers.get_or_create(user)
    assert fresh.pk != customer.pk and fresh.user == user


def test_purge_of_a_customer_stripe_no_longer_has(fake_stripe, user):
    row = customers.sync_customer_from_stripe_object(customer_object(id="cus_gone"))
    customers.purge(row)
    assert Customer.objects.get(pk=row.pk).date_purged is not None


def test_sync_customer_reads_stripe(fake_stripe, user):
    customer = customers.create(user)
    Customer.objects.filter(pk=customer.pk).update(name="stale")
    assert customers.sync_customer(customer).name == ""
    customers.purge(customer)
    assert customers.sync_customer(customer).date_purged is not None


def test_sync_customers_pages(fake_stripe, user):
    client = stripe.StripeClient("sk_test_x", http_client=fake_stripe)
    for i in range(3):
        client.v1.customers.create({"email": f"c{i}@x.test"})
    pages = []
    created, updated = customers.sync_customers(progress=pages.append)
    assert (created, updated) == (3, 0) and pages == [3]
    assert set(Customer.objects.values_list("email", flat=True)) == {"c0@x.test", "c1@x.test", "c2@x.test"}


def test_sync_customers_created_gte(fake_stripe):
    client = stripe.StripeClient("sk_test_x", http_client=fake_stripe)
    client.v1.customers.create({"email": "old@x.test"})
    fake_stripe.advance(100)
    client.v1.customers.create({"email": "new@x.test"})
    customers.sync_customers(created_gte=fake_stripe.now())
    assert list(Customer.objects.values_list("email", flat=True)) == ["new@x.test"]
    assert fake_stripe.requests[-1].params["created"] == {"gte": str(fake_stripe.now())}


# --------------------------------------------------------------------------- connected customers


def test_create_connected_customer_creates_user_account(fake_stripe, custom_account, other_user):
    customer = customers.create(other_user, stripe_account=custom_account)
    assert customer.stripe_account == custom_account and customer.user is None
    assert UserAccount.filter(user=other_user, account=custom_account, customer=customer).exists()
    assert creates(fake_stripe)[-1].account == custom_account.stripe_id
    assert customers.get_customer_for_user(other_user, stripe_account=custom_account) == customer
    assert customers.get_customer_for_user(other_user, stripe_account=custom_account.stripe_id) == customer
    assert customers.get_customer_for_user(other_user) is None


def test_one_customer_per_account(fake_stripe, custom_account, other_user):
    platform = customers.create(other_user)
    connected = customers.get_or_create(other_user, stripe_account=custom_account)
    assert platform != connected
    assert customers.get_or_create(other_user, stripe_account=custom_account) == connected
    with pytest.raises(InvalidRequest):
        customers.create(other_user, stripe_account=custom_account)


def test_connected_customer_needs_a_mirrored_account(fake_stripe, other_user):
    with pytest.raises(InvalidRequest, match="Unknown connected account"):
        customers.create(other_user, stripe_account="acct_unknown")
    assert not creates(fake_stripe)


def test_connected_customer_on_deauthorized_account(fake_stripe, custom_account, other_user):
    Account.objects.filter(pk=custom_account.pk).update(authorized=False)
    custom_account.refresh_from_db()
    with pytest.raises(AccountDeauthorized):
        customers.create(other_user, stripe_account=custom_account)
    assert not creates(fake_stripe)


def test_purge_connected_customer_removes_the_link(fake_stripe, custom_account, other_user):
    customer = customers.create(other_user, stripe_account=custom_account)
    customers.purge(customer)
    assert not UserAccount.objects.filter(customer=customer).exists()
    assert fake_stripe.requests[-1].account == custom_account.stripe_id
    assert customers.get_or_create(other_user, stripe_account=custom_account).pk != customer.pk


def test_sync_customers_of_a_connected_account(fake_stripe, custom_account):
    client = stripe.StripeClient("sk_test_x", http_client=fake_stripe)
    client.v1.customers.create({"email": "on-acct@x.test"}, {"stripe_account": custom_account.stripe_id})
    client.v1.customers.create({"email": "on-platform@x.test"})
    customers.sync_customers(stripe_account=custom_account)
    (row,) = Customer.objects.all()
    assert row.email == "on-acct@x.test" and row.stripe_account == custom_account


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_get_or_create_makes_one_customer(fake_stripe, custom_account, other_user):
    results, errors = [], []
    barrier = threading.Barrier(4)
    def worker():
        try:
            barrier.wait()
            results.append(customers.get_or_create(other_user, stripe_account=custom_account).stripe_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert UserAccount.objects.filter(user=other_user, account=custom_account).count() == 1
    assert len(fake_stripe.all("customer", custom_account.stripe_id)) == 1


def test_a_link_left_to_a_purged_customer_is_replaced_by_the_next_get_or_create(fake_stripe, user, custom_account):
    # A purge that committed after a concurrent link (its UserAccount delete ran first)
    # leaves the link pointing at a purged customer: the next call repairs it.
    old = customers.get_or_create(user, stripe_account=custom_account)
    Customer.objects.filter(pk=old.pk).update(date_purged=timezone.now())
    fresh = customers.get_or_create(user, stripe_account=custom_account)
    assert fresh.pk != old.pk
    link = UserAccount.objects.get(user=user, account=custom_account)
    assert link.customer_id == fresh.pk
    assert customers.get_or_create(user, stripe_account=custom_account) == fresh
