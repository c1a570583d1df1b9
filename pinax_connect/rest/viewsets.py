"""The base of every endpoint: triplet serializers, ownership, Stripe errors.

A viewset names three serializers, as in seed 000: ``create_serializer_class``
(what Stripe accepts on create), ``update_serializer_class`` (the narrower set it
accepts on update) and ``serializer_class`` (the mirrored row). Writes validate
with the first two, call an action, and answer with the third.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ..client import intent_key
from .errors import sensitive_values, stripe_error_response
from .filters import QueryFilter
from .pagination import StripeCursorPagination
from .schema import StripeAutoSchema
from .throttling import StripeWriteThrottle

_F = TypeVar("_F", bound=Callable[..., Any])


def stripe_action(**kwargs: Any) -> Callable[[_F], _F]:
    """``@action`` whose schema is ours even under ``@extend_schema`` (which otherwise
    falls back to the project's DEFAULT_SCHEMA_CLASS, and the host need not set one)."""
    return action(schema=StripeAutoSchema(), **kwargs)


def compact(data: Any) -> Any:
    """``data`` without ``None`` values and the dicts left empty by dropping them.

    Stripe objects read back from the API (the seed's PUT-the-source-back style)
    carry ``null`` for everything unset; Stripe would read a sent empty string as
    "unset this", so absent stays absent.
    """
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            value = compact(value)
            if value is None or (isinstance(value, dict) and not value and key != "metadata"):
                continue
            out[key] = value
        return out
    if isinstance(data, list):
        return [compact(item) for item in data]
    return data


class StripeResourceViewSet(viewsets.GenericViewSet):
    """Common behaviour; subclasses add the mixins / actions they support and :meth:`owned`."""

    permission_classes = [IsAuthenticated]
    pagination_class = StripeCursorPagination
    throttle_classes = [StripeWriteThrottle]
    filter_backends = [QueryFilter]
    schema = StripeAutoSchema()
    create_serializer_class: type[serializers.Serializer] | None = None
    update_serializer_class: type[serializers.Serializer] | None = None
    #: per action name: the input serializer of extra actions.
    action_serializer_classes: dict[str | None, type[serializers.Serializer]] = {}
    filter_fields: dict[str, tuple[str, str]] = {}
    #: Stripe parameter head -> request field that produced it (see errors.stripe_error_response).
    stripe_param_map: dict[str, str] = {}
    #: GET actions that read Stripe rather than the mirror: throttled like writes.
    stripe_read_actions: tuple[str, ...] = ()
    #: True where a write may end in a card decline (documents the 402 answer).
    may_decline = False

    # ---- ownership --------------------------------------------------------------

    def owned(self, queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
        """The rows of ``queryset`` that belong to ``user`` (subclasses say how)."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        user = getattr(self.request, "user", None)
        if getattr(self, "swagger_fake_view", False) or user is None or not user.is_authenticated:
            return queryset.none()
        if user.is_staff and self.request.method in SAFE_METHODS:
            return queryset
        # Another user's object is simply not there: a 404, never a 403 that confirms it exists.
        return self.owned(queryset, user)

    # ---- serializers ------------------------------------------------------------

    def write_serializer_class_for(self, action: str | None) -> type[serializers.Serializer] | None:
        if action == "create":
            return self.create_serializer_class
        if action in ("partial_update", "update"):
            return self.update_serializer_class
        return self.action_serializer_classes.get(action)

    def validated(self, data: Any = None, *, action: str | None = None, **kwargs: Any) -> serializers.Serializer:
        """The write serializer of ``action`` (default: this request's), validated."""
        serializer_class = self.write_serializer_class_for(action or self.action)
        assert serializer_class is not None, (
            f"{type(self).__name__} has no input serializer for action {action or self.action!r}: "
            "set create_serializer_class / update_serializer_class or add it to action_serializer_classes."
        )
        serializer = serializer_class(data=self.request.data if data is None else data,
                                      context=self.get_serializer_context(), **kwargs)
        self._write_serializer = serializer  # errors from Stripe are placed on its fields
        serializer.is_valid(raise_exception=True)
        return serializer

    def read_response(self, instance: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(instance).data, status=code)

    def idempotency_key(self) -> str | None:
        """A key for Stripe from the client's ``Idempotency-Key`` header, scoped to the user and endpoint."""
        key = self.request.headers.get("Idempotency-Key")
        if not key:
            return None
        return intent_key(f"rest-{self.basename}-{self.action}", self.request.user.pk, key)

    # ---- errors -----------------------------------------------------------------

    def handle_exception(self, exc: Exception) -> Response:
        try:
            data = self.request.data
        except Exception:  # an unparseable body has nothing to scrub
            data = {}
        response = stripe_error_response(
            exc,
            serializer=getattr(self, "_write_serializer", None),
            param_map=self.stripe_param_map,
            secrets=sensitive_values(data),
        )
        if response is not None:
            return response
        return super().handle_exception(exc)


class CreateMixin:
    """POST on the list: validate, :meth:`perform_stripe_create`, answer 201 with the mirror."""

    # Provided by the viewset it is mixed into (annotations only).
    validated: Any
    perform_stripe_create: Any
    read_response: Any

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.validated()
        instance = self.perform_stripe_create(compact(serializer.validated_data))
        return self.read_response(instance, status.HTTP_201_CREATED)


class UpdateMixin:
    """PATCH (and PUT, which Stripe treats as partial too): validate, update, answer with the mirror."""

    # Provided by the viewset it is mixed into (annotations only).
    get_object: Any
    validated: Any
    perform_stripe_update: Any
    read_response: Any

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        serializer = self.validated(partial=True)
        data = compact(serializer.validated_data)
        if not data:
            raise ValidationError({"non_field_errors": ["Nothing to update."]})
        instance = self.perform_stripe_update(instance, data)
        return self.read_response(instance)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)
