"""What the fake Stripe asks a connected account for, and when it is satisfied.

The rules come from the country table (:mod:`pinax_connect.countries`): each
country's ``verification_fields`` minimum is what a custom account must provide
before it is enabled (overdue until then, as on Stripe), its ``additional`` fields
are ``eventually_due``. Companies name their representative and, per country, their
owners, directors and executives (or attest there are no more with
``company.<role>_provided``). Requirement paths use Stripe's own words
(``individual.dob.day``, ``company.tax_id``, ``person_xxx.first_name``,
``owners.email``, ``documents.company_registration_verification``).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from ... import countries

EURO_COUNTRIES = countries.EURO_AREA
TOS = ["tos_acceptance.date", "tos_acceptance.ip"]
ROLE_FLAGS = countries.ROLE_FLAGS

# ``fake.state["documents"]``: an account or person id -> the ``documents[<kind>]`` kinds uploaded for it
# (keyed by ``str``; ``Any`` because it is looked up with ``obj.get("id")``, None for a hash without an id).
Documents = Mapping[Any, Collection[str]]

# A requirement on a sensitive field is met by its "provided" flag, since the
# value itself is never kept.
_ALIASES = {
    "ssn_last_4": ("ssn_last_4_provided", "id_number_provided"),
    "id_number": ("id_number_provided",),
    "tax_id": ("tax_id_provided",),
    "vat_id": ("vat_id_provided",),
    "verification.document": ("verification.document.front",),
    "verification.additional_document": ("verification.additional_document.front",),
}


def rules_for(code: str) -> countries.Country:
    """The :class:`~pinax_connect.countries.Country` for ``code`` (the US rules when unknown)."""
    return countries.get(code) if countries.is_supported(code) else countries.get("US")


def default_currency(country: str) -> str:
    """The default settlement currency for ``country``."""
    return countries.default_currency(country)


def _lookup(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _filled(value: Any) -> bool:
    return value not in (None, "", False, {}, [])


def present(obj: dict[str, Any], path: str, documents: Collection[str] = ()) -> bool:
    """Whether ``path`` (relative, dotted) is supplied on ``obj``; ``documents`` are the
    ``documents[<kind>]`` kinds uploaded for it."""
    if path.startswith("documents."):
        return path.split(".")[1] in documents
    candidates = [path]
    for key, alternatives in _ALIASES.items():
        if path == key or path.endswith("." + key):
            prefix = path[: len(path) - len(key)]
            candidates = [prefix + alt for alt in alternatives]
            break
    return any(_filled(_lookup(obj, c)) for c in candidates)


def _person_fields(country: str, rel: dict[str, Any], eventually: bool) -> list[str]:
    rules = rules_for(country)
    if rel.get("representative"):
        fields = countries.person_fields(rules) + ["relationship.executive", "relationship.title"]
        if eventually:
            fields += [p.split(".", 1)[1] for p in countries.additional_fields(rules.code, "company")
                       if p.startswith("representative.")]
        return fields
    if any(rel.get(flag) for flag in ROLE_FLAGS.values()):
        return countries.role_fields(rules)
    return []


def person_missing(
    person: dict[str, Any], country: str, eventually: bool = False, documents: Documents | None = None
) -> list[str]:
    """Missing fields (relative paths) of a company's person, from its relationship."""
    docs = (documents or {}).get(person.get("id"), ())
    fields = _person_fields(country, person.get("relationship") or {}, eventually)
    return [f for f in fields if not present(person, f, docs)]


def individual_missing(
    individual: dict[str, Any], country: str, eventually: bool = False, documents: Documents | None = None
) -> list[str]:
    """Missing fields (relative paths) of an individual account's person."""
    rules = rules_for(country)
    fields = countries.person_fields(rules)
    if eventually:
        fields += [p.split(".", 1)[1] for p in countries.additional_fields(rules.code, "individual")]
    docs = (documents or {}).get(individual.get("id"), ())
    return [f for f in fields if not present(individual, f, docs)]


def satisfied(
    account: dict[str, Any], persons: list[dict[str, Any]], has_external: bool, path: str,
    documents: Documents | None = None,
) -> bool:
    """Whether the account-level requirement ``path`` is met."""
    documents = documents or {}
    head, _, rest = path.partition(".")
    if path == "external_account":
        return has_external
    if path == "business_type":
        return _filled(account.get("business_type"))
    if head.startswith("person_"):
        person = next((p for p in persons if p["id"] == head), None)
        return person is None or present(person, rest, documents.get(head, ()))
    if head == "representative" or head in ROLE_FLAGS:
        flag = ROLE_FLAGS.get(head, "representative")
        related = [p for p in persons if (p.get("relationship") or {}).get(flag)]
        if head == "owners" and not related and (account.get("company") or {}).get("owners_provided"):
            return True  # nobody owns 25% or more
        return bool(related) and all(present(p, rest, documents.get(p["id"], ())) for p in related)
    if head == "individual":
        return present(account.get("individual") or {}, rest,
                       documents.get((account.get("individual") or {}).get("id"), ()))
    return present(account, path, documents.get(account["id"], ()))


def base_requirements(
    account: dict[str, Any], persons: list[dict[str, Any]], eventually: bool = False,
    documents: Documents | None = None,
) -> list[str]:
    """Every field the country's rules ask of a custom account (met or not)."""
    rules = rules_for(account["country"])
    btype = account.get("business_type")
    if not btype:
        return ["business_type", "business_profile.mcc", "business_profile.url", "external_account"] + TOS
    minimum = countries.minimum_fields(rules.code, "individual" if btype == "individual" else "company")
    fields = list(minimum)
    if eventually:
        fields += countries.additional_fields(rules.code, "individual" if btype == "individual" else "company")
    if btype != "individual":
        have = {flag for p in persons for flag, on in (p.get("relationship") or {}).items() if on is True}
        # Once the people exist, Stripe asks for what each of them misses by their own id.
        role_of = {"representative": "representative", **ROLE_FLAGS}
        fields = [f for f in fields if role_of.get(f.split(".")[0]) not in have]
        for p in persons:
            fields += ["{}.{}".format(p["id"], f) for f in person_missing(p, rules.code, eventually, documents)]
    return fields


def hosted_requirements(account: dict[str, Any]) -> list[str]:
    """What Stripe-hosted onboarding (express/standard) still has to collect."""
    fields = [] if account.get("business_type") else ["business_type"]
    return fields + ["external_account"] + TOS


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def compute(
    account: dict[str, Any], persons: list[dict[str, Any]], has_external: bool, raised: dict[str, Any] | None,
    now: int, onboarded: bool, rejected: str | None, documents: Documents | None = None,
) -> dict[str, Any]:
    """The ``requirements`` hash of an account.

    ``raised`` is what :func:`FakeStripe.raise_requirements` added
    (``{"fields", "deadline", "past_due", "errors"}``); ``onboarded`` says the
    hosted onboarding was completed; ``rejected`` is a rejection reason or None;
    ``documents`` maps an account or person id to the ``documents[<kind>]`` uploaded.
    """
    def met(path: str) -> bool:
        return satisfied(account, persons, has_external, path, documents)

    custom = account["controller"].get("requirement_collection") == "application"
    if custom:
        base = [f for f in base_requirements(account, persons, False, documents) if not met(f)]
        later = [f for f in base_requirements(account, persons, True, documents) if not met(f)]
    else:
        base = [] if onboarded else [f for f in hosted_requirements(account) if not met(f)]
        later = base
    raised = raised or {}
    raised_missing = [f for f in raised.get("fields", []) if not met(f)]
    currently_due = _unique(base + raised_missing)
    deadline = raised.get("deadline") if raised_missing else None
    if deadline is not None and now >= deadline:
        past_due = currently_due
    else:
        # Until first supplied, what an account needs to be enabled is overdue,
        # as on Stripe; raised requirements only when asked to be.
        past_due = _unique(base + (raised_missing if raised.get("past_due") else []))
    if rejected:
        disabled_reason = "rejected." + rejected
    elif past_due:
        disabled_reason = "requirements.past_due"
    else:
        disabled_reason = None
    errors = [e for e in raised.get("errors", []) if e.get("requirement") in currently_due]
    return {
        "alternatives": [],
        "current_deadline": deadline,
        "currently_due": currently_due,
        "disabled_reason": disabled_reason,
        "errors": errors,
        "eventually_due": _unique(currently_due + later),
        "past_due": past_due,
        "pending_verification": [],
    }


def empty(with_deadline: bool = True) -> dict[str, Any]:
    """A requirements hash with nothing due."""
    out: dict[str, Any] = {
        "alternatives": [],
        "currently_due": [],
        "errors": [],
        "eventually_due": [],
        "past_due": [],
        "pending_verification": [],
    }
    if with_deadline:
        out.update(current_deadline=None, disabled_reason=None)
    return out


def person_requirements(
    person: dict[str, Any], country: str, raised_fields: Iterable[str] = (), documents: Documents | None = None,
    individual: bool = False,
) -> dict[str, Any]:
    """A person's own ``requirements`` hash (relative paths); ``individual`` for the
    person of an individual account."""
    missing = individual_missing if individual else person_missing
    due = missing(person, country, documents=documents)
    due += [f for f in raised_fields if not present(person, f) and f not in due]
    later = _unique(due + missing(person, country, eventually=True, documents=documents))
    out = empty(with_deadline=False)
    out.update(currently_due=due, eventually_due=later, past_due=list(due))
    return out
