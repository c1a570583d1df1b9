"""Payments: PaymentIntents (create / cancel), charges (read) and refunds (the seller's)."""
from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from ...actions.payment_intents import CAPTURE_METHODS
from ...actions.refunds import REASONS
from ...models import Account, Charge, PaymentIntent, Refund
from .common import Currency, Metadata, MirrorSerializer, StripeIdField, money_amount, text


def payable_accounts(request: Request, queryset: QuerySet[Account]) -> QuerySet[Account]:
    return queryset.filter(authorized=True, date_deleted__isnull=True)


class PaymentIntentCreateSerializer(serializers.Serializer):
    """A purchase from a seller: the buyer is the requesting user (their customer is used or made)."""

    amount = money_amount(min_value=None)
    currency = Currency()
    account = StripeIdField(Account.objects.all(), scope=payable_accounts,
                            help_text="The seller's connected account (acct_...)")
    charge_type = serializers.ChoiceField(
        choices=["destination", "direct"], default="destination",
        help_text="destination: the platform charges and transfers to the seller; "
                  "direct: the charge lives on the seller's account",
    )
    application_fee_amount = money_amount(required=False, allow_null=True, help_text="The platform's fee (major units)")
    payment_method = serializers.CharField(required=False, max_length=255, help_text="pm_... (from Stripe.js)")
    confirm = serializers.BooleanField(default=False)
    capture_method = serializers.ChoiceField(choices=sorted(CAPTURE_METHODS), default="automatic")
    description = text(max_length=1000)
    transfer_group = text(max_length=255)
    metadata = Metadata()


class PaymentIntentCancelSerializer(serializers.Serializer):
    cancellation_reason = serializers.ChoiceField(
        choices=["duplicate", "fraudulent", "requested_by_customer", "abandoned"], required=False)


class PaymentIntentSerializer(MirrorSerializer):
    """The mirrored intent. ``client_secret`` (for Stripe.js) only to its buyer."""

    stripe_account = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)
    transfer_destination = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)
    customer = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)
    client_secret = serializers.SerializerMethodField()
    stripe_data = serializers.SerializerMethodField()

    class Meta:
        model = PaymentIntent
        fields = ["id", "stripe_id", "amount", "amount_received", "currency", "status", "capture_method",
                  "application_fee_amount", "stripe_account", "transfer_destination", "customer",
                  "on_behalf_of", "transfer_group", "latest_charge", "description", "client_secret",
                  "livemode", "created", "stripe_data"]
        read_only_fields = fields

    def _is_buyer(self, intent: PaymentIntent) -> bool:
        request = self.context.get("request")
        customer = intent.customer
        if request is None or customer is None or not request.user.is_authenticated:
            return False
        return customer.user_id == request.user.pk or customer.users.filter(pk=request.user.pk).exists()

    def get_client_secret(self, intent: PaymentIntent) -> str | None:
        return intent.stripe_data.get("client_secret") if self._is_buyer(intent) else None

    def get_stripe_data(self, intent: PaymentIntent) -> dict:
        return {k: v for k, v in intent.stripe_data.items() if k != "client_secret"}


class ChargeSerializer(MirrorSerializer):
    stripe_account = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)
    destination = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)
    customer = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)
    payment_intent = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)

    class Meta:
        model = Charge
        fields = ["id", "stripe_id", "amount", "amount_captured", "amount_refunded", "application_fee_amount",
                  "currency", "status", "paid", "captured", "refunded", "disputed", "stripe_account",
                  "destination", "customer", "payment_intent", "description", "transfer_group", "on_behalf_of",
                  "failure_code", "failure_message", "livemode", "created", "stripe_data"]
        read_only_fields = fields


def sold_charges(request: Request, queryset: QuerySet[Charge]) -> QuerySet[Charge]:
    from django.db.models import Q

    user = request.user
    return queryset.filter(Q(destination__user=user) | Q(stripe_account__user=user))


class RefundCreateSerializer(serializers.Serializer):
    """A refund by the seller of ``charge``: full, or ``amount`` of it."""

    charge = StripeIdField(Charge.objects.all(), scope=sold_charges, help_text="ch_... of a charge paid to you")
    amount = money_amount(required=False, allow_null=True, min_value=None, help_text="Default: what is left")
    reason = serializers.ChoiceField(choices=sorted(REASONS), required=False)
    refund_application_fee = serializers.BooleanField(required=False)
    metadata = Metadata()


class RefundSerializer(MirrorSerializer):
    stripe_account = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)
    charge = serializers.SlugRelatedField(slug_field="stripe_id", read_only=True)

    class Meta:
        model = Refund
        fields = ["id", "stripe_id", "charge", "stripe_account", "amount", "currency", "status", "reason",
                  "livemode", "created", "stripe_data"]
        read_only_fields = fields
