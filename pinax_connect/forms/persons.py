"""A company's people (owners, directors, executives) through Stripe's Persons API.

``CompanyPersonForm(data, files, account=account, person_id=None, request=None)``
adds a person (``person_id=None``) or edits one; :func:`remove_person` removes one;
:func:`company_persons` lists them for a page of yours. The fields are the
registry's (:mod:`.fields`), so they follow the country: kana/kanji names in Japan,
states where the country has them, no postal code in Hong Kong. Nothing is stored
locally: people live on Stripe, and the account is re-read after each change so its
``requirements`` (``owners.*``, ``directors.*``...) are current.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .. import countries
from ..client import get_client, new_idempotency_key, request_options
from . import fields as registry
from .requirements_form import RequirementsForm

if TYPE_CHECKING:
    import stripe

    from ..models import Account

NEW = "person_new"  # the scope of a person not created yet
# Asked of every person; the rest (ID number, document) only when Stripe wants them.
OPTIONAL = ("phone", "id_number", "verification.document", "relationship.title",
            "relationship.percent_ownership")


def person_paths(country: str) -> list[str]:
    """The relative paths the person form asks, for ``country``."""
    rules = countries.get(country)
    names = (["first_name_kana", "first_name_kanji", "last_name_kana", "last_name_kanji"] if rules.kana
             else ["first_name", "last_name"])
    address = ["address_kana.line1", "address_kanji.line1"] if rules.kana else ["address.line1"]
    return names + ["email", "dob", *address, "phone", "relationship.title", "relationship.owner",
                    "relationship.director", "relationship.executive", "relationship.percent_ownership",
                    "id_number", "verification.document"]


def company_persons(account: Account) -> list[stripe.Person]:
    """The account's persons on Stripe (``GET /v1/accounts/{id}/persons``, up to 100)."""
    listing = get_client().v1.accounts.persons.list(account.stripe_id, {"limit": 100})
    return list(listing.data)


def remove_person(account: Account, person_id: str) -> Account:
    """Remove a person (``DELETE /v1/accounts/{id}/persons/{person}``) and re-read the account."""
    from ..actions import accounts

    get_client().v1.accounts.persons.delete(account.stripe_id, person_id)
    return accounts.sync_account(account)


class CompanyPersonForm(RequirementsForm):
    """Add (``person_id=None``) or edit one person of a company account.

    Sends ``POST /v1/accounts/{id}/persons`` (or ``.../persons/{person}``) with the
    names, email, date of birth, address, phone, ``relationship`` (owner, director,
    executive, title, percent ownership), ID number and an identity document
    (uploaded first with purpose ``identity_document``), then re-reads the account.
    Stripe's errors land on the matching field and are re-raised. With a
    ``request``, its user must own the account.
    """

    def __init__(
        self, *args: Any, account: Account, person_id: str | None = None, request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        if request is not None:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated or account.user_id != user.pk:
                raise PermissionDenied("This Stripe account belongs to another user.")
        self.account, self.person_id = account, person_id
        self.scope = person_id or NEW
        country = countries.get(account.country or "US").code
        context = registry.Context(country=country, request=request, account=account,
                                   business_type=account.business_type or "company")
        paths = [f"{self.scope}.{p}" for p in person_paths(country)]
        initial = kwargs.pop("initial", None) or {}
        super().__init__(*args, context=context, paths=paths, **kwargs)
        for binding in self.bindings:
            if binding.entry.key in OPTIONAL:
                for name in self._suffixes[binding]:
                    self.fields[binding.field_name(name)].required = False
        if person_id is not None:
            self.initial = {**self._person_initial(), **initial}

    def _person_initial(self) -> dict[str, Any]:
        person = get_client().v1.accounts.persons.retrieve(self.account.stripe_id, self.person_id)
        data = person.to_dict() if hasattr(person, "to_dict") else dict(person)
        out: dict[str, Any] = {}
        for binding in self.bindings:
            for suffix, value in binding.entry.initial(data, self.context).items():
                out[binding.field_name(suffix)] = value
        return out

    def save(self) -> Account:
        """Create or update the person on Stripe; return the re-read ``Account``."""
        from ..actions import accounts

        submission = self.submission()
        params = submission.persons.get(self.scope, {})
        self.upload_documents(self.account, submission)
        client = get_client()
        options = request_options(idempotency_key=new_idempotency_key())
        with self.reporting(self.scope):
            if self.person_id is None:
                person = client.v1.accounts.persons.create(self.account.stripe_id, params, options)
            else:
                person = client.v1.accounts.persons.update(self.account.stripe_id, self.person_id, params, options)
        self.person_id = person.id
        with self.reporting():
            self.account = accounts.sync_account(self.account)
        return self.account
