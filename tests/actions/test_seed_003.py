"""Seed 003 (pinax-stripe's "Using Stripe Connect" page): its snippets, as written, against the fake.

Only the package name changes (``pinax.stripe`` → ``pinax_connect``); to keep the
dotted calls verbatim, ``pinax.stripe`` is bound to ``pinax_connect`` below. Names
the page leaves undefined are given the meaning the text implies: ``customer`` (a
platform customer with a card), ``user``, the pk of ``Account.objects.get(pk=...)``,
``stripe_account`` in the payout snippet (the Stripe account object), and the
``receiver_switch`` decorator (a pass-through).
"""
from types import SimpleNamespace

import pytest
from django.dispatch import receiver

import pinax_connect
import pinax_connect.actions.charges
import pinax_connect.actions.customers
from pinax_connect.actions import customers as customer_actions
from pinax_connect.actions import transfers
from pinax_connect.client import get_client
from pinax_connect.models import Account, UserAccount
from pinax_connect.testing import signed_webhook

pytestmark = pytest.mark.django_db

pinax = SimpleNamespace(stripe=pinax_connect)


@pytest.fixture
def customer(fake_stripe, other_user):
    return customer_actions.create(other_user, source="tok_visa")


def test_destination_charge_snippet(fake_stripe, custom_account, customer):
    from pinax_connect.actions.charges import create
    from pinax_connect.models import Account

    account = Account.objects.get(pk=custom_account.pk)
    charge = create(5.00, customer, destination_account=account.stripe_id)

    assert charge.destination == account and charge.paid
    # "the charge will be deposited into the specified Account"
    (transfer,) = fake_stripe.all("transfer")
    assert transfer["destination"] == account.stripe_id and transfer["amount"] == 500


def test_manually_paying_out_a_custom_account_snippet(fake_stripe, custom_account, customer):
    # Funds reach the Custom account's balance through a destination charge, as the text assumes.
    pinax_connect.actions.charges.create(20.00, customer, destination_account=custom_account.stripe_id)
    stripe_account = get_client().v1.accounts.retrieve(custom_account.stripe_id)

    account = Account.objects.get(pk=custom_account.pk)
    # we choose the first external account the user has configured
    external_account = stripe_account.external_accounts.data[0]
    with pytest.warns(DeprecationWarning, match="payouts.create"):
        external_transfer = transfers.create(
            5.00,
            'USD',
            external_account.id,
            "A payout to a bank account!",
            stripe_account=account.stripe_id,  # this tells Stripe to transfer from the balance of the Custom account
        )
    assert external_transfer.status in ('paid', 'pending')

    assert external_transfer.destination == external_account.id
    assert fake_stripe.requests[-1].account == account.stripe_id


def test_create_a_connected_customer_snippet(fake_stripe, custom_account, user):
    account = custom_account

    customer = pinax.stripe.actions.customers.create(user, stripe_account=account)
    assert UserAccount.filter(user=user, account=account, customer=customer).exists() is True


def test_retrieve_a_connected_customer_snippet(fake_stripe, custom_account, user):
    account = stripe_account = custom_account
    created = pinax.stripe.actions.customers.create(user, stripe_account=account)

    customer = pinax.stripe.actions.customers.get_customer_for_user(user, stripe_account=account)
    assert customer == created
    # Under the hood, the M2M through model will be used to filter the relevant customer among all candidates
    customer = user.customers.get(user_account__account=stripe_account)
    assert customer == created


def test_account_updated_receiver_snippet(fake_stripe, custom_account, client, settings,
                                          django_capture_on_commit_callbacks):
    from pinax_connect.signals import WEBHOOK_SIGNALS

    def receiver_switch(func):
        return func

    seen = []

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
        seen.append(account)
        if account.verification_due_by and account.verification_fields_needed:
            # then Stripe is asking us for some info!
            pass

    try:
        get_client().v1.accounts.update(custom_account.stripe_id, {"metadata": {"seed": "003"}})
        event = [e for e in fake_stripe.events if e["type"] == "account.updated"][-1]
        payload, header = signed_webhook(event, settings.PINAX_CONNECT_WEBHOOK_SECRETS[0])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/stripe/webhook/", data=payload, content_type="application/json",
                                   HTTP_STRIPE_SIGNATURE=header)
        assert response.status_code == 200
        assert seen == [custom_account]
    finally:
        WEBHOOK_SIGNALS["account.updated"].disconnect(stripe_account_updated)
