"""Disputes, the money movements they cause between platform and seller, and
early fraud warnings (see docs/disputes.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .base import StripeObject, amount_field
from .payments import Charge, PaymentIntent, Refund


class Dispute(StripeObject):
    """A chargeback or inquiry on a charge (``charge.dispute.*``); see docs/disputes.md."""

    INQUIRY_STATUSES = ("warning_needs_response", "warning_under_review", "warning_closed")
    OPEN_STATUSES = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")
    ANSWERABLE_STATUSES = ("warning_needs_response", "needs_response")

    # Set for disputes of direct charges: they live on (and debit) the connected account.
    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="disputes"
    )
    charge = models.ForeignKey(Charge, null=True, blank=True, on_delete=models.SET_NULL, related_name="disputes")
    payment_intent = models.ForeignKey(
        PaymentIntent, null=True, blank=True, on_delete=models.SET_NULL, related_name="disputes"
    )
    amount = amount_field()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=32, db_index=True)
    evidence_due_by = models.DateTimeField(null=True, blank=True, db_index=True)
    has_evidence = models.BooleanField(default=False)
    submission_count = models.PositiveIntegerField(default=0)
    is_charge_refundable = models.BooleanField(default=False)
    # Sum of the net of the dispute's balance transactions on the account it debits
    # (withdrawal: -(amount + fee); reinstatement adds back what was returned).
    net_balance_effect = amount_field(default=0)

    @property
    def is_inquiry(self) -> bool:
        """An inquiry (``warning_*``) has moved no money yet."""
        return self.status.startswith("warning_")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def seller(self) -> Account | None:
        """The connected account whose sale is disputed: a direct charge's own, a destination
        charge's destination, else the account money was recovered from (separate transfers)."""
        if self.stripe_account_id:
            return self.stripe_account
        if self.charge_id and self.charge is not None and self.charge.destination_id:
            return self.charge.destination
        recovery = self.recoveries.filter(account__isnull=False).select_related("account").first()
        return recovery.account if recovery else None

    @classmethod
    def for_seller(cls, account: Account) -> models.QuerySet["Dispute"]:
        """Disputes on ``account``'s sales (direct, destination, or recovered from it), for a seller dashboard."""
        return cls.objects.filter(
            models.Q(stripe_account=account) | models.Q(charge__destination=account)
            | models.Q(recoveries__account=account)
        ).distinct()


class DisputeRecovery(models.Model):
    """One movement of money between the platform and a seller because of a dispute.

    ``reversal``: a transfer reversal taking the disputed amount back from the
    seller; ``retransfer``: a transfer giving it back when the dispute is won.
    Unique per (dispute, kind, source transfer): that row, locked while Stripe is
    called, is what makes the movement happen once.
    """

    REVERSAL = "reversal"
    RETRANSFER = "retransfer"
    KINDS = [(REVERSAL, _("transfer reversal")), (RETRANSFER, _("re-transfer"))]
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUSES = [(PENDING, _("pending")), (SUCCEEDED, _("succeeded")), (FAILED, _("failed"))]

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="recoveries")
    kind = models.CharField(max_length=16, choices=KINDS)
    # The seller the money is taken from (reversal) or given back to (re-transfer).
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="dispute_recoveries"
    )
    # The transfer the movement is about (the one reversed, or the one the re-transfer restores).
    source_transfer = models.CharField(max_length=255)
    amount = amount_field()
    currency = models.CharField(max_length=3)
    refund_application_fee = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING, db_index=True)
    # What Stripe created: a trr_ (reversal) or a tr_ (re-transfer).
    stripe_id = models.CharField(max_length=255, blank=True)
    # Part of what the policy asked for that the transfer could not cover.
    shortfall = amount_field(default=0)
    # The seller's available balance read right after a reversal: negative when
    # the reversal went through although the seller could not cover it.
    seller_available_after = amount_field(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "kind", "source_transfer"], name="pinax_connect_one_recovery_per_transfer"
            )
        ]
        verbose_name_plural = "dispute recoveries"

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.status}) for {self.dispute_id}"

    @property
    def seller_balance_negative(self) -> bool:
        return self.seller_available_after is not None and self.seller_available_after < 0


class EarlyFraudWarning(StripeObject):
    """A card issuer's fraud report on a charge (``radar.early_fraud_warning.*``)."""

    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="early_fraud_warnings"
    )
    charge = models.ForeignKey(
        Charge, null=True, blank=True, on_delete=models.SET_NULL, related_name="early_fraud_warnings"
    )
    payment_intent = models.ForeignKey(
        PaymentIntent, null=True, blank=True, on_delete=models.SET_NULL, related_name="early_fraud_warnings"
    )
    actionable = models.BooleanField(default=False)
    fraud_type = models.CharField(max_length=64, blank=True)
    # The refund pinax_connect made because of this warning (PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND).
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
