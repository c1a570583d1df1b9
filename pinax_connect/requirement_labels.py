"""Stripe's requirement paths in words a seller understands.

Stripe says what it needs as dotted paths (``account.requirements.currently_due``):
``business_type``, ``individual.dob.day``, ``representative.address.city``,
``person_1Abc.verification.document``, ``company.owners_provided``,
``external_account``, ``tos_acceptance.date``... This module gives every path a
translatable label and help text, sorted into five groups (about you, your
business, your bank, documents, terms), and turns ``current_deadline``,
``disabled_reason`` and ``requirements.errors`` into sentences.

Paths that only differ in a sub-field collapse into one line (``dob.day``,
``dob.month`` and ``dob.year`` are one "date of birth"). A path this table does not
know yet (Stripe adds requirements over time) gets a readable fallback built from
its words, never an error.

Templates: ``{% load pinax_connect_requirements %}`` then
``{% account_requirements account %}`` (the whole block), or
``{{ path|requirement_label }}``.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

ABOUT_YOU, BUSINESS, BANK, DOCUMENTS, TERMS = "about_you", "business", "bank", "documents", "terms"

#: Group keys in display order, with their headings.
GROUPS: dict[str, Any] = {
    ABOUT_YOU: _("About you"),
    BUSINESS: _("Your business"),
    BANK: _("Your bank"),
    DOCUMENTS: _("Documents"),
    TERMS: _("Terms of service"),
}

# Attributes a person has (``individual.*``, ``representative.*``, ``person_x.*``,
# ``owners.*``...): key -> (label, help text). Keys are the path after the scope,
# with sub-fields folded (see _fold).
PERSON_FIELDS: dict[str, tuple[Any, Any]] = {
    "first_name": (_("first name"), _("As it appears on an official ID.")),
    "last_name": (_("last name"), _("As it appears on an official ID.")),
    "first_name_kana": (_("first name (kana)"), ""),
    "last_name_kana": (_("last name (kana)"), ""),
    "first_name_kanji": (_("first name (kanji)"), ""),
    "last_name_kanji": (_("last name (kanji)"), ""),
    "maiden_name": (_("maiden name"), ""),
    "full_name_aliases": (_("other names"), _("Any other names used, such as a maiden name.")),
    "dob": (_("date of birth"), _("Stripe checks it against the identity records.")),
    "email": (_("email address"), ""),
    "phone": (_("phone number"), ""),
    "address": (_("home address"), _("Where the person lives; not a P.O. box.")),
    "address_kana": (_("home address (kana)"), ""),
    "address_kanji": (_("home address (kanji)"), ""),
    "registered_address": (_("registered address"), ""),
    "ssn_last_4": (_("last 4 digits of the Social Security number"), _("Used to verify identity; never shown again.")),
    "id_number": (_("ID number"), _("The full national ID number (in the US, the full Social Security number).")),
    "id_number_secondary": (_("second ID number"), ""),
    "gender": (_("gender"), ""),
    "nationality": (_("nationality"), ""),
    "political_exposure": (_("whether they hold a public office"), ""),
    "relationship.title": (_("job title"), _("For example CEO, owner or director.")),
    "relationship.owner": (_("whether they own part of the business"), ""),
    "relationship.percent_ownership": (_("share of ownership"), ""),
    "relationship.director": (_("whether they are a director"), ""),
    "relationship.executive": (_("whether they are an executive"), ""),
    "verification.document": (_("identity document"), _("A photo of a passport, driving licence or ID card.")),
    "verification.additional_document": (
        _("proof of address"),
        _("A recent utility bill or bank statement showing the name and address."),
    ),
    "verification.proof_of_liveness": (
        _("live selfie check"), _("Done on Stripe's page with a phone camera; it cannot be uploaded."),
    ),
    "documents.company_authorization": (
        _("authorization to act for the business"), _("For example a power of attorney or a board resolution."),
    ),
    "documents.passport": (_("passport"), ""),
    "documents.visa": (_("visa"), _("Where the person is not a citizen of the business's country.")),
}

# Who a person scope is, for the label: "Representative: date of birth".
PERSON_SCOPES: dict[str, Any] = {
    "individual": "",
    "representative": _("Representative"),
    "owners": _("Owners"),
    "directors": _("Directors"),
    "executives": _("Executives"),
    "person": _("A person of the business"),
}

# Everything else: folded path -> (group, label, help text).
ACCOUNT_FIELDS: dict[str, tuple[str, Any, Any]] = {
    "business_type": (BUSINESS, _("Type of business"), _("An individual, a company, a non-profit...")),
    "business_profile.mcc": (BUSINESS, _("Industry"), _("What you sell, from Stripe's list of categories.")),
    "business_profile.url": (BUSINESS, _("Website"), _("Where customers can see what you sell.")),
    "business_profile.product_description": (BUSINESS, _("Description of what you sell"), ""),
    "business_profile.name": (BUSINESS, _("Business name shown to customers"), ""),
    "business_profile.support_phone": (BUSINESS, _("Customer support phone number"), ""),
    "business_profile.support_email": (BUSINESS, _("Customer support email"), ""),
    "business_profile.support_address": (BUSINESS, _("Customer support address"), ""),
    "company.name": (BUSINESS, _("Legal name of the business"), ""),
    "company.address": (BUSINESS, _("Business address"), ""),
    "company.phone": (BUSINESS, _("Business phone number"), ""),
    "company.tax_id": (BUSINESS, _("Tax ID of the business"), _("In the US, the EIN.")),
    "company.vat_id": (BUSINESS, _("VAT number"), ""),
    "company.registration_number": (BUSINESS, _("Company registration number"), ""),
    "company.structure": (BUSINESS, _("Legal structure of the business"), ""),
    "company.owners_provided": (BUSINESS, _("Confirmation that all owners are listed"), ""),
    "company.directors_provided": (BUSINESS, _("Confirmation that all directors are listed"), ""),
    "company.executives_provided": (BUSINESS, _("Confirmation that all executives are listed"), ""),
    "company.ownership_declaration": (TERMS, _("Declaration of ownership"), ""),
    "company.name_kana": (BUSINESS, _("Legal name of the business (kana)"), ""),
    "company.name_kanji": (BUSINESS, _("Legal name of the business (kanji)"), ""),
    "company.address_kana": (BUSINESS, _("Business address (kana)"), ""),
    "company.address_kanji": (BUSINESS, _("Business address (kanji)"), ""),
    "company.tax_id_registrar": (BUSINESS, _("Where the business's tax ID was registered"), ""),
    "company.export_license_id": (BUSINESS, _("Export license ID"), ""),
    "company.export_purpose_code": (BUSINESS, _("Export purpose code"), ""),
    "business_profile.monthly_estimated_revenue": (BUSINESS, _("Estimated monthly sales"), ""),
    "business_profile.support_url": (BUSINESS, _("Customer support website"), ""),
    "legal_entity.additional_owners": (
        BUSINESS, _("Other owners of the business"), _("Asked by an old API version; answer on Stripe's page."),
    ),
    "company.verification.document": (DOCUMENTS, _("Business registration document"), ""),
    "documents": (DOCUMENTS, _("Business documents"), ""),
    "external_account": (BANK, _("Bank account for payouts"), _("Where Stripe sends your money.")),
    "tos_acceptance": (TERMS, _("Acceptance of Stripe's terms of service"), ""),
    "settings.payments.statement_descriptor": (BUSINESS, _("Name on customers' card statements"), ""),
    "settings.card_payments.statement_descriptor_prefix": (BUSINESS, _("Card statement prefix"), ""),
}

_PERSON_ID = re.compile(r"^person_[A-Za-z0-9]+$")
# Sub-fields shown as one line: dob.day -> dob, address.city -> address, tos_acceptance.date -> tos_acceptance.
_FOLD = re.compile(
    r"^(dob|address|address_kana|address_kanji|registered_address|company\.address|company\.address_kana|"
    r"company\.address_kanji|company\.ownership_declaration|tos_acceptance|"
    r"business_profile\.support_address|documents|full_name_aliases|verification\.document|"
    r"verification\.additional_document|company\.verification\.document)(\..*)?$"
)


@dataclass(frozen=True)
class Requirement:
    """One line of "what Stripe needs": a label and help text, its group, the paths it covers."""

    key: str
    label: Any
    help_text: Any
    group: str
    paths: tuple[str, ...] = field(default=())

    @property
    def group_label(self) -> Any:
        return GROUPS[self.group]


def _fold(rest: str, person: bool = False) -> str:
    if person and rest.startswith("documents."):
        return ".".join(rest.split(".")[:2])  # a person's documents.passport.files -> documents.passport
    match = _FOLD.match(rest)
    return match.group(1) if match else rest


def _humanize(words: str) -> str:
    text = re.sub(r"[._\[\]]+", " ", words).strip()
    return text[:1].upper() + text[1:] if text else str(_("More information"))


def _split(path: str) -> tuple[str | None, str]:
    """``(person scope or None, the rest)``: ``representative.dob.day`` -> ``("representative", "dob.day")``."""
    head, _sep, rest = path.partition(".")
    if head in PERSON_SCOPES and rest:
        return head, rest
    if _PERSON_ID.match(head) and rest:
        return "person", rest
    return None, path


def requirement(path: object) -> Requirement:
    """The :class:`Requirement` a Stripe requirement path stands for (a readable fallback if unknown)."""
    text = str(path or "").strip()
    scope, rest = _split(text)
    if scope is not None:
        key = _fold(rest, person=True)
        label, help_text = PERSON_FIELDS.get(key, (None, ""))
        if label is None:
            label = _humanize(key).lower()
        group = DOCUMENTS if key.startswith("verification") else (ABOUT_YOU if scope == "individual" else BUSINESS)
        who = PERSON_SCOPES[scope]
        if who:
            shown = format_lazy("{who}: {what}", who=who, what=label)
        else:
            shown = format_lazy("{first}{rest}", first=str(label)[:1].upper(), rest=str(label)[1:])
        scope_key = text.split(".", 1)[0] if scope == "person" else scope
        return Requirement(f"{scope_key}.{key}", shown, help_text, group, (text,))
    key = _fold(text)
    if key in ACCOUNT_FIELDS:
        group, label, help_text = ACCOUNT_FIELDS[key]
        return Requirement(key, label, help_text, group, (text,))
    group = BANK if key.startswith("external_account") else BUSINESS
    return Requirement(key, _humanize(key), "", group, (text,))


def known(path: object) -> bool:
    """True when the table has words for ``path`` (False: the readable fallback is used)."""
    scope, rest = _split(str(path or "").strip())
    if scope is not None:
        return _fold(rest, person=True) in PERSON_FIELDS
    return _fold(str(path or "").strip()) in ACCOUNT_FIELDS


def label(path: object) -> str:
    """The label of a requirement path, e.g. ``"Representative: date of birth"``."""
    return str(requirement(path).label)


def help_text(path: object) -> str:
    return str(requirement(path).help_text)


def describe(paths: Iterable[object] | None) -> list[Requirement]:
    """One :class:`Requirement` per distinct thing asked for, in group order, first-asked first."""
    merged: dict[str, Requirement] = {}
    for path in paths or []:
        item = requirement(path)
        if item.key in merged:
            known = merged[item.key]
            merged[item.key] = Requirement(known.key, known.label, known.help_text, known.group,
                                           known.paths + item.paths)
        else:
            merged[item.key] = item
    order = list(GROUPS)
    return sorted(merged.values(), key=lambda r: order.index(r.group))


def grouped(paths: Iterable[object] | None) -> list[tuple[Any, list[Requirement]]]:
    """``[(group heading, [Requirement, ...]), ...]`` for the non-empty groups, in display order."""
    out: dict[str, list[Requirement]] = {}
    for item in describe(paths):
        out.setdefault(item.group, []).append(item)
    return [(GROUPS[key], items) for key, items in out.items()]


def describe_list(paths: Iterable[object] | None) -> str:
    """The labels joined for a sentence or an email: ``"Date of birth, Home address"``."""
    return ", ".join(str(item.label) for item in describe(paths))


def _as_datetime(value: object) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    return None


def deadline_sentence(deadline: object) -> str:
    """``"Please provide it by 9 December 2026."`` (a datetime or Stripe's unix time); ``""`` if none.

    The date is written without abbreviations, so the sentence ends in exactly one full stop.
    """
    when = _as_datetime(deadline)
    if when is None:
        return ""
    day = formats.date_format(timezone.localtime(when), "j F Y")
    return str(format_lazy(_("Please provide it by {date}, or payments and payouts may be paused."), date=day))


DISABLED_REASONS: dict[str, Any] = {
    "requirements.past_due": _("Stripe has paused this account because some information is overdue."),
    "requirements.pending_verification": _("Stripe is checking the information you sent."),
    "listed": _("Stripe is reviewing this account."),
    "under_review": _("Stripe is reviewing this account."),
    "rejected.fraud": _("Stripe has closed this account."),
    "rejected.terms_of_service": _("Stripe has closed this account."),
    "rejected.listed": _("Stripe has closed this account."),
    "rejected.other": _("Stripe has closed this account."),
    "platform_paused": _("The marketplace has paused this account."),
    "action_required.requested_capabilities": _("Stripe needs you to finish setting up the account."),
}


def disabled_sentence(reason: object) -> str:
    """Why an account cannot take payments, as a sentence (``""`` when it is not disabled)."""
    if not reason:
        return ""
    text = DISABLED_REASONS.get(str(reason))
    return str(text) if text else str(_("Stripe has paused this account for now."))


ERROR_CODES: dict[str, Any] = {
    "verification_document_expired": _("the document has expired"),
    "verification_document_too_large": _("the file is too large"),
    "verification_document_failed_greyscale": _("the photo must be in colour"),
    "verification_document_incomplete": _("part of the document is missing from the photo"),
    "verification_document_not_readable": _("the photo could not be read"),
    "verification_document_not_uploaded": _("the upload did not arrive"),
    "verification_document_name_mismatch": _("the name on the document does not match"),
    "verification_document_dob_mismatch": _("the date of birth on the document does not match"),
    "verification_document_address_mismatch": _("the address on the document does not match"),
    "verification_failed_keyed_identity": _("the details could not be verified; please check them"),
    "verification_failed_address_match": _("the address could not be verified"),
    "verification_failed_id_number_match": _("the ID number could not be verified"),
    "invalid_address_po_boxes_disallowed": _("a P.O. box is not accepted"),
    "invalid_url_format": _("the website address is not valid"),
    "invalid_url_website_inaccessible": _("the website could not be reached"),
    "invalid_tos_acceptance": _("the terms of service must be accepted again"),
}


def error_sentences(requirements: Mapping[str, Any] | None) -> list[str]:
    """``requirements.errors`` as sentences: ``"Identity document: the photo could not be read."``."""
    sentences = []
    for error in (requirements or {}).get("errors") or []:
        if not isinstance(error, Mapping):
            continue
        what = requirement(error.get("requirement")).label
        why = ERROR_CODES.get(str(error.get("code")))
        why = str(why) if why else str(error.get("reason") or _("Stripe could not accept it")).rstrip(".")
        sentences.append(f"{what}: {why}.")
    return sentences


def summary(account: Any) -> dict[str, Any]:
    """Everything the ``account_requirements`` template tag renders, for ``account`` (a mirrored Account)."""
    requirements = getattr(account, "requirements", None) or {}
    paths = list(getattr(account, "verification_fields_needed", None) or [])
    if not paths:
        paths = list(requirements.get("past_due") or []) + list(requirements.get("currently_due") or [])
    deadline = getattr(account, "verification_due_by", None) or requirements.get("current_deadline")
    return {
        "groups": grouped(paths),
        "deadline": deadline_sentence(deadline) if paths else "",
        "errors": error_sentences(requirements),
        "disabled": disabled_sentence(getattr(account, "verification_disabled_reason", None)
                                      or requirements.get("disabled_reason")),
        "pending": describe(requirements.get("pending_verification")),
    }
