"""What the fake Stripe asks a connected account for, and when it is satisfied.

A small, data-driven stand-in for Stripe's verification rules: one rule set for
the US and one generic euro-area set (IBAN bank accounts, no SSN). Requirement
paths use Stripe's own words (``individual.dob.day``, ``company.tax_id``,
``person_xxx.first_name``, ``external_account``).
"""

EURO_COUNTRIES = {
    "AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK",
}

_ADDRESS = ["address.city", "address.line1", "address.postal_code"]
_DOB = ["dob.day", "dob.month", "dob.year"]

RULES = {
    "US": {
        "currency": "usd",
        "bank": "aba",
        "profile": ["business_profile.mcc", "business_profile.url"],
        # Fields of the individual / representative (relative to the person).
        "person": _ADDRESS + ["address.state"] + _DOB
        + ["email", "first_name", "last_name", "phone", "ssn_last_4"],
        "owner": ["first_name", "last_name", "email"] + _DOB,
        "person_eventually": ["id_number"],
        "company": ["company.address.city", "company.address.line1",
                    "company.address.postal_code", "company.address.state",
                    "company.name", "company.phone", "company.tax_id"],
    },
    "EU": {
        "currency": "eur",
        "bank": "iban",
        "profile": ["business_profile.mcc", "business_profile.url"],
        "person": _ADDRESS + _DOB + ["email", "first_name", "last_name", "phone"],
        "owner": ["first_name", "last_name", "email"] + _DOB,
        "person_eventually": [],
        "company": ["company.address.city", "company.address.line1",
                    "company.address.postal_code", "company.name", "company.tax_id"],
    },
}

CURRENCIES = {"US": "usd", "GB": "gbp", "CA": "cad", "AU": "aud", "CH": "chf"}
TOS = ["tos_acceptance.date", "tos_acceptance.ip"]

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


def rules_for(country):
    """The rule set for ``country`` (US, else the generic European one)."""
    return RULES["US"] if country == "US" else RULES["EU"]


def default_currency(country):
    """The default settlement currency for ``country``."""
    if country in EURO_COUNTRIES:
        return "eur"
    return CURRENCIES.get(country, "usd")


def _lookup(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _filled(value):
    return value not in (None, "", False, {}, [])


def present(obj, path):
    """Whether ``path`` (relative, dotted) is supplied on ``obj``."""
    candidates = [path]
    for key, alternatives in _ALIASES.items():
        if path == key or path.endswith("." + key):
            prefix = path[: len(path) - len(key)]
            candidates = [prefix + alt for alt in alternatives]
            break
    return any(_filled(_lookup(obj, c)) for c in candidates)


def person_missing(person, country, eventually=False):
    """Missing fields (relative paths) of a person, from its relationship."""
    rules = rules_for(country)
    rel = person.get("relationship") or {}
    fields = []
    if rel.get("representative"):
        fields = rules["person"] + ["relationship.title"]
    elif rel.get("owner") or rel.get("director") or rel.get("executive"):
        fields = list(rules["owner"])
    if eventually and rel.get("representative"):
        fields = fields + rules["person_eventually"]
    return [f for f in fields if not present(person, f)]


def satisfied(account, persons, has_external, path):
    """Whether the account-level requirement ``path`` is met."""
    head, _, rest = path.partition(".")
    if path == "external_account":
        return has_external
    if path == "business_type":
        return _filled(account.get("business_type"))
    if head.startswith("person_"):
        person = next((p for p in persons if p["id"] == head), None)
        return person is None or present(person, rest)
    if head in ("representative", "owners", "directors", "executives"):
        flag = {"representative": "representative", "owners": "owner",
                "directors": "director", "executives": "executive"}[head]
        related = [p for p in persons if (p.get("relationship") or {}).get(flag)]
        if head == "owners" and (account.get("company") or {}).get("owners_provided"):
            return True
        return bool(related) and all(present(p, rest) for p in related)
    return present(account, path)


def base_requirements(account, persons, eventually=False):
    """Every field the rules ask of a custom account (met or not)."""
    rules = rules_for(account["country"])
    btype = account.get("business_type")
    fields = []
    if not btype:
        fields.append("business_type")
    fields += rules["profile"] + ["external_account"]
    if btype == "individual":
        fields += ["individual." + f for f in rules["person"]]
        if eventually:
            fields += ["individual." + f for f in rules["person_eventually"]]
    elif btype:
        fields += rules["company"]
        reps = [p for p in persons if (p.get("relationship") or {}).get("representative")]
        if not reps:
            fields += ["representative." + f for f in rules["person"] + ["relationship.title"]]
        owners = [p for p in persons if (p.get("relationship") or {}).get("owner")]
        if not owners:
            fields += ["owners." + f for f in rules["owner"][:2]]
        for p in persons:
            fields += ["%s.%s" % (p["id"], f) for f in person_missing(p, account["country"], eventually)]
    return fields + TOS


def hosted_requirements(account):
    """What Stripe-hosted onboarding (express/standard) still has to collect."""
    fields = [] if account.get("business_type") else ["business_type"]
    return fields + ["external_account"] + TOS


def _unique(items):
    return list(dict.fromkeys(items))


def compute(account, persons, has_external, raised, now, onboarded, rejected):
    """The ``requirements`` hash of an account.

    ``raised`` is what :func:`FakeStripe.raise_requirements` added
    (``{"fields", "deadline", "past_due", "errors"}``); ``onboarded`` says the
    hosted onboarding was completed; ``rejected`` is a rejection reason or None.
    """
    def met(path):
        return satisfied(account, persons, has_external, path)

    custom = account["controller"].get("requirement_collection") == "application"
    if custom:
        base = [f for f in base_requirements(account, persons) if not met(f)]
        later = [f for f in base_requirements(account, persons, True) if not met(f)]
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


def empty(with_deadline=True):
    """A requirements hash with nothing due."""
    out = {
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


def person_requirements(person, country, raised_fields=()):
    """A person's own ``requirements`` hash (relative paths)."""
    due = person_missing(person, country)
    due += [f for f in raised_fields if not present(person, f) and f not in due]
    later = _unique(due + person_missing(person, country, eventually=True))
    out = empty(with_deadline=False)
    out.update(currently_due=due, eventually_due=later, past_due=list(due))
    return out
