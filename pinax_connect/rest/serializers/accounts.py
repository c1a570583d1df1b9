"""Connected accounts: create / update / read, and the onboarding links."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...actions import accounts as account_actions
from ...actions.onboarding import COLLECT_OPTIONS, LINK_TYPES
from ...models import Account
from .common import Currency, Metadata, optional, sensitive, text

BUSINESS_TYPES = ("individual", "company", "non_profit", "government_entity")


class AddressSerializer(serializers.Serializer):
    line1 = text(max_length=200)
    line2 = text(max_length=200)
    city = text(max_length=100)
    state = text(max_length=100)
    postal_code = text(max_length=20)
    country = text(max_length=2)


DATE_OF_BIRTH_SCHEMA = {
    "oneOf": [
        {"type": "object", "properties": {k: {"type": "integer"} for k in ("day", "month", "year")},
         "required": ["day", "month", "year"]},
        {"type": "string", "format": "date"},
    ],
    "nullable": True,
}
CAPABILITIES_SCHEMA = {
    "oneOf": [
        {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"requested": {"type": "boolean"}}}},
        {"type": "array", "items": {"type": "string"}},
    ],
    "nullable": True,
    "example": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
}
EXTERNAL_ACCOUNT_SCHEMA = {
    "oneOf": [
        {"type": "string", "description": "A token id (btok_..., tok_...)"},
        {"type": "object", "description": "Bank details; account_number is write-only",
         "properties": {k: {"type": "string"} for k in (
             "country", "currency", "account_number", "routing_number", "account_holder_name",
             "account_holder_type")},
         "required": ["country", "currency", "account_number"]},
    ],
    "nullable": True,
    "writeOnly": True,
}


@extend_schema_field(DATE_OF_BIRTH_SCHEMA)
class DateOfBirthField(serializers.Field):
    """``{"day", "month", "year"}`` (Stripe's shape) or ``"YYYY-MM-DD"``; one field for errors."""

    def to_internal_value(self, data: Any) -> dict[str, int]:
        if isinstance(data, str):
            parts = data.split("-")
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                data = {"year": parts[0], "month": parts[1], "day": parts[2]}
        if not isinstance(data, dict):
            raise serializers.ValidationError('Expected {"day", "month", "year"} or "YYYY-MM-DD".')
        try:
            values = {key: int(data[key]) for key in ("day", "month", "year")}
        except (KeyError, TypeError, ValueError):
            raise serializers.ValidationError("day, month and year must all be numbers.") from None
        return values

    def to_representation(self, value: Any) -> Any:
        return value


class PersonSerializer(serializers.Serializer):
    """``individual`` / ``representative`` details Stripe accepts on an account."""

    first_name = text(max_length=100)
    last_name = text(max_length=100)
    email = optional(serializers.EmailField)
    phone = text(max_length=40)
    dob = DateOfBirthField(required=False, allow_null=True)
    address = AddressSerializer(required=False, allow_null=True)
    id_number = sensitive(required=False, allow_null=True)
    ssn_last_4 = sensitive(required=False, allow_null=True, max_length=4)
    metadata = Metadata()


class CompanySerializer(serializers.Serializer):
    name = text(max_length=255)
    phone = text(max_length=40)
    address = AddressSerializer(required=False, allow_null=True)
    tax_id = sensitive(required=False, allow_null=True)
    structure = text(max_length=64)


class BusinessProfileSerializer(serializers.Serializer):
    mcc = text(max_length=4)
    name = text(max_length=255)
    url = text(max_length=255)
    product_description = text(max_length=500)
    support_email = optional(serializers.EmailField)
    support_phone = text(max_length=40)
    support_url = text(max_length=255)


class TosAcceptanceSerializer(serializers.Serializer):
    date = optional(serializers.IntegerField, min_value=0, help_text="Unix seconds")
    ip = optional(serializers.IPAddressField)
    user_agent = text(max_length=500)
    service_agreement = optional(serializers.ChoiceField, choices=["full", "recipient"])


class ScheduleSerializer(serializers.Serializer):
    interval = optional(serializers.ChoiceField, choices=["manual", "daily", "weekly", "monthly"])
    delay_days = optional(serializers.IntegerField, min_value=0)
    weekly_anchor = text(max_length=10)
    monthly_anchor = optional(serializers.IntegerField, min_value=1, max_value=31)


class PayoutSettingsSerializer(serializers.Serializer):
    schedule = ScheduleSerializer(required=False, allow_null=True)
    statement_descriptor = text(max_length=22)
    debit_negative_balances = optional(serializers.BooleanField)


class PaymentSettingsSerializer(serializers.Serializer):
    statement_descriptor = text(max_length=22)


class SettingsSerializer(serializers.Serializer):
    payouts = PayoutSettingsSerializer(required=False, allow_null=True)
    payments = PaymentSettingsSerializer(required=False, allow_null=True)


class ControllerSerializer(serializers.Serializer):
    class Fees(serializers.Serializer):
        payer = optional(serializers.ChoiceField, choices=["account", "application"])

    class Losses(serializers.Serializer):
        payments = optional(serializers.ChoiceField, choices=["application", "stripe"])

    class Dashboard(serializers.Serializer):
        type = optional(serializers.ChoiceField, choices=["express", "full", "none"])

    fees = Fees(required=False, allow_null=True)
    losses = Losses(required=False, allow_null=True)
    requirement_collection = optional(serializers.ChoiceField, choices=["application", "stripe"])
    stripe_dashboard = Dashboard(required=False, allow_null=True)


@extend_schema_field(CAPABILITIES_SCHEMA)
class CapabilitiesField(serializers.Field):
    """Capabilities to request: ``{"transfers": {"requested": true}}`` (Stripe's request shape),
    ``["transfers"]``, or an account's own ``{"transfers": "active"}`` read back."""

    def to_internal_value(self, data: Any) -> dict[str, dict[str, bool]]:
        if isinstance(data, list):
            data = {name: {"requested": True} for name in data}
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected a list of capability names or a dict.")
        out = {}
        for name, value in data.items():
            if not isinstance(name, str) or not name:
                raise serializers.ValidationError("Capability names must be strings.")
            if isinstance(value, str):
                if value == "unrequested":
                    continue
                value = {"requested": True}
            if not isinstance(value, dict) or not isinstance(value.get("requested", True), bool):
                raise serializers.ValidationError(f'{name}: expected {{"requested": true|false}}.')
            out[name] = {"requested": value.get("requested", True)}
        return out

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(EXTERNAL_ACCOUNT_SCHEMA)
class ExternalAccountInput(serializers.Field):
    """A token (``btok_`` / ``tok_``) or bank details; the account number is write-only."""

    def to_internal_value(self, data: Any) -> str | dict[str, Any]:
        if isinstance(data, str) and data:
            return data
        if isinstance(data, dict):
            from .external_accounts import BankAccountSerializer

            serializer = BankAccountSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            return {"object": "bank_account", **serializer.validated_data}
        raise serializers.ValidationError("Expected a token id or a dict of bank details.")

    def to_representation(self, value: Any) -> None:  # pragma: no cover - write-only
        return None


class AccountUpdateSerializer(serializers.Serializer):
    """What Stripe accepts on ``POST /v1/accounts/{id}`` (no type, controller or country)."""

    email = optional(serializers.EmailField)
    business_type = optional(serializers.ChoiceField, choices=BUSINESS_TYPES)
    business_profile = BusinessProfileSerializer(required=False, allow_null=True)
    individual = PersonSerializer(required=False, allow_null=True)
    company = CompanySerializer(required=False, allow_null=True)
    tos_acceptance = TosAcceptanceSerializer(required=False, allow_null=True)
    capabilities = CapabilitiesField(required=False, allow_null=True)
    default_currency = optional(Currency)
    settings = SettingsSerializer(required=False, allow_null=True)
    external_account = ExternalAccountInput(required=False, allow_null=True, write_only=True,
                                            help_text="A token id or bank details (account number write-only).")
    metadata = Metadata()


class AccountCreateSerializer(AccountUpdateSerializer):
    """What Stripe accepts on ``POST /v1/accounts``: ``type`` or ``controller``, and ``country``.

    An account object read back from this API or Stripe may be posted as is (seed
    000's style): fields Stripe does not accept on create are ignored, and a
    ``controller`` that says the same as ``type`` is dropped.
    """

    type = optional(serializers.ChoiceField, choices=account_actions.ACCOUNT_TYPES)
    controller = ControllerSerializer(required=False, allow_null=True)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", help_text="Two-letter ISO country code.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind, controller = attrs.get("type"), attrs.get("controller")
        if kind and controller:
            if account_actions.account_type({"controller": controller}) != kind:
                raise serializers.ValidationError({"controller": ["Says another account type than type."]})
            attrs.pop("controller")
        elif not kind and not controller:
            raise serializers.ValidationError({"type": ["Give type (custom, express, standard) or controller."]})
        return attrs


class AccountSerializer(serializers.ModelSerializer):
    """The mirrored account (no Stripe call)."""

    class Meta:
        model = Account
        fields = [
            "id", "stripe_id", "type", "country", "default_currency", "email", "business_type",
            "business_name", "business_url", "charges_enabled", "payouts_enabled", "details_submitted",
            "capabilities", "requirements", "verification_fields_needed", "verification_due_by",
            "verification_disabled_reason", "authorized", "livemode", "created", "synced_at", "stripe_data",
        ]
        read_only_fields = fields


class AccountLinkSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=LINK_TYPES, default="account_onboarding")
    refresh_url = serializers.URLField()
    return_url = serializers.URLField()
    collect = serializers.ChoiceField(choices=COLLECT_OPTIONS, required=False)


class LinkSerializer(serializers.Serializer):
    """A single-use, short-lived URL to send the seller to (never stored)."""

    url = serializers.URLField()


class RequirementSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Stripe's requirement path, e.g. individual.dob.day")
    label = serializers.CharField(help_text="What to ask the seller for")


class RequirementsSerializer(serializers.Serializer):
    currently_due = RequirementSerializer(many=True)
    eventually_due = RequirementSerializer(many=True)
    past_due = RequirementSerializer(many=True)
    pending_verification = RequirementSerializer(many=True)
    errors = serializers.ListField(child=serializers.DictField())
    current_deadline = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField(allow_null=True)


class BalanceSerializer(serializers.Serializer):
    """Amounts per currency, in major units (strings)."""

    available = serializers.DictField(child=serializers.DecimalField(max_digits=None, decimal_places=None))
    pending = serializers.DictField(child=serializers.DecimalField(max_digits=None, decimal_places=None))
    instant_available = serializers.DictField(child=serializers.DecimalField(max_digits=None, decimal_places=None))
    livemode = serializers.BooleanField()
