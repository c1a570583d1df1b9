"""Payouts in the fake Stripe, from the platform's or a connected account's
balance, and the ``fake.pay_out()`` test helper that settles them."""

from typing import Any

from .account_state import externals
from .core import FakeStripe, FakeStripeError, Request, route
from .ledger import (
    as_amount,
    as_currency,
    balance_txn,
    merge_metadata,
    param,
    require_available,
    update_fields,
)

# ---------------------------------------------------------------------------
# Payouts

PLATFORM_BANK_ACCOUNT = "ba_fake_platform"


def _external_accounts(fake: FakeStripe, account: str | None) -> list[dict[str, Any]]:
    """The external accounts payouts of ``account`` may go to (default first).
    The platform pays out to a fixed fake bank account."""
    if account is None:
        return [{"id": PLATFORM_BANK_ACCOUNT, "object": "bank_account",
                 "currency": None, "default_for_currency": True}]
    return sorted(externals(fake, account), key=lambda o: not o.get("default_for_currency"))


@route("POST", "/v1/payouts", params={"amount", "currency", "description", "destination",
                                      "metadata", "method", "source_type",
                                      "statement_descriptor"})
def create_payout(fake: FakeStripe, req: Request) -> dict[str, Any]:
    account = req.account
    if "amount" not in req.params:
        raise FakeStripeError.required("amount")
    amount = as_amount(fake, req.params["amount"], "amount", 1)
    currency = as_currency(param(req, "currency"))
    method = param(req, "method", "standard")
    if method not in ("standard", "instant"):
        raise FakeStripeError.invalid("method", "Invalid method: must be standard or instant")
    externals = [e for e in _external_accounts(fake, account)
                 if e.get("currency") in (None, currency)]
    if not externals:
        raise FakeStripeError.invalid(
            "currency", f"You don't have any external accounts in that currency ({currency}).",
            code="no_external_account")
    dest_id = param(req, "destination") or externals[0]["id"]
    dest = next((e for e in externals if e["id"] == dest_id), None)
    if dest is None:
        raise FakeStripeError.missing("external account", dest_id, param="destination")
    require_available(
        fake, account, currency, amount,
        "You have insufficient funds in your Stripe account for this transfer. Your card "
        "balance is too low. You can use the /v1/balance endpoint to view your Stripe balance.")
    po_id = fake.new_id("po")
    txn = balance_txn(fake, account, "payout", -amount, currency, po_id,
                      description=param(req, "description"))
    po = {
        "id": po_id,
        "object": "payout",
        "amount": amount,
        "arrival_date": fake.now() + (0 if method == "instant" else 2 * 86400),
        "automatic": False,
        "balance_transaction": txn["id"],
        "created": fake.now(),
        "currency": currency,
        "description": param(req, "description"),
        "destination": dest_id,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "livemode": False,
        "metadata": merge_metadata({}, req.params.get("metadata")),
        "method": method,
        "original_payout": None,
        "reconciliation_status": "not_applicable",
        "reversed_by": None,
        "source_type": param(req, "source_type", "card"),
        "statement_descriptor": param(req, "statement_descriptor"),
        "status": "pending",
        "type": "card" if dest.get("object") == "card" else "bank_account",
    }
    fake.save(po, account)
    fake.emit("payout.created", po, account)
    return po


def _find_payout(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "payout")


@route("GET", "/v1/payouts/{id}")
def retrieve_payout(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _find_payout(fake, req)


@route("POST", "/v1/payouts/{id}", params={"metadata"})
def update_payout(fake: FakeStripe, req: Request) -> dict[str, Any]:
    po = _find_payout(fake, req)
    previous = update_fields(po, req, ())
    fake.save(po, req.account)
    if previous:
        fake.emit("payout.updated", po, req.account, previous_attributes=previous)
    return po


def _return_payout_funds(fake: FakeStripe, po: dict[str, Any], account: str | None, txn_type: str) -> str:
    txn = balance_txn(fake, account, txn_type, po["amount"], po["currency"], po["id"])
    return txn["id"]


@route("POST", "/v1/payouts/{id}/cancel", params=set())
def cancel_payout(fake: FakeStripe, req: Request) -> dict[str, Any]:
    po = _find_payout(fake, req)
    if po["status"] != "pending":
        raise FakeStripeError.invalid(
            "payout", "Payouts can only be canceled while they are pending.")
    po["failure_balance_transaction"] = _return_payout_funds(fake, po, req.account, "payout_cancel")
    po["status"] = "canceled"
    fake.save(po, req.account)
    fake.emit("payout.canceled", po, req.account, previous_attributes={"status": "pending"})
    return po


@route("GET", "/v1/payouts", params={"arrival_date", "created", "destination", "ending_before",
                                     "limit", "starting_after", "status"})
def list_payouts(fake: FakeStripe, req: Request) -> dict[str, Any]:
    objs = fake.all("payout", req.account)
    for name in ("status", "destination"):
        if param(req, name):
            objs = [o for o in objs if o[name] == param(req, name)]
    if "arrival_date" in req.params:
        # Reuse the ``created`` range filter on the arrival date.
        shifted = [dict(o, created=o["arrival_date"], _real=o) for o in objs]
        objs = [o["_real"] for o in fake._filter_created(shifted, req.params["arrival_date"])][::-1]
    return fake.list_response(objs, req, "/v1/payouts")


def pay_out(
    fake: FakeStripe, payout_id: str | None = None, account: str | None = None, fail: bool = False
) -> list[dict[str, Any]]:
    """Test helper: settle ``account``'s pending (or ``in_transit``) payouts —
    all of them, or only ``payout_id`` — as ``paid``, or ``failed`` (funds go
    back to the balance). Emits ``payout.paid`` / ``payout.failed``; returns
    the payouts."""
    done = []
    for po in fake.all("payout", account):
        if payout_id not in (None, po["id"]) or po["status"] not in ("pending", "in_transit"):
            continue
        previous = {"status": po["status"]}
        if fail:
            po["failure_balance_transaction"] = _return_payout_funds(fake, po, account,
                                                                     "payout_failure")
            po.update(status="failed", failure_code="account_closed",
                      failure_message="The bank account has been closed.")
        else:
            po.update(status="paid", reconciliation_status="completed")
        fake.save(po, account)
        fake.emit("payout.failed" if fail else "payout.paid", po, account,
                  previous_attributes=previous)
        done.append(po)
    if payout_id and not done:
        raise LookupError("no pending payout {} on {}".format(payout_id, account or "the platform"))
    return done


FakeStripe.pay_out = pay_out
