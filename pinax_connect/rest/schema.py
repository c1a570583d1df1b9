"""OpenAPI (drf-spectacular) for the triplet viewsets: create/update serializers
describe the request, the read serializer the answer, and every write lists the
error shapes of :mod:`pinax_connect.rest.errors`."""
from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, OpenApiResponse
from rest_framework.serializers import Serializer

from .errors import ErrorSerializer

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ERRORS = {
    "400": "Invalid input. A Stripe error about a parameter is reported on the request field "
           "that produced it, in Django REST framework's validation-error shape "
           '(e.g. {"individual": {"dob": ["..."]}}); other problems as {"detail", "code"}.',
    "402": "The card was declined: {detail, code, decline_code}.",
    "409": "The object or account is not in a state that allows this (code says why).",
    "429": "Too many writes: see Retry-After.",
    "503": "Stripe could not be reached or refused the platform's keys; nothing was changed.",
}


class StripeAutoSchema(AutoSchema):
    """Request = the view's create/update serializer, response = its read serializer."""

    def get_request_serializer(self) -> Serializer | type[Serializer] | None:
        writer = getattr(self.view, "write_serializer_class_for", None)
        serializer = writer(self.view.action) if writer else None
        return serializer or super().get_request_serializer()

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if self.method not in WRITE_METHODS:
            if self._is_list_view() is False and "{" in self.path:
                responses.setdefault("404", self._error("Not found, or not yours.", direction))
            if getattr(self.view, "action", None) in getattr(self.view, "stripe_read_actions", ()):
                for code in ("429", "503"):  # this read asks Stripe
                    responses.setdefault(code, self._error(ERRORS[code], direction))
            return responses
        for code, description in ERRORS.items():
            if code == "402" and not getattr(self.view, "may_decline", False):
                continue
            responses.setdefault(code, self._error(description, direction))
        if "{" in self.path:
            responses.setdefault("404", self._error("Not found, or not yours.", direction))
        return responses

    def _error(self, description: str, direction: Direction) -> dict[str, Any]:
        return self._get_response_for_code(OpenApiResponse(ErrorSerializer, description=description), "400",
                                           direction=direction)
