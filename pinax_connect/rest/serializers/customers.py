"""Customers (the requesting user's, on the platform or a connected account) and their payment methods."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from ...models import Account, Customer
from .common import Metadata, StripeIdField, optional, text


def live_accounts(request: Request, queryset: QuerySet[Account]) -> QuerySet[Account]:
    return queryset.filter(authorized=True, date_deleted__isnull=True)


class CustomerCreateSerializer(serializers.Serializer):
    """The user's customer on the platform (no ``stripe_account``) or on a connected account."""

    stripe_account = StripeIdField(Account.objects.all(), scope=live_accounts, required=False, allow_null=True,
                                   help_text="acct_... for a customer on that connected account (direct charges)")
    email = optional(serializers.EmailField, help_text="Defaults to the user's email.")
    name = text(max_length=255)
    phone = text(max_length=40)
    description = text(max_length=500)
    metadata = Metadata()


class CustomerUpdateSerializer(serializers.Serializer):
    """What may change on the customer: contact details, description, default payment method."""

    email = optional(serializers.EmailField)
    name = text(max_length=255)
    phone = text(max_length=40)
    description = text(max_length=500)
    default_payment_method = text(max_length=255, help_text="pm_... attached to this customer")
    metadata = Metadata()


class CustomerSerializer(serializers.ModelSerializer):
    stripe_account = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "stripe_id", "stripe_account", "email", "name", "currency", "delinquent",
                  "default_payment_method", "date_purged", "livemode", "created", "stripe_data"]
        read_only_fields = fields


class PaymentMethodAttachSerializer(serializers.Serializer):
    """A PaymentMethod (``pm_...``) or a card token (``tok_...``) from Stripe.js: never a card number."""

    payment_method = serializers.CharField(required=False, max_length=255)
    token = serializers.CharField(required=False, max_length=255)
    set_default = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("payment_method")) == bool(attrs.get("token")):
            raise serializers.ValidationError({"non_field_errors": ["Give exactly one of payment_method or token."]})
        return attrs


class CardSummarySerializer(serializers.Serializer):
    brand = serializers.CharField(allow_null=True)
    last4 = serializers.CharField(allow_null=True)
    exp_month = serializers.IntegerField(allow_null=True)
    exp_year = serializers.IntegerField(allow_null=True)
    country = serializers.CharField(allow_null=True, required=False)
    funding = serializers.CharField(allow_null=True, required=False)


class PaymentMethodSerializer(serializers.Serializer):
    """A payment method as Stripe returns it (read from Stripe, not mirrored): last 4 only."""

    id = serializers.CharField()
    type = serializers.CharField()
    customer = serializers.CharField(allow_null=True)
    card = CardSummarySerializer(required=False, allow_null=True)
    billing_details = serializers.DictField(required=False)
    created = serializers.IntegerField(required=False)
    is_default = serializers.BooleanField(required=False)
