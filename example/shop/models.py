"""What the marketplace itself stores: items for sale and purchases.

Everything about money lives in Stripe and is mirrored by pinax_connect
(``pinax_connect.models``); a ``Purchase`` only keeps the Stripe ids that tie it
to that mirror.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from pinax_connect import money
from pinax_connect.models import Account, PaymentIntent


def seller_account(user):
    """The connected account ``user`` sells through (``None`` until onboarded)."""
    if not user.is_authenticated:
        return None
    return Account.objects.filter(user=user, authorized=True).order_by("pk").first()


class Item(models.Model):
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # What a buyer gets once the purchase is paid.
    content = models.TextField(help_text="Shown to buyers once they have paid.")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="usd")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("shop:item", args=[self.pk])

    @property
    def account(self):
        return seller_account(self.seller)

    def application_fee(self):
        """The marketplace's cut, rounded down to the currency's minor unit (0 for a price Stripe refuses)."""
        if not self.sellable:
            return Decimal("0")
        minor = money.to_minor(self.price, self.currency) * settings.MARKETPLACE_FEE_PERCENT // 100
        return money.from_minor(minor, self.currency)

    @property
    def sellable(self):
        """True when Stripe would charge this price (the form checks it; old rows may not)."""
        try:
            money.to_minor(self.price, self.currency)
        except ValueError:
            return False
        return self.price >= (money.minimum_charge_amount(self.currency) or Decimal("0.01"))

    def is_owned_by(self, user):
        return user.is_authenticated and self.purchases.filter(buyer=user, status=Purchase.PAID).exists()


class Purchase(models.Model):
    PENDING, PAID, FAILED, REFUNDED, EXPIRED, CANCELLED = "pending", "paid", "failed", "refunded", "expired", "cancelled"
    # What the buyer and the seller read.
    STATUSES = [
        (PENDING, "Waiting for payment"),
        (PAID, "Paid"),
        (FAILED, "Payment failed"),
        (REFUNDED, "Refunded"),
        (EXPIRED, "Payment page expired"),
        (CANCELLED, "Cancelled"),
    ]
    PAYMENT_INTENT, CHECKOUT = "payment_intent", "checkout"
    METHODS = [(PAYMENT_INTENT, "Card payment"), (CHECKOUT, "Stripe Checkout")]

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="purchases")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchases")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    application_fee = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    method = models.CharField(max_length=16, choices=METHODS)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    # Stripe ids the views store before the buyer pays: webhooks find the purchase by
    # them (never by ids in metadata, which whoever creates the payment chooses).
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    # The seller's connected account the money must go to (transfer_data.destination).
    destination = models.CharField(max_length=255, blank=True)
    amount_refunded = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    created = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.item} for {self.buyer} ({self.status})"

    def get_absolute_url(self):
        return reverse("shop:purchase", args=[self.pk])

    @property
    def refundable(self):
        """What is left to refund (nothing unless paid)."""
        return self.amount - self.amount_refunded if self.status == self.PAID else Decimal("0")

    @property
    def payment_intent(self):
        """pinax_connect's mirror of the payment (``None`` before Stripe reported it)."""
        if not self.payment_intent_id:
            return None
        return PaymentIntent.objects.filter(stripe_id=self.payment_intent_id).first()
