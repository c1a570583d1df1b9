"""Bank accounts (and debit cards) a connected account is paid out to."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from ...models import Account, ExternalAccount
from .common import Currency, Metadata, StripeIdField, sensitive, text


def own_accounts(request: Request, queryset: QuerySet[Account]) -> QuerySet[Account]:
    return queryset.filter(user=request.user, authorized=True, date_deleted__isnull=True)


class BankAccountSerializer(serializers.Serializer):
    """Raw bank details; the account number is write-only and never stored (only its last 4)."""

    country = serializers.RegexField(r"^[A-Za-z]{2}$")
    currency = Currency()
    account_number = sensitive()
    routing_number = text(max_length=64)
    account_holder_name = text(max_length=255)
    account_holder_type = serializers.ChoiceField(choices=["individual", "company"], required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in attrs.items() if v not in (None, "")}


class ExternalAccountCreateSerializer(serializers.Serializer):
    """``POST /v1/accounts/{account}/external_accounts``: a token or bank details."""

    account = StripeIdField(Account.objects.all(), scope=own_accounts,
                            help_text="Stripe id of one of your connected accounts (acct_...).")
    token = serializers.CharField(required=False, help_text="btok_... or tok_... from Stripe.js")
    bank_account = BankAccountSerializer(required=False)
    default_for_currency = serializers.BooleanField(required=False)
    metadata = Metadata()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("token" in attrs) == ("bank_account" in attrs):
            raise serializers.ValidationError({"non_field_errors": ["Give exactly one of token or bank_account."]})
        if attrs.get("metadata") and "bank_account" in attrs:
            attrs["bank_account"] = {**attrs["bank_account"], "metadata": attrs.pop("metadata")}
        else:
            attrs.pop("metadata", None)
        return attrs


class ExternalAccountSerializer(serializers.ModelSerializer):
    """The mirrored external account: last 4, bank name, routing number, status."""

    account = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)

    class Meta:
        model = ExternalAccount
        fields = ["id", "stripe_id", "account", "object_type", "bank_name", "brand", "country", "currency",
                  "last4", "routing_number", "fingerprint", "default_for_currency", "status", "livemode",
                  "created", "stripe_data"]
        read_only_fields = fields
