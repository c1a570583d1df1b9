"""Money moved on: transfers and their reversals, payouts, application fees."""

from django.db import models

from .accounts import Account
from .base import StripeObject, amount_field


class Transfer(StripeObject):
    """Money moved from the platform balance to a connected account."""

    destination = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers"
    )
    amount = amount_field()
    amount_reversed = amount_field(default=0)
    currency = models.CharField(max_length=3)
    reversed = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    transfer_group = models.CharField(max_length=255, blank=True, db_index=True)
    source_transaction = models.CharField(max_length=255, blank=True)
    destination_payment = models.CharField(max_length=255, blank=True)


class TransferReversal(StripeObject):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="reversals")
    amount = amount_field()
    currency = models.CharField(max_length=3)


class Payout(StripeObject):
    """Money moved from a balance (a connected account's, or the platform's) to a bank."""

    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="payouts"
    )
    amount = amount_field()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=32, db_index=True)
    method = models.CharField(max_length=32, blank=True)
    type = models.CharField(max_length=32, blank=True)
    arrival_date = models.DateTimeField(null=True, blank=True)
    destination = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.TextField(blank=True)


class ApplicationFee(StripeObject):
    """The platform's cut of a charge on (or to) a connected account."""

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="application_fees"
    )
    amount = amount_field()
    amount_refunded = amount_field(default=0)
    currency = models.CharField(max_length=3)
    refunded = models.BooleanField(default=False)
    charge = models.CharField(max_length=255, blank=True)
    originating_transaction = models.CharField(max_length=255, blank=True)
