"""Stripe errors turned into form errors.

A Stripe error names the parameter it is about in bracket syntax
(``individual[dob][year]``, ``external_account[routing_number]``); the registry
knows which form field produced that parameter, so the message lands next to it.
Anything else becomes a non-field error. Connection problems and rate limits get a
friendly "try again" message. Messages never quote what the seller typed in a
sensitive field.
"""
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

import stripe
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .entries import Context
    from .fields import Binding
    from .requirements_form import StripeSubmitMixin

CONNECTION_MESSAGE = _(
    "We could not reach our payment provider. Nothing was changed: please try again in a moment."
)
RATE_LIMIT_MESSAGE = _("Our payment provider is busy right now. Please try again in a moment.")
GENERIC_MESSAGE = _("Our payment provider could not process this information. Please check it and try again.")


def param_to_path(param: str | None) -> str:
    """``individual[dob][year]`` -> ``individual.dob.year`` (list indexes dropped)."""
    parts = [p for p in re.split(r"[\[\]]+", param or "") if p and not p.isdigit()]
    return ".".join(parts)


def field_for_param(
    bindings: "Iterable[Binding]", ctx: "Context", dotted: str, fields: Collection[str]
) -> str | None:
    """The name of the form field that produced Stripe parameter ``dotted``, or ``None``."""
    for binding in bindings:
        path = binding.path
        if dotted == path or dotted.startswith(path + "."):
            rest = dotted[len(path) + 1:]
            name = binding.field_name(binding.entry.suffix_for(rest, ctx))
            if name in fields:
                return name
            # e.g. a document error on the back when only the front field exists
            for candidate in fields:
                if candidate == binding.field_name() or candidate.startswith(binding.field_name() + "__"):
                    return candidate
    return None


def scrub(message: object, secrets: Iterable[object]) -> str:
    """``message`` with every sensitive value the seller typed masked out."""
    message = str(message)
    for secret in secrets:
        secret = str(secret)
        if len(secret) >= 4 and secret in message:
            message = message.replace(secret, "•" * 4)
    return message


def user_message(exc: BaseException) -> str | None:
    """The message Stripe meant for end users (``error.user_message``, else ``error.message``)."""
    error = getattr(exc, "error", None)
    for value in (getattr(error, "user_message", None), getattr(exc, "user_message", None)):
        if value:
            return value
    return None


def apply_stripe_error(
    form: "StripeSubmitMixin", exc: stripe.StripeError, *, scope: str = "", secrets: Iterable[object] = ()
) -> str | None:
    """Record Stripe error ``exc`` on ``form`` (a field error when its ``param`` is known).

    ``scope`` prefixes the param of errors from person calls (``person_x`` + ``dob[year]``).
    Returns the field name the error was put on (``None`` for a non-field error). The
    caller re-raises ``exc`` afterwards, as the seed's views expect.
    """
    if isinstance(exc, stripe.APIConnectionError):
        form.add_error(None, CONNECTION_MESSAGE)
        return None
    if isinstance(exc, stripe.RateLimitError):
        form.add_error(None, RATE_LIMIT_MESSAGE)
        return None
    message: StrOrPromise = scrub(user_message(exc) or GENERIC_MESSAGE, secrets)
    param = getattr(exc, "param", None)
    field = None
    if param:
        dotted = param_to_path(param)
        if scope:
            dotted = f"{scope}.{dotted}"
        field = field_for_param(form.bindings, form.context, dotted, form.fields)
    if isinstance(exc, stripe.AuthenticationError) or isinstance(exc, stripe.APIError):
        message = GENERIC_MESSAGE
    form.add_error(field, message)
    return field
