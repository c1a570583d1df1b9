"""Money in: PaymentIntents, charges and their refunds."""

from django.db import models

from .accounts import Account
from .base import StripeObject, amount_field
from .customers import Customer


class PaymentIntent(StripeObject):
    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="payment_intents"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="payment_intents"
    )
    amount = amount_field()
    amount_received = amount_field(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=32, db_index=True)
    capture_method = models.CharField(max_length=32, blank=True)
    application_fee_amount = amount_field(null=True, blank=True)
    transfer_destination = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="destination_payment_intents",
    )
    on_behalf_of = models.CharField(max_length=255, blank=True)
    transfer_group = models.CharField(max_length=255, blank=True, db_index=True)
    latest_charge = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)


class Charge(StripeObject):
    # Set for direct charges, which live on the connected account.
    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="charges"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    payment_intent = models.ForeignKey(
        PaymentIntent, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    # The connected account a destination charge pays (transfer_data.destination).
    destination = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="destination_charges"
    )
    amount = amount_field()
    amount_captured = amount_field(default=0)
    amount_refunded = amount_field(default=0)
    application_fee_amount = amount_field(null=True, blank=True)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=32, db_index=True)
    paid = models.BooleanField(default=False)
    captured = models.BooleanField(default=False)
    refunded = models.BooleanField(default=False)
    disputed = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    transfer_group = models.CharField(max_length=255, blank=True, db_index=True)
    on_behalf_of = models.CharField(max_length=255, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.TextField(blank=True)


class Refund(StripeObject):
    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="refunds"
    )
    charge = models.ForeignKey(
        Charge, null=True, blank=True, on_delete=models.SET_NULL, related_name="refunds"
    )
    amount = amount_field()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=64, blank=True)
