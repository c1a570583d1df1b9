"""Throttling of the endpoints that call Stripe: every write, and the few reads that do."""
from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

DEFAULT_WRITE_RATE = "60/minute"


class StripeWriteThrottle(UserRateThrottle):
    """Limits POST/PATCH/PUT/DELETE per user (per IP for anonymous requests), and the
    reads a view lists in ``stripe_read_actions`` (they ask Stripe, not the mirror);
    reads of the mirror are free.

    The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["pinax_connect_write"]``
    when set, else ``60/minute``.
    """

    scope = "pinax_connect_write"

    def get_rate(self) -> str | None:
        rates = (getattr(settings, "REST_FRAMEWORK", None) or {}).get("DEFAULT_THROTTLE_RATES") or {}
        return rates.get(self.scope, DEFAULT_WRITE_RATE)

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS and getattr(view, "action", None) not in getattr(
                view, "stripe_read_actions", ()):
            return True
        return super().allow_request(request, view)
