"""The registry's building blocks: :class:`Entry` (one requirement path and how
to collect it), the :class:`Context` fields are built for, the simple entries
(text, choice, yes/no, date of birth, the generic field for unknown paths), the
validators they use, and the nested-dict helpers.

Entries of several fields (address, documents, bank account, terms) are in
:mod:`.compound_entries`, Stripe's structured values in :mod:`.structured`; the
tables and path resolution in :mod:`.fields`.
"""
import datetime
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import django
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .widgets import SensitiveInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from ..models import Account

MIN_AGE = 13


@dataclass
class Context:
    """What fields need to know about the seller: country, request, account, business type."""

    country: str
    request: HttpRequest | None = None
    account: "Account | None" = None
    business_type: str = "individual"
    currency: str | None = None


# ---- helpers -----------------------------------------------------------------------


def nested(path: str, value: Any) -> dict[str, Any]:
    """``nested("a.b", 1) == {"a": {"b": 1}}``."""
    for part in reversed(path.split(".")):
        value = {part: value}
    return value


def lookup(data: Any, path: str) -> Any:
    """The value at dotted ``path`` in nested dicts, or ``None``."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def deep_merge(into: dict[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """Merge nested dict ``other`` into ``into`` (in place) and return ``into``."""
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value
    return into


def _url_field(**kwargs: Any) -> forms.URLField:
    if django.VERSION >= (5, 0):
        kwargs["assume_scheme"] = "https"
    return forms.URLField(**kwargs)


def client_ip(request: HttpRequest) -> str:
    """The address the request came from (``REMOTE_ADDR``: proxies must set it right)."""
    return request.META.get("REMOTE_ADDR") or ""


def acceptance(request: HttpRequest) -> dict[str, Any]:
    """What Stripe records of a person accepting or declaring something now: ``date``
    (unix seconds), ``ip`` and ``user_agent`` of ``request``."""
    return {
        "date": int(time.time()),
        "ip": client_ip(request),
        "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:500],
    }


# ---- entries -----------------------------------------------------------------------


class Entry:
    """One row of the registry: a relative requirement path and how to collect it.

    ``key`` is the path relative to its scope (``"dob"``, ``"verification.document"``,
    ``"business_profile.url"``); it also answers every path below it
    (``dob.day``) and the extra relative paths in ``covers``.
    """

    sensitive = False

    def __init__(
        self, key: str, label: "StrOrPromise", *, covers: Iterable[str] = (), sensitive: bool | None = None
    ) -> None:
        self.key, self.label, self.covers = key, label, tuple(covers)
        if sensitive is not None:
            self.sensitive = sensitive

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key}>"

    def matches(self, rel_path: str) -> bool:
        """True when this entry collects the relative requirement path ``rel_path``."""
        return rel_path == self.key or rel_path.startswith(self.key + ".") or rel_path in self.covers

    def available(self, ctx: Context) -> bool:
        """False when this context cannot collect the value (then the seller is sent to Stripe)."""
        return True

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        """Fresh form fields, ``{suffix: Field}`` (``""`` = the entry's single field)."""
        raise NotImplementedError

    def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        """Pre-fill values ``{suffix: value}`` from the scope's Stripe dict ``data``."""
        if self.sensitive:
            return {}
        value = lookup(data, self.key)
        return {"": value} if value not in (None, "") else {}

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        """Stripe parameters (nested, relative to the scope) from cleaned ``{suffix: value}``."""
        value = values.get("")
        if value in (None, ""):
            return {}
        return nested(self.key, value)

    def suffix_for(self, rest: str, ctx: Context) -> str:
        """The suffix of the field a Stripe error on ``<key>.<rest>`` belongs on."""
        return ""


class TextEntry(Entry):
    """A single text-like value (name, email, phone, ID number...)."""

    def __init__(self, key: str, label: "StrOrPromise", *, field_class: Callable[..., forms.Field] = forms.CharField,
                 max_length: int | None = None, validators: Iterable[Callable[[Any], None]] = (),
                 help_text: "StrOrPromise" = "", cleaner: Callable[[str, Context], str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(key, label, **kwargs)
        self.field_class, self.max_length = field_class, max_length
        self.validators, self.help_text, self.cleaner = tuple(validators), help_text, cleaner

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        kwargs: dict[str, Any] = {"label": self.label, "help_text": self.help_text, "validators": list(self.validators)}
        if self.max_length:
            kwargs["max_length"] = self.max_length
        if self.sensitive:
            kwargs["widget"] = SensitiveInput()
        if getattr(self.field_class, "needs_country", False):
            kwargs["country"] = ctx.country
        return {"": self.field_class(**kwargs)}

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        value = values.get("")
        if value not in (None, "") and self.cleaner:
            value = self.cleaner(value, ctx)
        return super().to_params({"": value}, ctx)


class ChoiceEntry(Entry):
    """A value picked from a fixed list (MCC, business type)."""

    def __init__(self, key: str, label: "StrOrPromise", choices: Iterable[tuple[str, "StrOrPromise"]],
                 **kwargs: Any) -> None:
        super().__init__(key, label, **kwargs)
        self.choices = choices

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        return {"": forms.ChoiceField(label=self.label, choices=[("", "---------")] + list(self.choices))}


class BooleanEntry(Entry):
    """A yes/no fact (e.g. the representative also owns the company)."""

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        return {"": forms.BooleanField(label=self.label, required=False)}

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        return nested(self.key, bool(values.get("")))


class DateOfBirthEntry(Entry):
    """``dob.day`` / ``dob.month`` / ``dob.year`` collected as one date."""

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        field = forms.DateField(
            label=self.label,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"],
            validators=[validate_birth_date],
        )
        return {"": field}

    def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        dob = lookup(data, self.key) or {}
        try:
            return {"": datetime.date(int(dob["year"]), int(dob["month"]), int(dob["day"]))}
        except (KeyError, TypeError, ValueError):
            return {}

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        value = values.get("")
        if not value:
            return {}
        return nested(self.key, {"day": value.day, "month": value.month, "year": value.year})


def validate_birth_date(value: datetime.date) -> None:
    """A birth date in the past, after 1900, of someone at least ``MIN_AGE`` years old."""
    today = datetime.date.today()
    if value.year < 1900 or value > today:
        raise ValidationError(_("Enter a valid date of birth."), code="invalid_dob")
    try:
        latest = today.replace(year=today.year - MIN_AGE)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year - MIN_AGE, day=28)
    if value > latest:
        raise ValidationError(
            _("The account holder must be at least %(age)s years old."), code="too_young", params={"age": MIN_AGE}
        )


class GenericEntry(TextEntry):
    """A path the registry does not know: a clearly labelled free-text field."""

    def __init__(self, key: str) -> None:
        super().__init__(
            key,
            _("Requested by Stripe: %(path)s") % {"path": key.replace("_", " ").replace(".", " › ")},
            max_length=500,
            help_text=_("Stripe asks for this information; enter it exactly as it appears on official documents."),
        )

    # Built per path, so two bindings of the same unknown path must compare equal.
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.key == self.key

    def __hash__(self) -> int:
        return hash((type(self), self.key))


# ---- validators ---------------------------------------------------------------------

phone_validator = RegexValidator(
    r"^\+?[\d\s().-]{6,20}$", _("Enter a valid phone number (digits, optionally starting with +)."), "invalid_phone"
)
ssn_last_4_validator = RegexValidator(r"^\d{4}$", _("Enter the last 4 digits."), "invalid_ssn_last_4")
id_number_validator = RegexValidator(r"^[A-Za-z0-9\s./-]{4,30}$", _("Enter a valid ID number."), "invalid_id_number")
tax_id_validator = RegexValidator(r"^[A-Za-z0-9\s./-]{4,30}$", _("Enter a valid tax ID."), "invalid_tax_id")


def _us_id_number(value: str, ctx: Context) -> str:
    # A US "id_number" is the full SSN (or ITIN): nine digits, sent without dashes.
    digits = re.sub(r"[\s-]", "", value)
    return digits if ctx.country == "US" else value.strip()


class IDNumberField(forms.CharField):
    """A national ID number; nine digits for the US (SSN/ITIN)."""

    needs_country = True

    def __init__(self, *, country: str | None = None, **kwargs: Any) -> None:
        self.country = country
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value and self.country == "US":
            if not re.fullmatch(r"\d{9}", re.sub(r"[\s-]", "", value)):
                raise ValidationError(_("Enter the full 9-digit Social Security number."), code="invalid_ssn")
        return value
