"""The requirement-path registry: Stripe requirement paths <-> form fields <-> Stripe parameters.

Stripe tells us what it needs as dotted *requirement paths*
(``account.requirements.currently_due``): ``individual.dob.day``,
``company.tax_id``, ``person_1Abc.verification.document``, ``external_account``,
``tos_acceptance.date``... This module is the one table that says, for each path,

* which form field(s) collect it (a new field instance for every form instance),
* what Stripe parameters the cleaned value becomes,
* how to pre-fill the field from the Stripe object, and
* which field a Stripe error's ``param`` (``individual[dob][year]``) lands on.

A path is resolved to a :class:`Binding`: a *scope* (``""`` for account-level
paths, ``individual``, ``company``, ``representative`` or ``person_<id>``) and an
:class:`Entry` of that scope's table. Person-like scopes share one table, so
``individual.dob``, ``representative.dob`` and ``person_x.dob`` behave alike (the
last two are sent to the Persons API). Legacy ``legal_entity.*`` paths stored by
pinax-stripe are rewritten to today's names first. A path with no entry gets a
clearly labelled generic text field when it is a plain value, otherwise it is
reported as needing Stripe-hosted onboarding (see :func:`resolve_all`): nothing is
ever dropped.
"""
import datetime
import re
import time
from dataclasses import dataclass

import django
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .. import countries
from . import address as address_mod
from . import bank as bank_mod
from . import structured
from .widgets import SensitiveInput

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024  # Stripe's limit for identity documents
# Extension -> the bytes such a file starts with (what is uploaded must be what it claims).
DOCUMENT_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}
MIN_AGE = 13


@dataclass
class Context:
    """What fields need to know about the seller: country, request, account, business type."""

    country: str
    request: object = None
    account: object = None
    business_type: str = "individual"
    currency: str = None


# ---- helpers -----------------------------------------------------------------------


def nested(path, value):
    """``nested("a.b", 1) == {"a": {"b": 1}}``."""
    for part in reversed(path.split(".")):
        value = {part: value}
    return value


def lookup(data, path):
    """The value at dotted ``path`` in nested dicts, or ``None``."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def deep_merge(into, other):
    """Merge nested dict ``other`` into ``into`` (in place) and return ``into``."""
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value
    return into


def _url_field(**kwargs):
    if django.VERSION >= (5, 0):
        kwargs["assume_scheme"] = "https"
    return forms.URLField(**kwargs)


def client_ip(request):
    """The address the request came from (``REMOTE_ADDR``: proxies must set it right)."""
    return request.META.get("REMOTE_ADDR") or ""


# ---- entries -----------------------------------------------------------------------


class Entry:
    """One row of the registry: a relative requirement path and how to collect it.

    ``key`` is the path relative to its scope (``"dob"``, ``"verification.document"``,
    ``"business_profile.url"``); it also answers every path below it
    (``dob.day``) and the extra relative paths in ``covers``.
    """

    sensitive = False

    def __init__(self, key, label, *, covers=(), sensitive=None):
        self.key, self.label, self.covers = key, label, tuple(covers)
        if sensitive is not None:
            self.sensitive = sensitive

    def __repr__(self):
        return f"<{type(self).__name__} {self.key}>"

    def matches(self, rel_path):
        """True when this entry collects the relative requirement path ``rel_path``."""
        return rel_path == self.key or rel_path.startswith(self.key + ".") or rel_path in self.covers

    def available(self, ctx):
        """False when this context cannot collect the value (then the seller is sent to Stripe)."""
        return True

    def fields(self, ctx):
        """Fresh form fields, ``{suffix: Field}`` (``""`` = the entry's single field)."""
        raise NotImplementedError

    def initial(self, data, ctx):
        """Pre-fill values ``{suffix: value}`` from the scope's Stripe dict ``data``."""
        if self.sensitive:
            return {}
        value = lookup(data, self.key)
        return {"": value} if value not in (None, "") else {}

    def to_params(self, values, ctx):
        """Stripe parameters (nested, relative to the scope) from cleaned ``{suffix: value}``."""
        value = values.get("")
        if value in (None, ""):
            return {}
        return nested(self.key, value)

    def suffix_for(self, rest, ctx):
        """The suffix of the field a Stripe error on ``<key>.<rest>`` belongs on."""
        return ""


class TextEntry(Entry):
    """A single text-like value (name, email, phone, ID number...)."""

    def __init__(self, key, label, *, field_class=forms.CharField, max_length=None, validators=(),
                 help_text="", cleaner=None, **kwargs):
        super().__init__(key, label, **kwargs)
        self.field_class, self.max_length = field_class, max_length
        self.validators, self.help_text, self.cleaner = tuple(validators), help_text, cleaner

    def fields(self, ctx):
        kwargs = {"label": self.label, "help_text": self.help_text, "validators": list(self.validators)}
        if self.max_length:
            kwargs["max_length"] = self.max_length
        if self.sensitive:
            kwargs["widget"] = SensitiveInput()
        if getattr(self.field_class, "needs_country", False):
            kwargs["country"] = ctx.country
        return {"": self.field_class(**kwargs)}

    def to_params(self, values, ctx):
        value = values.get("")
        if value not in (None, "") and self.cleaner:
            value = self.cleaner(value, ctx)
        return super().to_params({"": value}, ctx)


class ChoiceEntry(Entry):
    """A value picked from a fixed list (MCC, business type)."""

    def __init__(self, key, label, choices, **kwargs):
        super().__init__(key, label, **kwargs)
        self.choices = choices

    def fields(self, ctx):
        return {"": forms.ChoiceField(label=self.label, choices=[("", "---------")] + list(self.choices))}


class BooleanEntry(Entry):
    """A yes/no fact (e.g. the representative also owns the company)."""

    def fields(self, ctx):
        return {"": forms.BooleanField(label=self.label, required=False)}

    def to_params(self, values, ctx):
        return nested(self.key, bool(values.get("")))


class DateOfBirthEntry(Entry):
    """``dob.day`` / ``dob.month`` / ``dob.year`` collected as one date."""

    def fields(self, ctx):
        field = forms.DateField(
            label=self.label,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"],
            validators=[validate_birth_date],
        )
        return {"": field}

    def initial(self, data, ctx):
        dob = lookup(data, self.key) or {}
        try:
            return {"": datetime.date(int(dob["year"]), int(dob["month"]), int(dob["day"]))}
        except (KeyError, TypeError, ValueError):
            return {}

    def to_params(self, values, ctx):
        value = values.get("")
        if not value:
            return {}
        return nested(self.key, {"day": value.day, "month": value.month, "year": value.year})


def validate_birth_date(value):
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


class PostalCodeField(forms.CharField):
    """A postal code checked (and normalized) for the country it belongs to."""

    def __init__(self, *, country, **kwargs):
        self.country = country
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
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

    def __init__(self, key, label, *, kana=False, **kwargs):
        super().__init__(key, label, **kwargs)
        self.kana = kana

    def fields(self, ctx):
        out = {
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

    def initial(self, data, ctx):
        addr = lookup(data, self.key) or {}
        return {part: addr[part] for part in self.PARTS if addr.get(part)}

    def to_params(self, values, ctx):
        addr = {part: values[part] for part in self.PARTS if values.get(part)}
        if not addr:
            return {}
        addr["country"] = ctx.country
        return nested(self.key, addr)

    def suffix_for(self, rest, ctx):
        part = rest.split(".")[0]
        return part if part in self.PARTS else "line1"


class DocumentField(forms.FileField):
    """An identity document: JPG, PNG or PDF under 10 MB, checked by content, not name."""

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data:
            validate_document(data)
        return data


def validate_document(upload):
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

    def fields(self, ctx):
        help_text = _("A clear photo or scan: JPG, PNG or PDF, under 10 MB.")
        return {
            "front": DocumentField(label=self.label, help_text=help_text),
            "back": DocumentField(label=_("%(label)s (back, if it has one)") % {"label": self.label},
                                  required=False, help_text=help_text),
        }

    def to_params(self, values, ctx):
        doc = {side: values[side] for side in ("front", "back") if values.get(side)}
        return nested(self.key, doc) if doc else {}

    def suffix_for(self, rest, ctx):
        return "back" if rest.startswith("back") else "front"


class BankAccountEntry(Entry):
    """``external_account``: the bank fields that fit the country (see :mod:`.bank`)."""

    sensitive = True

    def fields(self, ctx):
        return bank_mod.scheme_for(ctx.country).fields(ctx.country)

    def to_params(self, values, ctx):
        if not any(values.values()):
            return {}
        scheme = bank_mod.scheme_for(ctx.country)
        values = {**values, "account_holder_type": "individual" if ctx.business_type == "individual" else "company"}
        return {"external_account": scheme.to_params(values, ctx.country, ctx.currency)}

    def suffix_for(self, rest, ctx):
        scheme = bank_mod.scheme_for(ctx.country)
        return scheme.suffix_for(rest.split(".")[0]) or next(iter(scheme.fields(ctx.country)))


class TermsEntry(Entry):
    """``tos_acceptance``: a required checkbox; date, IP and user agent come from the request."""

    def available(self, ctx):
        return ctx.request is not None

    def fields(self, ctx):
        return {"": forms.BooleanField(
            label=_("I agree to the Stripe Connected Account Agreement."),
            help_text=_("See https://stripe.com/connect-account/legal"),
        )}

    def initial(self, data, ctx):
        return {}

    def to_params(self, values, ctx):
        if not values.get(""):
            return {}
        meta = ctx.request.META
        return {"tos_acceptance": {
            "date": int(time.time()),
            "ip": client_ip(ctx.request),
            "user_agent": (meta.get("HTTP_USER_AGENT") or "")[:500],
        }}


class GenericEntry(TextEntry):
    """A path the registry does not know: a clearly labelled free-text field."""

    def __init__(self, key):
        super().__init__(
            key,
            _("Requested by Stripe: %(path)s") % {"path": key.replace("_", " ").replace(".", " › ")},
            max_length=500,
            help_text=_("Stripe asks for this information; enter it exactly as it appears on official documents."),
        )

    # Built per path, so two bindings of the same unknown path must compare equal.
    def __eq__(self, other):
        return type(other) is type(self) and other.key == self.key

    def __hash__(self):
        return hash((type(self), self.key))


# ---- validators ---------------------------------------------------------------------

phone_validator = RegexValidator(
    r"^\+?[\d\s().-]{6,20}$", _("Enter a valid phone number (digits, optionally starting with +)."), "invalid_phone"
)
ssn_last_4_validator = RegexValidator(r"^\d{4}$", _("Enter the last 4 digits."), "invalid_ssn_last_4")
id_number_validator = RegexValidator(r"^[A-Za-z0-9\s./-]{4,30}$", _("Enter a valid ID number."), "invalid_id_number")
tax_id_validator = RegexValidator(r"^[A-Za-z0-9\s./-]{4,30}$", _("Enter a valid tax ID."), "invalid_tax_id")


def _us_id_number(value, ctx):
    # A US "id_number" is the full SSN (or ITIN): nine digits, sent without dashes.
    digits = re.sub(r"[\s-]", "", value)
    return digits if ctx.country == "US" else value.strip()


class IDNumberField(forms.CharField):
    """A national ID number; nine digits for the US (SSN/ITIN)."""

    needs_country = True

    def __init__(self, *, country=None, **kwargs):
        self.country = country
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and self.country == "US":
            if not re.fullmatch(r"\d{9}", re.sub(r"[\s-]", "", value)):
                raise ValidationError(_("Enter the full 9-digit Social Security number."), code="invalid_ssn")
        return value


# Common merchant category codes; Stripe accepts any valid MCC.
MCC_CHOICES = [
    ("5734", _("Computer software stores")),
    ("7372", _("Computer programming and design")),
    ("5045", _("Computers and peripheral equipment")),
    ("5399", _("General merchandise")),
    ("5691", _("Clothing stores")),
    ("5944", _("Jewelry and watches")),
    ("5942", _("Book stores")),
    ("5945", _("Toys and games")),
    ("5970", _("Artists' and craft supplies")),
    ("5971", _("Art dealers and galleries")),
    ("5977", _("Cosmetics")),
    ("5992", _("Florists")),
    ("5499", _("Food stores, specialty")),
    ("5812", _("Restaurants")),
    ("5968", _("Subscription merchants")),
    ("7221", _("Photographic studios")),
    ("7299", _("Personal services")),
    ("7392", _("Consulting and public relations")),
    ("7399", _("Business services")),
    ("7922", _("Theatrical producers and ticket agencies")),
    ("7997", _("Clubs and memberships")),
    ("8011", _("Doctors")),
    ("8299", _("Schools and educational services")),
    ("8398", _("Charitable organizations")),
    ("8999", _("Professional services")),
    ("4121", _("Taxis and limousines")),
    ("4722", _("Travel agencies")),
    ("7011", _("Lodging")),
]
BUSINESS_TYPE_CHOICES = [
    ("individual", _("Individual / sole proprietor")),
    ("company", _("Company")),
    ("non_profit", _("Non-profit")),
    ("government_entity", _("Government entity")),
]


class MCCEntry(ChoiceEntry):
    """The merchant category code: common ones listed, plus the account's current one."""

    def fields(self, ctx):
        choices = list(self.choices)
        current = lookup(getattr(ctx.account, "stripe_data", None) or {}, self.key)
        if current and current not in dict(choices):
            choices.append((current, current))
        return {"": forms.ChoiceField(label=self.label, choices=[("", "---------")] + choices)}


# ---- structured values (enums, money, arrays, files, attestations) ----------------------

_STRUCTURED = structured.build(Entry, nested, lookup, DocumentField, client_ip)
EnumEntry = _STRUCTURED["EnumEntry"]
CountryCodeEntry = _STRUCTURED["CountryCodeEntry"]
ListEntry = _STRUCTURED["ListEntry"]
MoneyEntry = _STRUCTURED["MoneyEntry"]
PercentEntry = _STRUCTURED["PercentEntry"]
AttestationEntry = _STRUCTURED["AttestationEntry"]
DeclarationEntry = _STRUCTURED["DeclarationEntry"]
FilesEntry = _STRUCTURED["FilesEntry"]


# ---- the tables ----------------------------------------------------------------------

# Relative to a person: ``individual``, ``representative``, ``person_<id>``, or a new
# ``owners`` / ``directors`` / ``executives`` person.
PERSON_ENTRIES = [
    TextEntry("first_name", _("First name"), max_length=100),
    TextEntry("last_name", _("Last name"), max_length=100),
    TextEntry("first_name_kana", _("First name (kana)"), max_length=100),
    TextEntry("first_name_kanji", _("First name (kanji)"), max_length=100),
    TextEntry("last_name_kana", _("Last name (kana)"), max_length=100),
    TextEntry("last_name_kanji", _("Last name (kanji)"), max_length=100),
    TextEntry("maiden_name", _("Maiden name"), max_length=100),
    ListEntry("full_name_aliases", _("Other names used")),
    DateOfBirthEntry("dob", _("Date of birth")),
    AddressEntry("address_kana", _("Address (kana)"), kana=True),
    AddressEntry("address_kanji", _("Address (kanji)"), kana=True),
    AddressEntry("registered_address", _("Registered address")),
    AddressEntry("address", _("Address")),
    TextEntry("email", _("Email"), field_class=forms.EmailField, max_length=254),
    TextEntry("phone", _("Phone number"), max_length=20, validators=[phone_validator]),
    EnumEntry("gender", _("Gender"), structured.GENDER_CHOICES),
    CountryCodeEntry("nationality", _("Nationality")),
    EnumEntry("political_exposure", _("Politically exposed person?"), structured.POLITICAL_EXPOSURE_CHOICES),
    TextEntry("ssn_last_4", _("Last 4 digits of Social Security number"), max_length=4,
              validators=[ssn_last_4_validator], sensitive=True),
    TextEntry("id_number_secondary", _("Secondary ID number"), max_length=30,
              validators=[id_number_validator], sensitive=True),
    TextEntry("id_number", _("ID number"), field_class=IDNumberField, max_length=30,
              validators=[id_number_validator], sensitive=True, cleaner=_us_id_number,
              help_text=_("In the US, the full Social Security number.")),
    DocumentEntry("verification.document", _("Identity document")),
    DocumentEntry("verification.additional_document", _("Additional identity document")),
    FilesEntry("documents.company_authorization", _("Proof of authority to act for the company")),
    FilesEntry("documents.passport", _("Passport")),
    FilesEntry("documents.visa", _("Visa")),
    TextEntry("relationship.title", _("Job title"), max_length=100),
    BooleanEntry("relationship.owner", _("This person owns 25% or more of the company")),
    BooleanEntry("relationship.director", _("This person is a director of the company")),
    BooleanEntry("relationship.executive", _("This person is an executive with significant control")),
    PercentEntry("relationship.percent_ownership", _("Percent ownership")),
]

COMPANY_ENTRIES = [
    TextEntry("name", _("Company name"), max_length=200),
    TextEntry("name_kana", _("Company name (kana)"), max_length=200),
    TextEntry("name_kanji", _("Company name (kanji)"), max_length=200),
    TextEntry("tax_id", _("Company tax ID"), max_length=30, validators=[tax_id_validator], sensitive=True,
              cleaner=lambda value, ctx: re.sub(r"[\s-]", "", value) if ctx.country == "US" else value.strip()),
    TextEntry("vat_id", _("VAT number"), max_length=30, validators=[tax_id_validator], sensitive=True,
              cleaner=lambda value, ctx: re.sub(r"[\s.-]", "", value).upper()),
    TextEntry("registration_number", _("Company registration number"), max_length=60),
    TextEntry("tax_id_registrar", _("Tax ID registrar"), max_length=100),
    TextEntry("export_license_id", _("Export license ID"), max_length=100),
    TextEntry("export_purpose_code", _("Export purpose code"), max_length=10),
    EnumEntry("structure", _("Legal structure"), structured.COMPANY_STRUCTURE_CHOICES),
    TextEntry("phone", _("Company phone number"), max_length=20, validators=[phone_validator]),
    AddressEntry("address_kana", _("Company address (kana)"), kana=True),
    AddressEntry("address_kanji", _("Company address (kanji)"), kana=True),
    AddressEntry("address", _("Company address")),
    DocumentEntry("verification.document", _("Company registration document")),
    AttestationEntry("owners_provided", _("I have listed every person who owns 25% or more of the company "
                                          "(or there is none).")),
    AttestationEntry("directors_provided", _("I have listed every director of the company.")),
    AttestationEntry("executives_provided", _("I have listed every executive of the company.")),
    DeclarationEntry("ownership_declaration", _("Ownership declaration")),
]

ACCOUNT_ENTRIES = [
    MCCEntry("business_profile.mcc", _("Business category"), MCC_CHOICES),
    TextEntry("business_profile.url", _("Website"), field_class=_url_field, max_length=500),
    TextEntry("business_profile.product_description", _("What do you sell?"), max_length=500),
    TextEntry("business_profile.name", _("Business name shown to customers"), max_length=200),
    TextEntry("business_profile.support_email", _("Support email"), field_class=forms.EmailField, max_length=254),
    TextEntry("business_profile.support_phone", _("Support phone"), max_length=20, validators=[phone_validator]),
    TextEntry("business_profile.support_url", _("Support website"), field_class=_url_field, max_length=500),
    AddressEntry("business_profile.support_address", _("Support address")),
    MoneyEntry("business_profile.monthly_estimated_revenue", _("Estimated monthly revenue")),
    ChoiceEntry("business_type", _("Business type"), BUSINESS_TYPE_CHOICES),
    BankAccountEntry("external_account", _("Bank account")),
    TermsEntry("tos_acceptance", _("Terms of service"), covers=("tos_acceptance.date", "tos_acceptance.ip",
                                                                "tos_acceptance.user_agent")),
    *[FilesEntry("documents." + kind, label) for kind, label in (
        ("bank_account_ownership_verification", _("Proof of bank account ownership")),
        ("company_license", _("Company license")),
        ("company_memorandum_of_association", _("Memorandum of association")),
        ("company_ministerial_decree", _("Ministerial decree")),
        ("company_registration_verification", _("Proof of company registration")),
        ("company_tax_id_verification", _("Proof of company tax ID")),
        ("proof_of_registration", _("Proof of registration")),
    )],
]

TABLES = {"person": PERSON_ENTRIES, "company": COMPANY_ENTRIES, "account": ACCOUNT_ENTRIES}

# New people of a company, created through the Persons API with this relationship flag.
ROLE_SCOPES = {"owners": "owner", "directors": "director", "executives": "executive"}

PERSON_SCOPE = re.compile(r"^(individual|representative|owners|directors|executives|person_[A-Za-z0-9]+)$")

# pinax-stripe's ``legal_entity.*`` paths (API versions before 2019-02-19), longest first.
# For company accounts the legal entity's person is the representative.
LEGACY_PREFIXES = [
    ("legal_entity.personal_address.", "{person}.address."),
    ("legal_entity.personal_id_number", "{person}.id_number"),
    ("legal_entity.verification.document", "{person}.verification.document"),
    ("legal_entity.additional_owners", None),
    ("legal_entity.business_name", "company.name"),
    ("legal_entity.business_tax_id", "company.tax_id"),
    ("legal_entity.phone_number", "{phone}"),
    ("legal_entity.address.", "{address}."),
    ("legal_entity.ssn_last_4", "{person}.ssn_last_4"),
    ("legal_entity.type", "business_type"),
    ("legal_entity.", "{person}."),
]

# Unknown paths below these are plain values: a generic text field can collect them.
GENERIC_SCOPES = {"individual", "company", "representative", "business_profile", "settings"}
# ...unless they are checks or files we have no field for (liveness, unknown documents):
# those only Stripe's hosted onboarding collects.
HOSTED_ONLY = re.compile(r"(^|\.)(verification|documents)(\.|$)|proof_of_liveness")


def canonical(path, business_type="individual"):
    """Today's name for a requirement path (legacy ``legal_entity.*`` rewritten); None if hosted-only."""
    if not path.startswith("legal_entity."):
        return path
    company = business_type not in ("individual", "", None)
    names = {
        "person": "representative" if company else "individual",
        "phone": "company.phone" if company else "individual.phone",
        "address": "company.address" if company else "individual.address",
    }
    for prefix, target in LEGACY_PREFIXES:
        if path == prefix.rstrip(".") or path.startswith(prefix):
            if target is None:
                return None
            return target.format(**names) + path[len(prefix):]
    return path


@dataclass(frozen=True)
class Binding:
    """A requirement resolved to an entry within a scope."""

    scope: str
    entry: Entry

    @property
    def path(self):
        """The canonical dotted path the entry's values are sent under."""
        return f"{self.scope}.{self.entry.key}" if self.scope else self.entry.key

    @property
    def target(self):
        """``"person"`` for representative / ``person_<id>`` (Persons API), else ``"account"``."""
        return "account" if self.scope in ("", "individual", "company") else "person"

    def field_name(self, suffix=""):
        """The form field name: the path with ``__`` for dots (and the suffix)."""
        parts = self.path.split(".") + ([suffix] if suffix else [])
        return "__".join(parts)


def _scope_of(path):
    head, _, rest = path.partition(".")
    if PERSON_SCOPE.match(head) and rest:
        return head, "person", rest
    if head == "company" and rest:
        return "company", "company", rest
    return "", "account", path


def resolve(path, business_type="individual"):
    """The :class:`Binding` for a requirement path, or ``None`` when no entry collects it."""
    path = canonical(path, business_type)
    if path is None:
        return None
    scope, table, rest = _scope_of(path)
    for entry in TABLES[table]:
        if entry.matches(rest):
            return Binding(scope, entry)
    return None


def generic_binding(path, business_type="individual"):
    """A :class:`GenericEntry` binding for an unknown plain-value path, else ``None``."""
    path = canonical(path, business_type)
    if path is None or HOSTED_ONLY.search(path):
        return None
    head = path.split(".")[0]
    if head not in GENERIC_SCOPES and not PERSON_SCOPE.match(head):
        return None
    if "." not in path:
        return None
    scope, table, rest = _scope_of(path)
    return Binding(scope, GenericEntry(rest))


def resolve_all(paths, ctx):
    """Resolve requirement ``paths`` in order: ``(bindings, hosted_paths)``.

    ``bindings`` are unique (``dob.day``/``dob.month``/``dob.year`` give one binding);
    ``hosted_paths`` are the paths this context cannot collect, for which the seller
    must use a Stripe-hosted Account Link.
    """
    bindings, hosted = [], []
    for path in paths:
        binding = resolve(path, ctx.business_type) or generic_binding(path, ctx.business_type)
        if binding is None or not binding.entry.available(ctx):
            hosted.append(path)
        elif binding not in bindings:
            bindings.append(binding)
    return bindings, hosted


def _table_rank(path):
    scope, table, rest = _scope_of(path)
    group = {"company": 0, "person": 1, "account": 2}[table]
    if path.startswith("external_account") or path.startswith("tos_acceptance"):
        group = 3
    entries = TABLES[table]
    index = next((i for i, entry in enumerate(entries) if entry.matches(rest)), len(entries))
    return group, index


def initial_paths(country, business_type="individual"):
    """What Stripe needs to create a custom account in ``country`` with ``card_payments`` and
    ``transfers`` (the country's ``verification_fields.<type>.minimum``, see
    :mod:`pinax_connect.countries`): the person (or the company, its representative and the
    ownership attestations), the business profile, a bank account, and the terms.

    A company's owners, directors and executives are covered by the representative's
    relationship flags and the ``*_provided`` attestations; other people are added
    afterwards (``AdditionalCustomAccountForm`` asks for ``owners.*`` etc. when Stripe
    does, or :class:`~pinax_connect.forms.persons.CompanyPersonForm`).
    """
    rules = countries.get(country)
    paths = [p for p in countries.minimum_fields(rules.code, business_type)
             if p != "business_type" and p.split(".")[0] not in ROLE_SCOPES]
    if business_type != "individual":
        paths.append("representative.relationship.owner")
        if "directors" in rules.company_roles:
            paths.append("representative.relationship.director")
        paths.append("representative.relationship.percent_ownership")
    return sorted(dict.fromkeys(paths), key=_table_rank)

