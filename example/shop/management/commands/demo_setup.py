"""``manage.py demo_setup``: demo users, a seller with an item, and how to log in.

Run by ``make demo`` after ``migrate``; running it again changes nothing.
"""
import json
import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pinax_connect.actions import accounts

from shop.models import Item, seller_account

# Stripe's test-mode identity and bank data: the account is verified at once.
TEST_INDIVIDUAL = {
    "first_name": "Jenny",
    "last_name": "Rosen",
    "email": "seller@example.com",
    "phone": "+15555550100",
    "dob": {"day": 1, "month": 1, "year": 1901},
    "address": {"line1": "address_full_match", "city": "San Francisco", "state": "CA",
                "postal_code": "94110", "country": "US"},
    "ssn_last_4": "0000",
}


class Command(BaseCommand):
    help = "Create the demo users (admin, seller with a custom account and an item, buyer) and print their logins."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            # Users with a password written to disk belong on a developer's machine only.
            raise CommandError("demo_setup creates users with a known password: it runs in demo mode only "
                               "(MARKETPLACE_DEMO=1). Create real users with `manage.py createsuperuser`.")
        passwords = self.demo_passwords()
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", passwords["admin"])
        for name in ("seller", "buyer"):
            if not User.objects.filter(username=name).exists():
                User.objects.create_user(name, f"{name}@example.com", passwords[name])
        seller = User.objects.get(username="seller")
        if seller_account(seller) is None:
            self.onboard(seller)
        if settings.FAKE_STRIPE:
            from fakestripe.fake import exclusive, settle

            with exclusive():
                settle()  # deliver the fake's webhooks and save its state
        self.stdout.write(self.style.SUCCESS(
            "\nThe example marketplace runs at http://127.0.0.1:8000/%s\n"
            "  admin  / %s   (superuser: /admin/)\n"
            "  seller / %s   (custom account, one item for sale)\n"
            "  buyer  / %s\n"
            "(kept in %s)\n" % (
                "  (offline: fake Stripe)" if settings.FAKE_STRIPE else "  (Stripe test mode)",
                passwords["admin"], passwords["seller"], passwords["buyer"], self.passwords_path(),
            )
        ))

    def passwords_path(self):
        return settings.DATA_DIR / "demo-passwords.json"

    def demo_passwords(self):
        """A random password per demo user, made once per data directory (readable by its owner only)."""
        path = self.passwords_path()
        if not path.exists():
            path.write_text(json.dumps({name: secrets.token_urlsafe(12) for name in ("admin", "seller", "buyer")}))
            path.chmod(0o600)
        return json.loads(path.read_text())

    def onboard(self, seller):
        account = accounts.create(
            seller, "US", type="custom",
            business_type="individual",
            individual=TEST_INDIVIDUAL,
            business_profile={"mcc": "5734", "url": "https://example.com"},
            external_account="btok_us_verified",
            tos_acceptance={"date": int(time.time()), "ip": "127.0.0.1"},
        )
        Item.objects.create(
            seller=seller, title="Field guide to Stripe Connect",
            description="A short e-book about marketplaces.",
            content="Chapter 1: the platform takes a fee, the seller gets the rest.",
            price=Decimal("20.00"), currency="usd",
        )
        self.stdout.write(f"Created the seller's custom account {account.stripe_id}")
