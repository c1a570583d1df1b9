"""Fields shared by the request serializers."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from ... import money

_F = TypeVar("_F", bound=serializers.Field)

SENSITIVE_HELP = "Write-only: sent to Stripe, never stored, logged or returned."


def sensitive(**kwargs: Any) -> serializers.CharField:
    """A write-only text input (ID number, account number): never part of any answer."""
    return serializers.CharField(write_only=True, trim_whitespace=True,
                                 help_text=SENSITIVE_HELP, style={"input_type": "password"}, **kwargs)


def optional(field_class: type[_F], **kwargs: Any) -> _F:
    """A field that may be absent or null (Stripe objects read back carry nulls)."""
    return field_class(required=False, allow_null=True, **kwargs)


def text(**kwargs: Any) -> serializers.CharField:
    return optional(serializers.CharField, allow_blank=True, **kwargs)


class Metadata(serializers.DictField):
    """Stripe metadata: up to 50 string values."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.CharField(allow_blank=True, max_length=500))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class Currency(serializers.CharField):
    """A three-letter ISO currency code, lower-cased."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_length", 3)
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        try:
            return money.normalize_currency(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


def money_amount(**kwargs: Any) -> serializers.DecimalField:
    """An amount in the currency's major unit (``"12.50"``), as our actions take it."""
    kwargs.setdefault("min_value", Decimal("0"))
    return serializers.DecimalField(max_digits=21, decimal_places=3, coerce_to_string=True, **kwargs)


class StripeIdField(serializers.SlugRelatedField):
    """A row referred to by its Stripe id (``acct_...``), among those the request may use.

    ``scope(request, queryset)`` narrows the candidates; a row outside it reads as
    "does not exist", like any other user's object.
    """

    def __init__(
        self,
        queryset: QuerySet[Any],
        scope: Callable[[Request, QuerySet[Any]], QuerySet[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.scope = scope
        super().__init__(slug_field="stripe_id", queryset=queryset, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        request = self.context.get("request")
        if self.scope is not None and request is not None:
            queryset = self.scope(request, queryset)
        return queryset


# ``value`` in ``currency``'s own decimals (``"25.00"``, ``"2500"`` for JPY).
format_amount = money.format_number


class MirrorSerializer(serializers.ModelSerializer):
    """A read serializer of a mirrored row; amounts are strings in the row's currency's decimals."""

    def to_representation(self, instance: Model) -> dict[str, Any]:
        data = super().to_representation(instance)
        currency = getattr(instance, "currency", "") or ""
        for name, field in self.fields.items():
            if isinstance(field, serializers.DecimalField) and data.get(name) is not None:
                data[name] = format_amount(getattr(instance, field.source), currency)
        return data
