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

This module holds the tables and the resolution of paths; the entry classes are in
:mod:`.entries` (the protocol and simple values), :mod:`.compound_entries`
(address, documents, bank account, terms) and :mod:`.structured` (enums, money,
arrays, files, attestations), and are re-exported here.
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import countries
from . import structured
from .compound_entries import (
    DOCUMENT_SIGNATURES,
    MAX_DOCUMENT_SIZE,
    AddressEntry,
    BankAccountEntry,
    DocumentEntry,
    DocumentField,
    PostalCodeField,
    TermsEntry,
    validate_document,
)
from .entries import (
    MIN_AGE,
    BooleanEntry,
    ChoiceEntry,
    Context,
    DateOfBirthEntry,
    Entry,
    GenericEntry,
    IDNumberField,
    TextEntry,
    _url_field,
    _us_id_number,
    acceptance,
    client_ip,
    deep_merge,
    id_number_validator,
    lookup,
    nested,
    phone_validator,
    ssn_last_4_validator,
    tax_id_validator,
    validate_birth_date,
)

__all__ = [
    "MAX_DOCUMENT_SIZE", "DOCUMENT_SIGNATURES", "MIN_AGE", "Context", "nested", "lookup", "deep_merge",
    "client_ip", "Entry", "TextEntry", "ChoiceEntry", "BooleanEntry", "DateOfBirthEntry",
    "validate_birth_date", "PostalCodeField", "AddressEntry", "DocumentField", "validate_document",
    "DocumentEntry", "BankAccountEntry", "TermsEntry", "GenericEntry", "phone_validator",
    "ssn_last_4_validator", "id_number_validator", "tax_id_validator", "IDNumberField", "MCC_CHOICES",
    "BUSINESS_TYPE_CHOICES", "MCCEntry", "EnumEntry", "CountryCodeEntry", "ListEntry", "MoneyEntry",
    "PercentEntry", "AttestationEntry", "DeclarationEntry", "FilesEntry", "PERSON_ENTRIES", "COMPANY_ENTRIES",
    "ACCOUNT_ENTRIES", "TABLES", "ROLE_SCOPES", "PERSON_SCOPE", "LEGACY_PREFIXES", "GENERIC_SCOPES",
    "HOSTED_ONLY", "canonical", "Binding", "resolve", "generic_binding", "resolve_all", "initial_paths",
]


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

    def fields(self, ctx: Context) -> dict[str, forms.Field]:
        choices: list[tuple[str, Any]] = list(self.choices)
        current = lookup(getattr(ctx.account, "stripe_data", None) or {}, self.key)
        if current and current not in dict(choices):
            choices.append((current, current))
        return {"": forms.ChoiceField(label=self.label, choices=[("", "---------")] + choices)}


# ---- structured values (enums, money, arrays, files, attestations) ----------------------

_STRUCTURED = structured.build(Entry, nested, lookup, DocumentField, acceptance)
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
PERSON_ENTRIES: list[Entry] = [
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

COMPANY_ENTRIES: list[Entry] = [
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

ACCOUNT_ENTRIES: list[Entry] = [
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


def canonical(path: str, business_type: str | None = "individual") -> str | None:
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
    def path(self) -> str:
        """The canonical dotted path the entry's values are sent under."""
        return f"{self.scope}.{self.entry.key}" if self.scope else self.entry.key

    @property
    def target(self) -> str:
        """``"person"`` for representative / ``person_<id>`` (Persons API), else ``"account"``."""
        return "account" if self.scope in ("", "individual", "company") else "person"

    def field_name(self, suffix: str = "") -> str:
        """The form field name: the path with ``__`` for dots (and the suffix)."""
        parts = self.path.split(".") + ([suffix] if suffix else [])
        return "__".join(parts)


def _scope_of(path: str) -> tuple[str, str, str]:
    head, _, rest = path.partition(".")
    if PERSON_SCOPE.match(head) and rest:
        return head, "person", rest
    if head == "company" and rest:
        return "company", "company", rest
    return "", "account", path


def resolve(path: str, business_type: str | None = "individual") -> Binding | None:
    """The :class:`Binding` for a requirement path, or ``None`` when no entry collects it."""
    canonical_path = canonical(path, business_type)
    if canonical_path is None:
        return None
    scope, table, rest = _scope_of(canonical_path)
    for entry in TABLES[table]:
        if entry.matches(rest):
            return Binding(scope, entry)
    return None


def generic_binding(path: str, business_type: str | None = "individual") -> Binding | None:
    """A :class:`GenericEntry` binding for an unknown plain-value path, else ``None``."""
    canonical_path = canonical(path, business_type)
    if canonical_path is None or HOSTED_ONLY.search(canonical_path):
        return None
    head = canonical_path.split(".")[0]
    if head not in GENERIC_SCOPES and not PERSON_SCOPE.match(head):
        return None
    if "." not in canonical_path:
        return None
    scope, table, rest = _scope_of(canonical_path)
    return Binding(scope, GenericEntry(rest))


def resolve_all(paths: Iterable[str], ctx: Context) -> tuple[list[Binding], list[str]]:
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


def _table_rank(path: str) -> tuple[int, int]:
    scope, table, rest = _scope_of(path)
    group = {"company": 0, "person": 1, "account": 2}[table]
    if path.startswith("external_account") or path.startswith("tos_acceptance"):
        group = 3
    entries = TABLES[table]
    index = next((i for i, entry in enumerate(entries) if entry.matches(rest)), len(entries))
    return group, index


def initial_paths(country: str, business_type: str = "individual") -> list[str]:
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
