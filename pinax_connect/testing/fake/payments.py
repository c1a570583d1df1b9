"""Refunds and PaymentIntents in the fake Stripe.

Importing this module registers every money route of the fake: customers and
payment methods (``customers``), charges, transfers and application fees
(``charges``), balances (``ledger``), payouts (``payouts``) and Checkout
(``checkout``). Test helpers added to ``FakeStripe``:
``authenticate_payment_intent``, ``pay_out`` and ``complete_checkout_session``.
"""

import copy
import hashlib

from .application_fees import refund_application_fee
from .charge_objects import card_error, find_charge, new_charge
from .charges import (
    authorize_charge,
    capture_amount,
    destination_params,
    payment_amount,
    settle_charge,
    validate_connect_params,
)
from .core import FakeStripe, FakeStripeError, route
from .cards import AUTHENTICATION_REQUIRED, number_of_card
from .customers import (
    find_customer,
    payment_method_object,
    resolve_payment_method,
    resolve_source,
)
from .ledger import (
    as_amount,
    as_currency,
    balance_txn,
    check_minimum,
    list_of,
    merge_metadata,
    param,
    prepend,
    update_fields,
)
from .transfers import reverse_transfer_funds
from .payouts import pay_out  # noqa: F401  (registers the payout routes and helper)
from .disputes import check_refundable, warnings_settled

# ---------------------------------------------------------------------------
# Refunds


def create_refund(fake, ch, account, amount=None, reason=None, reverse_transfer=False,
                  refund_fee=False, metadata=None):
    """Refund ``amount`` (default: what remains) of a captured charge, with the
    pro-rata transfer reversal and application fee refund when asked."""
    if not ch["captured"]:
        raise FakeStripeError.invalid(
            "charge", "Charge %s has not been captured: cancel its authorization instead."
            % ch["id"])
    remaining = ch["amount_captured"] - ch["amount_refunded"]
    if remaining <= 0:
        raise FakeStripeError.invalid("charge", "Charge %s has already been refunded." % ch["id"],
                                      code="charge_already_refunded")
    check_refundable(fake, ch, account)
    amount = remaining if amount is None else amount
    if amount > remaining:
        raise FakeStripeError.invalid(
            "amount", "Refund amount (%s) is greater than unrefunded amount on charge (%s)"
            % (amount, remaining), code="amount_too_large")
    if reverse_transfer and not ch["transfer"]:
        raise FakeStripeError.invalid(
            "reverse_transfer", "reverse_transfer can only be used on destination charges.")
    if refund_fee and not ch["application_fee"]:
        raise FakeStripeError.invalid(
            "refund_application_fee", "This charge has no application fee to refund.")
    re_id = fake.new_id("re")
    txn = balance_txn(fake, account, "refund", -amount, ch["currency"], re_id)
    refund = {
        "id": re_id, "object": "refund", "amount": amount, "balance_transaction": txn["id"],
        "charge": ch["id"], "created": fake.now(), "currency": ch["currency"],
        "description": None, "failure_balance_transaction": None, "failure_reason": None,
        "instructions_email": None, "metadata": metadata or {}, "next_action": None,
        "payment_intent": ch["payment_intent"], "reason": reason, "receipt_number": None,
        "source_transfer_reversal": None, "status": "succeeded", "transfer_reversal": None,
    }
    last = amount == remaining
    later = []
    if reverse_transfer:
        tr = fake.get(ch["transfer"], None, "transfer")
        left = tr["amount"] - tr["amount_reversed"]
        part = left if last else min(left, tr["amount"] * amount // ch["amount_captured"])
        if part:
            trr = reverse_transfer_funds(fake, tr, part, source_refund=re_id, emit=False)
            refund["transfer_reversal"] = trr["id"]
            later.append(("transfer.reversed", tr, None))
    fake.save(refund, account)
    if refund_fee:
        fee = fake.get(ch["application_fee"], None, "application_fee")
        left = fee["amount"] - fee["amount_refunded"]
        part = left if last else min(left, fee["amount"] * amount // ch["amount_captured"])
        if part:
            refund_application_fee(fake, fee, part)
    previous = {"amount_refunded": ch["amount_refunded"], "refunded": ch["refunded"]}
    ch["amount_refunded"] += amount
    ch["refunded"] = last
    prepend(ch["refunds"], refund)
    fake.save(ch, account)
    fake.emit("charge.refunded", ch, account, previous_attributes=previous)
    fake.emit("refund.created", refund, account)
    for args in later + warnings_settled(fake, ch, account):
        fake.emit(*args)
    return refund


@route("POST", "/v1/refunds", params={
    "amount", "charge", "currency", "customer", "instructions_email", "metadata", "origin",
    "payment_intent", "reason", "refund_application_fee", "reverse_transfer"})
def create_refund_route(fake, req):
    account = req.account
    if param(req, "charge"):
        ch = find_charge(fake, param(req, "charge"), account)
    elif param(req, "payment_intent"):
        pi = find_payment_intent(fake, param(req, "payment_intent"), account, "payment_intent")
        ch = fake.get(pi["latest_charge"], account, "charge") if pi["latest_charge"] else None
        if pi["status"] != "succeeded" or ch is None:
            raise FakeStripeError.invalid(
                "payment_intent", "This PaymentIntent (%s) does not have a successful charge "
                                  "to refund." % pi["id"])
    else:
        raise FakeStripeError(400, message="One of the following params should be provided "
                                           "for this request: payment_intent or charge.",
                              code="parameter_missing", param="charge")
    reason = param(req, "reason")
    if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
        raise FakeStripeError.invalid("reason", "Invalid reason: must be one of duplicate, "
                                                "fraudulent, or requested_by_customer")
    amount = param(req, "amount")
    return create_refund(
        fake, ch, account,
        amount=None if amount is None else as_amount(fake, amount, "amount", 1),
        reason=reason,
        reverse_transfer=fake.to_bool(param(req, "reverse_transfer", False), "reverse_transfer"),
        refund_fee=fake.to_bool(param(req, "refund_application_fee", False),
                                "refund_application_fee"),
        metadata=merge_metadata({}, req.params.get("metadata")),
    )


@route("GET", "/v1/refunds/{id}")
def retrieve_refund(fake, req):
    return fake.find(req.path_args["id"], req.account, "refund")


@route("POST", "/v1/refunds/{id}", params={"metadata"})
def update_refund(fake, req):
    account = req.account
    refund = fake.get(req.path_args["id"], account, "refund")
    if refund is None:
        raise FakeStripeError.missing("refund", req.path_args["id"])
    previous = update_fields(refund, req, ())
    fake.save(refund, account)
    ch = fake.get(refund["charge"], account, "charge")
    if ch:
        prepend(ch["refunds"], refund)
        fake.save(ch, account)
    if previous:
        fake.emit("refund.updated", refund, account, previous_attributes=previous)
    return refund


@route("GET", "/v1/refunds", params={"charge", "created", "ending_before", "limit",
                                     "payment_intent", "starting_after"})
def list_refunds(fake, req):
    return list_of(fake, req, "refund", "/v1/refunds", req.account, charge=param(req, "charge"),
                   payment_intent=param(req, "payment_intent"))


# ---------------------------------------------------------------------------
# Payment intents

PI_CREATE = {
    "amount", "application_fee_amount", "automatic_payment_methods", "capture_method", "confirm",
    "confirmation_method", "currency", "customer", "description", "error_on_requires_action",
    "mandate", "mandate_data", "metadata", "off_session", "on_behalf_of", "payment_method",
    "payment_method_data", "payment_method_options", "payment_method_types", "radar_options",
    "receipt_email", "return_url", "setup_future_usage", "shipping", "statement_descriptor",
    "statement_descriptor_suffix", "transfer_data", "transfer_group", "use_stripe_sdk",
}
PI_CONFIRM = {
    "capture_method", "client_secret", "error_on_requires_action", "mandate", "mandate_data",
    "off_session", "payment_method", "payment_method_data", "payment_method_options",
    "payment_method_types", "radar_options", "receipt_email", "return_url",
    "setup_future_usage", "shipping", "use_stripe_sdk",
}
PI_UPDATE = {
    "amount", "application_fee_amount", "capture_method", "currency", "customer", "description",
    "metadata", "payment_method", "payment_method_data", "payment_method_options",
    "payment_method_types", "receipt_email", "setup_future_usage", "shipping",
    "statement_descriptor", "statement_descriptor_suffix", "transfer_data", "transfer_group",
}
_CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
               "requires_action", "processing")


def find_payment_intent(fake, pi_id, account, name="intent"):
    """The payment intent ``pi_id`` in ``account``'s scope, else 404."""
    pi = fake.get(pi_id, account, "payment_intent")
    if pi is None:
        raise FakeStripeError.missing("payment_intent", pi_id, param=name)
    return pi


def _unexpected_state(pi, action, allowed):
    return FakeStripeError.invalid(
        None, "This PaymentIntent's %s could not be performed because it has a status of %s. "
              "Only a PaymentIntent with one of the following statuses may be %s: %s."
              % (action, pi["status"], action, ", ".join(allowed)),
        code="payment_intent_unexpected_state")


def _pi_payment_method(fake, req, pi, account):
    """Set ``pi.payment_method`` from ``payment_method`` / ``payment_method_data``."""
    value = param(req, "payment_method")
    data = req.params.get("payment_method_data")
    if value:
        pm = resolve_payment_method(fake, value, account)
    elif isinstance(data, dict) and data.get("type") == "card":
        card = data.get("card") or {}
        token = card.get("token") if isinstance(card, dict) else None
        if not token:
            raise FakeStripeError.required("payment_method_data[card][token]")
        _, details = resolve_source(fake, token, account, name="payment_method_data[card][token]")
        pm = payment_method_object(fake, details, account, data.get("billing_details"))
    else:
        return
    if pi["customer"] and pm.get("customer") not in (None, pi["customer"]):
        raise FakeStripeError.invalid(
            "payment_method", "The provided PaymentMethod belongs to another Customer.")
    pi["payment_method"] = pm["id"]


def payment_intent_object(fake, account, *, amount, currency, customer=None, description=None,
                          metadata=None, transfer_data=None, application_fee_amount=None,
                          on_behalf_of=None, transfer_group=None, capture_method="automatic",
                          confirmation_method="automatic", payment_method_types=None,
                          automatic_payment_methods=None, receipt_email=None,
                          statement_descriptor=None, setup_future_usage=None):
    """A new ``payment_intent`` (stored) in ``requires_payment_method``."""
    pi_id = fake.new_id("pi")
    pi = {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": fake.client_id() if account else None,
        "application_fee_amount": application_fee_amount,
        "automatic_payment_methods": automatic_payment_methods,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": capture_method,
        "client_secret": "%s_secret_%s" % (pi_id, hashlib.sha256(pi_id.encode()).hexdigest()[:24]),
        "confirmation_method": confirmation_method,
        "created": fake.now(),
        "currency": currency,
        "customer": customer,
        "description": description,
        "invoice": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata or {},
        "next_action": None,
        "on_behalf_of": on_behalf_of,
        "payment_method": None,
        "payment_method_options": {"card": {"installments": None, "mandate_options": None,
                                            "network": None,
                                            "request_three_d_secure": "automatic"}},
        "payment_method_types": payment_method_types or ["card"],
        "processing": None,
        "receipt_email": receipt_email,
        "review": None,
        "setup_future_usage": setup_future_usage,
        "shipping": None,
        "statement_descriptor": statement_descriptor,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": transfer_data,
        "transfer_group": transfer_group,
    }
    return fake.save(pi, account)


@route("POST", "/v1/payment_intents", params=PI_CREATE)
def create_payment_intent(fake, req):
    account = req.account
    amount, currency = payment_amount(fake, req)
    transfer_data, dest_name = destination_params(fake, req)
    fee = param(req, "application_fee_amount")
    fee = None if fee is None else as_amount(fake, fee, "application_fee_amount")
    validate_connect_params(fake, req, amount, transfer_data, dest_name, fee,
                            param(req, "on_behalf_of"))
    customer = param(req, "customer")
    if customer:
        find_customer(fake, customer, account)
    capture_method = param(req, "capture_method", "automatic")
    if capture_method not in ("automatic", "automatic_async", "manual"):
        raise FakeStripeError.invalid("capture_method", "Invalid capture_method: must be one of "
                                                        "automatic, automatic_async or manual")
    types = param(req, "payment_method_types")
    if types is not None and not isinstance(types, list):
        raise FakeStripeError.invalid("payment_method_types", "Invalid array")
    apm = _automatic_payment_methods(fake, req, types)
    confirm = fake.to_bool(param(req, "confirm", False), "confirm")
    off_session = fake.to_bool(param(req, "off_session", False), "off_session")
    if confirm:
        _require_return_url(req, apm, off_session)
    pi = payment_intent_object(
        fake, account, amount=amount, currency=currency, customer=customer,
        description=param(req, "description"),
        metadata=merge_metadata({}, req.params.get("metadata")), transfer_data=transfer_data,
        application_fee_amount=fee, on_behalf_of=param(req, "on_behalf_of"),
        transfer_group=param(req, "transfer_group"), capture_method=capture_method,
        confirmation_method=param(req, "confirmation_method", "automatic"),
        payment_method_types=types, automatic_payment_methods=apm or None,
        receipt_email=param(req, "receipt_email"),
        statement_descriptor=param(req, "statement_descriptor"),
        setup_future_usage=param(req, "setup_future_usage"),
    )
    _pi_payment_method(fake, req, pi, account)
    if pi["payment_method"]:
        pi["status"] = "requires_confirmation"
    fake.save(pi, account)
    fake.emit("payment_intent.created", pi, account)
    if confirm:
        confirm_payment_intent(fake, pi, account, off_session=off_session)
    return pi


def _automatic_payment_methods(fake, req, types):
    """Stripe's default since API 2023-08-16: automatic payment methods are on
    (redirects allowed) unless ``payment_method_types`` is given; both together
    are refused."""
    apm = param(req, "automatic_payment_methods")
    if apm is None:
        return None if types is not None else {"allow_redirects": "always", "enabled": True}
    if not isinstance(apm, dict):
        raise FakeStripeError.invalid("automatic_payment_methods", "Invalid object")
    apm = {"allow_redirects": apm.get("allow_redirects") or "always",
           "enabled": fake.to_bool(apm.get("enabled", "false"), "automatic_payment_methods[enabled]")}
    if apm["allow_redirects"] not in ("always", "never"):
        raise FakeStripeError.invalid("automatic_payment_methods[allow_redirects]",
                                      "Invalid automatic_payment_methods[allow_redirects]: must be one "
                                      "of always or never")
    if apm["enabled"] and types is not None:
        raise FakeStripeError.invalid(
            "automatic_payment_methods",
            "You may only specify one of these parameters: automatic_payment_methods, "
            "payment_method_types.")
    return apm


def _require_return_url(req, apm, off_session):
    """A server-side confirm of an intent whose ``automatic_payment_methods``
    (``apm``) may pick a redirect-based method needs somewhere to send the
    customer back to, as on Stripe."""
    apm = apm or {}
    if off_session or not apm.get("enabled") or apm.get("allow_redirects") == "never":
        return
    if not param(req, "return_url"):
        raise FakeStripeError.invalid(
            "return_url",
            "A `return_url` must be specified because this Payment Intent is configured to "
            "automatically accept the payment methods enabled in the Dashboard, some of which "
            "may require a full page redirect to succeed. If you do not want to accept "
            "redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` "
            "and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup "
            "Intents and Payment Intents.")


def confirm_payment_intent(fake, pi, account, off_session=False, authenticated=False):
    """Charge the intent's payment method. A decline stores the failed charge,
    puts the intent back in ``requires_payment_method`` with
    ``last_payment_error`` and raises the 402 card error (with the intent)."""
    if not pi["payment_method"]:
        raise FakeStripeError.invalid(
            "payment_method", "You cannot confirm this PaymentIntent because it's missing a "
                              "payment method. You can either update the PaymentIntent with a "
                              "payment method and then confirm it again, or confirm it again "
                              "directly with a payment method.",
            code="payment_intent_unexpected_state")
    pm = fake.get(pi["payment_method"], account, "payment_method")
    details = pm["card"]
    if number_of_card(details) in AUTHENTICATION_REQUIRED and not authenticated:
        if off_session:
            return _fail_intent(fake, pi, account, pm, None, card_error(
                "Your card was declined. This transaction requires authentication.",
                "authentication_required", "authentication_required"))
        pi.update(status="requires_action", next_action={
            "type": "use_stripe_sdk",
            "use_stripe_sdk": {"type": "three_d_secure_redirect",
                               "stripe_js": "https://hooks.stripe.test/3d_secure/%s" % pi["id"]},
        })
        fake.save(pi, account)
        return pi
    manual = pi["capture_method"] == "manual"
    ch = new_charge(
        fake, account, amount=pi["amount"], currency=pi["currency"], source_id=pm["id"],
        details=details, customer=pi["customer"], payment_intent=pi["id"],
        description=pi["description"], metadata=dict(pi["metadata"]),
        statement_descriptor=pi["statement_descriptor"],
        transfer_data=copy.deepcopy(pi["transfer_data"]),
        application_fee_amount=pi["application_fee_amount"], on_behalf_of=pi["on_behalf_of"],
        transfer_group=pi["transfer_group"], receipt_email=pi["receipt_email"],
        billing_details=copy.deepcopy(pm["billing_details"]),
    )
    pi["latest_charge"] = ch["id"]
    error = authorize_charge(fake, ch, account, details, capture=not manual, payment_method=pm)
    if error:
        return _fail_intent(fake, pi, account, pm, ch, error)
    pi["next_action"] = None
    pi["last_payment_error"] = None
    if manual:
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
        fake.save(pi, account)
        fake.emit("payment_intent.amount_capturable_updated", pi, account)
    else:
        pi.update(status="succeeded", amount_received=pi["amount"])
        fake.save(pi, account)
        fake.emit("payment_intent.succeeded", pi, account)
    return pi


def _fail_intent(fake, pi, account, pm, ch, error):
    err = error.body()["error"]
    err.pop("request_log_url", None)
    err["payment_method"] = copy.deepcopy(pm)
    err["payment_method_type"] = "card"
    pi.update(status="requires_payment_method", last_payment_error=err, next_action=None)
    if ch:
        pi["latest_charge"] = ch["id"]
    fake.save(pi, account)
    fake.emit("payment_intent.payment_failed", pi, account)
    error.extra["payment_intent"] = copy.deepcopy(pi)
    error.extra["payment_method"] = copy.deepcopy(pm)
    raise error


@route("POST", "/v1/payment_intents/{id}/confirm", params=PI_CONFIRM)
def confirm_payment_intent_route(fake, req):
    account = req.account
    pi = find_payment_intent(fake, req.path_args["id"], account)
    allowed = ("requires_payment_method", "requires_confirmation", "requires_action")
    if pi["status"] not in allowed:
        raise _unexpected_state(pi, "confirm", allowed)
    _pi_payment_method(fake, req, pi, account)
    if param(req, "capture_method"):
        pi["capture_method"] = param(req, "capture_method")
    update_fields(pi, req, ("receipt_email", "setup_future_usage", "shipping"))
    off_session = fake.to_bool(param(req, "off_session", False), "off_session")
    _require_return_url(req, pi["automatic_payment_methods"], off_session)
    return confirm_payment_intent(fake, pi, account, off_session=off_session)


@route("POST", "/v1/payment_intents/{id}/capture", params={
    "amount_to_capture", "application_fee_amount", "metadata", "statement_descriptor",
    "statement_descriptor_suffix", "transfer_data"})
def capture_payment_intent(fake, req):
    account = req.account
    pi = find_payment_intent(fake, req.path_args["id"], account)
    if pi["status"] != "requires_capture":
        raise _unexpected_state(pi, "capture", ("requires_capture",))
    ch = fake.get(pi["latest_charge"], account, "charge")
    value = param(req, "amount_to_capture")
    if value is not None and as_amount(fake, value, "amount_to_capture") > pi["amount_capturable"]:
        raise FakeStripeError.invalid(
            "amount_to_capture", "The amount to capture (%s) must be less than or equal to the "
                                 "amount capturable (%s)." % (value, pi["amount_capturable"]),
            code="amount_too_large")
    amount = capture_amount(fake, ch, value, "amount_to_capture")
    if param(req, "application_fee_amount") is not None:
        fee = as_amount(fake, param(req, "application_fee_amount"), "application_fee_amount")
        if fee > amount:
            raise FakeStripeError.invalid("application_fee_amount",
                                          "Application fees cannot be greater than the amount.")
        pi["application_fee_amount"] = ch["application_fee_amount"] = fee
    update_fields(pi, req, ("statement_descriptor",))
    later = settle_charge(fake, ch, account, amount)
    fake.save(ch, account)
    fake.emit("charge.captured", ch, account, previous_attributes={"captured": False})
    for args in later:
        fake.emit(*args)
    pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
    fake.save(pi, account)
    fake.emit("payment_intent.succeeded", pi, account)
    return pi


@route("POST", "/v1/payment_intents/{id}/cancel", params={"cancellation_reason"})
def cancel_payment_intent(fake, req):
    account = req.account
    pi = find_payment_intent(fake, req.path_args["id"], account)
    if pi["status"] not in _CANCELABLE:
        raise _unexpected_state(pi, "cancel", _CANCELABLE)
    reason = param(req, "cancellation_reason")
    if reason not in (None, "duplicate", "fraudulent", "requested_by_customer", "abandoned"):
        raise FakeStripeError.invalid("cancellation_reason", "Invalid cancellation_reason")
    if pi["status"] == "requires_capture":
        # Releasing the authorization refunds the uncaptured charge in full.
        ch = fake.get(pi["latest_charge"], account, "charge")
        previous = {"amount_refunded": 0, "refunded": False}
        ch.update(amount_refunded=ch["amount"], refunded=True)
        fake.save(ch, account)
        fake.emit("charge.refunded", ch, account, previous_attributes=previous)
    pi.update(status="canceled", canceled_at=fake.now(), cancellation_reason=reason,
              amount_capturable=0, next_action=None)
    fake.save(pi, account)
    fake.emit("payment_intent.canceled", pi, account)
    return pi


@route("GET", "/v1/payment_intents/{id}", params={"client_secret"})
def retrieve_payment_intent(fake, req):
    return find_payment_intent(fake, req.path_args["id"], req.account, "id")


@route("POST", "/v1/payment_intents/{id}", params=PI_UPDATE)
def update_payment_intent(fake, req):
    account = req.account
    pi = find_payment_intent(fake, req.path_args["id"], account, "id")
    editable = ("requires_payment_method", "requires_confirmation", "requires_action")
    if pi["status"] not in editable and set(req.params) - {"metadata", "description", "expand"}:
        raise _unexpected_state(pi, "update", editable)
    if "amount" in req.params:
        pi["amount"] = as_amount(fake, req.params["amount"], "amount")
        check_minimum(pi["amount"], pi["currency"])
    if "currency" in req.params:
        pi["currency"] = as_currency(param(req, "currency"))
    if param(req, "customer"):
        find_customer(fake, param(req, "customer"), account)
    if "application_fee_amount" in req.params:
        fee = param(req, "application_fee_amount")
        pi["application_fee_amount"] = None if fee is None else as_amount(
            fake, fee, "application_fee_amount")
    td = param(req, "transfer_data")
    if isinstance(td, dict) and "amount" in td and pi["transfer_data"]:
        pi["transfer_data"]["amount"] = as_amount(fake, td["amount"], "transfer_data[amount]")
    update_fields(pi, req, ("customer", "description", "receipt_email", "setup_future_usage",
                            "shipping", "statement_descriptor", "transfer_group",
                            "capture_method", "payment_method_types"))
    _pi_payment_method(fake, req, pi, account)
    if param(req, "payment_method"):
        pi["status"] = "requires_confirmation"
    fake.save(pi, account)
    return pi


@route("GET", "/v1/payment_intents", params={"created", "customer", "ending_before", "limit",
                                             "starting_after"})
def list_payment_intents(fake, req):
    return list_of(fake, req, "payment_intent", "/v1/payment_intents", req.account,
                   customer=param(req, "customer"))


# ---------------------------------------------------------------------------
# Test helpers on FakeStripe


def authenticate_payment_intent(fake, payment_intent_id, account=None, fail=False):
    """Test helper: the customer completes (or fails) 3D Secure on an intent in
    ``requires_action``; it is then confirmed (or back to
    ``requires_payment_method`` with ``payment_intent_authentication_failure``)."""
    pi = fake.find(payment_intent_id, account, "payment_intent")
    if pi["status"] != "requires_action":
        raise LookupError("%s is not in requires_action" % payment_intent_id)
    if fail:
        pm = fake.get(pi["payment_method"], account, "payment_method")
        try:
            _fail_intent(fake, pi, account, pm, None, card_error(
                "We are unable to authenticate your payment method. Please choose a different "
                "payment method and try again.", "payment_intent_authentication_failure"))
        except FakeStripeError:
            return pi
    try:
        return confirm_payment_intent(fake, pi, account, authenticated=True)
    except FakeStripeError:
        return pi


FakeStripe.authenticate_payment_intent = authenticate_payment_intent

# Checkout builds on PaymentIntents (and imports this module): register it last.
from . import checkout  # noqa: E402,F401  (registers its routes and helper)
