"""Payments: the buyer's PaymentIntents, charges (buyer's or seller's) and the seller's refunds."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from ...actions import customers as customer_actions
from ...actions import payment_intents, refunds
from ...models import Charge, PaymentIntent, Refund
from ..serializers import payments as s
from ..viewsets import CreateMixin, StripeResourceViewSet, stripe_action

DATE_FILTERS = {
    "created_gte": ("created__gte", "datetime"),
    "created_lte": ("created__lte", "datetime"),
}


def paid_by_or_to(user: Any, prefix: str = "") -> Q:
    """Rows whose customer is ``user``'s (buyer) or whose money goes to ``user``'s account (seller)."""
    p = prefix
    customers = Q(**{f"{p}customer__user": user}) | Q(**{f"{p}customer__user_account__user": user})
    return customers | Q(**{f"{p}stripe_account__user": user})


class PaymentIntentViewSet(CreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, StripeResourceViewSet):
    """A purchase from a seller: the requesting user pays, the seller's account receives.

    The buyer's customer (on the platform for destination charges, on the seller's
    account for direct ones) is found or created. Buyer and seller both see it and
    may cancel it while it is not final.
    """

    queryset = PaymentIntent.objects.select_related("customer", "stripe_account", "transfer_destination")
    serializer_class = s.PaymentIntentSerializer
    create_serializer_class = s.PaymentIntentCreateSerializer
    action_serializer_classes = {"cancel": s.PaymentIntentCancelSerializer}
    stripe_param_map = {"transfer_data": "account", "on_behalf_of": "account"}
    may_decline = True
    filter_fields = {"status": ("status", "str"), "currency": ("currency", "str"), **DATE_FILTERS}

    def owned(self, queryset: QuerySet[PaymentIntent], user: Any) -> QuerySet[PaymentIntent]:
        ids = PaymentIntent.objects.filter(paid_by_or_to(user) | Q(transfer_destination__user=user)).values("pk")
        return queryset.filter(pk__in=ids)

    def application_fee_amount(self, data: dict[str, Any]) -> Decimal | None:
        """The platform's fee for this purchase: what the client sent. Override to set it server-side."""
        return data.get("application_fee_amount")

    def perform_stripe_create(self, data: dict[str, Any]) -> PaymentIntent:
        seller = data.pop("account")
        direct = data.pop("charge_type") == "direct"
        customer = customer_actions.get_or_create(self.request.user, stripe_account=seller if direct else None)
        return payment_intents.create(
            data.pop("amount"), data.pop("currency"),
            customer=customer,
            destination=None if direct else seller,
            stripe_account=seller if direct else None,
            application_fee_amount=self.application_fee_amount(data),
            payment_method=data.get("payment_method"),
            confirm=data.get("confirm", False),
            capture_method=data.get("capture_method", "automatic"),
            transfer_group=data.get("transfer_group"),
            metadata=data.get("metadata") or None,
            idempotency_key=self.idempotency_key(),
            **({"description": data["description"]} if data.get("description") else {}),
        )

    @extend_schema(request=s.PaymentIntentCancelSerializer, responses={200: s.PaymentIntentSerializer})
    @stripe_action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel it (not once it succeeded or was canceled)."""
        intent = self.get_object()
        data = self.validated().validated_data
        return self.read_response(payment_intents.cancel(intent, idempotency_key=self.idempotency_key(), **data))


class ChargeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StripeResourceViewSet):
    """Charges the requesting user paid, or that paid one of their accounts (mirror only)."""

    queryset = Charge.objects.select_related("customer", "stripe_account", "destination", "payment_intent")
    serializer_class = s.ChargeSerializer
    filter_fields = {"status": ("status", "str"), "paid": ("paid", "bool"), "refunded": ("refunded", "bool"),
                     "currency": ("currency", "str"), **DATE_FILTERS}

    def owned(self, queryset: QuerySet[Charge], user: Any) -> QuerySet[Charge]:
        ids = Charge.objects.filter(paid_by_or_to(user) | Q(destination__user=user)).values("pk")
        return queryset.filter(pk__in=ids)


class RefundViewSet(CreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, StripeResourceViewSet):
    """Refunds of charges the user paid or was paid; only the seller may create one."""

    queryset = Refund.objects.select_related("charge", "stripe_account")
    serializer_class = s.RefundSerializer
    create_serializer_class = s.RefundCreateSerializer
    filter_fields = {"status": ("status", "str"), **DATE_FILTERS}

    def owned(self, queryset: QuerySet[Refund], user: Any) -> QuerySet[Refund]:
        charges = Charge.objects.filter(paid_by_or_to(user) | Q(destination__user=user)).values("pk")
        return queryset.filter(Q(charge__in=charges) | Q(stripe_account__user=user))

    def perform_stripe_create(self, data: dict[str, Any]) -> Refund:
        charge = data.pop("charge")
        return refunds.create(charge, data.pop("amount", None), metadata=data.pop("metadata", None) or None,
                              idempotency_key=self.idempotency_key(), **data)
