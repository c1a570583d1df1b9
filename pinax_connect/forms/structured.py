"""Registry entries for Stripe's structured values: enums, money, arrays, files, attestations.

Each class is an :class:`~pinax_connect.forms.entries.Entry` (see that module for the
protocol). They send what Stripe's API wants rather than text: ``political_exposure``
from Stripe's enum, ``full_name_aliases`` as an array, ``monthly_estimated_revenue``
as ``{amount (minor units), currency}``, ``documents[<kind>][files][]`` as uploaded
file ids, ``company.ownership_declaration`` with the date and IP of the request.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import countries, money

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .entries import Context

# Stripe's enums (OpenAPI spec, API version 2023-08-16).
POLITICAL_EXPOSURE_CHOICES = [
    ("none", _("No")),
    ("existing", _("Yes: I am (or am close to) a politically exposed person")),
]
GENDER_CHOICES = [("female", _("Female")), ("male", _("Male"))]
COMPANY_STRUCTURE_CHOICES = [(value, value.replace("_", " ").capitalize()) for value in (
    "free_zone_establishment", "free_zone_llc", "government_instrumentality", "governmental_unit",
    "incorporated_non_profit", "incorporated_partnership", "limited_liability_partnership", "llc",
    "multi_member_llc", "private_company", "private_corporation", "private_partnership", "public_company",
    "public_corporation", "public_partnership", "single_member_llc", "sole_establishment",
    "sole_proprietorship", "tax_exempt_government_instrumentality", "unincorporated_association",
    "unincorporated_non_profit", "unincorporated_partnership",
)]

# Upload purposes Stripe wants, by where the file id is sent.
PURPOSE_IDENTITY = "identity_document"
PURPOSE_COMPANY = "additional_verification"
PURPOSE_REQUIREMENT = "account_requirement"


def purpose_for(scope: str, path: tuple[str, ...]) -> str:
    """The File API ``purpose`` for a file sent at ``path`` (a tuple of keys) in ``scope``.

    ``documents[...]`` files are ``account_requirement``; the company's
    ``verification.document`` is ``additional_verification``; a person's identity
    documents are ``identity_document``.
    """
    if "documents" in path:
        return PURPOSE_REQUIREMENT
    if not scope and path[:1] == ("company",):
        return PURPOSE_COMPANY
    return PURPOSE_IDENTITY


def build(  # noqa: N803  (classes passed in)
    Entry: Any,
    nested: Callable[[str, Any], dict[str, Any]],
    lookup: Callable[[Any, str], Any],
    DocumentField: type[forms.FileField],
    acceptance: Callable[[HttpRequest], dict[str, Any]],
) -> dict[str, Any]:
    """Define the structured entry classes on top of the registry's ``Entry``.

    :mod:`.fields` calls this once, passing its base class and helpers, so that the
    two modules do not import each other.
    """

    class EnumEntry(Entry):
        """One of Stripe's enum values, as a choice (the current value is kept if unknown)."""

        def __init__(self, key: str, label: StrOrPromise, choices: Iterable[tuple[str, StrOrPromise]], *,
                     required: bool = True, **kwargs: Any) -> None:
            super().__init__(key, label, **kwargs)
            self.choices, self.required = list(choices), required

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            return {"": forms.ChoiceField(label=self.label, required=self.required,
                                          choices=[("", "---------")] + list(self.choices))}

    class CountryCodeEntry(Entry):
        """A two-letter country code (``nationality``), upper-cased."""

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            return {"": forms.RegexField(label=self.label, regex=r"^[A-Za-z]{2}$", max_length=2,
                                         help_text=_("Two-letter country code, for example FR."),
                                         error_messages={"invalid": _("Enter a two-letter country code.")})}

        def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            value = values.get("")
            return nested(self.key, value.upper()) if value else {}

    class ListEntry(Entry):
        """An array of strings (``full_name_aliases``): one per line, sent as an array."""

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            return {"": forms.CharField(label=self.label, widget=forms.Textarea(attrs={"rows": 3}),
                                        help_text=_("One per line."), max_length=3000)}

        def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            value = lookup(data, self.key)
            return {"": "\n".join(value)} if value else {}

        def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            lines = [line.strip() for line in (values.get("") or "").splitlines() if line.strip()]
            return nested(self.key, lines) if lines else {}

    class MoneyEntry(Entry):
        """An amount with its currency (``monthly_estimated_revenue``); sent in minor units."""

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            currency = ctx.currency or countries.default_currency(ctx.country)
            return {
                "amount": forms.DecimalField(label=self.label, min_value=0, max_digits=14, decimal_places=3),
                "currency": forms.RegexField(label=_("Currency"), regex=r"^[A-Za-z]{3}$", initial=currency,
                                             max_length=3),
            }

        def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            value = lookup(data, self.key) or {}
            if not value.get("currency") or value.get("amount") is None:
                return {}
            return {"amount": money.from_minor(value["amount"], value["currency"]), "currency": value["currency"]}

        def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            amount = values.get("amount")
            if amount in (None, ""):
                return {}
            currency = (values.get("currency") or ctx.currency or countries.default_currency(ctx.country)).lower()
            return nested(self.key, {"amount": money.to_minor(amount, currency), "currency": currency})

        def suffix_for(self, rest: str, ctx: Context) -> str:
            return "currency" if rest.startswith("currency") else "amount"

    class PercentEntry(Entry):
        """A percentage between 0 and 100 (``relationship.percent_ownership``)."""

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            return {"": forms.DecimalField(label=self.label, min_value=0, max_value=100, decimal_places=2,
                                           required=False)}

        def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            value = values.get("")
            return {} if value is None else nested(self.key, format(value.normalize(), "f"))

    class AttestationEntry(Entry):
        """A ``*_provided`` attestation: a checkbox that must be ticked, sent as ``true``."""

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            return {"": forms.BooleanField(label=self.label, required=True)}

        def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            return {"": True} if lookup(data, self.key) else {}

        def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            return nested(self.key, True) if values.get("") else {}

    class DeclarationEntry(Entry):
        """``company.ownership_declaration``: a checkbox; date, IP and user agent from the request."""

        def available(self, ctx: Context) -> bool:
            return ctx.request is not None

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            return {"": forms.BooleanField(
                label=self.label, required=True,
                help_text=_("I confirm that the owners and directors listed are complete and correct."))}

        def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            return {}

        def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            if not values.get(""):
                return {}
            # available() kept this entry out of forms without a request.
            return nested(self.key, acceptance(cast(HttpRequest, ctx.request)))

    class FilesEntry(Entry):
        """``documents.<kind>``: one or two uploads, sent as ``documents[<kind>][files][]``
        (file ids of purpose ``account_requirement``, swapped in on save)."""

        sensitive = True

        def fields(self, ctx: Context) -> dict[str, forms.Field]:
            help_text = _("A clear scan or photo: JPG, PNG or PDF, under 10 MB.")
            return {"files": DocumentField(label=self.label, help_text=help_text),
                    "more": DocumentField(label=_("%(label)s (another page)") % {"label": self.label},
                                          required=False, help_text=help_text)}

        def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
            files = [values[k] for k in ("files", "more") if values.get(k)]
            return nested(self.key, {"files": files}) if files else {}

        def suffix_for(self, rest: str, ctx: Context) -> str:
            return "files"

    return {cls.__name__: cls for cls in (EnumEntry, CountryCodeEntry, ListEntry, MoneyEntry, PercentEntry,
                                          AttestationEntry, DeclarationEntry, FilesEntry)}


__all__ = ["build", "purpose_for", "POLITICAL_EXPOSURE_CHOICES", "GENDER_CHOICES", "COMPANY_STRUCTURE_CHOICES"]
