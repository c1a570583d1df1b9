"""Account Sessions: the short-lived secret behind Stripe's embedded components (Connect.js).

Stripe's embedded onboarding, payments, payouts and notification banner run in the
seller's browser and authenticate with an Account Session's ``client_secret``. The
secret is good for one page load and expires within the hour, so it is returned to
the view that renders the page and never stored or logged (see docs/embedded.md).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..client import get_client, new_idempotency_key, request_options
from ..exceptions import InvalidRequest
from ..models import Account
from . import accounts

#: Components pinax_connect's ``embedded_components`` tag renders, in the order shown.
DEFAULT_COMPONENTS = ("account_onboarding", "notification_banner", "payments", "payouts")
#: Every component name Stripe's Account Sessions accept.
KNOWN_COMPONENTS = frozenset({
    "account_management", "account_onboarding", "balances", "documents", "notification_banner",
    "payment_details", "payments", "payouts", "payouts_list", "tax_registrations", "tax_settings",
})


def _components(components: Iterable[str] | Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"payments": {"enabled": True, ...}}`` from names or from Stripe's own mapping."""
    if isinstance(components, Mapping):
        items = [(name, dict(config or {})) for name, config in components.items()]
    elif isinstance(components, str):
        raise InvalidRequest("components must be a list of component names or a mapping, not a string")
    else:
        items = [(name, {}) for name in components]
    out: dict[str, dict[str, Any]] = {}
    for name, config in items:
        if name not in KNOWN_COMPONENTS:
            raise InvalidRequest(f"Unknown embedded component {name!r}; one of {sorted(KNOWN_COMPONENTS)}")
        config.setdefault("enabled", True)
        out[name] = config
    if not any(config.get("enabled") for config in out.values()):
        raise InvalidRequest("Enable at least one embedded component")
    return out


def create(
    account: Account,
    components: Iterable[str] | Mapping[str, Any] = DEFAULT_COMPONENTS,
    *,
    idempotency_key: str | None = None,
) -> str:
    """Create an Account Session for ``account`` and return its ``client_secret``.

    Sends ``POST /v1/account_sessions`` with ``account`` and
    ``components[<name>][enabled]=true`` for each name in ``components`` (or
    Stripe's own mapping, e.g. ``{"payments": {"enabled": True, "features":
    {"refund_management": True}}}``). Stores nothing: the secret is for the page
    being rendered only, and must not be logged or cached.

    Raises :class:`InvalidRequest` for an unknown component or none enabled, and
    ``AccountDeauthorized`` when the account revoked the platform's access.
    """
    if not isinstance(account, Account):
        raise InvalidRequest(f"Expected an Account instance, got {account!r}")
    accounts.ensure_authorized(account)
    session = get_client().v1.account_sessions.create(
        {"account": account.stripe_id, "components": _components(components)},
        options=request_options(idempotency_key=idempotency_key or new_idempotency_key()),
    )
    return session.client_secret
