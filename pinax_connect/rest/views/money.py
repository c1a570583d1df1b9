"""Transfers to the user's accounts (read) and payouts from their balances."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from ...actions import payouts
from ...models import Payout, Transfer
from ..serializers import balances as s
from ..viewsets import CreateMixin, StripeResourceViewSet, stripe_action
from .payments import DATE_FILTERS


class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StripeResourceViewSet):
    """Transfers the platform made to the requesting user's accounts (mirror only)."""

    queryset = Transfer.objects.select_related("destination")
    serializer_class = s.TransferSerializer
    filter_fields = {"destination": ("destination__stripe_id", "str"), "transfer_group": ("transfer_group", "str"),
                     **DATE_FILTERS}

    def owned(self, queryset: QuerySet[Transfer], user: Any) -> QuerySet[Transfer]:
        return queryset.filter(destination__user=user)


class PayoutViewSet(CreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, StripeResourceViewSet):
    """Payouts from the requesting user's connected balances to their bank accounts."""

    queryset = Payout.objects.select_related("stripe_account")
    serializer_class = s.PayoutSerializer
    create_serializer_class = s.PayoutCreateSerializer
    action_serializer_classes = {}
    filter_fields = {"status": ("status", "str"), "account": ("stripe_account__stripe_id", "str"), **DATE_FILTERS}

    def owned(self, queryset: QuerySet[Payout], user: Any) -> QuerySet[Payout]:
        return queryset.filter(stripe_account__user=user)

    def perform_stripe_create(self, data: dict[str, Any]) -> Payout:
        return payouts.create(
            data.pop("account"), data.pop("amount"), data.pop("currency"), idempotency_key=self.idempotency_key(),
            **data,
        )

    @extend_schema(request=None, responses={200: s.PayoutSerializer})
    @stripe_action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel a pending payout."""
        return self.read_response(payouts.cancel(self.get_object(), idempotency_key=self.idempotency_key()))
