from decimal import Decimal

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from pinax_connect import admin, models

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def rows():
    user = get_user_model().objects.create_user("seller")
    account = models.Account.objects.create(
        stripe_id="acct_1", user=user, type="custom", verification_fields_needed=["external_account"]
    )
    customer = models.Customer.objects.create(stripe_id="cus_1", stripe_account=account, email="b@x.test")
    models.UserAccount.objects.create(user=user, account=account, customer=customer)
    pi = models.PaymentIntent.objects.create(stripe_id="pi_1", amount=Decimal("5"), currency="usd", status="succeeded")
    charge = models.Charge.objects.create(
        stripe_id="ch_1", amount=Decimal("5"), currency="usd", status="succeeded", payment_intent=pi, destination=account
    )
    transfer = models.Transfer.objects.create(stripe_id="tr_1", destination=account, amount=Decimal("4"), currency="usd")
    return {
        models.Account: account,
        models.Customer: customer,
        models.ExternalAccount: models.ExternalAccount.objects.create(
            stripe_id="ba_1", account=account, object_type="bank_account", last4="6789"
        ),
        models.PaymentIntent: pi,
        models.Charge: charge,
        models.Refund: models.Refund.objects.create(stripe_id="re_1", charge=charge, amount=Decimal("1"), currency="usd"),
        models.Transfer: transfer,
        models.TransferReversal: models.TransferReversal.objects.create(
            stripe_id="trr_1", transfer=transfer, amount=Decimal("1"), currency="usd"
        ),
        models.Payout: models.Payout.objects.create(
            stripe_id="po_1", stripe_account=account, amount=Decimal("3"), currency="usd", status="paid"
        ),
        models.ApplicationFee: models.ApplicationFee.objects.create(
            stripe_id="fee_1", account=account, amount=Decimal("1"), currency="usd"
        ),
        models.Event: models.Event.objects.create(stripe_id="evt_1", type="account.updated", account="acct_1"),
        models.UserAccount: models.UserAccount.objects.get(),
    }


def test_every_model_is_registered():
    from django.apps import apps

    for model in apps.get_app_config("pinax_connect").get_models():
        assert django_admin.site.is_registered(model), model


def test_changelist_and_change_pages_render(admin_client, rows):
    for model, obj in rows.items():
        meta = model._meta
        listing = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200, model
        assert str(obj.pk) in listing.content.decode() or getattr(obj, "stripe_id", "") in listing.content.decode()
        change = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200, model


def test_mirrored_fields_are_read_only(admin_client, rows):
    account = rows[models.Account]
    url = reverse("admin:pinax_connect_account_change", args=[account.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="charges_enabled"' not in page
    assert 'name="stripe_id"' not in page
    assert 'name="authorized"' in page  # local state stays editable


def test_filters_and_search(admin_client, rows):
    url = reverse("admin:pinax_connect_account_changelist")
    assert "acct_1" in admin_client.get(url, {"has_requirements": "yes"}).content.decode()
    assert "acct_1" not in admin_client.get(url, {"has_requirements": "no"}).content.decode().split("result_list")[-1]
    found = admin_client.get(reverse("admin:pinax_connect_customer_changelist"), {"q": "b@x.test"})
    assert "cus_1" in found.content.decode()
    by_user = admin_client.get(reverse("admin:pinax_connect_customer_changelist"), {"q": "seller"})
    assert "cus_1" in by_user.content.decode()


def test_dashboard_links(rows):
    account = rows[models.Account]
    assert admin.dashboard_url(account) == "https://dashboard.stripe.com/test/connect/accounts/acct_1"
    account.livemode = True
    assert admin.dashboard_url(account) == "https://dashboard.stripe.com/connect/accounts/acct_1"
    # Objects on a connected account open in that account's dashboard.
    assert admin.dashboard_url(rows[models.Customer]) == "https://dashboard.stripe.com/acct_1/test/customers/cus_1"
    assert admin.dashboard_url(rows[models.Event]) == "https://dashboard.stripe.com/acct_1/test/events/evt_1"
    assert admin.dashboard_url(rows[models.Charge]) == "https://dashboard.stripe.com/test/payments/ch_1"
    assert admin.dashboard_url(rows[models.UserAccount]) is None


def test_user_account_inline_on_users_accounts_and_customers(admin_client, rows):
    user = rows[models.Account].user
    for url in (
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:pinax_connect_account_change", args=[rows[models.Account].pk]),
        reverse("admin:pinax_connect_customer_change", args=[rows[models.Customer].pk]),
    ):
        assert "user_accounts-TOTAL_FORMS" in admin_client.get(url).content.decode(), url


def test_resync_action_reads_from_stripe(admin_client, fake_stripe):
    from pinax_connect.actions import accounts

    account = accounts.create(None, "US", type="express")
    models.Account.objects.filter(pk=account.pk).update(email="stale@example.com", charges_enabled=True)
    url = reverse("admin:pinax_connect_account_changelist")
    response = admin_client.post(url, {"action": "resync", "_selected_action": [account.pk]}, follow=True)
    assert "Re-synced 1, failed 0." in response.content.decode()
    account.refresh_from_db()
    assert account.email == (fake_stripe.get(account.stripe_id)["email"] or "")
    assert account.charges_enabled is False


def test_replay_action_reprocesses_events(admin_client, fake_stripe):
    from pinax_connect.actions import accounts

    account = accounts.create(None, "US", type="custom", **{"business_profile": {"url": "https://shop.example"}})
    accounts.update(account, {"email": "fresh@example.com"})
    data = next(e for e in reversed(fake_stripe.events) if e["type"] == "account.updated")
    event = models.Event.objects.create(
        stripe_id=data["id"], type=data["type"], account=data.get("account") or "", payload=data,
        status=models.Event.FAILED,
    )
    models.Account.objects.filter(pk=account.pk).update(email="stale@example.com")
    url = reverse("admin:pinax_connect_event_changelist")
    response = admin_client.post(url, {"action": "replay", "_selected_action": [event.pk]}, follow=True)
    assert "Replayed 1 events." in response.content.decode()
    event.refresh_from_db()
    assert event.status == models.Event.PROCESSED
    account.refresh_from_db()
    assert account.email == "fresh@example.com"


@pytest.mark.parametrize(
    "model, action", [(models.Event, "replay"), (models.Account, "resync")], ids=["replay", "resync"]
)
def test_write_actions_need_the_change_permission(client, fake_stripe, model, action):
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create_user("viewer", is_staff=True)
    name = model._meta.model_name
    viewer.user_permissions.add(Permission.objects.get(codename=f"view_{name}"))
    client.force_login(viewer)
    row = (
        models.Event.objects.create(stripe_id="evt_1", type="account.updated", payload={}, status=models.Event.FAILED)
        if model is models.Event
        else models.Account.objects.create(stripe_id="acct_1View")
    )
    url = reverse(f"admin:pinax_connect_{name}_changelist")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": action, "_selected_action": [row.pk]}, follow=True)
    assert fake_stripe.requests == []
    if model is models.Event:
        assert models.Event.objects.get(pk=row.pk).status == models.Event.FAILED
    assert action not in response.content.decode().split('name="action"', 1)[-1].split("</select>")[0]

    viewer.user_permissions.add(Permission.objects.get(codename=f"change_{name}"))
    assert f'value="{action}"' in client.get(url).content.decode()
