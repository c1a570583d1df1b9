"""The local mirror of Stripe objects.

Rows are written only by the ``sync_<model>_from_stripe_object`` functions in
``pinax_connect.actions`` (see ``docs/`` and the design note): typed columns hold
what people filter on, ``stripe_data`` keeps the whole object last synced.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def amount_field(**kwargs):
    """A major-unit amount; three decimal places fit every Stripe currency."""
    return models.DecimalField(max_digits=24, decimal_places=3, **kwargs)


class StripeObject(models.Model):
    """Columns shared by every mirrored Stripe object."""

    stripe_id = models.CharField(max_length=255, unique=True)
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(null=True, blank=True, help_text=_("When Stripe created it."))
    stripe_data = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    # The `created` time of the newest webhook event applied to this row: an older
    # event arriving late must not overwrite newer state.
    last_event_created = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.stripe_id


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


class Customer(StripeObject):
    # Null for customers on the platform; set for customers living on a connected account.
    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="customers"
    )
    # The user of a platform customer (connected-account customers go through UserAccount).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stripe_customer",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UserAccount",
        related_name="customers",
        blank=True,
    )
    email = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    delinquent = models.BooleanField(default=False)
    default_payment_method = models.CharField(max_length=255, blank=True)
    date_purged = models.DateTimeField(null=True, blank=True)


class UserAccount(models.Model):
    """Ties a user, a connected account and the customer that user is on that account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_accounts"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="user_accounts")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="user_accounts",
        related_query_name="user_account",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="pinax_connect_one_customer_per_user_account"),
            models.UniqueConstraint(fields=["customer"], name="pinax_connect_customer_one_user_account"),
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.account_id}: {self.customer_id}"

    def save(self, *args, **kwargs):
        # A UserAccount pointing at another account's customer would route charges
        # to the wrong seller, so it is refused on every save, not only in forms.
        self.clean()
        super().save(*args, **kwargs)

    @classmethod
    def filter(cls, *args, **kwargs):
        """``UserAccount.filter(...)``, as written in pinax-stripe's docs: ``objects.filter``."""
        return cls.objects.filter(*args, **kwargs)

    def clean(self):
        if self.customer_id and self.account_id and self.customer.stripe_account_id != self.account_id:
            raise ValidationError(
                {"customer": _("This customer does not live on that connected account.")}
            )


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


class Event(models.Model):
    """A webhook event as received: stored once per Stripe id, then processed."""

    RECEIVED = "received"
    PROCESSING = "processing"
    PROCESSED = "processed"
    FAILED = "failed"
    # Retries exhausted (handlers or receivers): a person has to look.
    DEAD = "dead"
    STATUSES = [
        (RECEIVED, _("received")),
        (PROCESSING, _("processing")),
        (PROCESSED, _("processed")),
        (FAILED, _("failed")),
        (DEAD, _("dead")),
    ]

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=255, db_index=True)
    # The connected account the event is about (`event.account`); blank for the platform.
    account = models.CharField(max_length=255, blank=True, db_index=True)
    api_version = models.CharField(max_length=64, blank=True)
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=255, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=STATUSES, default=RECEIVED, db_index=True)
    # Why an event was stored but not applied (unknown account, other livemode...).
    flag = models.CharField(max_length=64, blank=True)
    deliveries = models.PositiveIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    # When the handlers' work committed (None: never applied).
    processed_at = models.DateTimeField(null=True, blank=True)
    # Signal receivers that raised and have not succeeded since: {"module.qualname": "Error: text"}.
    receiver_errors = models.JSONField(default=dict, blank=True)
    # When the next automatic retry is due (None: none scheduled).
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the payload was dropped by the retention policy (None: kept).
    pruned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self):
        return f"{self.type} {self.stripe_id}"

    @property
    def validated_message(self):
        """The event as Stripe sent it (pinax-stripe's name for the verified payload)."""
        return self.payload

    @property
    def stripe_object(self):
        """``data.object`` of the event."""
        return (self.payload.get("data") or {}).get("object") or {}


# --------------------------------------------------------------------------- disputes


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
    def seller(self):
        """The connected account whose sale is disputed: a direct charge's own, a destination
        charge's destination, else the account money was recovered from (separate transfers)."""
        if self.stripe_account_id:
            return self.stripe_account
        if self.charge_id and self.charge.destination_id:
            return self.charge.destination
        recovery = self.recoveries.filter(account__isnull=False).select_related("account").first()
        return recovery.account if recovery else None

    @classmethod
    def for_seller(cls, account):
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

    def __str__(self):
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
