"""Transfers (read), payouts (create / cancel) of a connected account."""
from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from ...models import Account, ExternalAccount, Payout, Transfer
from .common import Currency, Metadata, MirrorSerializer, StripeIdField, money_amount, text
from .external_accounts import own_accounts


def own_external_accounts(request: Request, queryset: QuerySet[ExternalAccount]) -> QuerySet[ExternalAccount]:
    return queryset.filter(account__user=request.user)


class PayoutCreateSerializer(serializers.Serializer):
    """A payout from the connected account's balance to one of its external accounts."""

    account = StripeIdField(Account.objects.all(), scope=own_accounts, help_text="Your connected account (acct_...)")
    amount = money_amount(min_value=None)
    currency = Currency()
    method = serializers.ChoiceField(choices=["standard", "instant"], default="standard")
    destination = StripeIdField(ExternalAccount.objects.all(), scope=own_external_accounts, required=False,
                                help_text="ba_... / card_... of that account (default: its default one)")
    description = text(max_length=1000)
    metadata = Metadata()


class PayoutSerializer(MirrorSerializer):
    stripe_account = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)

    class Meta:
        model = Payout
        fields = ["id", "stripe_id", "stripe_account", "amount", "currency", "status", "method", "type",
                  "arrival_date", "destination", "description", "failure_code", "failure_message", "livemode",
                  "created", "stripe_data"]
        read_only_fields = fields


class TransferSerializer(MirrorSerializer):
    destination = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)

    class Meta:
        model = Transfer
        fields = ["id", "stripe_id", "destination", "amount", "amount_reversed", "currency", "reversed",
                  "description", "transfer_group", "source_transaction", "destination_payment", "livemode",
                  "created", "stripe_data"]
        read_only_fields = fields
