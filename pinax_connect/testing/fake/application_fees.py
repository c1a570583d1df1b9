"""Application fees in the fake Stripe (``/v1/application_fees``): the platform's
fee on a Connect charge, and its refunds (``/v1/application_fees/{id}/refunds``).
:func:`update_embedded` updates a sub-object listed on its parent (fee refunds
here, transfer reversals in :mod:`.transfers`)."""

from typing import Any

from .core import FakeStripe, FakeStripeError, Request, route
from .ledger import (
    as_amount,
    balance_txn,
    list_of,
    merge_metadata,
    param,
    prepend,
    sub_list,
    update_fields,
)


def new_application_fee(
    fake: FakeStripe, account: str, ch: dict[str, Any], amount: int, originating: str | None = None
) -> dict[str, Any]:
    """The platform's ``application_fee`` on a charge by/for ``account``."""
    fee_id = fake.new_id("fee")
    txn = balance_txn(fake, None, "application_fee", amount, ch["currency"], fee_id, incoming=True)
    fee = {
        "id": fee_id,
        "object": "application_fee",
        "account": account,
        "amount": amount,
        "amount_refunded": 0,
        "application": fake.client_id(),
        "balance_transaction": txn["id"],
        "charge": ch["id"],
        "created": fake.now(),
        "currency": ch["currency"],
        "livemode": False,
        "originating_transaction": originating,
        "refunded": False,
        "refunds": sub_list(f"/v1/application_fees/{fee_id}/refunds"),
    }
    return fake.save(fee)


def refund_application_fee(
    fake: FakeStripe, fee: dict[str, Any], amount: int, metadata: dict[str, str] | None = None
) -> dict[str, Any]:
    """Give ``amount`` of the fee back to the connected account (``fee_refund``)."""
    remaining = fee["amount"] - fee["amount_refunded"]
    if remaining <= 0:
        raise FakeStripeError.invalid(
            "id", "Application fee {} has already been refunded.".format(fee["id"]),
            code="charge_already_refunded")
    if amount > remaining:
        raise FakeStripeError.invalid(
            "amount", f"Refund amount ({amount}) is greater than unrefunded amount on fee ({remaining})", code="amount_too_large")
    fr_id = fake.new_id("fr")
    txn = balance_txn(fake, None, "application_fee_refund", -amount, fee["currency"], fr_id)
    balance_txn(fake, fee["account"], "application_fee_refund", amount, fee["currency"], fr_id)
    fr = fake.save({
        "id": fr_id, "object": "fee_refund", "amount": amount, "balance_transaction": txn["id"],
        "created": fake.now(), "currency": fee["currency"], "fee": fee["id"],
        "metadata": metadata or {},
    })
    previous = {"amount_refunded": fee["amount_refunded"], "refunded": fee["refunded"]}
    fee["amount_refunded"] += amount
    fee["refunded"] = fee["amount_refunded"] == fee["amount"]
    prepend(fee["refunds"], fr)
    fake.save(fee)
    fake.emit("application_fee.refunded", fee, None, previous_attributes=previous)
    return fr


def _find_fee(fake: FakeStripe, fee_id: str, name: str = "id") -> dict[str, Any]:
    fee = fake.get(fee_id, None, "application_fee")
    if fee is None:
        raise FakeStripeError.missing("application fee", fee_id, param=name)
    return fee


@route("GET", "/v1/application_fees", params={"charge", "created", "ending_before", "limit",
                                              "starting_after"})
def list_application_fees(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "application_fee", "/v1/application_fees", None,
                   charge=param(req, "charge"))


@route("GET", "/v1/application_fees/{id}")
def retrieve_application_fee(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _find_fee(fake, req.path_args["id"])


@route("POST", "/v1/application_fees/{id}/refunds", params={"amount", "metadata"})
def create_fee_refund(fake: FakeStripe, req: Request) -> dict[str, Any]:
    fee = _find_fee(fake, req.path_args["id"])
    value = param(req, "amount")
    amount = fee["amount"] - fee["amount_refunded"] if value is None else as_amount(fake, value, "amount", 1)
    return refund_application_fee(fake, fee, amount, merge_metadata({}, req.params.get("metadata")))


@route("GET", "/v1/application_fees/{id}/refunds", params={"ending_before", "limit",
                                                           "starting_after"})
def list_fee_refunds(fake: FakeStripe, req: Request) -> dict[str, Any]:
    fee = _find_fee(fake, req.path_args["id"])
    return list_of(fake, req, "fee_refund", "/v1/application_fees/{}/refunds".format(fee["id"]), None,
                   fee=fee["id"])


def _find_fee_refund(fake: FakeStripe, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    fee = _find_fee(fake, req.path_args["fee"], "fee")
    fr = fake.get(req.path_args["id"], None, "fee_refund")
    if fr is None or fr["fee"] != fee["id"]:
        raise FakeStripeError.missing("fee refund", req.path_args["id"])
    return fee, fr


@route("GET", "/v1/application_fees/{fee}/refunds/{id}")
def retrieve_fee_refund(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _find_fee_refund(fake, req)[1]


def update_embedded(
    fake: FakeStripe, parent: dict[str, Any], child: dict[str, Any], list_key: str, req: Request
) -> dict[str, Any]:
    """Update a sub-object's metadata (fee refund, transfer reversal) and its
    copy in the parent's embedded list (both platform objects)."""
    update_fields(child, req, ())
    fake.save(child)
    prepend(parent[list_key], child, new=False)
    fake.save(parent)
    return child


@route("POST", "/v1/application_fees/{fee}/refunds/{id}", params={"metadata"})
def update_fee_refund(fake: FakeStripe, req: Request) -> dict[str, Any]:
    fee, fr = _find_fee_refund(fake, req)
    return update_embedded(fake, fee, fr, "refunds", req)
