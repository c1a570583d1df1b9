"""Charges in the fake Stripe (``/v1/charges``): creation, authorization, capture,
and where their money goes when they settle (balance transactions, the
destination transfer, the application fee). Also the amount and Connect
parameters (``transfer_data``, ``on_behalf_of``, ``application_fee_amount``)
that charges and PaymentIntents share.

The charge object itself is in :mod:`.charge_objects`; application fees are in
:mod:`.application_fees`; transfers and reversals are in :mod:`.transfers`.
"""

import copy
from collections.abc import Mapping
from typing import Any

from .application_fees import new_application_fee
from .cards import DECLINES, number_of_card
from .charge_objects import card_error, find_charge, new_charge, stripe_fee
from .core import FakeStripe, FakeStripeError, Request, route
from .customers import find_customer
from .disputes import after_capture
from .ledger import (
    EmitArgs,
    as_amount,
    as_currency,
    balance_txn,
    check_can_receive_transfers,
    check_minimum,
    find_account,
    list_of,
    merge_metadata,
    param,
    update_fields,
)
from .payment_sources import resolve_source
from .transfers import create_transfer

# ---------------------------------------------------------------------------
# Charges: creation and capture (where money moves)

CHARGE_CREATE = {
    "amount", "application_fee", "application_fee_amount", "capture", "card", "currency",
    "customer", "description", "destination", "metadata", "on_behalf_of", "radar_options",
    "receipt_email", "shipping", "source", "statement_descriptor", "statement_descriptor_suffix",
    "transfer_data", "transfer_group",
}


def authorize_charge(
    fake: FakeStripe, ch: dict[str, Any], account: str | None, details: Mapping[str, Any], capture: bool,
    payment_method: dict[str, Any] | None = None,
) -> FakeStripeError | None:
    """Run the card: a declined card stores the failed charge, emits
    ``charge.failed`` and returns the card error to raise; otherwise the
    charge succeeds (captured now when ``capture``) and ``charge.succeeded``
    (+ transfer / fee events) is emitted. Returns None on success."""
    number = number_of_card(details)
    decline = DECLINES.get(number or "")
    if decline:
        code, decline_code, message = decline
        ch.update(status="failed", failure_code=code, failure_message=message, outcome={
            "network_status": "declined_by_network", "reason": decline_code,
            "risk_level": "normal", "risk_score": 20, "seller_message": "The bank declined the payment.",
            "type": "issuer_declined",
        })
        fake.save(ch, account)
        fake.emit("charge.failed", ch, account)
        extra: dict[str, Any] = {"payment_method": copy.deepcopy(payment_method)} if payment_method else {}
        return card_error(message, code, decline_code, charge=ch["id"], **extra)
    ch.update(status="succeeded", paid=True, outcome={
        "network_status": "approved_by_network", "reason": None, "risk_level": "normal",
        "risk_score": 20, "seller_message": "Payment complete.", "type": "authorized",
    })
    later = []
    if capture:
        later = settle_charge(fake, ch, account, ch["amount"])
    fake.save(ch, account)
    fake.emit("charge.succeeded", ch, account)
    for args in later:
        fake.emit(*args)
    return None


def settle_charge(fake: FakeStripe, ch: dict[str, Any], account: str | None, amount: int) -> list[EmitArgs]:
    """Capture ``amount`` of ``ch``: balance transactions, the destination
    transfer and the application fee. Returns the events to emit after the
    charge's own event, as ``(type, obj, account)`` tuples."""
    cur = ch["currency"]
    fee = ch.get("application_fee_amount") or 0
    ch.update(captured=True, amount_captured=amount)
    events: list[EmitArgs] = []
    if account:
        # Direct charge: the connected account pays Stripe's fee and the
        # application fee; the platform earns the latter.
        txn = balance_txn(fake, account, "charge", amount, cur, ch["id"],
                          [("stripe_fee", stripe_fee(amount)), ("application_fee", fee)],
                          ch["description"], incoming=True)
        ch["balance_transaction"] = txn["id"]
        if fee:
            app_fee = new_application_fee(fake, account, ch, fee)
            ch["application_fee"] = app_fee["id"]
            events.append(("application_fee.created", app_fee, None))
        return events + after_capture(fake, ch, account)
    txn = balance_txn(fake, None, "charge", amount, cur, ch["id"],
                      [("stripe_fee", stripe_fee(amount))], ch["description"], incoming=True)
    ch["balance_transaction"] = txn["id"]
    dest = (ch.get("transfer_data") or {}).get("destination")
    if dest:
        fixed = ch["transfer_data"].get("amount")
        tr_amount = min(fixed, amount) if fixed is not None else amount
        tr = create_transfer(fake, tr_amount, cur, dest, source_transaction=ch["id"],
                             transfer_group=ch["transfer_group"], application_fee=fee,
                             incoming=True)
        ch["transfer"] = tr["id"]
        events.append(("transfer.created", tr, None))
        if fee:
            app_fee = new_application_fee(fake, dest, ch, fee, originating=None)
            ch["application_fee"] = app_fee["id"]
            events.append(("application_fee.created", app_fee, None))
    return events + after_capture(fake, ch, account)


def payment_amount(fake: FakeStripe, req: Request) -> tuple[int, str]:
    """``(amount, currency)`` of a charge or PaymentIntent create: both
    required, the amount at least the currency's minimum charge."""
    if "amount" not in req.params:
        raise FakeStripeError.required("amount")
    amount = as_amount(fake, req.params["amount"], "amount")
    currency = as_currency(param(req, "currency"))
    check_minimum(amount, currency)
    return amount, currency


def destination_params(fake: FakeStripe, req: Request) -> tuple[dict[str, Any] | None, str]:
    """``(transfer_data, param name)`` from ``transfer_data[...]`` or the legacy
    ``destination`` / ``destination[account]`` / ``destination[amount]``."""
    td, name = param(req, "transfer_data"), "transfer_data[destination]"
    legacy = param(req, "destination")
    if legacy:
        name = "destination"
        td = {"destination": legacy} if isinstance(legacy, str) else {
            "destination": legacy.get("account"), "amount": legacy.get("amount")}
    if not td:
        return None, name
    if not isinstance(td, dict) or not td.get("destination"):
        raise FakeStripeError.required(name)
    amount = td.get("amount")
    amount_name = "destination[amount]" if name == "destination" else "transfer_data[amount]"
    return {"amount": None if amount in (None, "") else as_amount(fake, amount, amount_name),
            "destination": td["destination"]}, name


def validate_connect_params(
    fake: FakeStripe, req: Request, amount: int, transfer_data: Mapping[str, Any] | None, dest_name: str,
    fee: int | None, on_behalf_of: str | None,
) -> None:
    """Stripe's checks on destination / direct charge parameters."""
    if transfer_data:
        if req.account:
            raise FakeStripeError.invalid(
                dest_name, "Destination charges cannot be created on a connected account "
                           "(with the Stripe-Account header).")
        check_can_receive_transfers(fake, transfer_data["destination"], dest_name)
        if transfer_data["amount"] is not None:
            if fee is not None:
                raise FakeStripeError.invalid(
                    "application_fee_amount",
                    "You cannot specify both application_fee_amount and transfer_data[amount].")
            if transfer_data["amount"] > amount:
                raise FakeStripeError.invalid(
                    "transfer_data[amount]",
                    "transfer_data[amount] cannot be greater than the amount.")
    if fee is not None:
        if not (req.account or transfer_data):
            raise FakeStripeError.invalid(
                "application_fee_amount",
                "Can only apply an application_fee_amount when the request is made on behalf "
                "of another account (using an OAuth key, the Stripe-Account header, or the "
                "transfer_data[destination] parameter).")
        if fee > amount:
            raise FakeStripeError.invalid(
                "application_fee_amount",
                "Application fees cannot be greater than the amount.")
    if on_behalf_of:
        find_account(fake, on_behalf_of, "on_behalf_of")


@route("POST", "/v1/charges", params=CHARGE_CREATE)
def create_charge(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    amount, currency = payment_amount(fake, req)
    transfer_data, dest_name = destination_params(fake, req)
    fee = param(req, "application_fee_amount", param(req, "application_fee"))
    fee = None if fee is None else as_amount(fake, fee, "application_fee_amount")
    validate_connect_params(fake, req, amount, transfer_data, dest_name, fee,
                            param(req, "on_behalf_of"))
    customer = None
    source = param(req, "source") or param(req, "card")
    if param(req, "customer"):
        customer = find_customer(fake, param(req, "customer"), account)
    if source:
        source_id, details = resolve_source(fake, source, account,
                                            customer["id"] if customer else None)
    elif customer:
        if not customer.get("default_source"):
            raise FakeStripeError(402, "card_error",
                                  "Cannot charge a customer that has no active card",
                                  code="missing", param="card")
        source_id, details = resolve_source(fake, customer["default_source"], account,
                                            customer["id"])
    else:
        raise FakeStripeError(400, message="Must provide source or customer.",
                              code="parameter_missing", param="source")
    capture = fake.to_bool(param(req, "capture", True), "capture")
    ch = new_charge(
        fake, account, amount=amount, currency=currency, source_id=source_id, details=details,
        customer=customer["id"] if customer else None, description=param(req, "description"),
        metadata=merge_metadata({}, req.params.get("metadata")),
        statement_descriptor=param(req, "statement_descriptor"), transfer_data=transfer_data,
        application_fee_amount=fee, on_behalf_of=param(req, "on_behalf_of"),
        transfer_group=param(req, "transfer_group"), receipt_email=param(req, "receipt_email"),
    )
    error = authorize_charge(fake, ch, account, details, capture)
    if error:
        raise error
    return ch


@route("GET", "/v1/charges/{id}")
def retrieve_charge(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return find_charge(fake, req.path_args["id"], req.account, "id")


@route("POST", "/v1/charges/{id}", params={"customer", "description", "fraud_details",
                                           "metadata", "receipt_email", "shipping",
                                           "transfer_group"})
def update_charge(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    ch = find_charge(fake, req.path_args["id"], account, "id")
    if param(req, "customer"):
        if ch["customer"] and ch["customer"] != param(req, "customer"):
            raise FakeStripeError.invalid("customer", "A charge's customer cannot be changed.")
        find_customer(fake, param(req, "customer"), account)
    previous = update_fields(ch, req, ("customer", "description", "receipt_email", "shipping",
                                       "transfer_group", "fraud_details"))
    fake.save(ch, account)
    if previous:
        fake.emit("charge.updated", ch, account, previous_attributes=previous)
    return ch


@route("POST", "/v1/charges/{id}/capture", params={
    "amount", "application_fee", "application_fee_amount", "receipt_email",
    "statement_descriptor", "statement_descriptor_suffix", "transfer_data", "transfer_group"})
def capture_charge(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    ch = find_charge(fake, req.path_args["id"], account, "id")
    if ch["payment_intent"]:
        raise FakeStripeError.invalid(
            "charge", "This charge belongs to a PaymentIntent: capture the PaymentIntent "
                      "(/v1/payment_intents/{}/capture) instead.".format(ch["payment_intent"]))
    amount = capture_amount(fake, ch, param(req, "amount"), "amount")
    fee = param(req, "application_fee_amount", param(req, "application_fee"))
    if fee is not None:
        ch["application_fee_amount"] = as_amount(fake, fee, "application_fee_amount")
    update_fields(ch, req, ("receipt_email", "statement_descriptor", "transfer_group"))
    later = settle_charge(fake, ch, account, amount)
    fake.save(ch, account)
    fake.emit("charge.captured", ch, account, previous_attributes={"captured": False})
    for args in later:
        fake.emit(*args)
    return ch


def capture_amount(fake: FakeStripe, ch: dict[str, Any], value: Any, name: str) -> int:
    """Validate a capture of ``ch``: uncaptured, and at most the authorized amount."""
    if ch["captured"] or ch["status"] != "succeeded" or ch["refunded"]:
        raise FakeStripeError.invalid(
            "charge", "Charge {} has already been captured.".format(ch["id"])
            if ch["captured"] else "Charge {} cannot be captured.".format(ch["id"]),
            code="charge_already_captured" if ch["captured"] else "charge_expired_for_capture")
    amount = ch["amount"] if value is None else as_amount(fake, value, name)
    if amount > ch["amount"]:
        raise FakeStripeError.invalid(
            name, "You cannot capture more than the authorized amount ({}).".format(ch["amount"]),
            code="amount_too_large")
    check_minimum(amount, ch["currency"], name)
    return amount


@route("GET", "/v1/charges", params={"created", "customer", "ending_before", "limit",
                                     "payment_intent", "starting_after", "transfer_group"})
def list_charges(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "charge", "/v1/charges", req.account,
                   customer=param(req, "customer"), payment_intent=param(req, "payment_intent"),
                   transfer_group=param(req, "transfer_group"))
