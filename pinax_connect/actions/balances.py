"""Balances: what the platform (or a connected account) holds, per currency, in Decimal."""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import money, sync
from ..client import get_client, request_options
from ._shared import authorized, find_account


@dataclass(frozen=True)
class Balance:
    """A Stripe balance by currency: ``available["usd"] == Decimal("12.50")``.

    Also readable like the dict it stands for: ``balance["available"]["usd"]``.
    ``stripe_data`` is the balance object Stripe returned (nothing is stored).
    """

    available: dict = field(default_factory=dict)
    pending: dict = field(default_factory=dict)
    instant_available: dict = field(default_factory=dict)
    livemode: bool = False
    stripe_data: dict = field(default_factory=dict, repr=False, compare=False)

    def __getitem__(self, key: str) -> dict:
        if key not in ("available", "pending", "instant_available"):
            raise KeyError(key)
        return getattr(self, key)


def _by_currency(entries: list[dict] | None) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for entry in entries or []:
        currency = entry["currency"]
        totals[currency] = totals.get(currency, Decimal(0)) + money.from_minor(entry["amount"], currency)
    return totals


def retrieve(account: Any = None) -> Balance:
    """Read the balance (``GET /v1/balance``) of the platform, or of ``account`` (``Stripe-Account``).

    Returns a :class:`Balance`; amounts per lower-case currency, summed over
    source types. Nothing is stored.
    """
    if account is not None:
        authorized(find_account(account))
    data = sync.to_dict(get_client().v1.balance.retrieve(options=request_options(stripe_account=account)))
    return Balance(
        available=_by_currency(data.get("available")),
        pending=_by_currency(data.get("pending")),
        instant_available=_by_currency(data.get("instant_available")),
        livemode=bool(data.get("livemode")),
        stripe_data=data,
    )
