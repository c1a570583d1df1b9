"""What every mirrored Stripe object shares: the ``StripeObject`` columns and
``amount_field`` (a major-unit Decimal)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


def amount_field(**kwargs: Any) -> models.DecimalField:
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

    def __str__(self) -> str:
        return self.stripe_id
