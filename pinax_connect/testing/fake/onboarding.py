"""Onboarding test helpers of the fake Stripe, playing Stripe's part:
``fake.raise_requirements()`` (Stripe asks for more) and
``fake.complete_onboarding()`` (the seller finishes Stripe-hosted onboarding)."""

import copy
from collections.abc import Iterable
from typing import Any

from . import persons as persons_mod
from .account_state import _private, commit, externals, load_account, persons
from .core import FakeStripe
from .external_accounts import _external_from_param, attach_external


def raise_requirements(
    fake: FakeStripe, account_id: str, fields: Iterable[str], deadline: int | None = None, past_due: bool = False,
    errors: Iterable[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Make Stripe ask for more: ``fields`` (requirement paths) become
    ``currently_due`` (and ``past_due`` when ``past_due`` or once ``deadline``
    has passed) until supplied. Emits ``account.updated``. Returns the account."""
    stored = load_account(fake, account_id)
    before = copy.deepcopy(stored)
    priv = _private(fake, account_id)
    raised = priv["raised"] or {"fields": [], "deadline": None, "past_due": False, "errors": []}
    raised["fields"] = list(dict.fromkeys(raised["fields"] + list(fields)))
    raised["deadline"] = deadline
    raised["past_due"] = bool(past_due)
    raised["errors"] = list(errors or raised["errors"])
    priv["raised"] = raised
    return commit(fake, copy.deepcopy(stored), before)


def _fill_person(person: dict[str, Any], country: str, relationship: dict[str, Any]) -> None:
    person.update(first_name=person["first_name"] or "Jenny", last_name=person["last_name"] or "Rosen",
                  email=person["email"] or "jenny.rosen@example.com", phone=person["phone"] or "+15555550100")
    if not all(person["dob"].values()):
        person["dob"] = {"day": 1, "month": 1, "year": 1990}
    address = person["address"]
    for key, value in (("line1", "address_full_match"), ("city", "Springfield"),
                       ("postal_code", "94110" if country == "US" else "10115"),
                       ("state", "CA" if country == "US" else None), ("country", country)):
        address[key] = address[key] or value
    if country == "US":
        person["ssn_last_4_provided"] = True
    person["id_number_provided"] = True
    for key, value in relationship.items():
        person["relationship"][key] = value
    person["verification"]["status"] = "verified"


def complete_onboarding(fake: FakeStripe, account_id: str) -> dict[str, Any]:
    """Play the Stripe-hosted onboarding to the end: fill in whatever the
    account lacks with test data, add a test bank account if it has none,
    accept the ToS and clear raised requirements. Emits the events Stripe
    would. Returns the account."""
    stored = load_account(fake, account_id)
    before = copy.deepcopy(stored)
    acct = copy.deepcopy(stored)
    priv = _private(fake, account_id)
    priv["onboarded"] = True
    priv["raised"] = None
    acct["business_type"] = acct["business_type"] or "individual"
    acct["tos_acceptance"].update(date=acct["tos_acceptance"]["date"] or fake.now(),
                                  ip=acct["tos_acceptance"]["ip"] or "127.0.0.1")
    profile = acct["business_profile"]
    profile["mcc"] = profile["mcc"] or "5734"
    profile["url"] = profile["url"] or "https://example.com"
    if acct["business_type"] == "individual":
        _fill_person(acct["individual"], acct["country"], {})
    else:
        company = acct["company"]
        company.update(name=company["name"] or "Test Company", phone=company["phone"] or "+15555550100",
                       tax_id_provided=True, owners_provided=True)
        for key, value in (("line1", "address_full_match"), ("city", "Springfield"),
                           ("postal_code", "94110"), ("state", "CA"), ("country", acct["country"])):
            company["address"][key] = company["address"][key] or value
        people = persons(fake, account_id)
        if not any(p["relationship"]["representative"] for p in people):
            rep = persons_mod.blank_person(fake, account_id)
            _fill_person(rep, acct["country"], {"representative": True, "title": "CEO"})
            fake.save(rep, account_id)
            fake.emit("person.created", rep, account=account_id)
        for person in people:
            _fill_person(person, acct["country"], {"title": person["relationship"]["title"] or "Owner"})
            fake.save(person, account_id)
    fake.save(acct)
    if not externals(fake, account_id):
        token = "btok_us_verified" if acct["country"] == "US" else "btok_de"
        bank = _external_from_param(fake, acct, token, "external_account", None)
        if bank["currency"] != acct["default_currency"]:
            bank["currency"] = acct["default_currency"]
        attach_external(fake, account_id, bank)
    return commit(fake, acct, before)


for _helper in (raise_requirements, complete_onboarding):
    setattr(FakeStripe, _helper.__name__, _helper)
