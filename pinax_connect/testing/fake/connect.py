"""Connected accounts in the fake Stripe: accounts, capabilities, persons,
external accounts, account and login links, events, and the test helpers that
play Stripe's part (``raise_requirements``, ``complete_onboarding``,
``visit_account_link``, ``deauthorize``, ``oauth_code``).

Accounts live in the platform scope; their persons, external accounts and
events live in the account's own scope. Derived fields (``requirements``,
``capabilities``, ``charges_enabled``...) are recomputed on every write by
:func:`commit`, which also emits ``account.updated`` with the previous values
of the top-level keys that changed. Private bookkeeping (requested
capabilities, raised requirements, onboarding, rejection) is kept in
``fake.state["connect"]``.
"""

import copy
import fnmatch
import re

from . import banking, country_specs
from . import persons as persons_mod
from . import requirements as reqs
from .core import PLATFORM, FakeStripe, FakeStripeError, route
from .core import param_path as _p
from .core import reject_unknown as _unknown

ACCOUNT_TYPES = ("custom", "express", "standard")
BUSINESS_TYPES = ("individual", "company", "non_profit", "government_entity")
CAPABILITIES = {
    "acss_debit_payments", "affirm_payments", "afterpay_clearpay_payments",
    "au_becs_debit_payments", "bacs_debit_payments", "bancontact_payments",
    "bank_transfer_payments", "blik_payments", "boleto_payments", "card_issuing",
    "card_payments", "cartes_bancaires_payments", "cashapp_payments", "eps_payments",
    "fpx_payments", "giropay_payments", "grabpay_payments", "ideal_payments",
    "india_international_payments", "jcb_payments", "klarna_payments",
    "konbini_payments", "legacy_payments", "link_payments", "oxxo_payments",
    "p24_payments", "paynow_payments", "promptpay_payments", "sepa_debit_payments",
    "sofort_payments", "tax_reporting_us_1099_k", "tax_reporting_us_1099_misc",
    "transfers", "treasury", "us_bank_account_ach_payments", "zip_payments",
}
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
_HTTP_URL = re.compile(r"^https?://\S+$", re.I)
TEST_PLATFORM_NAME = "Pinax Connect Test Platform"


# --------------------------------------------------------------------------
# Private bookkeeping


def _conn(fake):
    return fake.state.setdefault(
        "connect",
        {"accounts": {}, "account_links": {}, "oauth_codes": {}, "refresh_tokens": {}, "platform": None},
    )


def _private(fake, acct_id):
    return _conn(fake)["accounts"].setdefault(
        acct_id, {"caps": {}, "raised": None, "onboarded": False, "rejected": None}
    )


def _text(value):
    return None if value == "" else value


# --------------------------------------------------------------------------
# Shapes


def _controller(kind):
    base = {"is_controller": True, "type": "application"}
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


def _settings(fake, country):
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


def new_account(fake, kind, country, controller=None):
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
                              "url": "/v1/accounts/%s/external_accounts" % acct_id},
        "future_requirements": reqs.empty(),
        "individual": persons_mod.blank_person(fake, acct_id),
        "metadata": {},
        "payouts_enabled": False,
        "requirements": reqs.empty(),
        "settings": _settings(fake, country),
        "tos_acceptance": {"date": None, "ip": None, "service_agreement": "full", "user_agent": None},
        "type": kind,
    }


def is_custom(acct):
    return acct["controller"].get("requirement_collection") == "application"


# --------------------------------------------------------------------------
# Loading and committing


def externals(fake, acct_id):
    """The account's external accounts (bank accounts and debit cards), oldest first."""
    found = [o for t in ("bank_account", "card") for o in fake.all(t, acct_id)
             if o.get("account") == acct_id and not o.get("customer")]
    return sorted(found, key=lambda o: o["id"].split("_")[-1])


def persons(fake, acct_id):
    return [p for p in fake.all("person", acct_id) if p.get("account") == acct_id]


def load_account(fake, acct_id, req=None):
    """The stored account, visible to the caller, else 404."""
    acct = fake.get(acct_id, None, "account")
    header = req.account if req is not None else None
    if acct is None or (header and header != acct_id) or fake.state.get("revoked", {}).get(acct_id):
        raise FakeStripeError.missing("account", acct_id, param="account")
    return acct


def _capability_status(acct, priv, requirements):
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


def refresh(fake, acct):
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
        "url": "/v1/accounts/%s/external_accounts" % acct["id"],
    }
    return acct


def commit(fake, acct, before=None):
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


def touch(fake, acct_id):
    """Re-commit an account after one of its sub-resources changed."""
    stored = fake.get(acct_id, None, "account")
    if stored is not None:
        commit(fake, copy.deepcopy(stored), copy.deepcopy(stored))


# --------------------------------------------------------------------------
# Applying account parameters


def _kind_from_controller(fake, controller):
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


def _apply_profile(fake, acct, value):
    _unknown(_PROFILE_KEYS, value, "business_profile")
    profile = acct["business_profile"]
    for key, v in value.items():
        param = _p("business_profile", key)
        if key == "mcc" and v and not re.fullmatch(r"\d{4}", v):
            raise FakeStripeError.invalid(param, "Invalid mcc: must be a 4-digit merchant category code")
        if key in ("url", "support_url") and v and not _URL.match(v):
            raise FakeStripeError.invalid(param, "Not a valid URL", code="url_invalid")
        if key == "support_email" and v and "@" not in v:
            raise FakeStripeError.invalid(param, "Invalid email address: %s" % v, code="email_invalid")
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


def _apply_capabilities(fake, priv, value, kind):
    _unknown(CAPABILITIES, value, "capabilities")
    for name, spec in value.items():
        _unknown({"requested"}, spec, _p("capabilities", name))
        if "requested" in spec:
            _request_capability(fake, priv, name, fake.to_bool(spec["requested"], _p("capabilities", name, "requested")))


def _request_capability(fake, priv, name, requested):
    if requested:
        if priv["caps"].get(name) is None:
            priv["caps"][name] = fake.now()
    elif name in priv["caps"]:
        priv["caps"][name] = None


def _apply_tos(fake, acct, value):
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


def _merge_settings(fake, acct, value):
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


def _apply_schedule(fake, payouts, value):
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


def apply_account_params(fake, acct, params, account_scope=None):
    """Apply create/update parameters to ``acct`` (a copy). Returns the
    external account to attach (validated, not yet saved) or None."""
    priv = _private(fake, acct["id"])
    token_id = params.get("account_token")
    if token_id:
        direct = [k for k in ("individual", "company", "business_type", "tos_acceptance") if k in params]
        if direct:
            raise FakeStripeError.invalid(
                direct[0], "You cannot provide %s along with an account token; put it in the token." % direct[0])
        token = banking.use_token(fake, token_id, account_scope, {"account"}, "account_token")
        params = {**banking.token_params(fake, token["id"]), **params}
        if params.pop("tos_shown_and_accepted", None) in ("true", True):
            acct["tos_acceptance"].update(date=fake.now(), ip="0.0.0.0")
    if "email" in params:
        email = _text(params["email"])
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise FakeStripeError.invalid("email", "Invalid email address: %s" % email, code="email_invalid")
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
            raise FakeStripeError.invalid("default_currency", "Invalid currency: %s" % currency)
        acct["default_currency"] = currency
    raw = params.get("external_account", params.get("bank_account"))
    if raw:
        param = "external_account" if "external_account" in params else "bank_account"
        return _external_from_param(fake, acct, raw, param, account_scope)
    return None


def _external_from_param(fake, acct, raw, param, account_scope):
    """A validated, unsaved external account built from a token id or raw hash."""
    if isinstance(raw, str):
        token = banking.use_token(fake, raw, account_scope, {"bank_account", "card"}, param)
        obj = copy.deepcopy(token.get("bank_account") or token.get("card"))
        if obj["object"] == "card":
            obj["id"] = fake.new_id("card")
    elif isinstance(raw, dict):
        kind = raw.get("object") or "bank_account"
        if kind == "card":
            obj = banking.new_card(fake, raw, param)
        elif kind == "bank_account":
            obj = banking.new_bank_account(fake, raw, param, acct["country"])
        else:
            raise FakeStripeError.invalid(_p(param, "object"), "Invalid object: must be one of bank_account or card")
    else:
        raise FakeStripeError.invalid(param, "Invalid external_account")
    if obj["object"] == "card" and obj["funding"] != "debit":
        raise FakeStripeError.invalid(
            param, "This card doesn't appear to be a debit card. Only debit cards can be used for payouts.",
            code="invalid_card_type")
    obj["account"] = acct["id"]
    obj["customer"] = None
    obj.setdefault("metadata", {})
    if obj["object"] == "card" and obj["currency"] is None:
        obj["currency"] = acct["default_currency"]
    return obj


def attach_external(fake, acct_id, obj, make_default=None, replace_default=False):
    """Store a new external account on the account (emitting
    ``account.external_account.created``). The first one for a currency, or
    ``make_default``, becomes ``default_for_currency``; ``replace_default``
    deletes the previous default of that currency (what ``external_account``
    on an account update does)."""
    same = [o for o in externals(fake, acct_id) if o["currency"] == obj["currency"]]
    old_default = next((o for o in same if o.get("default_for_currency")), None)
    obj["default_for_currency"] = bool(make_default or replace_default or old_default is None)
    if obj["default_for_currency"] and old_default is not None:
        if replace_default:
            fake.remove(old_default["id"], acct_id)
            fake.emit("account.external_account.deleted", old_default, account=acct_id)
        else:
            old_default["default_for_currency"] = False
            fake.save(old_default, acct_id)
            fake.emit("account.external_account.updated", old_default, account=acct_id,
                      previous_attributes={"default_for_currency": True})
    fake.save(obj, acct_id)
    fake.emit("account.external_account.created", obj, account=acct_id)
    return obj


# --------------------------------------------------------------------------
# Accounts


@route("POST", "/v1/accounts", params=CREATE_PARAMS)
def create_account(fake, req):
    """Create a connected account (custom, express or standard)."""
    p = req.params
    if req.account:
        raise FakeStripeError(400, message="You cannot create connected accounts on behalf of a connected account.")
    if "type" in p and "controller" in p:
        raise FakeStripeError.invalid("controller", "You cannot pass both type and controller.")
    if "controller" in p:
        kind, controller = _kind_from_controller(fake, p["controller"])
    else:
        kind, controller = p.get("type") or "standard", None
        if kind not in ACCOUNT_TYPES:
            raise FakeStripeError.invalid("type", "Invalid type: must be one of custom, express, or standard")
    country = (p.get("country") or "US")
    if not re.fullmatch(r"[A-Za-z]{2}", country):
        raise FakeStripeError.invalid("country", "Country '%s' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'." % country)
    country_specs.check_country(country)
    acct = new_account(fake, kind, country.upper(), controller)
    priv = _private(fake, acct["id"])
    if kind == "standard":
        for name in ("card_payments", "transfers"):
            _request_capability(fake, priv, name, True)
    if kind == "custom" and "capabilities" not in p:
        raise FakeStripeError.invalid(
            "capabilities",
            "In order to create a custom connected account, you must request at least one capability.",
            code="parameter_missing",
        )
    try:
        external = apply_account_params(fake, acct, p, None)
    except FakeStripeError:
        _conn(fake)["accounts"].pop(acct["id"], None)
        raise
    commit(fake, acct)
    if external is not None:
        attach_external(fake, acct["id"], external)
        touch(fake, acct["id"])
    return fake.get(acct["id"], None, "account")


@route("GET", "/v1/accounts/{account}")
def retrieve_account(fake, req):
    """Retrieve an account (the platform, or the account itself)."""
    acct = load_account(fake, req.path_args["account"], req)
    _refresh_clock_dependent(fake, acct)
    return fake.get(acct["id"], None, "account")


def _refresh_clock_dependent(fake, acct):
    # A requirement deadline may have passed since the last write: Stripe
    # would have moved the fields to past_due and said so with an event.
    snapshot = copy.deepcopy(acct)
    fresh = refresh(fake, copy.deepcopy(acct))
    if fresh["requirements"] != snapshot["requirements"]:
        commit(fake, fresh, snapshot)


@route("POST", "/v1/accounts/{account}", params=UPDATE_PARAMS)
def update_account(fake, req):
    """Update an account; emits ``account.updated`` with previous attributes."""
    stored = load_account(fake, req.path_args["account"], req)
    before = copy.deepcopy(stored)
    acct = copy.deepcopy(stored)
    priv_before = copy.deepcopy(_private(fake, acct["id"]))
    try:
        external = apply_account_params(fake, acct, req.params, req.account)
    except FakeStripeError:
        _conn(fake)["accounts"][acct["id"]] = priv_before
        raise
    if external is not None:
        attach_external(fake, acct["id"], external, replace_default=True)
    return commit(fake, acct, before)


@route("DELETE", "/v1/accounts/{account}")
def delete_account(fake, req):
    """Delete a connected account (test mode allows any type)."""
    acct = load_account(fake, req.path_args["account"], req)
    if req.account:
        raise FakeStripeError(400, message="Only the platform can delete a connected account.")
    fake.remove(acct["id"])
    _conn(fake)["accounts"].pop(acct["id"], None)
    return {"id": acct["id"], "object": "account", "deleted": True}


@route("GET", "/v1/accounts", params={"created", "ending_before", "limit", "starting_after"})
def list_accounts(fake, req):
    """List the platform's connected accounts, newest first."""
    if req.account:
        raise FakeStripeError(400, message="This endpoint is only available to platforms: do not pass a Stripe-Account header.")
    revoked = fake.state.get("revoked", {})
    accounts = [a for a in fake.all("account") if not revoked.get(a["id"])]
    return fake.list_response(accounts, req, "/v1/accounts")


@route("POST", "/v1/accounts/{account}/reject", params={"reason"})
def reject_account(fake, req):
    """Reject a custom/express account for ``reason`` (fraud, terms_of_service, other)."""
    stored = load_account(fake, req.path_args["account"], req)
    if not is_custom(stored) and stored["type"] != "express":
        raise FakeStripeError(400, message="You can only reject Custom and Express accounts.")
    reason = fake.require(req.params, "reason")
    if reason not in ("fraud", "terms_of_service", "other"):
        raise FakeStripeError.invalid("reason", "Invalid reason: must be one of fraud, terms_of_service, or other")
    before = copy.deepcopy(stored)
    _private(fake, stored["id"])["rejected"] = reason
    return commit(fake, copy.deepcopy(stored), before)


@route("GET", "/v1/account")
def retrieve_own_account(fake, req):
    """The account of the API key (the platform), or the Stripe-Account one."""
    if req.account:
        return retrieve_account(fake, _with_args(req, account=req.account))
    return platform_account(fake)


def platform_account(fake):
    """The platform's own (fully enabled, standard) account."""
    conn = _conn(fake)
    if conn["platform"] is None:
        acct = new_account(fake, "standard", "US", {"type": "account"})
        acct.update(
            business_type="company", charges_enabled=True, payouts_enabled=True, details_submitted=True,
            capabilities={"card_payments": "active", "transfers": "active"}, email="platform@example.com",
        )
        acct["business_profile"]["name"] = TEST_PLATFORM_NAME
        acct["settings"]["dashboard"]["display_name"] = TEST_PLATFORM_NAME
        conn["platform"] = acct
    return conn["platform"]


def _with_args(req, **args):
    clone = copy.copy(req)
    clone.path_args = {**req.path_args, **args}
    return clone


# --------------------------------------------------------------------------
# Capabilities


def capability(fake, acct, name):
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


@route("GET", "/v1/accounts/{account}/capabilities")
def list_capabilities(fake, req):
    acct = load_account(fake, req.path_args["account"], req)
    names = sorted(set(_private(fake, acct["id"])["caps"]) | {"card_payments", "transfers"})
    data = [capability(fake, acct, n) for n in names]
    return {"object": "list", "data": data, "has_more": False,
            "url": "/v1/accounts/%s/capabilities" % acct["id"]}


def _capability_name(req):
    name = req.path_args["capability"]
    if name not in CAPABILITIES:
        raise FakeStripeError.missing("capability", name, param="capability")
    return name


@route("GET", "/v1/accounts/{account}/capabilities/{capability}")
def retrieve_capability(fake, req):
    acct = load_account(fake, req.path_args["account"], req)
    return capability(fake, acct, _capability_name(req))


@route("POST", "/v1/accounts/{account}/capabilities/{capability}", params={"requested"})
def update_capability(fake, req):
    """Request (or un-request) a capability."""
    stored = load_account(fake, req.path_args["account"], req)
    name = _capability_name(req)
    if "requested" in req.params:
        requested = fake.to_bool(req.params["requested"], "requested")
        before = copy.deepcopy(stored)
        _request_capability(fake, _private(fake, stored["id"]), name, requested)
        stored = commit(fake, copy.deepcopy(stored), before)
    return capability(fake, stored, name)


# --------------------------------------------------------------------------
# Persons


def _person_params(fake, req, acct):
    params = dict(req.params)
    token_id = params.pop("person_token", None)
    if token_id:
        token = banking.use_token(fake, token_id, req.account, {"person"}, "person_token")
        params = {**banking.token_params(fake, token["id"]), **params}
    return params


@route("POST", "/v1/accounts/{account}/persons", params=persons_mod.PERSON_PARAMS | {"person_token"})
def create_person(fake, req):
    """Add a person (representative, owner, director, executive) to an account."""
    stored = load_account(fake, req.path_args["account"], req)
    person = persons_mod.blank_person(fake, stored["id"])
    persons_mod.apply_person(fake, person, _person_params(fake, req, stored), "", stored["country"], stored["id"])
    fake.save(person, stored["id"])
    touch(fake, stored["id"])
    person = fake.get(person["id"], stored["id"], "person")
    fake.emit("person.created", person, account=stored["id"])
    return person


def _load_person(fake, req):
    acct = load_account(fake, req.path_args["account"], req)
    person = fake.get(req.path_args["person"], acct["id"], "person")
    if person is None or person.get("account") != acct["id"]:
        raise FakeStripeError.missing("person", req.path_args["person"], param="person")
    return acct, person


@route("GET", "/v1/accounts/{account}/persons/{person}")
def retrieve_person(fake, req):
    return _load_person(fake, req)[1]


@route("POST", "/v1/accounts/{account}/persons/{person}", params=persons_mod.PERSON_PARAMS | {"person_token"})
def update_person(fake, req):
    """Update a person; emits ``person.updated`` with previous attributes."""
    acct, stored = _load_person(fake, req)
    person = copy.deepcopy(stored)
    persons_mod.apply_person(fake, person, _person_params(fake, req, acct), "", acct["country"], acct["id"])
    fake.save(person, acct["id"])
    touch(fake, acct["id"])
    person = fake.get(person["id"], acct["id"], "person")
    changed = {k: stored[k] for k in person if person[k] != stored.get(k)}
    if changed:
        fake.emit("person.updated", person, account=acct["id"], previous_attributes=changed)
    return person


@route("DELETE", "/v1/accounts/{account}/persons/{person}")
def delete_person(fake, req):
    acct, person = _load_person(fake, req)
    fake.remove(person["id"], acct["id"])
    fake.emit("person.deleted", person, account=acct["id"])
    touch(fake, acct["id"])
    return {"id": person["id"], "object": "person", "deleted": True}


@route("GET", "/v1/accounts/{account}/persons", params={"ending_before", "limit", "relationship", "starting_after"})
def list_persons(fake, req):
    acct = load_account(fake, req.path_args["account"], req)
    people = persons(fake, acct["id"])
    wanted = req.params.get("relationship") or {}
    _unknown({"director", "executive", "owner", "representative", "legal_guardian", "authorizer"}, wanted, "relationship")
    for key, value in wanted.items():
        flag = fake.to_bool(value, _p("relationship", key))
        people = [p for p in people if bool(p["relationship"].get(key)) == flag]
    return fake.list_response(people, req, "/v1/accounts/%s/persons" % acct["id"])


# --------------------------------------------------------------------------
# External accounts


@route("POST", "/v1/accounts/{account}/external_accounts",
       params={"bank_account", "default_for_currency", "external_account", "metadata"})
def create_external_account(fake, req):
    """Add a bank account or debit card for payouts."""
    acct = load_account(fake, req.path_args["account"], req)
    p = req.params
    param = "external_account" if "external_account" in p else "bank_account"
    raw = p.get(param)
    if not raw:
        raise FakeStripeError.required("external_account")
    obj = _external_from_param(fake, acct, raw, param, req.account)
    if "metadata" in p:
        obj["metadata"] = fake.merge_metadata({}, p["metadata"])
    make_default = fake.to_bool(p["default_for_currency"], "default_for_currency") if "default_for_currency" in p else None
    attach_external(fake, acct["id"], obj, make_default=make_default)
    touch(fake, acct["id"])
    return fake.get(obj["id"], acct["id"])


def _load_external(fake, req):
    acct = load_account(fake, req.path_args["account"], req)
    obj = next((o for o in externals(fake, acct["id"]) if o["id"] == req.path_args["id"]), None)
    if obj is None:
        raise FakeStripeError.missing("external account", req.path_args["id"])
    return acct, obj


@route("GET", "/v1/accounts/{account}/external_accounts/{id}")
def retrieve_external_account(fake, req):
    return _load_external(fake, req)[1]


_EXTERNAL_UPDATE = {
    "account_holder_name", "account_holder_type", "account_type", "address_city", "address_country",
    "address_line1", "address_line2", "address_state", "address_zip", "default_for_currency",
    "documents", "exp_month", "exp_year", "metadata", "name",
}


@route("POST", "/v1/accounts/{account}/external_accounts/{id}", params=_EXTERNAL_UPDATE)
def update_external_account(fake, req):
    """Update holder details, card expiry, metadata or ``default_for_currency``."""
    acct, stored = _load_external(fake, req)
    obj = copy.deepcopy(stored)
    p = req.params
    bank_only = {"account_holder_name", "account_holder_type", "account_type"}
    for key, value in p.items():
        if key in ("default_for_currency", "documents", "expand"):
            continue
        if key == "metadata":
            obj["metadata"] = fake.merge_metadata(obj.get("metadata"), value)
        elif (key in bank_only) != (obj["object"] == "bank_account"):
            raise FakeStripeError.unknown(key)
        elif key in ("exp_month", "exp_year"):
            obj[key] = fake.to_int(value, key)
        elif key == "account_holder_type" and value not in ("individual", "company"):
            raise FakeStripeError.invalid(key, "Invalid account_holder_type: must be one of individual or company")
        else:
            obj[key] = _text(value)
    promote = "default_for_currency" in p and fake.to_bool(p["default_for_currency"], "default_for_currency")
    if promote and not obj["default_for_currency"]:
        for other in externals(fake, acct["id"]):
            if other["currency"] == obj["currency"] and other.get("default_for_currency"):
                other["default_for_currency"] = False
                fake.save(other, acct["id"])
                fake.emit("account.external_account.updated", other, account=acct["id"],
                          previous_attributes={"default_for_currency": True})
        obj["default_for_currency"] = True
    fake.save(obj, acct["id"])
    changed = {k: stored.get(k) for k in obj if obj[k] != stored.get(k)}
    if changed:
        fake.emit("account.external_account.updated", obj, account=acct["id"], previous_attributes=changed)
    touch(fake, acct["id"])
    return obj


@route("DELETE", "/v1/accounts/{account}/external_accounts/{id}")
def delete_external_account(fake, req):
    """Delete an external account; the default one for the account's default
    currency cannot be deleted (400, as on Stripe)."""
    acct, obj = _load_external(fake, req)
    if obj.get("default_for_currency") and obj["currency"] == acct["default_currency"]:
        raise FakeStripeError(
            400,
            message="You cannot delete the default external account for your default currency. "
            "Please make another external account the default using the `default_for_currency` "
            "param, and then delete this one.",
        )
    fake.remove(obj["id"], acct["id"])
    fake.emit("account.external_account.deleted", obj, account=acct["id"])
    touch(fake, acct["id"])
    return {"id": obj["id"], "object": obj["object"], "currency": obj["currency"], "deleted": True}


@route("GET", "/v1/accounts/{account}/external_accounts", params={"ending_before", "limit", "object", "starting_after"})
def list_external_accounts(fake, req):
    acct = load_account(fake, req.path_args["account"], req)
    objs = externals(fake, acct["id"])
    kind = req.params.get("object")
    if kind is not None:
        if kind not in ("bank_account", "card"):
            raise FakeStripeError.invalid("object", "Invalid object: must be one of bank_account or card")
        objs = [o for o in objs if o["object"] == kind]
    return fake.list_response(objs, req, "/v1/accounts/%s/external_accounts" % acct["id"])


# --------------------------------------------------------------------------
# Account links and login links


@route("POST", "/v1/account_links", params={"account", "collect", "collection_options", "refresh_url", "return_url", "type"})
def create_account_link(fake, req):
    """A single-use link to Stripe-hosted onboarding (served by the example site
    at ``state["hosted_base_url"] + "/account_link/<token>"``)."""
    p = req.params
    acct = load_account(fake, fake.require(p, "account"), req)
    kind = fake.require(p, "type")
    if kind not in ("account_onboarding", "account_update"):
        raise FakeStripeError.invalid("type", "Invalid type: must be one of account_onboarding or account_update")
    if kind == "account_update" and not is_custom(acct):
        raise FakeStripeError.invalid("type", "account_update links can only be created for accounts where "
                                      "controller[requirement_collection]=application (Custom accounts).")
    for key in ("refresh_url", "return_url"):
        value = fake.require(p, key)
        if not _HTTP_URL.match(value):
            raise FakeStripeError.invalid(key, "Not a valid URL", code="url_invalid")
    collect = p.get("collect")
    if collect is not None and collect not in ("currently_due", "eventually_due"):
        raise FakeStripeError.invalid("collect", "Invalid collect: must be one of currently_due or eventually_due")
    options = p.get("collection_options") or {}
    _unknown({"fields", "future_requirements"}, options, "collection_options")
    token = fake.new_id("alink").split("_", 1)[1]
    expires_at = fake.now() + 300
    _conn(fake)["account_links"][token] = {
        "account": acct["id"], "type": kind, "refresh_url": p["refresh_url"],
        "return_url": p["return_url"], "expires_at": expires_at, "used": False,
    }
    return {
        "object": "account_link",
        "created": fake.now(),
        "expires_at": expires_at,
        "url": "%s/account_link/%s" % (fake.state["hosted_base_url"], token),
    }


@route("POST", "/v1/accounts/{account}/login_links", params=set())
def create_login_link(fake, req):
    """A login link to the Express dashboard (Express accounts only)."""
    acct = load_account(fake, req.path_args["account"], req)
    if acct["type"] != "express":
        raise FakeStripeError(400, message="Cannot create a login link for an account that is not an Express account.",
                              param="account")
    if not _private(fake, acct["id"])["onboarded"]:
        raise FakeStripeError(400, message="Cannot create a login link for an account that has not completed onboarding.",
                              param="account")
    token = fake.new_id("llink").split("_", 1)[1]
    return {"object": "login_link", "created": fake.now(),
            "url": "%s/express/%s/%s" % (fake.state["hosted_base_url"], acct["id"], token)}


# --------------------------------------------------------------------------
# Events


@route("GET", "/v1/events", params={"created", "delivery_success", "ending_before", "limit", "starting_after", "type", "types"})
def list_events(fake, req):
    """Events of the caller's scope (Stripe-Account or the platform), newest first."""
    events = fake.all("event", req.account)
    p = req.params
    if "type" in p and "types" in p:
        raise FakeStripeError.invalid("types", "You cannot specify both type and types.")
    patterns = [p["type"]] if "type" in p else p.get("types")
    if patterns is not None:
        if isinstance(patterns, str):
            patterns = [patterns]
        if len(patterns) > 20:
            raise FakeStripeError.invalid("types", "You may pass at most 20 types.")
        events = [e for e in events if any(fnmatch.fnmatchcase(e["type"], pat) for pat in patterns)]
    return fake.list_response(events, req, "/v1/events")


@route("GET", "/v1/events/{id}")
def retrieve_event(fake, req):
    return fake.find(req.path_args["id"], req.account, "event")


# --------------------------------------------------------------------------
# Test helpers (Stripe's side of the story), attached to FakeStripe


def raise_requirements(fake, account_id, fields, deadline=None, past_due=False, errors=None):
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


def _fill_person(person, country, relationship):
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


def complete_onboarding(fake, account_id):
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


def visit_account_link(fake, token_or_url):
    """Follow an account link as the user would: an unused, unexpired link
    completes onboarding and returns its ``return_url``; a used or expired one
    returns its ``refresh_url`` (as Stripe redirects there)."""
    token = token_or_url.rstrip("/").rsplit("/", 1)[-1]
    link = _conn(fake)["account_links"].get(token)
    if link is None:
        raise KeyError("No such account link: %s" % token_or_url)
    if link["used"] or fake.now() > link["expires_at"]:
        return link["refresh_url"]
    link["used"] = True
    complete_onboarding(fake, link["account"])
    return link["return_url"]


def client_id(fake):
    """The platform's Connect client id (``ca_...``)."""
    conn = _conn(fake)
    if not conn.get("client_id"):
        conn["client_id"] = "ca_" + fake.new_id("x")[2:]
    return conn["client_id"]


def deauthorize(fake, account_id):
    """The account disconnects from the platform: its access is revoked
    (Stripe-Account requests get 403) and ``account.application.deauthorized``
    is emitted with ``account`` set. Returns the event."""
    load_account(fake, account_id)
    application = {"id": client_id(fake), "object": "application", "name": TEST_PLATFORM_NAME}
    event = fake.emit("account.application.deauthorized", application, account=account_id)
    fake.state.setdefault("revoked", {})[account_id] = True
    return event


def oauth_code(fake, account_id=None, *, email=None, country="US", scope="read_write"):
    """An authorization code as Stripe's OAuth redirect would carry it. Exchanging
    it at ``/oauth/token`` connects ``account_id`` or a new standard account."""
    code = "ac_" + fake.new_id("x")[2:]
    _conn(fake)["oauth_codes"][code] = {
        "account": account_id, "email": email, "country": country, "scope": scope, "used": False,
    }
    return code


def connect_standard_account(fake, email=None, country="US"):
    """Create a fully onboarded standard account owned by its user (OAuth)."""
    acct = new_account(fake, "standard", country, {"type": "account"})
    acct["email"] = email
    priv = _private(fake, acct["id"])
    for name in ("card_payments", "transfers"):
        _request_capability(fake, priv, name, True)
    commit(fake, acct)
    complete_onboarding(fake, acct["id"])
    return fake.get(acct["id"], None, "account")


for _helper in (raise_requirements, complete_onboarding, visit_account_link, deauthorize,
                oauth_code, client_id, platform_account):
    setattr(FakeStripe, _helper.__name__, _helper)

__all__ = ["PLATFORM", "commit", "load_account", "externals", "persons", "new_account"]
