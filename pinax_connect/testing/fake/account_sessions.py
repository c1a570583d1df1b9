"""Account Sessions in the fake Stripe (``POST /v1/account_sessions``).

An Account Session hands a connected account's embedded components (Connect.js)
a short-lived ``client_secret``. Stripe keeps nothing a platform can read back (no
retrieve or list endpoint), so neither does the fake: each call returns a new
session that expires after 30 minutes, as Stripe's do.
"""
import secrets
from typing import Any

from .core import FakeStripe, FakeStripeError, Request, route
from .ledger import find_account

EXPIRES_AFTER = 30 * 60

# Components Stripe's Account Sessions accept, with the features each may set.
_ACCOUNT_FEATURES = {"disable_stripe_user_authentication", "external_account_collection"}
_PAYMENT_FEATURES = {"capture_payments", "destination_on_behalf_of_charge_management", "dispute_management",
                     "refund_management"}
_PAYOUT_FEATURES = {"disable_stripe_user_authentication", "edit_payout_schedule", "external_account_collection",
                    "instant_payouts", "standard_payouts"}
COMPONENTS = {
    "account_management": _ACCOUNT_FEATURES,
    "account_onboarding": _ACCOUNT_FEATURES,
    "balances": _PAYOUT_FEATURES,
    "documents": set(),
    "notification_banner": _ACCOUNT_FEATURES,
    "payment_details": _PAYMENT_FEATURES,
    "payments": _PAYMENT_FEATURES,
    "payouts": _PAYOUT_FEATURES,
    "payouts_list": set(),
    "tax_registrations": set(),
    "tax_settings": set(),
}


def _component(fake: FakeStripe, name: str, raw: Any) -> dict[str, Any]:
    where = f"components[{name}]"
    if not isinstance(raw, dict):
        raise FakeStripeError.invalid(where, "Invalid object")
    for key in raw:
        if key not in ("enabled", "features"):
            raise FakeStripeError.unknown(f"{where}[{key}]")
    if "enabled" not in raw:
        raise FakeStripeError.required(f"{where}[enabled]")
    enabled = fake.to_bool(raw["enabled"], f"{where}[enabled]")
    features = raw.get("features") or {}
    if not isinstance(features, dict):
        raise FakeStripeError.invalid(f"{where}[features]", "Invalid object")
    out = {}
    for key, value in features.items():
        if key not in COMPONENTS[name]:
            raise FakeStripeError.unknown(f"{where}[features][{key}]")
        out[key] = fake.to_bool(value, f"{where}[features][{key}]")
    return {"enabled": enabled, "features": out}


@route("POST", "/v1/account_sessions", params={"account", "components"})
def create_account_session(fake: FakeStripe, req: Request) -> dict[str, Any]:
    if req.account:
        # A session is made by the platform about an account, never on one.
        raise FakeStripeError(400, message="Account Sessions cannot be created with the Stripe-Account header.")
    account_id = req.params.get("account")
    if not account_id:
        raise FakeStripeError.required("account")
    components = req.params.get("components")
    if not components:
        raise FakeStripeError.required("components")
    if not isinstance(components, dict):
        raise FakeStripeError.invalid("components", "Invalid object")
    find_account(fake, account_id, "account")
    configured = {}
    for name, raw in components.items():
        if name not in COMPONENTS:
            raise FakeStripeError.unknown(f"components[{name}]")
        configured[name] = _component(fake, name, raw)
    shown = {name: configured.get(name, {"enabled": False, "features": {}}) for name in sorted(COMPONENTS)}
    return {
        "object": "account_session",
        "account": account_id,
        "client_secret": f"_{secrets.token_urlsafe(36)}",
        "components": shown,
        "expires_at": fake.now() + EXPIRES_AFTER,
        "livemode": False,
    }
