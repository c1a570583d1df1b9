"""The requesting user's customers (platform and per connected account) and their payment methods."""
from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from ...actions import customers as customer_actions
from ...actions import payment_methods
from ...models import Customer
from ..serializers import customers as s
from ..viewsets import StripeResourceViewSet, UpdateMixin, compact, stripe_action


def _with_default(methods: list[dict[str, Any]], customer: Customer) -> list[dict[str, Any]]:
    return [{**pm, "is_default": pm.get("id") == customer.default_payment_method} for pm in methods]


class CustomerViewSet(UpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, StripeResourceViewSet):
    """A user has one customer on the platform and at most one per connected account.

    POST returns that customer, creating it on Stripe when missing (201) or as it
    is (200). Payment methods are read from Stripe and never mirrored.
    """

    queryset = Customer.objects.select_related("stripe_account")
    serializer_class = s.CustomerSerializer
    create_serializer_class = s.CustomerCreateSerializer
    update_serializer_class = s.CustomerUpdateSerializer
    action_serializer_classes = {"payment_methods": s.PaymentMethodAttachSerializer}
    stripe_read_actions = ("payment_methods",)
    may_decline = True  # attaching a card may be declined
    # invoice_settings[default_payment_method] was the request's default_payment_method.
    stripe_param_map = {"invoice_settings": ""}
    filter_fields = {
        "stripe_account": ("stripe_account__stripe_id", "str"),
        "created_gte": ("created__gte", "datetime"),
        "created_lte": ("created__lte", "datetime"),
    }

    def owned(self, queryset: QuerySet[Customer], user: Any) -> QuerySet[Customer]:
        ids = Customer.objects.filter(Q(user=user) | Q(user_account__user=user)).values("pk")
        return queryset.filter(pk__in=ids, date_purged__isnull=True)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = compact(self.validated().validated_data)
        account = data.pop("stripe_account", None)
        existing = customer_actions.get_customer_for_user(request.user, stripe_account=account)
        if existing is not None:
            return self.read_response(existing)
        customer = customer_actions.get_or_create(request.user, stripe_account=account, **data)
        return self.read_response(customer, status.HTTP_201_CREATED)

    def perform_stripe_update(self, customer: Customer, data: dict[str, Any]) -> Customer:
        default = data.pop("default_payment_method", None)
        if default:
            data["invoice_settings"] = {"default_payment_method": default}
        return customer_actions.update(customer, idempotency_key=self.idempotency_key(), **data)

    @extend_schema(methods=["GET"], request=None, responses={200: s.PaymentMethodSerializer(many=True)})
    @extend_schema(methods=["POST"], request=s.PaymentMethodAttachSerializer,
                   responses={201: s.PaymentMethodSerializer})
    @stripe_action(detail=True, methods=["get", "post"], url_path="payment-methods")
    def payment_methods(self, request: Request, pk: str | None = None) -> Response:
        """GET: the customer's cards (from Stripe). POST: attach a PaymentMethod or card token."""
        customer = self.get_object()
        if request.method == "GET":
            return Response(s.PaymentMethodSerializer(_with_default(payment_methods.list_for(customer), customer),
                                                      many=True).data)
        data = self.validated().validated_data
        attached = payment_methods.attach(
            customer, payment_method=data.get("payment_method"), token=data.get("token"),
            set_default=data["set_default"], idempotency_key=self.idempotency_key(),
        )
        customer.refresh_from_db()
        return Response(s.PaymentMethodSerializer(_with_default([attached], customer)[0]).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None},
                   parameters=[OpenApiParameter("payment_method", str, OpenApiParameter.PATH)])
    @stripe_action(detail=True, methods=["delete"], url_path=r"payment-methods/(?P<payment_method>pm_[A-Za-z0-9_]+)")
    def detach_payment_method(self, request: Request, pk: str | None = None, payment_method: str = "") -> Response:
        """Detach one of the customer's payment methods."""
        payment_methods.detach(self.get_object(), payment_method)
        return Response(status=status.HTTP_204_NO_CONTENT)
