"""A connected account's state in the fake Stripe: the private bookkeeping, the
blank account, and the derived fields (``requirements``, ``capabilities``,
``charges_enabled``...) that :func:`refresh` recomputes on every write.

Accounts live in the platform scope; their persons, external accounts and
events live in the account's own scope. :func:`commit` stores an account and
emits ``account.updated`` (with the previous values of the top-level keys that
changed) and ``capability.updated``. Private bookkeeping (requested
capabilities, raised requirements, onboarding, rejection, account links, OAuth
codes) is kept in ``fake.state["connect"]``. The routes that change accounts are
in :mod:`.accounts`, :mod:`.capabilities`, :mod:`.account_persons` and
:mod:`.external_accounts`.
"""

import copy
from typing import Any

from . import persons as persons_mod
from . import requirements as reqs
from .core import FakeStripe, FakeStripeError, Request

TEST_PLATFORM_NAME = "Pinax Connect Test Platform"


# --------------------------------------------------------------------------
# Private bookkeeping


def _conn(fake: FakeStripe) -> dict[str, Any]:
    return fake.state.setdefault(
        "connect",
        {"accounts": {}, "account_links": {}, "oauth_codes": {}, "refresh_tokens": {}, "platform": None},
    )


def _private(fake: FakeStripe, acct_id: str) -> dict[str, Any]:
    return _conn(fake)["accounts"].setdefault(
        acct_id, {"caps": {}, "raised": None, "onboarded": False, "rejected": None}
    )


# An empty string clears a field, as on Stripe (one definition, in persons).
_text = persons_mod._text


# --------------------------------------------------------------------------
# Shapes


def _controller(kind: str) -> dict[str, Any]:
    base: dict[str, Any] = {"is_controller": True, "type": "application"}
    if kind == "custom":
        base.update(fees={"payer": "application"}, losses={"payments": "application"},
                    requirement_collection="application", stripe_dashboard={"type": "none"})
    elif kind == "express":
        base.update(fees={"payer": "application_express"}, losses={"payments": "application"},
                    requirement_collection="stripe", stripe_dashboard={"type": "express"})
    else:
        base.update(fees={"payer": "account"}, losses={"payments": "stripe"},
                    requirement_collection="stripe", stripe_dashboard={"type": "full"})
    return base


def _settings(fake: FakeStripe, country: str) -> dict[str, Any]:
    return {
        "bacs_debit_payments": {"display_name": None, "service_user_number": None},
        "branding": {"icon": None, "logo": None, "primary_color": None, "secondary_color": None},
        "card_issuing": {"tos_acceptance": {"date": None, "ip": None}},
        "card_payments": {
            "decline_on": {"avs_failure": False, "cvc_failure": False},
            "statement_descriptor_prefix": None,
            "statement_descriptor_prefix_kana": None,
            "statement_descriptor_prefix_kanji": None,
        },
        "dashboard": {"display_name": None, "timezone": "Etc/UTC"},
        "payments": {
            "statement_descriptor": None,
            "statement_descriptor_kana": None,
            "statement_descriptor_kanji": None,
            "statement_descriptor_prefix_kana": None,
            "statement_descriptor_prefix_kanji": None,
        },
        "payouts": {
            "debit_negative_balances": True,
            "schedule": {"delay_days": 2 if country == "US" else 7, "interval": "daily"},
            "statement_descriptor": None,
        },
        "sepa_debit_payments": {},
        "treasury": {"tos_acceptance": {"date": None, "ip": None, "user_agent": None}},
    }


def new_account(fake: FakeStripe, kind: str, country: str, controller: dict[str, Any] | None = None) -> dict[str, Any]:
    """A blank account of ``kind`` (custom/express/standard) in ``country``."""
    acct_id = fake.new_id("acct")
    return {
        "id": acct_id,
        "object": "account",
        "business_profile": {
            "mcc": None, "monthly_estimated_revenue": None, "name": None,
            "product_description": None, "support_address": None, "support_email": None,
            "support_phone": None, "support_url": None, "url": None,
        },
        "business_type": None,
        "capabilities": {},
        "charges_enabled": False,
        "company": persons_mod.blank_company(),
        "controller": controller or _controller(kind),
        "country": country,
        "created": fake.now(),
        "default_currency": reqs.default_currency(country),
        "details_submitted": False,
        "email": None,
        "external_accounts": {"object": "list", "data": [], "has_more": False,
                              "url": f"/v1/accounts/{acct_id}/external_accounts"},
        "future_requirements": reqs.empty(),
        "individual": persons_mod.blank_person(fake, acct_id),
        "metadata": {},
        "payouts_enabled": False,
        "requirements": reqs.empty(),
        "settings": _settings(fake, country),
        "tos_acceptance": {"date": None, "ip": None, "service_agreement": "full", "user_agent": None},
        "type": kind,
    }


def is_custom(acct: dict[str, Any]) -> bool:
    return acct["controller"].get("requirement_collection") == "application"


# --------------------------------------------------------------------------
# Loading and committing


def externals(fake: FakeStripe, acct_id: str) -> list[dict[str, Any]]:
    """The account's external accounts (bank accounts and debit cards), oldest first."""
    found = [o for t in ("bank_account", "card") for o in fake.all(t, acct_id)
             if o.get("account") == acct_id and not o.get("customer")]
    return sorted(found, key=lambda o: o["id"].split("_")[-1])


def persons(fake: FakeStripe, acct_id: str) -> list[dict[str, Any]]:
    return [p for p in fake.all("person", acct_id) if p.get("account") == acct_id]


def load_account(fake: FakeStripe, acct_id: str, req: Request | None = None) -> dict[str, Any]:
    """The stored account, visible to the caller, else 404."""
    acct = fake.get(acct_id, None, "account")
    header = req.account if req is not None else None
    if acct is None or (header and header != acct_id) or fake.state.get("revoked", {}).get(acct_id):
        raise FakeStripeError.missing("account", acct_id, param="account")
    return acct


def _capability_status(acct: dict[str, Any], priv: dict[str, Any], requirements: dict[str, Any]) -> str:
    if priv["rejected"]:
        return "inactive"
    if not is_custom(acct) and not priv["onboarded"]:
        return "inactive"
    # As on Stripe, what is only currently due (before its deadline) does not
    # disable anything yet; overdue requirements do.
    if requirements["past_due"]:
        return "inactive"
    if requirements["pending_verification"]:
        return "pending"
    return "active"


def refresh(fake: FakeStripe, acct: dict[str, Any]) -> dict[str, Any]:
    """Recompute every derived field of ``acct`` (in place) and its persons."""
    priv = _private(fake, acct["id"])
    people = persons(fake, acct["id"])
    ext = externals(fake, acct["id"])
    docs = fake.state.get("documents", {})
    for person in people:
        raised = [f.split(".", 1)[1] for f in (priv["raised"] or {}).get("fields", [])
                  if f.startswith(person["id"] + ".")]
        person["requirements"] = reqs.person_requirements(person, acct["country"], raised, docs)
        person["future_requirements"] = reqs.person_requirements({"relationship": {}}, acct["country"])
        fake.save(person, acct["id"])
    requirements = reqs.compute(acct, people, bool(ext), priv["raised"], fake.now(),
                                priv["onboarded"], priv["rejected"], docs)
    acct["requirements"] = requirements
    acct["future_requirements"] = reqs.empty()
    if acct.get("business_type") == "individual" and is_custom(acct):
        raised = [f.split(".", 1)[1] for f in (priv["raised"] or {}).get("fields", [])
                  if f.startswith("individual.")]
        acct["individual"]["requirements"] = reqs.person_requirements(
            acct["individual"], acct["country"], raised, docs, individual=True)
        acct["individual"]["future_requirements"] = reqs.person_requirements({"relationship": {}}, acct["country"])
    status = _capability_status(acct, priv, requirements)
    acct["capabilities"] = {name: status for name, at in sorted(priv["caps"].items()) if at is not None}
    blocked = bool(priv["rejected"] or requirements["past_due"])
    acct["charges_enabled"] = acct["capabilities"].get("card_payments") == "active" and not blocked
    acct["payouts_enabled"] = (not blocked and bool(ext)
                               and any(s == "active" for s in acct["capabilities"].values()))
    raised_fields = set((priv["raised"] or {}).get("fields", []))
    base_due = [f for f in requirements["currently_due"] if f not in raised_fields]
    acct["details_submitted"] = priv["onboarded"] or (is_custom(acct) and not base_due)
    newest = list(reversed(ext))
    acct["external_accounts"] = {
        "object": "list",
        "data": copy.deepcopy(newest[:10]),
        "has_more": len(newest) > 10,
        "url": "/v1/accounts/{}/external_accounts".format(acct["id"]),
    }
    return acct


def commit(fake: FakeStripe, acct: dict[str, Any], before: dict[str, Any] | None = None) -> dict[str, Any]:
    """Refresh and store ``acct``; when ``before`` (its previous version) is
    given, emit ``account.updated`` (and ``capability.updated`` for capability
    status changes) if anything changed."""
    refresh(fake, acct)
    fake.save(acct)
    if before is None:
        return acct
    changed = {k: before.get(k) for k in acct if acct[k] != before.get(k)}
    if changed:
        fake.emit("account.updated", acct, account=acct["id"], previous_attributes=changed)
    old_caps = before.get("capabilities") or {}
    for name, status in acct["capabilities"].items():
        if old_caps.get(name) != status:
            fake.emit("capability.updated", capability(fake, acct, name), account=acct["id"],
                      previous_attributes={"status": old_caps.get(name, "unrequested")})
    return acct


def touch(fake: FakeStripe, acct_id: str) -> None:
    """Re-commit an account after one of its sub-resources changed."""
    stored = fake.get(acct_id, None, "account")
    if stored is not None:
        commit(fake, copy.deepcopy(stored), copy.deepcopy(stored))


# --------------------------------------------------------------------------
# Capability objects


def capability(fake: FakeStripe, acct: dict[str, Any], name: str) -> dict[str, Any]:
    """The ``capability`` object ``name`` of ``acct``."""
    priv = _private(fake, acct["id"])
    requested_at = priv["caps"].get(name)
    status = acct["capabilities"].get(name, "unrequested") if requested_at else "unrequested"
    requirements = reqs.empty()
    if status != "active" and requested_at:
        requirements = copy.deepcopy(acct["requirements"])
    return {
        "id": name,
        "object": "capability",
        "account": acct["id"],
        "future_requirements": reqs.empty(),
        "requested": requested_at is not None,
        "requested_at": requested_at,
        "requirements": requirements,
        "status": status,
    }
