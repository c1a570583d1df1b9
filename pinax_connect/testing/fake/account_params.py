"""Applying account create/update parameters in the fake Stripe: ``controller``
(the account type), ``business_profile``, ``capabilities``, ``tos_acceptance``,
``settings`` (payout schedule), ``individual``/``company`` (see :mod:`.persons`),
``account_token`` and ``external_account``, validated as Stripe validates them."""

import re
from typing import Any

from . import banking
from . import persons as persons_mod
from .account_state import _controller, _private, _text, is_custom
from .capabilities import CAPABILITIES, _request_capability
from .core import FakeStripe, FakeStripeError
from .core import param_path as _p
from .core import reject_unknown as _unknown
from .external_accounts import _external_from_param

BUSINESS_TYPES = ("individual", "company", "non_profit", "government_entity")
UPDATE_PARAMS = {
    "account_token", "business_profile", "business_type", "capabilities", "company",
    "default_currency", "documents", "email", "external_account", "individual",
    "metadata", "settings", "tos_acceptance",
}
CREATE_PARAMS = UPDATE_PARAMS | {"type", "controller", "country", "bank_account"}
_PROFILE_KEYS = {
    "mcc", "monthly_estimated_revenue", "name", "product_description",
    "support_address", "support_email", "support_phone", "support_url", "url",
    "annual_revenue", "estimated_worker_count",
}
_URL = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", re.I)


def _kind_from_controller(fake: FakeStripe, controller: Any) -> tuple[str, dict[str, Any]]:
    _unknown({"fees", "losses", "requirement_collection", "stripe_dashboard", "application"}, controller, "controller")
    dashboard = (controller.get("stripe_dashboard") or {}).get("type") or "full"
    collection = controller.get("requirement_collection") or ("application" if dashboard == "none" else "stripe")
    if dashboard not in ("express", "full", "none"):
        raise FakeStripeError.invalid("controller[stripe_dashboard][type]",
                                      "Invalid controller[stripe_dashboard][type]: must be one of express, full, or none")
    if collection not in ("application", "stripe"):
        raise FakeStripeError.invalid("controller[requirement_collection]",
                                      "Invalid controller[requirement_collection]: must be one of application or stripe")
    if collection == "application" and dashboard != "none":
        raise FakeStripeError.invalid(
            "controller[requirement_collection]",
            "requirement_collection=application is only supported with stripe_dashboard[type]=none.")
    kind = "custom" if collection == "application" else ("express" if dashboard == "express" else "standard")
    ctl = _controller(kind)
    payer = (controller.get("fees") or {}).get("payer")
    if payer:
        ctl["fees"] = {"payer": payer}
    losses = (controller.get("losses") or {}).get("payments")
    if losses:
        ctl["losses"] = {"payments": losses}
    return kind, ctl


def _apply_profile(fake: FakeStripe, acct: dict[str, Any], value: Any) -> None:
    _unknown(_PROFILE_KEYS, value, "business_profile")
    profile = acct["business_profile"]
    for key, v in value.items():
        param = _p("business_profile", key)
        if key == "mcc" and v and not re.fullmatch(r"\d{4}", v):
            raise FakeStripeError.invalid(param, "Invalid mcc: must be a 4-digit merchant category code")
        if key in ("url", "support_url") and v and not _URL.match(v):
            raise FakeStripeError.invalid(param, "Not a valid URL", code="url_invalid")
        if key == "support_email" and v and "@" not in v:
            raise FakeStripeError.invalid(param, f"Invalid email address: {v}", code="email_invalid")
        if key == "monthly_estimated_revenue":
            _unknown({"amount", "currency"}, v, param)
            v = {"amount": fake.to_int(fake.require(v, "amount", _p(param, "amount")), _p(param, "amount")),
                 "currency": fake.require(v, "currency", _p(param, "currency")).lower()}
        elif key == "support_address":
            _unknown({"city", "country", "line1", "line2", "postal_code", "state"}, v, param)
            v = {k: v.get(k) for k in ("city", "country", "line1", "line2", "postal_code", "state")}
        elif key in ("annual_revenue", "estimated_worker_count"):
            continue  # accepted, not part of the 2023 shape we return
        if key in profile:
            profile[key] = _text(v)


def _apply_capabilities(fake: FakeStripe, priv: dict[str, Any], value: Any, kind: str) -> None:
    _unknown(CAPABILITIES, value, "capabilities")
    for name, spec in value.items():
        _unknown({"requested"}, spec, _p("capabilities", name))
        if "requested" in spec:
            _request_capability(fake, priv, name, fake.to_bool(spec["requested"], _p("capabilities", name, "requested")))


def _apply_tos(fake: FakeStripe, acct: dict[str, Any], value: Any) -> None:
    if not is_custom(acct):
        raise FakeStripeError.invalid(
            "tos_acceptance",
            "You cannot accept the Terms of Service on behalf of accounts where "
            "controller[requirement_collection]=stripe, which includes Standard and Express accounts.")
    _unknown({"date", "ip", "user_agent", "service_agreement"}, value, "tos_acceptance")
    tos = acct["tos_acceptance"]
    for key, v in value.items():
        if key == "date":
            tos["date"] = None if v == "" else fake.to_int(v, "tos_acceptance[date]")
        elif key == "service_agreement":
            if v not in ("full", "recipient"):
                raise FakeStripeError.invalid("tos_acceptance[service_agreement]",
                                              "Invalid service_agreement: must be one of full or recipient")
            tos[key] = v
        else:
            tos[key] = _text(v)


def _merge_settings(fake: FakeStripe, acct: dict[str, Any], value: Any) -> None:
    _unknown(set(acct["settings"]), value, "settings")
    for section, changes in value.items():
        param = _p("settings", section)
        _unknown(set(acct["settings"][section]) | {"schedule"}, changes, param)
        target = acct["settings"][section]
        for key, v in changes.items():
            if section == "payouts" and key == "schedule":
                _apply_schedule(fake, target, v)
            elif key in ("statement_descriptor",) and v and not 5 <= len(v) <= 22:
                raise FakeStripeError.invalid(
                    _p(param, key), "The statement descriptor must be between 5 and 22 characters long.")
            elif key == "statement_descriptor_prefix" and v and not 2 <= len(v) <= 10:
                raise FakeStripeError.invalid(
                    _p(param, key), "The statement descriptor prefix must be between 2 and 10 characters long.")
            elif key == "debit_negative_balances":
                target[key] = fake.to_bool(v, _p(param, key))
            elif isinstance(v, dict) and isinstance(target.get(key), dict):
                _unknown(set(target[key]), v, _p(param, key))
                for k2, v2 in v.items():
                    target[key][k2] = (fake.to_bool(v2, _p(param, key, k2))
                                       if isinstance(target[key][k2], bool) else _text(v2))
            else:
                target[key] = _text(v)


def _apply_schedule(fake: FakeStripe, payouts: dict[str, Any], value: Any) -> None:
    param = "settings[payouts][schedule]"
    _unknown({"delay_days", "interval", "monthly_anchor", "weekly_anchor"}, value, param)
    schedule = dict(payouts["schedule"])
    if "interval" in value:
        if value["interval"] not in ("manual", "daily", "weekly", "monthly"):
            raise FakeStripeError.invalid(_p(param, "interval"),
                                          "Invalid interval: must be one of manual, daily, weekly, or monthly")
        schedule["interval"] = value["interval"]
    if "delay_days" in value:
        schedule["delay_days"] = 2 if value["delay_days"] == "minimum" else fake.to_int(value["delay_days"], _p(param, "delay_days"))
    if "weekly_anchor" in value:
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        if value["weekly_anchor"] not in days:
            raise FakeStripeError.invalid(_p(param, "weekly_anchor"), "Invalid weekly_anchor")
        schedule["weekly_anchor"] = value["weekly_anchor"]
    if "monthly_anchor" in value:
        anchor = fake.to_int(value["monthly_anchor"], _p(param, "monthly_anchor"))
        if not 1 <= anchor <= 31:
            raise FakeStripeError.invalid(_p(param, "monthly_anchor"), "Invalid monthly_anchor")
        schedule["monthly_anchor"] = anchor
    if schedule["interval"] != "weekly":
        schedule.pop("weekly_anchor", None)
    if schedule["interval"] != "monthly":
        schedule.pop("monthly_anchor", None)
    payouts["schedule"] = schedule


def apply_account_params(
    fake: FakeStripe, acct: dict[str, Any], params: dict[str, Any], account_scope: str | None = None
) -> dict[str, Any] | None:
    """Apply create/update parameters to ``acct`` (a copy). Returns the
    external account to attach (validated, not yet saved) or None."""
    priv = _private(fake, acct["id"])
    token_id = params.get("account_token")
    if token_id:
        direct = [k for k in ("individual", "company", "business_type", "tos_acceptance") if k in params]
        if direct:
            raise FakeStripeError.invalid(
                direct[0], f"You cannot provide {direct[0]} along with an account token; put it in the token.")
        token = banking.use_token(fake, token_id, account_scope, {"account"}, "account_token")
        params = {**banking.token_params(fake, token["id"]), **params}
        if params.pop("tos_shown_and_accepted", None) in ("true", True):
            acct["tos_acceptance"].update(date=fake.now(), ip="0.0.0.0")
    if "email" in params:
        email = _text(params["email"])
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise FakeStripeError.invalid("email", f"Invalid email address: {email}", code="email_invalid")
        acct["email"] = email
    if "business_type" in params:
        btype = _text(params["business_type"])
        if btype is not None and btype not in BUSINESS_TYPES:
            raise FakeStripeError.invalid(
                "business_type",
                "Invalid business_type: must be one of individual, company, non_profit, or government_entity")
        acct["business_type"] = btype
    if "business_profile" in params:
        _apply_profile(fake, acct, params["business_profile"])
    if "individual" in params:
        persons_mod.apply_person(fake, acct["individual"], params["individual"], "individual",
                                 acct["country"], acct["id"])
    if "company" in params:
        persons_mod.apply_company(fake, acct["company"], params["company"], acct["id"])
    if "tos_acceptance" in params:
        _apply_tos(fake, acct, params["tos_acceptance"])
    if "documents" in params:
        persons_mod.apply_file_documents(fake, acct["id"], params["documents"], "documents", acct["id"],
                                         persons_mod.ACCOUNT_DOCUMENTS)
    if "capabilities" in params:
        _apply_capabilities(fake, priv, params["capabilities"], acct["type"])
    if "settings" in params:
        _merge_settings(fake, acct, params["settings"])
    if "metadata" in params:
        acct["metadata"] = fake.merge_metadata(acct["metadata"], params["metadata"])
    if "default_currency" in params:
        currency = str(params["default_currency"]).lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise FakeStripeError.invalid("default_currency", f"Invalid currency: {currency}")
        acct["default_currency"] = currency
    raw = params.get("external_account", params.get("bank_account"))
    if raw:
        param = "external_account" if "external_account" in params else "bank_account"
        return _external_from_param(fake, acct, raw, param, account_scope)
    return None
