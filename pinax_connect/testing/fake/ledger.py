"""Shared ground of the fake's money modules: request parameter helpers,
balance transactions (every movement of money writes one and moves
``fake.state["balances"]``) and the balance endpoints.

Everything is integer minor units, like Stripe.
"""

import copy
from collections.abc import Iterable
from typing import Any

from .core import FakeStripe, FakeStripeError, Request, route
from .params import merge_metadata

# Smallest chargeable amount per currency (minor units), as Stripe documents.
MINIMUM_AMOUNTS = {
    "usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "nzd": 50, "chf": 50,
    "sgd": 50, "brl": 50, "inr": 50, "jpy": 50, "dkk": 250, "nok": 300, "sek": 300,
    "hkd": 400, "mxn": 1000, "pln": 200, "czk": 1500, "huf": 17500, "thb": 1000,
    "ron": 200, "bgn": 100, "aed": 200, "myr": 200,
}
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf",
                "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}

# The arguments of one ``fake.emit(*args)`` a money module leaves for later:
# ``(type, obj, account[, previous_attributes])``, or ``(step,)`` for a step
# that runs after the request's own events (``disputes.after_capture``).
EmitArgs = tuple[Any, ...]


# ---------------------------------------------------------------------------
# Request parameter helpers shared by the money routes


def param(req: Request, name: str, default: Any = None) -> Any:
    """A request parameter; Stripe treats an empty string as "not given"."""
    value = req.params.get(name, default)
    return default if value == "" else value


def as_amount(fake: FakeStripe, value: Any, name: str, minimum: int = 0) -> int:
    """Parse a non-negative integer amount or raise 400 like Stripe."""
    n = fake.to_int(value, name)
    if n < minimum:
        raise FakeStripeError.invalid(name, "Invalid positive integer")
    return n


def as_currency(value: Any, name: str = "currency") -> str:
    """A required, lowercased three-letter currency code."""
    if not value:
        raise FakeStripeError.required(name)
    cur = str(value).lower()
    if len(cur) != 3 or not cur.isalpha():
        raise FakeStripeError.invalid(name, f"Invalid currency: {value}")
    return cur


def check_minimum(amount: int, currency: str, name: str = "amount") -> None:
    """400 ``amount_too_small`` under the currency's minimum charge amount."""
    minimum = MINIMUM_AMOUNTS.get(currency, 50)
    if amount < minimum:
        shown = minimum if currency in ZERO_DECIMAL else "%.2f" % (minimum / 100)
        raise FakeStripeError.invalid(
            name, f"Amount must be at least {shown} {currency}", code="amount_too_small"
        )


def sub_list(url: str, data: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """An embedded list object (``charge.refunds``, ``transfer.reversals``...)."""
    data = list(data)
    return {"object": "list", "data": data, "has_more": False, "total_count": len(data), "url": url}


def prepend(lst: dict[str, Any], obj: dict[str, Any], new: bool = True) -> None:
    """Put ``obj`` first in an embedded list (replacing an older copy); the
    list shows the 10 newest, as Stripe embeds."""
    lst["data"] = [copy.deepcopy(obj)] + [o for o in lst["data"] if o["id"] != obj["id"]][:9]
    lst["total_count"] = lst.get("total_count", 0) + (1 if new else 0)


def update_fields(obj: dict[str, Any], req: Request, names: Iterable[str]) -> dict[str, Any]:
    """Copy plain updatable fields from the request; returns previous values."""
    previous: dict[str, Any] = {}
    for name in names:
        if name in req.params:
            value = param(req, name)
            if obj.get(name) != value:
                previous[name] = obj.get(name)
                obj[name] = value
    if "metadata" in req.params:
        new = merge_metadata(obj.get("metadata"), req.params["metadata"])
        if new != obj.get("metadata"):
            previous["metadata"] = obj.get("metadata")
            obj["metadata"] = new
    return previous


def find_account(fake: FakeStripe, acct_id: str, name: str) -> dict[str, Any]:
    """A connected account by id (accounts live in the platform scope)."""
    acct = fake.get(acct_id, None, "account")
    if acct is None or acct.get("deleted"):
        raise FakeStripeError.missing("account", acct_id, param=name)
    return acct


def check_can_receive_transfers(fake: FakeStripe, acct_id: str, name: str) -> dict[str, Any]:
    """400 unless the destination account has the ``transfers`` capability."""
    acct = find_account(fake, acct_id, name)
    caps = acct.get("capabilities") or {}
    if caps.get("transfers") == "active" or caps.get("legacy_payments") == "active":
        return acct
    raise FakeStripeError.invalid(
        name,
        "Your destination account needs to have at least one of the following "
        "capabilities enabled: transfers, crypto_transfers, legacy_payments",
        code="insufficient_capabilities_for_transfer",
    )


def list_of(
    fake: FakeStripe, req: Request, object_type: str, url: str, account: str | None, **filters: Any
) -> dict[str, Any]:
    """A list response over stored objects matching the given field filters
    (filters whose request value is absent are ignored)."""
    objs = [o for o in fake.all(object_type, account) if not o.get("deleted")]
    for field, value in filters.items():
        if value not in (None, ""):
            objs = [o for o in objs if o.get(field) == value]
    return fake.list_response(objs, req, url)


def _balance_scope(fake: FakeStripe, account: str | None) -> dict[str, Any]:
    return fake.state["balances"].get(account or "platform", {})


def available_balance(fake: FakeStripe, account: str | None, currency: str) -> int:
    """``available`` funds of ``account`` (None = platform) in ``currency``."""
    return _balance_scope(fake, account).get(currency, {}).get("available", 0)


def require_available(fake: FakeStripe, account: str | None, currency: str, amount: int, message: str) -> None:
    """400 ``balance_insufficient`` when ``available`` cannot cover ``amount``."""
    if available_balance(fake, account, currency) < amount:
        raise FakeStripeError(400, message=message, code="balance_insufficient")


# reporting_category for each balance transaction type we write
_CATEGORY = {
    "charge": "charge",
    "payment": "charge",
    "refund": "refund",
    "payment_refund": "refund",
    "transfer": "transfer",
    "transfer_refund": "transfer_reversal",
    "application_fee": "platform_earning",
    "application_fee_refund": "platform_earning_refund",
    "payout": "payout",
    "payout_cancel": "payout_reversal",
    "payout_failure": "payout_reversal",
}


def balance_txn(
    fake: FakeStripe, account: str | None, type: str, amount: int, currency: str, source: str,
    fees: Iterable[tuple[str, int]] = (), description: str | None = None, incoming: bool = False,
) -> dict[str, Any]:
    """Write a balance transaction and move the balance by its ``net``.

    ``fees`` is a list of ``(type, amount)``; ``incoming`` funds wait in
    ``pending`` while ``fake.state["hold_funds"]`` is set.
    """
    fee_details: list[dict[str, Any]] = [
        {
            "amount": amt,
            "application": fake.client_id() if kind == "application_fee" else None,
            "currency": currency,
            "description": "Stripe processing fees" if kind == "stripe_fee" else "Application fee",
            "type": kind,
        }
        for kind, amt in fees
        if amt
    ]
    fee = sum(f["amount"] for f in fee_details)
    pending = incoming and bool(fake.state.get("hold_funds"))
    now = fake.now()
    txn = {
        "id": fake.new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": now + (2 * 86400 if pending else 0),
        "created": now,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": fee_details,
        "net": amount - fee,
        "reporting_category": _CATEGORY.get(type, type),
        "source": source,
        "status": "pending" if pending else "available",
        "type": type,
    }
    fake.save(txn, account)
    if pending and amount - fee < 0:
        # balance_add takes debits from ``available``; this one pairs with a
        # pending credit (a destination charge's transfer), so it is pending too.
        entry = fake.balance_add(account, currency, 0)
        entry["pending"] += amount - fee
    else:
        fake.balance_add(account, currency, amount - fee, available=not pending)
    return txn


# ---------------------------------------------------------------------------
# Balance and balance transactions


@route("GET", "/v1/balance", params=set())
def retrieve_balance(fake: FakeStripe, req: Request) -> dict[str, Any]:
    entries = _balance_scope(fake, req.account) or {"usd": {"available": 0, "pending": 0}}

    def amounts(kind: str) -> list[dict[str, Any]]:
        return [{"amount": e[kind], "currency": cur, "source_types": {"card": e[kind]}}
                for cur, e in sorted(entries.items())]

    return {
        "object": "balance",
        "available": amounts("available"),
        "connect_reserved": [{"amount": 0, "currency": cur} for cur in sorted(entries)],
        "instant_available": amounts("available"),
        "issuing": {"available": []},
        "livemode": False,
        "pending": amounts("pending"),
    }


@route("GET", "/v1/balance_transactions", params={"created", "currency", "ending_before", "limit",
                                                  "payout", "source", "starting_after", "type"})
def list_balance_transactions(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "balance_transaction", "/v1/balance_transactions", req.account,
                   currency=param(req, "currency"), source=param(req, "source"),
                   type=param(req, "type"))


@route("GET", "/v1/balance_transactions/{id}")
def retrieve_balance_transaction(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "balance_transaction")
