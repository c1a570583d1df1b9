"""The inventory of requirement paths: which form field collects each path Stripe may ask
for, or why only Stripe's hosted onboarding can (published in ``docs/forms.md``)."""
from __future__ import annotations

from .. import countries
from .fields import ACCOUNT_ENTRIES, COMPANY_ENTRIES, PERSON_ENTRIES, Context, generic_binding, resolve

# Why a path stays on Stripe's hosted onboarding.
HOSTED_REASONS = {
    "proof_of_liveness": "a live selfie check that only Stripe's own UI can take",
    "legal_entity.additional_owners": "pinax-stripe's pre-2019 list of owners; today's owners.* replace it",
    "tos_acceptance": "the terms need the seller's request (date, IP); without one only Stripe can record them",
}


def inventory_paths() -> list[str]:
    """Every requirement path we know of: each country's minimum and additional fields,
    each registry entry in each scope, and the paths Stripe keeps for its hosted UI."""
    paths = []
    for code in countries.codes():
        for business_type in ("individual", "company"):
            paths += countries.minimum_fields(code, business_type) + countries.additional_fields(code, business_type)
    for scope in ("individual", "representative", "owners", "directors", "executives", "person_xxx"):
        paths += [f"{scope}.{e.key}" for e in PERSON_ENTRIES]
    paths += [f"company.{e.key}" for e in COMPANY_ENTRIES] + [e.key for e in ACCOUNT_ENTRIES]
    paths += ["individual.verification.proof_of_liveness", "representative.verification.proof_of_liveness",
              "legal_entity.additional_owners"]
    return sorted(dict.fromkeys(paths))


def inventory(ctx: Context) -> list[tuple[str, str, str]]:
    """``[(path, how, detail)]`` for :func:`inventory_paths`: ``how`` is ``"field"`` (``detail``:
    the entry collecting it) or ``"hosted"`` (``detail``: why only Stripe can collect it)."""
    rows = []
    for path in inventory_paths():
        binding = resolve(path, ctx.business_type) or generic_binding(path, ctx.business_type)
        if binding is not None and binding.entry.available(ctx):
            rows.append((path, "field", type(binding.entry).__name__))
        else:
            reason = next((why for key, why in HOSTED_REASONS.items() if key in path), "no form field")
            rows.append((path, "hosted", reason))
    return rows
