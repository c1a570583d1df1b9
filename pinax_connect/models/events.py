"""Webhook events as received, stored once per Stripe id and processed."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A webhook event as received: stored once per Stripe id, then processed."""

    # Set (not stored) by the processing pipeline: the connected Account it already
    # read for the event, so handlers do not read it a second time.
    mirrored_account: Any = None

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

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"

    @property
    def validated_message(self) -> dict[str, Any]:
        """The event as Stripe sent it (pinax-stripe's name for the verified payload)."""
        return self.payload

    @property
    def stripe_object(self) -> dict[str, Any]:
        """``data.object`` of the event."""
        return (self.payload.get("data") or {}).get("object") or {}
