"""PaymentIntents in the fake Stripe (``/v1/payment_intents``: create, confirm,
capture, cancel, retrieve, update, list) and the ``fake.authenticate_payment_intent()``
test helper (the customer completes or fails 3D Secure). The object and its
confirmation are in :mod:`.payment_intent_state`."""

from typing import Any

from .charge_objects import card_error
from .charges import capture_amount, destination_params, payment_amount, settle_charge, validate_connect_params
from .core import FakeStripe, FakeStripeError, Request, route
from .customers import find_customer
from .ledger import as_amount, as_currency, check_minimum, list_of, merge_metadata, param, update_fields
from .payment_intent_state import (
    _automatic_payment_methods,
    _fail_intent,
    _pi_payment_method,
    _require_return_url,
    _unexpected_state,
    confirm_payment_intent,
    find_payment_intent,
    payment_intent_object,
)

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


@route("POST", "/v1/payment_intents", params=PI_CREATE)
def create_payment_intent(fake: FakeStripe, req: Request) -> dict[str, Any]:
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


@route("POST", "/v1/payment_intents/{id}/confirm", params=PI_CONFIRM)
def confirm_payment_intent_route(fake: FakeStripe, req: Request) -> dict[str, Any]:
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
def capture_payment_intent(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    pi = find_payment_intent(fake, req.path_args["id"], account)
    if pi["status"] != "requires_capture":
        raise _unexpected_state(pi, "capture", ("requires_capture",))
    ch = fake.get(pi["latest_charge"], account, "charge")
    assert ch is not None  # requires_capture: the authorized charge
    value = param(req, "amount_to_capture")
    if value is not None and as_amount(fake, value, "amount_to_capture") > pi["amount_capturable"]:
        raise FakeStripeError.invalid(
            "amount_to_capture", "The amount to capture ({}) must be less than or equal to the "
                                 "amount capturable ({}).".format(value, pi["amount_capturable"]),
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
def cancel_payment_intent(fake: FakeStripe, req: Request) -> dict[str, Any]:
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
        assert ch is not None  # requires_capture: the authorized charge
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
def retrieve_payment_intent(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return find_payment_intent(fake, req.path_args["id"], req.account, "id")


@route("POST", "/v1/payment_intents/{id}", params=PI_UPDATE)
def update_payment_intent(fake: FakeStripe, req: Request) -> dict[str, Any]:
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
def list_payment_intents(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "payment_intent", "/v1/payment_intents", req.account,
                   customer=param(req, "customer"))


def authenticate_payment_intent(
    fake: FakeStripe, payment_intent_id: str, account: str | None = None, fail: bool = False
) -> dict[str, Any]:
    """Test helper: the customer completes (or fails) 3D Secure on an intent in
    ``requires_action``; it is then confirmed (or back to
    ``requires_payment_method`` with ``payment_intent_authentication_failure``)."""
    pi = fake.find(payment_intent_id, account, "payment_intent")
    if pi["status"] != "requires_action":
        raise LookupError(f"{payment_intent_id} is not in requires_action")
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
