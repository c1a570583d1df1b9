"""Events that arrive before their connected account is mirrored are applied once it is."""
import io

import pytest
from django.core.management import call_command

from pinax_connect.models import Account, Customer, Event
from pinax_connect.webhooks import storage

from .conftest import account_object, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def customer(email, created):
    return {"id": "cus_early", "object": "customer", "email": email, "created": 1700000000, "livemode": False}


def test_early_events_are_applied_in_created_order_when_account_updated_mirrors_the_account(
    stripe_webhook_client, recorder
):
    recorder.listen("customer", signal=False)
    # Delivered out of order, before the account: the newer one first.
    newer = make_event("customer.updated", customer("new@example.com", 2), account="acct_early", created=1700000200)
    older = make_event("customer.created", customer("old@example.com", 1), account="acct_early", created=1700000100)
    assert stripe_webhook_client(newer).content == b"flagged"
    assert stripe_webhook_client(older).content == b"flagged"
    assert not Customer.objects.exists()

    response = stripe_webhook_client(make_event("account.updated", account_object("acct_early"), account="acct_early"))

    assert response.content == b"processed"
    assert [stripe_id for stripe_id, _type, _sub in recorder.handled] == [older["id"], newer["id"]]
    assert Customer.objects.get().email == "new@example.com"
    assert Customer.objects.get().stripe_account.stripe_id == "acct_early"
    assert set(Event.objects.filter(account="acct_early").values_list("status", "flag")) == {(Event.PROCESSED, "")}


def test_an_account_created_by_an_action_applies_its_early_events(stripe_webhook_client, recorder):
    recorder.listen("customer.created", signal=False)
    stripe_webhook_client(make_event("customer.created", customer("a@example.com", 1), account="acct_action"))
    Account.objects.create(stripe_id="acct_action")  # as sync_account_from_stripe_object does, committed
    assert len(recorder.handled) == 1
    assert Event.objects.get().status == Event.PROCESSED


def test_other_accounts_early_events_wait(stripe_webhook_client, recorder):
    recorder.listen("customer.created", signal=False)
    stripe_webhook_client(make_event("customer.created", customer("a@example.com", 1), account="acct_other"))
    Account.objects.create(stripe_id="acct_unrelated")
    assert recorder.handled == []
    assert Event.objects.get().flag == storage.FLAG_UNKNOWN_ACCOUNT


def test_accounts_created_by_a_bulk_sync_are_caught_by_the_retry_command(stripe_webhook_client, recorder):
    recorder.listen("customer.created", signal=False)
    stripe_webhook_client(make_event("customer.created", customer("a@example.com", 1), account="acct_bulk"))
    Account.objects.bulk_create([Account(stripe_id="acct_bulk")])  # no post_save
    assert recorder.handled == []
    out = io.StringIO()
    call_command("pinax_connect_retry_events", stdout=out)
    assert "Applied 1 early event(s)." in out.getvalue()
    assert len(recorder.handled) == 1
    assert Event.objects.get().status == Event.PROCESSED


def test_a_livemode_mismatch_is_never_applied_by_the_account_appearing(stripe_webhook_client, recorder):
    recorder.listen("customer.created", signal=False)
    stripe_webhook_client(make_event("customer.created", customer("a", 1), account="acct_live", livemode=True))
    Account.objects.create(stripe_id="acct_live")
    assert recorder.handled == []
    assert Event.objects.get().flag == storage.FLAG_LIVEMODE_MISMATCH
