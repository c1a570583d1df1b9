"""The requesting user's connected accounts and their external (bank) accounts."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from ...actions import accounts as account_actions
from ...actions import balances, external_accounts, onboarding
from ...forms.fields import generic_binding, resolve
from ...models import Account, ExternalAccount
from ..serializers import accounts as s
from ..serializers.external_accounts import ExternalAccountCreateSerializer, ExternalAccountSerializer
from ..viewsets import CreateMixin, StripeResourceViewSet, UpdateMixin, stripe_action

REQUIREMENT_LISTS = ("currently_due", "eventually_due", "past_due", "pending_verification")


def requirement_label(path: str, business_type: str) -> str:
    """What a person would be asked for ``path`` (the onboarding forms' labels), else the path."""
    binding = resolve(path, business_type) or generic_binding(path, business_type)
    return str(binding.entry.label) if binding is not None else path


class ConnectedAccountViewSet(CreateMixin, UpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              StripeResourceViewSet):
    """The requesting user's connected accounts.

    POST creates one on Stripe (custom / express / standard, or ``controller``) and
    answers 201 with the mirror; PATCH updates it on Stripe; GET reads the mirror.
    """

    queryset = Account.objects.all()
    serializer_class = s.AccountSerializer
    create_serializer_class = s.AccountCreateSerializer
    update_serializer_class = s.AccountUpdateSerializer
    action_serializer_classes = {"account_link": s.AccountLinkSerializer}
    stripe_read_actions = ("balance",)
    filter_fields = {
        "type": ("type", "str"),
        "charges_enabled": ("charges_enabled", "bool"),
        "payouts_enabled": ("payouts_enabled", "bool"),
        "created_gte": ("created__gte", "datetime"),
        "created_lte": ("created__lte", "datetime"),
    }

    def owned(self, queryset: QuerySet[Account], user: Any) -> QuerySet[Account]:
        return queryset.filter(user=user)

    def perform_stripe_create(self, data: dict[str, Any]) -> Account:
        country = data.pop("country")
        return account_actions.create(self.request.user, country, idempotency_key=self.idempotency_key(), **data)

    def perform_stripe_update(self, account: Account, data: dict[str, Any]) -> Account:
        return account_actions.update(account, data, idempotency_key=self.idempotency_key())

    @extend_schema(request=s.AccountLinkSerializer, responses={201: s.LinkSerializer})
    @stripe_action(detail=True, methods=["post"], url_path="account-link")
    def account_link(self, request: Request, pk: str | None = None) -> Response:
        """A Stripe-hosted onboarding (or update) form for this account: redirect the seller to ``url``."""
        account = self.get_object()
        data = self.validated().validated_data
        url = onboarding.create_account_link(account, idempotency_key=self.idempotency_key(), **data)
        return Response({"url": url}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: s.LinkSerializer})
    @stripe_action(detail=True, methods=["post"], url_path="login-link")
    def login_link(self, request: Request, pk: str | None = None) -> Response:
        """A single-use link to the Express dashboard (Express accounts only)."""
        account = self.get_object()
        url = onboarding.create_login_link(account, idempotency_key=self.idempotency_key())
        return Response({"url": url}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.RequirementsSerializer})
    @stripe_action(detail=True, methods=["get"])
    def requirements(self, request: Request, pk: str | None = None) -> Response:
        """What Stripe still needs (from the mirror), each path with a label a person understands."""
        account = self.get_object()
        requirements = account.requirements or {}
        body: dict[str, Any] = {
            name: [{"path": path, "label": requirement_label(path, account.business_type or "individual")}
                   for path in requirements.get(name) or []]
            for name in REQUIREMENT_LISTS
        }
        body["errors"] = requirements.get("errors") or []
        body["current_deadline"] = account.verification_due_by
        body["disabled_reason"] = requirements.get("disabled_reason")
        return Response(s.RequirementsSerializer(body).data)

    @extend_schema(responses={200: s.BalanceSerializer})
    @stripe_action(detail=True, methods=["get"])
    def balance(self, request: Request, pk: str | None = None) -> Response:
        """The account's balance, read from Stripe (nothing is stored)."""
        balance = balances.retrieve(self.get_object())
        return Response(s.BalanceSerializer({
            "available": balance.available, "pending": balance.pending,
            "instant_available": balance.instant_available, "livemode": balance.livemode,
        }).data)


class ExternalAccountViewSet(CreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, StripeResourceViewSet):
    """Bank accounts (and debit cards) of the requesting user's connected accounts."""

    queryset = ExternalAccount.objects.select_related("account")
    serializer_class = ExternalAccountSerializer
    create_serializer_class = ExternalAccountCreateSerializer
    action_serializer_classes = {}
    stripe_param_map = {"external_account": "bank_account"}
    filter_fields = {
        "account": ("account__stripe_id", "str"),
        "currency": ("currency", "str"),
        "default_for_currency": ("default_for_currency", "bool"),
    }

    def owned(self, queryset: QuerySet[ExternalAccount], user: Any) -> QuerySet[ExternalAccount]:
        return queryset.filter(account__user=user)

    def perform_stripe_create(self, data: dict[str, Any]) -> ExternalAccount:
        if "token" in data:
            self.stripe_param_map = {"external_account": "token"}
        return external_accounts.create(
            data["account"], token=data.get("token"), bank_account=data.get("bank_account"),
            default_for_currency=data.get("default_for_currency"), idempotency_key=self.idempotency_key(),
        )

    @extend_schema(request=None, responses={200: ExternalAccountSerializer})
    @stripe_action(detail=True, methods=["post"], url_path="set-default")
    def set_default(self, request: Request, pk: str | None = None) -> Response:
        """Make this the default payout destination for its currency."""
        return self.read_response(external_accounts.set_default(self.get_object(),
                                                                idempotency_key=self.idempotency_key()))

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Remove it on Stripe (Stripe refuses the default one of the default currency) and here."""
        external_accounts.delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
