"""Stripe errors (and ours) turned into REST answers.

A Stripe error naming a parameter (``individual[dob][year]``) becomes a 400 in
Django REST framework's validation-error shape, on the deepest field of the
request serializer that produced it (``{"individual": {"dob": ["..."]}}``); the
parameter parsing and message rules are the forms' (:mod:`pinax_connect.forms.errors`).
Everything else gets a status by kind and Stripe's code: 402 for a decline, 409
for a state conflict, 503 when Stripe cannot be reached or refuses our keys.
Messages never quote a sensitive value the client submitted.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import stripe
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..exceptions import AccountDeauthorized, AccountNotReady, PinaxConnectError
from ..forms.errors import (
    CONNECTION_MESSAGE,
    GENERIC_MESSAGE,
    RATE_LIMIT_MESSAGE,
    param_to_path,
    scrub,
    user_message,
)

#: Keys whose values are sensitive wherever they appear in a request body.
SENSITIVE_KEYS = frozenset(
    {"account_number", "id_number", "id_number_secondary", "ssn_last_4", "personal_id_number", "tax_id",
     "vat_id", "number", "cvc"}
)
#: Stripe codes that mean "the object is not in the state this needs" (409).
CONFLICT_CODES = frozenset({"resource_already_exists", "idempotency_key_in_use", "lock_timeout",
                            "payment_intent_unexpected_state", "payment_method_unexpected_state",
                            "charge_already_refunded", "charge_already_captured"})


def sensitive_values(data: Any) -> list[str]:
    """Every value under a :data:`SENSITIVE_KEYS` key in a (nested) request body."""
    found: list[str] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            if key in SENSITIVE_KEYS and isinstance(value, (str, int)):
                found.append(str(value))
            else:
                found.extend(sensitive_values(value))
    elif isinstance(data, (list, tuple)):
        for item in data:
            found.extend(sensitive_values(item))
    return found


def field_path(serializer: serializers.BaseSerializer | None, dotted: str) -> list[str]:
    """The longest prefix of ``dotted`` that names a (nested) field of ``serializer``."""
    path: list[str] = []
    fields = getattr(serializer, "fields", None)
    for part in dotted.split(".") if dotted else []:
        if not fields or part not in fields:
            break
        path.append(part)
        fields = getattr(fields[part], "fields", None)
    return path


def nest(path: list[str], message: str) -> dict:
    """``["individual", "dob"]`` + message -> ``{"individual": {"dob": [message]}}``."""
    body: Any = [message]
    for part in reversed(path):
        body = {part: body}
    return body


def _code(exc: Exception) -> str | None:
    return getattr(exc, "code", None) or None


def _detail(message: str, code: str | None, **extra: Any) -> dict:
    body = {"detail": message, "code": code or "error"}
    body.update({k: v for k, v in extra.items() if v})
    return body


def stripe_error_response(
    exc: Exception,
    *,
    serializer: serializers.BaseSerializer | None = None,
    param_map: Mapping[str, str] | None = None,
    secrets: Iterable[str] = (),
) -> Response | None:
    """The REST answer for ``exc``, or ``None`` when it is not ours to translate.

    ``serializer`` is the write serializer of the request (the field tree errors
    are placed on); ``param_map`` renames the head of a Stripe parameter to the
    request field that produced it (``{"transfer_data": "account"}``); ``secrets``
    are the sensitive values submitted, masked out of every message.
    """
    secrets = list(secrets)
    if isinstance(exc, stripe.APIConnectionError):
        return Response(_detail(str(CONNECTION_MESSAGE), "api_connection_error"), status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, stripe.RateLimitError):
        return Response(_detail(str(RATE_LIMIT_MESSAGE), _code(exc) or "rate_limit"),
                        status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "1"})
    if isinstance(exc, (stripe.AuthenticationError, stripe.PermissionError, stripe.APIError)):
        # Our keys or Stripe itself: nothing the client can fix, and no detail to leak.
        return Response(_detail(str(GENERIC_MESSAGE), "payment_provider_unavailable"),
                        status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, stripe.IdempotencyError):
        return Response(_detail(scrub(user_message(exc) or GENERIC_MESSAGE, secrets), "idempotency_error"),
                        status.HTTP_409_CONFLICT)
    if isinstance(exc, stripe.CardError):
        error = getattr(exc, "error", None)
        return Response(
            _detail(scrub(user_message(exc) or GENERIC_MESSAGE, secrets), _code(exc) or "card_declined",
                    decline_code=getattr(error, "decline_code", None)),
            status.HTTP_402_PAYMENT_REQUIRED,
        )
    if isinstance(exc, stripe.InvalidRequestError):
        message = scrub(user_message(exc) or GENERIC_MESSAGE, secrets)
        code = _code(exc)
        if code in CONFLICT_CODES:
            return Response(_detail(message, code), status.HTTP_409_CONFLICT)
        param = getattr(exc, "param", None)
        if param:
            dotted = param_to_path(param)
            head, _, rest = dotted.partition(".")
            if param_map and head in param_map:
                dotted = ".".join(p for p in (param_map[head], rest) if p)
            path = field_path(serializer, dotted) or [api_settings.NON_FIELD_ERRORS_KEY]
            return Response(nest(path, message), status.HTTP_400_BAD_REQUEST)
        if getattr(exc, "http_status", None) == 404:
            return Response(_detail(message, code or "resource_missing"), status.HTTP_404_NOT_FOUND)
        return Response(_detail(message, code or "invalid_request"), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (AccountNotReady, AccountDeauthorized)):
        code = "account_not_ready" if isinstance(exc, AccountNotReady) else "account_deauthorized"
        return Response(_detail(scrub(str(exc), secrets), code), status.HTTP_409_CONFLICT)
    if isinstance(exc, PinaxConnectError):
        return Response(_detail(scrub(str(exc), secrets), "invalid_request"), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, stripe.StripeError):
        return Response(_detail(str(GENERIC_MESSAGE), _code(exc) or "stripe_error"), status.HTTP_400_BAD_REQUEST)
    return None


class ErrorSerializer(serializers.Serializer):
    """A non-field error: ``detail`` (for people), ``code`` (Stripe's, or ours)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    decline_code = serializers.CharField(required=False, help_text="Card declines only (402).")
