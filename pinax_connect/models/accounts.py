"""Connected accounts and the bank accounts / debit cards they are paid out to."""

from django.conf import settings
from django.db import models

from .base import StripeObject


class Account(StripeObject):
    TYPES = [("custom", "Custom"), ("express", "Express"), ("standard", "Standard"), ("none", "None")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stripe_accounts",
    )
    type = models.CharField(max_length=16, blank=True, choices=TYPES)
    country = models.CharField(max_length=2, blank=True)
    default_currency = models.CharField(max_length=3, blank=True)
    email = models.CharField(max_length=255, blank=True)
    business_type = models.CharField(max_length=32, blank=True)
    business_name = models.CharField(max_length=255, blank=True)
    business_url = models.CharField(max_length=255, blank=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    capabilities = models.JSONField(default=dict, blank=True)
    requirements = models.JSONField(default=dict, blank=True)
    # pinax-stripe's names: currently_due + past_due, the deadline, and the reason.
    verification_fields_needed = models.JSONField(default=list, blank=True)
    verification_due_by = models.DateTimeField(null=True, blank=True)
    verification_disabled_reason = models.CharField(max_length=255, blank=True)
    authorized = models.BooleanField(default=True)
    # The newest capability.updated applied per capability: {name: {"created", "status"}}.
    # A sub-object's event must not move the account's own watermark.
    capability_events = models.JSONField(default=dict, blank=True)
    # Set by actions.accounts.delete: the account is gone on Stripe, its history stays here.
    date_deleted = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["type", "charges_enabled", "payouts_enabled"])]


class ExternalAccount(StripeObject):
    """A bank account or debit card a connected account is paid out to (last 4 only)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="external_accounts")
    object_type = models.CharField(max_length=32)
    bank_name = models.CharField(max_length=255, blank=True)
    brand = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=2, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    routing_number = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    default_for_currency = models.BooleanField(default=False)
    status = models.CharField(max_length=32, blank=True)
