"""Shared set-up for the example's tests: sellers onboarded on the demo's FakeStripe."""
import time
from decimal import Decimal

from django.contrib.auth import get_user_model

from pinax_connect.actions import accounts
from pinax_connect.models import Account

INDIVIDUAL = {
    "first_name": "Jenny", "last_name": "Rosen", "email": "seller@example.com", "phone": "+15555550100",
    "dob": {"day": 1, "month": 1, "year": 1901},
    "address": {"line1": "address_full_match", "city": "San Francisco", "state": "CA",
                "postal_code": "94110", "country": "US"},
    "ssn_last_4": "0000",
}


def user(name, **extra):
    return get_user_model().objects.create_user(name, f"{name}@example.com", "a-long-test-password", **extra)


def ready_seller(name="seller"):
    """A user with a verified custom account (charges and payouts enabled)."""
    from fakestripe.fake import deliver_pending, exclusive

    seller = user(name)
    with exclusive():
        account = accounts.create(
            seller, "US", type="custom", business_type="individual", individual=INDIVIDUAL,
            business_profile={"mcc": "5734", "url": "https://example.com"},
            external_account="btok_us_verified", tos_acceptance={"date": int(time.time()), "ip": "127.0.0.1"},
        )
        deliver_pending()
    account = Account.objects.get(pk=account.pk)
    assert account.charges_enabled, "the demo seller should be verified at once"
    return seller, account


def item(seller, price="20.00", currency="usd", title="Mug"):
    from shop.models import Item

    return Item.objects.create(seller=seller, title=title, content="secret content", price=Decimal(price),
                               currency=currency)
