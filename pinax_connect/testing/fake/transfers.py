"""Transfers and their reversals in the fake Stripe (``/v1/transfers``,
``/v1/transfers/{transfer}/reversals``): moving funds from the platform to a
connected account (with the ``py_`` payment on the destination) and back."""

from typing import Any

from .application_fees import refund_application_fee, update_embedded
from .charge_objects import find_charge, new_charge
from .core import FakeStripe, FakeStripeError, Request, route
from .disputes import check_reversal_covered
from .ledger import (
    as_amount,
    as_currency,
    balance_txn,
    check_can_receive_transfers,
    list_of,
    merge_metadata,
    param,
    prepend,
    require_available,
    sub_list,
    update_fields,
)


def create_transfer(
    fake: FakeStripe, amount: int, currency: str, destination: str, *, source_transaction: str | None = None,
    transfer_group: str | None = None, description: str | None = None, metadata: dict[str, str] | None = None,
    application_fee: int = 0, incoming: bool = False,
) -> dict[str, Any]:
    """Move ``amount`` from the platform to ``destination``: the ``transfer``,
    its balance transactions, and the ``py_`` payment on the connected account
    (whose fee is the destination charge's application fee, if any)."""
    tr_id = fake.new_id("tr")
    # ``incoming``: funded by a charge whose funds may still be pending, so
    # both sides stay pending with it.
    txn = balance_txn(fake, None, "transfer", -amount, currency, tr_id, description=description,
                      incoming=incoming)
    py = new_charge(fake, destination, amount=amount, currency=currency, source_id=None,
                    details=None, description=description, id_prefix="py")
    py.update(status="succeeded", paid=True, captured=True, amount_captured=amount,
              source_transfer=tr_id, application=None, receipt_url=None,
              calculated_statement_descriptor=None, transfer_group=transfer_group)
    py_txn = balance_txn(fake, destination, "payment", amount, currency, py["id"],
                         [("application_fee", application_fee)], incoming=incoming)
    py["balance_transaction"] = py_txn["id"]
    fake.save(py, destination)
    tr = {
        "id": tr_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": txn["id"],
        "created": fake.now(),
        "currency": currency,
        "description": description,
        "destination": destination,
        "destination_payment": py["id"],
        "livemode": False,
        "metadata": metadata or {},
        "reversals": sub_list(f"/v1/transfers/{tr_id}/reversals"),
        "reversed": False,
        "source_transaction": source_transaction,
        "source_type": "card",
        "transfer_group": transfer_group,
    }
    return fake.save(tr)


def reverse_transfer_funds(
    fake: FakeStripe, tr: dict[str, Any], amount: int, metadata: dict[str, str] | None = None,
    source_refund: str | None = None, emit: bool = True,
) -> dict[str, Any]:
    """Take ``amount`` of a transfer back from the connected account."""
    left = tr["amount"] - tr["amount_reversed"]
    if amount > left:
        raise FakeStripeError.invalid(
            "amount", f"You have attempted to reverse {amount}, but only {left} remains on this transfer.", code="amount_too_large")
    trr_id = fake.new_id("trr")
    txn = balance_txn(fake, None, "transfer_refund", amount, tr["currency"], trr_id)
    pyr = None
    if tr["destination_payment"]:
        pyr = fake.new_id("pyr")
        balance_txn(fake, tr["destination"], "payment_refund", -amount, tr["currency"], pyr)
    trr = fake.save({
        "id": trr_id, "object": "transfer_reversal", "amount": amount,
        "balance_transaction": txn["id"], "created": fake.now(), "currency": tr["currency"],
        "destination_payment_refund": pyr, "metadata": metadata or {},
        "source_refund": source_refund, "transfer": tr["id"],
    })
    previous = {"amount_reversed": tr["amount_reversed"], "reversed": tr["reversed"]}
    tr["amount_reversed"] += amount
    tr["reversed"] = tr["amount_reversed"] == tr["amount"]
    prepend(tr["reversals"], trr)
    fake.save(tr)
    if emit:
        fake.emit("transfer.reversed", tr, None, previous_attributes=previous)
    return trr


@route("POST", "/v1/transfers", params={"amount", "currency", "description", "destination",
                                        "metadata", "source_transaction", "source_type",
                                        "transfer_group"})
def create_transfer_route(fake: FakeStripe, req: Request) -> dict[str, Any]:
    if req.account:
        raise FakeStripeError.invalid(
            None, "Transfers are made by the platform: do not send the Stripe-Account header.")
    if "amount" not in req.params:
        raise FakeStripeError.required("amount")
    amount = as_amount(fake, req.params["amount"], "amount", 1)
    currency = as_currency(param(req, "currency"))
    if not param(req, "destination"):
        raise FakeStripeError.required("destination")
    dest = check_can_receive_transfers(fake, param(req, "destination"), "destination")
    source = param(req, "source_transaction")
    incoming = False
    if source:
        ch = find_charge(fake, source, None, "source_transaction")
        if ch["currency"] != currency:
            raise FakeStripeError.invalid(
                "currency", "The currency of source_transaction's balance transaction ({}) "
                            "must be the same as the transfer currency ({})".format(ch["currency"], currency))
        if amount > ch["amount_captured"] - ch["amount_refunded"]:
            raise FakeStripeError.invalid(
                "amount", "The transfer amount exceeds the amount of the source_transaction.",
                code="transfers_not_allowed")
        # A transfer tied to a charge is funded by it, even while still pending.
        txn = fake.get(ch["balance_transaction"], None, "balance_transaction")
        incoming = bool(txn and txn["status"] == "pending")
    else:
        require_available(
            fake, None, currency, amount,
            "You have insufficient available funds in your Stripe account. Try adding funds "
            "directly to your available balance by creating Charges using the "
            "4000000000000077 test card.")
    tr = create_transfer(fake, amount, currency, dest["id"], source_transaction=source,
                         transfer_group=param(req, "transfer_group"),
                         description=param(req, "description"),
                         metadata=merge_metadata({}, req.params.get("metadata")),
                         incoming=incoming)
    fake.emit("transfer.created", tr)
    return tr


def _find_transfer(fake: FakeStripe, req: Request, name: str = "transfer") -> dict[str, Any]:
    if req.account:
        raise FakeStripeError.missing("transfer", req.path_args.get(name))
    tr = fake.get(req.path_args[name], None, "transfer")
    if tr is None:
        raise FakeStripeError.missing("transfer", req.path_args[name], param=name)
    return tr


@route("GET", "/v1/transfers/{transfer}")
def retrieve_transfer(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _find_transfer(fake, req)


@route("POST", "/v1/transfers/{transfer}", params={"description", "metadata"})
def update_transfer(fake: FakeStripe, req: Request) -> dict[str, Any]:
    tr = _find_transfer(fake, req)
    previous = update_fields(tr, req, ("description",))
    fake.save(tr)
    if previous:
        fake.emit("transfer.updated", tr, previous_attributes=previous)
    return tr


@route("GET", "/v1/transfers", params={"created", "destination", "ending_before", "limit",
                                       "starting_after", "transfer_group"})
def list_transfers(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "transfer", "/v1/transfers", None,
                   destination=param(req, "destination"),
                   transfer_group=param(req, "transfer_group"))


@route("POST", "/v1/transfers/{transfer}/reversals", params={
    "amount", "description", "metadata", "refund_application_fee"})
def create_reversal(fake: FakeStripe, req: Request) -> dict[str, Any]:
    tr = _find_transfer(fake, req)
    left = tr["amount"] - tr["amount_reversed"]
    if left <= 0:
        raise FakeStripeError.invalid("transfer", "Transfer {} has already been fully reversed.".format(tr["id"]), code="transfer_already_reversed")
    value = param(req, "amount")
    amount = left if value is None else as_amount(fake, value, "amount", 1)
    if amount <= left:  # an over-reversal is refused first (amount_too_large)
        check_reversal_covered(fake, tr, amount)
    trr = reverse_transfer_funds(fake, tr, amount,
                                 metadata=merge_metadata({}, req.params.get("metadata")))
    if fake.to_bool(param(req, "refund_application_fee", False), "refund_application_fee"):
        ch = fake.get(tr["source_transaction"], None, "charge") if tr["source_transaction"] else None
        fee = ch and ch["application_fee"] and fake.get(ch["application_fee"], None,
                                                        "application_fee")
        if fee:
            part = min(fee["amount"] - fee["amount_refunded"], fee["amount"] * amount // tr["amount"])
            if part:
                refund_application_fee(fake, fee, part)
    return trr


@route("GET", "/v1/transfers/{transfer}/reversals", params={"ending_before", "limit",
                                                            "starting_after"})
def list_reversals(fake: FakeStripe, req: Request) -> dict[str, Any]:
    tr = _find_transfer(fake, req)
    return list_of(fake, req, "transfer_reversal", "/v1/transfers/{}/reversals".format(tr["id"]), None,
                   transfer=tr["id"])


def _find_reversal(fake: FakeStripe, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    tr = _find_transfer(fake, req)
    trr = fake.get(req.path_args["id"], None, "transfer_reversal")
    if trr is None or trr["transfer"] != tr["id"]:
        raise FakeStripeError.missing("transfer_reversal", req.path_args["id"])
    return tr, trr


@route("GET", "/v1/transfers/{transfer}/reversals/{id}")
def retrieve_reversal(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _find_reversal(fake, req)[1]


@route("POST", "/v1/transfers/{transfer}/reversals/{id}", params={"metadata"})
def update_reversal(fake: FakeStripe, req: Request) -> dict[str, Any]:
    tr, trr = _find_reversal(fake, req)
    return update_embedded(fake, tr, trr, "reversals", req)
