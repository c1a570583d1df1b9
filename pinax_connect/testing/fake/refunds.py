"""Refunds in the fake Stripe (``/v1/refunds``) of charges and PaymentIntents:
the balance moves back, and for Connect charges the transfer is reversed
(``reverse_transfer``) and the application fee refunded
(``refund_application_fee``) when asked."""

from typing import Any

from .application_fees import refund_application_fee
from .charge_objects import find_charge
from .core import FakeStripe, FakeStripeError, Request, route
from .disputes import check_refundable, warnings_settled
from .ledger import EmitArgs, as_amount, balance_txn, list_of, merge_metadata, param, prepend, update_fields
from .payment_intent_state import find_payment_intent
from .transfers import reverse_transfer_funds


def create_refund(
    fake: FakeStripe, ch: dict[str, Any], account: str | None, amount: int | None = None, reason: str | None = None,
    reverse_transfer: bool = False, refund_fee: bool = False, metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Refund ``amount`` (default: what remains) of a captured charge, with the
    pro-rata transfer reversal and application fee refund when asked."""
    if not ch["captured"]:
        raise FakeStripeError.invalid(
            "charge", "Charge {} has not been captured: cancel its authorization instead.".format(ch["id"]))
    remaining = ch["amount_captured"] - ch["amount_refunded"]
    if remaining <= 0:
        raise FakeStripeError.invalid("charge", "Charge {} has already been refunded.".format(ch["id"]),
                                      code="charge_already_refunded")
    check_refundable(fake, ch, account)
    amount = remaining if amount is None else amount
    if amount > remaining:
        raise FakeStripeError.invalid(
            "amount", f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})", code="amount_too_large")
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
    later: list[EmitArgs] = []
    if reverse_transfer:
        tr = fake.get(ch["transfer"], None, "transfer")
        assert tr is not None  # checked above: the charge has a transfer
        left = tr["amount"] - tr["amount_reversed"]
        part = left if last else min(left, tr["amount"] * amount // ch["amount_captured"])
        if part:
            trr = reverse_transfer_funds(fake, tr, part, source_refund=re_id, emit=False)
            refund["transfer_reversal"] = trr["id"]
            later.append(("transfer.reversed", tr, None))
    fake.save(refund, account)
    if refund_fee:
        fee = fake.get(ch["application_fee"], None, "application_fee")
        assert fee is not None  # checked above: the charge has an application fee
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
def create_refund_route(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    ch: dict[str, Any] | None
    if param(req, "charge"):
        ch = find_charge(fake, param(req, "charge"), account)
    elif param(req, "payment_intent"):
        pi = find_payment_intent(fake, param(req, "payment_intent"), account, "payment_intent")
        ch = fake.get(pi["latest_charge"], account, "charge") if pi["latest_charge"] else None
        if pi["status"] != "succeeded" or ch is None:
            raise FakeStripeError.invalid(
                "payment_intent", "This PaymentIntent ({}) does not have a successful charge "
                                  "to refund.".format(pi["id"]))
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
def retrieve_refund(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "refund")


@route("POST", "/v1/refunds/{id}", params={"metadata"})
def update_refund(fake: FakeStripe, req: Request) -> dict[str, Any]:
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
def list_refunds(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "refund", "/v1/refunds", req.account, charge=param(req, "charge"),
                   payment_intent=param(req, "payment_intent"))
