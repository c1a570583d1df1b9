"""Django admin for the Stripe mirror: read-only Stripe fields, filters, dashboard links,
"re-sync from Stripe" and, for events, "replay"."""
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_S = TypeVar("_S", bound=models.StripeObject)

DASHBOARD = "https://dashboard.stripe.com"

# Where each object lives on Stripe's dashboard.
DASHBOARD_PATHS = {
    models.Account: "connect/accounts",
    models.Customer: "customers",
    models.Charge: "payments",
    models.PaymentIntent: "payments",
    models.Transfer: "connect/transfers",
    models.Payout: "payouts",
    models.ApplicationFee: "connect/application_fees",
    models.Event: "events",
}

# The action that re-reads one row from Stripe, per model (dotted, imported on use).
RESYNC = {
    models.Account: "pinax_connect.actions.accounts.sync_account",
    models.Customer: "pinax_connect.actions.customers.sync_customer",
    models.Charge: "pinax_connect.actions.charges.sync_charge",
    models.PaymentIntent: "pinax_connect.actions.payment_intents.sync_payment_intent",
    models.Payout: "pinax_connect.actions.payouts.sync_payout",
}


def dashboard_url(obj: models.StripeObject | models.Event) -> str | None:
    """The Stripe dashboard page of a mirrored object (test/live and connected-account aware)."""
    path = DASHBOARD_PATHS.get(type(obj))
    if path is None:
        return None
    mode = "" if obj.livemode else "test/"
    account = getattr(obj, "stripe_account", None)
    if isinstance(obj, models.Event) and obj.account:
        return f"{DASHBOARD}/{obj.account}/{mode}{path}/{obj.stripe_id}"
    if account is not None:
        return f"{DASHBOARD}/{account.stripe_id}/{mode}{path}/{obj.stripe_id}"
    return f"{DASHBOARD}/{mode}{path}/{obj.stripe_id}"


@admin.display(description=_("Stripe"))
def stripe_link(obj: models.StripeObject | models.Event) -> str:
    url = dashboard_url(obj)
    if not url:
        return obj.stripe_id
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj.stripe_id)


def for_each(
    modeladmin: "admin.ModelAdmin[Any]",
    request: HttpRequest,
    queryset: QuerySet[_S],
    call: Callable[[_S], object],
    done_message: "StrOrPromise",
) -> None:
    """Run ``call(obj)`` on each selected row; report each failure and the totals
    (``done_message`` with ``%(done)d`` and ``%(failed)d``)."""
    done = failed = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except Exception as exc:  # one bad row must not stop the others
            failed += 1
            modeladmin.message_user(request, f"{obj.stripe_id}: {exc}", messages.ERROR)
    modeladmin.message_user(request, done_message % {"done": done, "failed": failed})


@admin.action(description=_("Re-sync selected from Stripe"), permissions=["change"])
def resync(modeladmin: "admin.ModelAdmin[Any]", request: HttpRequest, queryset: QuerySet[models.StripeObject]) -> None:
    for_each(modeladmin, request, queryset, import_string(RESYNC[modeladmin.model]),
             _("Re-synced %(done)d, failed %(failed)d."))


@admin.action(description=_("Replay selected events"), permissions=["change"])
def replay(modeladmin: "admin.ModelAdmin[Any]", request: HttpRequest, queryset: QuerySet[models.Event]) -> None:
    """Apply the events again; for one whose receivers failed, re-send the signal to those only."""
    replay_event = import_string("pinax_connect.webhooks.processing.replay")
    outcomes: dict[str, int] = {}
    for event in queryset:
        outcome = replay_event(event)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    modeladmin.message_user(request, _("Replayed %(n)d events.") % {"n": sum(outcomes.values())})
    if set(outcomes) - {"processed"}:
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        modeladmin.message_user(request, _("Outcomes: %(summary)s.") % {"summary": summary}, messages.WARNING)


class HasRequirementsFilter(admin.SimpleListFilter):
    title = _("has requirements")
    parameter_name = "has_requirements"

    def lookups(self, request: HttpRequest, model_admin: "admin.ModelAdmin[Any]") -> list[tuple[str, "StrOrPromise"]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[models.Account]) -> QuerySet[models.Account]:
        # An empty JSON list is the "nothing needed" state written by the sync.
        if self.value() == "yes":
            return queryset.exclude(verification_fields_needed=[])
        if self.value() == "no":
            return queryset.filter(verification_fields_needed=[])
        return queryset


class UserAccountInline(admin.TabularInline):
    model = models.UserAccount
    extra = 0
    raw_id_fields = ["user", "account", "customer"]


MIRROR_FIELDS = ["stripe_id", "livemode", "created", "stripe_data", "synced_at", "last_event_created"]


class StripeObjectAdmin(admin.ModelAdmin):
    """Base admin: everything Stripe owns is read-only (change it through Stripe)."""

    list_filter = ["livemode"]
    search_fields = ["stripe_id"]
    actions = [resync]
    date_hierarchy = None

    def get_readonly_fields(self, request: HttpRequest, obj: models.StripeObject | None = None) -> list[str]:
        local = {"user", "authorized"}
        return [f.name for f in self.model._meta.concrete_fields if f.name not in local and not f.primary_key]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if self.model not in RESYNC:
            actions.pop("resync", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from Stripe, never from a blank admin form


def register(
    model: type[models.StripeObject],
    *,
    list_display: Sequence[str | Callable[..., Any]] = (),
    list_filter: Sequence[str | type[admin.ListFilter]] = (),
    search_fields: Sequence[str] = (),
    **attrs: Any,
) -> None:
    attrs = {
        "list_display": [stripe_link, *list_display, "livemode", "created"],
        "list_filter": ["livemode", *list_filter],
        "search_fields": ["stripe_id", *search_fields],
        **attrs,
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (StripeObjectAdmin,), attrs))


register(
    models.Account,
    list_display=["user", "type", "country", "charges_enabled", "payouts_enabled", "verification_due_by", "authorized"],
    list_filter=["type", "charges_enabled", "payouts_enabled", "authorized", HasRequirementsFilter, "country"],
    search_fields=["email", "business_name", "user__username", "user__email"],
    list_select_related=["user"],
    inlines=[UserAccountInline],
)
register(
    models.Customer,
    list_display=["email", "user", "stripe_account", "delinquent"],
    list_filter=["delinquent"],
    search_fields=["email", "name", "user__username", "user__email", "users__username", "users__email"],
    list_select_related=["user", "stripe_account"],
    inlines=[UserAccountInline],
)
register(
    models.ExternalAccount,
    list_display=["account", "object_type", "bank_name", "last4", "currency", "default_for_currency"],
    list_filter=["object_type", "currency", "status"],
    search_fields=["account__stripe_id", "last4"],
)
register(
    models.PaymentIntent,
    list_display=["amount", "currency", "status", "customer", "transfer_destination", "stripe_account"],
    list_filter=["status", "currency", "capture_method"],
    search_fields=["customer__email", "transfer_group"],
)
register(
    models.Charge,
    list_display=["amount", "currency", "status", "customer", "destination", "refunded"],
    list_filter=["status", "currency", "refunded", "captured", "disputed"],
    search_fields=["customer__email", "customer__stripe_id", "transfer_group"],
)
register(models.Refund, list_display=["charge", "amount", "currency", "status"], list_filter=["status", "reason"])
register(
    models.Transfer,
    list_display=["destination", "amount", "currency", "reversed"],
    list_filter=["currency", "reversed"],
    search_fields=["destination__stripe_id", "transfer_group"],
)
register(models.TransferReversal, list_display=["transfer", "amount", "currency"])
register(
    models.Payout,
    list_display=["stripe_account", "amount", "currency", "status", "arrival_date"],
    list_filter=["status", "method", "currency"],
    search_fields=["stripe_account__stripe_id"],
)
register(
    models.ApplicationFee,
    list_display=["account", "amount", "currency", "refunded"],
    list_filter=["refunded", "currency"],
    search_fields=["account__stripe_id", "charge"],
)


class ReceiverErrorsFilter(admin.SimpleListFilter):
    title = _("failed receivers")
    parameter_name = "receiver_errors"

    def lookups(self, request: HttpRequest, model_admin: "admin.ModelAdmin[Any]") -> list[tuple[str, "StrOrPromise"]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[models.Event]) -> QuerySet[models.Event]:
        if self.value() == "yes":
            return queryset.exclude(receiver_errors={})
        if self.value() == "no":
            return queryset.filter(receiver_errors={})
        return queryset


@admin.display(description=_("failed receivers"))
def failed_receivers(event: models.Event) -> str:
    return ", ".join(sorted(event.receiver_errors or {})) or "-"


@admin.display(description=_("receiver errors"))
def receiver_error_list(event: models.Event) -> str:
    if not event.receiver_errors:
        return "-"
    return format_html_join("\n", "<div><code>{}</code>: {}</div>", sorted(event.receiver_errors.items()))


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        stripe_link, "type", "account", "status", "flag", "attempts", "deliveries",
        failed_receivers, "next_attempt_at", "created",
    ]
    list_filter = ["status", ReceiverErrorsFilter, "livemode", "type", "flag"]
    search_fields = ["stripe_id", "type", "account", "request_id"]
    actions = [replay]
    readonly_fields = [
        *(f.name for f in models.Event._meta.concrete_fields if not f.primary_key and f.name != "receiver_errors"),
        receiver_error_list,  # type: ignore[list-item]  # a callable is a valid read-only field
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(models.UserAccount)
class UserAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "customer"]
    search_fields = ["user__username", "user__email", "account__stripe_id", "customer__stripe_id"]
    raw_id_fields = ["user", "account", "customer"]


def _add_inline_to_user_admin() -> None:
    # The host project owns the user admin; we only append our inline when it is
    # registered on the default site (after django.contrib.auth's admin loaded).
    user_admin = admin.site._registry.get(get_user_model())
    if user_admin is not None and UserAccountInline not in user_admin.inlines:
        user_admin.inlines = [*user_admin.inlines, UserAccountInline]  # type: ignore[misc]


_add_inline_to_user_admin()
from . import dispute_admin  # noqa: E402,F401  (disputes, recoveries, fraud warnings: issue 19)
