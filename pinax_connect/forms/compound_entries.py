"""Registry entries of several fields, or that reach beyond the form: a postal
address (per-country states and postal codes), identity documents (checked by
content, uploaded to Stripe's File API on save), the bank account
(``external_account``) and the terms of service (date, IP and user agent from
the request). See :mod:`.entries` for the :class:`~.entries.Entry` protocol.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import address as address_mod
from . import bank as bank_mod
from .entries import Context, Entry, acceptance, lookup, nested

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024  # Stripe's limit for identity documents
# Extension -> the bytes such a file starts with (what is uploaded must be what it claims).
DOCUMENT_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}


class PostalCodeField(forms.CharField):
    """A postal code checked (and normalized) for the country it belongs to."""

    def __init__(self, *, country: str, **kwargs: Any) -> None:
        self.country = country
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return address_mod.validate_postal_code(value, self.country)


class AddressEntry(Entry):
    """A postal address: line1, line2, city, state (per-country choices), postal code.

    Countries without postal codes (Hong Kong, the UAE) get no postal-code field;
    ``kana`` addresses (Japan's ``address_kana`` / ``address_kanji``) add ``town``.
    """

    PARTS = ("line1", "line2", "town", "city", "state", "postal_code")

    def __init__(self, key: str, label: "StrOrPromise", *, kana: bool = False, **kwargs: Any) -> None:
        super().__init__(key, label, **kwargs)
        self.kana = kana

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        out: dict[str, forms.Field] = {
            "line1": forms.CharField(label=_("Address"), max_length=200),
            "line2": forms.CharField(label=_("Address (line 2)"), max_length=200, required=False),
        }
        if self.kana:
            out["town"] = forms.CharField(label=_("Town (chome)"), max_length=100)
        out["city"] = forms.CharField(label=_("City"), max_length=100)
        subdivisions = None if self.kana else address_mod.state_choices(ctx.country)
        if subdivisions:
            label, choices = subdivisions
            out["state"] = forms.ChoiceField(label=label, choices=[("", "---------")] + list(choices))
        else:
            out["state"] = forms.CharField(label=_("State / county / region"), max_length=100,
                                           required=address_mod.state_required(ctx.country))
        if address_mod.has_postal_code(ctx.country):
            if self.kana:
                out["postal_code"] = forms.CharField(label=_("Postal code"), max_length=20)
            else:
                out["postal_code"] = PostalCodeField(label=_("Postal code"), country=ctx.country)
        return out

    def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        addr = lookup(data, self.key) or {}
        return {part: addr[part] for part in self.PARTS if addr.get(part)}

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        addr = {part: values[part] for part in self.PARTS if values.get(part)}
        if not addr:
            return {}
        addr["country"] = ctx.country
        return nested(self.key, addr)

    def suffix_for(self, rest: str, ctx: Context) -> str:
        part = rest.split(".")[0]
        return part if part in self.PARTS else "line1"


class DocumentField(forms.FileField):
    """An identity document: JPG, PNG or PDF under 10 MB, checked by content, not name."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        data = super().clean(data, initial)
        if data:
            validate_document(data)
        return data


def validate_document(upload: File) -> None:
    """Raise ``ValidationError`` unless ``upload`` is a JPG/PNG/PDF of at most 10 MB."""
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(_("The file must be smaller than 10 MB."), code="file_too_large")
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    signatures = DOCUMENT_SIGNATURES.get(extension)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not signatures or not head.startswith(signatures):
        raise ValidationError(_("Upload a JPG, PNG or PDF file."), code="invalid_file_type")


class DocumentEntry(Entry):
    """An identity document (front, optional back), uploaded to Stripe's File API on save.

    The cleaned value in the parameters is the uploaded file itself; the form's save
    swaps it for the ``file_...`` id Stripe returns (purpose ``identity_document``).
    """

    sensitive = True

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        help_text = _("A clear photo or scan: JPG, PNG or PDF, under 10 MB.")
        return {
            "front": DocumentField(label=self.label, help_text=help_text),
            "back": DocumentField(label=_("%(label)s (back, if it has one)") % {"label": self.label},
                                  required=False, help_text=help_text),
        }

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        doc = {side: values[side] for side in ("front", "back") if values.get(side)}
        return nested(self.key, doc) if doc else {}

    def suffix_for(self, rest: str, ctx: Context) -> str:
        return "back" if rest.startswith("back") else "front"


class BankAccountEntry(Entry):
    """``external_account``: the bank fields that fit the country (see :mod:`.bank`)."""

    sensitive = True

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        return bank_mod.scheme_for(ctx.country).fields(ctx.country)

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        if not any(values.values()):
            return {}
        scheme = bank_mod.scheme_for(ctx.country)
        values = {**values, "account_holder_type": "individual" if ctx.business_type == "individual" else "company"}
        return {"external_account": scheme.to_params(values, ctx.country, ctx.currency)}

    def suffix_for(self, rest: str, ctx: Context) -> str:
        scheme = bank_mod.scheme_for(ctx.country)
        return scheme.suffix_for(rest.split(".")[0]) or next(iter(scheme.fields(ctx.country)))


class TermsEntry(Entry):
    """``tos_acceptance``: a required checkbox; date, IP and user agent come from the request."""

    def available(self, ctx: Context) -> bool:
        return ctx.request is not None

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        return {"": forms.BooleanField(
            label=_("I agree to the Stripe Connected Account Agreement."),
            help_text=_("See https://stripe.com/connect-account/legal"),
        )}

    def initial(self, data: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        return {}

    def to_params(self, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
        if not values.get(""):
            return {}
        # available() kept this entry out of forms without a request.
        return {"tos_acceptance": acceptance(cast(HttpRequest, ctx.request))}
