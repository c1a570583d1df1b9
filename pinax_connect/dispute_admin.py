"""Django admin for disputes, their recovery movements and early fraud warnings.

The dispute list shows the evidence deadline and status with a link to the
Dashboard; "Accept" and "Re-sync" act on Stripe and need the change permission.
Evidence is answered through :mod:`pinax_connect.actions.disputes` (a host view or
the Dashboard): files and long texts do not belong in an admin action.
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import models
from .admin import DASHBOARD, StripeObjectAdmin
from .admin import for_each as _each


def dispute_dashboard_url(obj: models.Dispute | models.EarlyFraudWarning) -> str:
    """The Stripe Dashboard page of a dispute (or of a warning's charge)."""
    mode = "" if obj.livemode else "test/"
    prefix = f"{DASHBOARD}/{obj.stripe_account.stripe_id}" if obj.stripe_account is not None else DASHBOARD
    if isinstance(obj, models.Dispute):
        return f"{prefix}/{mode}disputes/{obj.stripe_id}"
    charge_id = obj.stripe_data.get("charge") or ""
    return f"{prefix}/{mode}payments/{charge_id}"


@admin.display(description=_("Stripe"))
def dashboard_link(obj: models.Dispute | models.EarlyFraudWarning) -> str:
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', dispute_dashboard_url(obj), obj.stripe_id)


@admin.display(description=_("respond by"), ordering="evidence_due_by")
def deadline(obj: models.Dispute) -> str:
    if obj.evidence_due_by is None:
        return "-"
    if obj.status in models.Dispute.ANSWERABLE_STATUSES and obj.evidence_due_by < timezone.now():
        return format_html("<strong>{} ({})</strong>", obj.evidence_due_by.strftime("%Y-%m-%d %H:%M"), _("past due"))
    return obj.evidence_due_by.strftime("%Y-%m-%d %H:%M")


@admin.action(description=_("Accept (close) selected disputes"), permissions=["change"])
def accept_disputes(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[models.Dispute]
) -> None:
    from .actions import disputes

    _each(modeladmin, request, queryset, disputes.accept, _("Accepted %(done)d, failed %(failed)d."))


@admin.action(description=_("Re-sync selected from Stripe"), permissions=["change"])
def sync_disputes(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[models.Dispute]
) -> None:
    from .actions import disputes

    _each(modeladmin, request, queryset, disputes.sync_dispute, _("Re-synced %(done)d, failed %(failed)d."))


@admin.action(description=_("Re-sync selected from Stripe"), permissions=["change"])
def sync_warnings(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[models.EarlyFraudWarning]
) -> None:
    from .actions import early_fraud_warnings

    _each(modeladmin, request, queryset, early_fraud_warnings.sync_early_fraud_warning,
          _("Re-synced %(done)d, failed %(failed)d."))


@admin.action(description=_("Retry selected failed recoveries"), permissions=["change"])
def retry_recoveries(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[models.DisputeRecovery]
) -> None:
    from .actions import dispute_recovery

    done = 0
    for recovery in queryset.filter(status=models.DisputeRecovery.FAILED).select_related("dispute", "account"):
        dispute_recovery.retry(recovery)
        done += 1
    modeladmin.message_user(request, _("Retried %(done)d.") % {"done": done})


class DisputeRecoveryInline(admin.TabularInline):
    model = models.DisputeRecovery
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "kind", "account", "amount", "currency", "status", "stripe_id", "seller_available_after",
        "error_code", "error_message",
    )

    def has_add_permission(self, request: HttpRequest, obj: models.Dispute | None = None) -> bool:
        return False


@admin.register(models.Dispute)
class DisputeAdmin(StripeObjectAdmin):
    list_display = [dashboard_link, "status", "reason", "amount", "currency", deadline, "charge",
                    "stripe_account", "net_balance_effect", "created"]
    list_filter = ["status", "reason", "livemode", "currency"]
    search_fields = ["stripe_id", "charge__stripe_id", "stripe_account__stripe_id", "charge__destination__stripe_id"]
    list_select_related = ["charge", "stripe_account"]
    ordering = ["evidence_due_by"]
    actions = [accept_disputes, sync_disputes]
    inlines = [DisputeRecoveryInline]


@admin.register(models.EarlyFraudWarning)
class EarlyFraudWarningAdmin(StripeObjectAdmin):
    list_display = [dashboard_link, "fraud_type", "actionable", "charge", "stripe_account", "refund", "created"]
    list_filter = ["actionable", "fraud_type", "livemode"]
    search_fields = ["stripe_id", "charge__stripe_id"]
    list_select_related = ["charge", "stripe_account", "refund"]
    actions = [sync_warnings]


@admin.register(models.DisputeRecovery)
class DisputeRecoveryAdmin(admin.ModelAdmin):
    list_display = ["dispute", "kind", "account", "amount", "currency", "status", "stripe_id",
                    "seller_available_after", "error_code", "updated_at"]
    list_filter = ["kind", "status", "error_code"]
    search_fields = ["dispute__stripe_id", "stripe_id", "source_transfer", "account__stripe_id"]
    list_select_related = ["dispute", "account"]
    actions = [retry_recoveries]

    def get_readonly_fields(self, request: HttpRequest, obj: models.DisputeRecovery | None = None) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields if not f.primary_key]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
