"""Concurrency on PostgreSQL: real concurrent transactions, row locks, unique constraints.

Threads share one in-memory FakeStripe (a lock around ``request``: Stripe serializes
requests on one object, and the fake is not thread-safe) and each has its own database
connection to the live test database (``transaction=True``: they see each other's
commits), closed when the thread ends.
"""
import queue
import random
import threading

import pytest
import stripe
from django.test import Client
from django.urls import reverse

from pinax_connect.actions import customers
from pinax_connect.models import Customer, Event, UserAccount
from pinax_connect.testing.webhooks import signed_webhook
from tests.threads import run_threads

from .conftest import count
from .storms import mismatches, missing_rows, one_round, prepare

pytestmark = [pytest.mark.requires_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
SECRET = "whsec_test_platform"


@pytest.mark.parametrize("on_account", [True, False], ids=["connected-account", "platform"])
def test_many_workers_getting_one_users_customer_make_one_customer(fake_stripe, custom_account, other_user,
                                                                   on_account):
    account = custom_account if on_account else None
    scope = custom_account.stripe_id if on_account else None

    results, errors = run_threads(
        lambda i: customers.get_or_create(other_user, stripe_account=account).stripe_id, THREADS)
    count("concurrent get_or_create calls", THREADS)

    assert errors == []
    (on_stripe,) = fake_stripe.all("customer", scope)
    assert set(results) == {on_stripe["id"]}
    assert list(Customer.objects.values_list("stripe_id", flat=True)) == [on_stripe["id"]]
    if on_account:
        assert UserAccount.objects.filter(user=other_user, account=custom_account).count() == 1
    else:
        assert Customer.objects.get().user == other_user


def test_concurrent_get_or_create_with_lost_responses_still_makes_one_customer(fake_stripe, custom_account,
                                                                               other_user):
    # Enough lost answers that some workers exhaust their retries.
    fake_stripe.fail_next(THREADS, path="/v1/customers", method="POST", lose_response=True)
    count("faults injected", THREADS)

    results, errors = run_threads(
        lambda i: customers.get_or_create(other_user, stripe_account=custom_account).stripe_id, THREADS)
    count("concurrent get_or_create calls", THREADS)

    assert all(isinstance(e, stripe.APIConnectionError) for e in errors)
    healed = customers.get_or_create(other_user, stripe_account=custom_account)  # a later request
    (on_stripe,) = fake_stripe.all("customer", custom_account.stripe_id)
    assert {r for r in results if r} <= {on_stripe["id"]} and healed.stripe_id == on_stripe["id"]
    assert UserAccount.objects.filter(user=other_user, account=custom_account).count() == 1
    assert Customer.objects.count() == 1


def test_webhook_storm_interleaved_with_actions_processes_each_event_once_and_converges(
    fake_stripe, custom_account, other_user
):
    customer = prepare(fake_stripe, custom_account, other_user)
    backlog = list(fake_stripe.events)  # what happened before the storm
    fresh = queue.Queue()  # events emitted during the storm, delivered as they come
    fake_stripe.listeners.append(fresh.put)
    delivered = []
    lock = threading.Lock()
    rounds_done = threading.Event()
    url = reverse("pinax_connect:webhook")
    copies = 3
    pending = [e for e in backlog for _ in range(copies)]
    random.Random(9).shuffle(pending)

    def deliver(client, event):
        payload, header = signed_webhook(event, SECRET)
        response = client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
        assert response.status_code == 200, response.content
        with lock:
            delivered.append(event["id"])

    def actions():
        account = custom_account
        for i in range(3):
            account = one_round(fake_stripe, account, customer, i)
        rounds_done.set()

    def storm(i):
        client = Client()
        rng = random.Random(i)
        while True:
            with lock:
                event = pending.pop() if pending else None
            if event is None:
                try:
                    event = fresh.get(timeout=0.05)
                except queue.Empty:
                    if rounds_done.is_set() and fresh.empty():
                        return
                    continue
                # A new event is delivered twice, at random points of the storm.
                with lock:
                    for _ in range(2):
                        pending.insert(rng.randrange(len(pending) + 1), event)
                continue
            deliver(client, event)

    def worker(i):
        return actions() if i == 0 else storm(i)

    results, errors = run_threads(worker, THREADS)
    count("events hammered", len(delivered))

    assert errors == []
    events = fake_stripe.events
    rows = {row.stripe_id: row for row in Event.objects.all()}
    assert set(rows) == {e["id"] for e in events}
    assert all(row.status == Event.PROCESSED and row.attempts == 1 for row in rows.values())
    assert sum(row.deliveries for row in rows.values()) == len(delivered)
    assert missing_rows(fake_stripe, custom_account) == []
    assert mismatches(fake_stripe) == []


def test_two_users_racing_to_connect_one_standard_account_one_wins(fake_stripe, settings, user, other_user):
    from importlib import import_module

    from django.test import RequestFactory

    from pinax_connect.actions import onboarding
    from pinax_connect.exceptions import AccountOwnedByAnotherUser
    from pinax_connect.models import Account

    settings.PINAX_CONNECT_CLIENT_ID = fake_stripe.client_id()
    from pinax_connect.testing.fake.oauth import connect_standard_account

    account_id = connect_standard_account(fake_stripe)["id"]
    codes = [fake_stripe.oauth_code(account_id), fake_stripe.oauth_code(account_id)]
    requests = []
    for who in (user, other_user):
        request = RequestFactory().get("/connect/")
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        request.user = who
        state = dict(p.split("=", 1) for p in onboarding.oauth_authorize_url(request).split("?", 1)[1].split("&"))
        requests.append((request, state["state"]))

    def connect(i):
        request, state = requests[i]
        try:
            return onboarding.oauth_complete(request, code=codes[i], state=state).user_id
        except AccountOwnedByAnotherUser:
            return "refused"

    results, errors = run_threads(connect, 2)
    assert errors == []
    owner = Account.objects.get(stripe_id=account_id).user_id
    assert sorted(results, key=str) == sorted([owner, "refused"], key=str)
