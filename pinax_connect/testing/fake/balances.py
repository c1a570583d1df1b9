"""Balances: per account and currency, ``available`` and ``pending`` funds."""

from typing import Any

from .storage import Storage


class Balances(Storage):
    """``balance_add`` and ``release_pending``."""

    def balance_add(self, account: str | None, currency: str, amount: int, available: bool = True) -> dict[str, Any]:
        """Add ``amount`` (minor units, may be negative) to a balance.

        Credits land in ``available`` unless ``available=False`` or
        ``state["hold_funds"]`` is set, in which case they wait in ``pending``
        until :meth:`release_pending`. Debits always come out of ``available``.
        """
        bal = self.state["balances"].setdefault(self._scope(account), {})
        entry = bal.setdefault(currency.lower(), {"available": 0, "pending": 0})
        if amount < 0 or (available and not self.state.get("hold_funds")):
            entry["available"] += amount
        else:
            entry["pending"] += amount
        return entry

    def release_pending(self, account: str | None = None) -> None:
        """Make ``account``'s (None = the platform's) pending funds available:
        the balance moves and its ``pending`` balance transactions become
        ``available`` (``available_on`` = now), as when Stripe settles them."""
        for entry in self.state["balances"].get(self._scope(account), {}).values():
            entry["available"] += entry["pending"]
            entry["pending"] = 0
        for txn in self.all("balance_transaction", account):
            if txn.get("status") == "pending":
                txn["status"] = "available"
                txn["available_on"] = min(txn["available_on"], self.now())
