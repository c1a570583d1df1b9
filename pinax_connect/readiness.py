"""What a connected account can do now, from its mirrored capabilities.

Stripe decides per capability, not per account: a destination charge
(``transfer_data.destination``) and a transfer need the destination's
``transfers`` capability to be ``active``; a direct charge, or a charge made
``on_behalf_of`` an account, needs its ``card_payments`` capability; a payout
needs ``payouts_enabled``. A transfers-only ("recipient") account therefore
takes destination charges although its ``charges_enabled`` is false.

An account mirrored without a ``capabilities`` hash (an old API version, a
Standard account we cannot read fully) falls back to the flag Stripe derives
from the capability: ``charges_enabled`` for ``card_payments`` and ``transfers``.

The mirror may lag Stripe by a webhook; actions therefore use :func:`require`
only on the mirror they just read, and Stripe keeps the last word.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from .exceptions import AccountNotReady

if TYPE_CHECKING:
    from .models import Account

#: What each purpose needs: capability names, or ``"payouts_enabled"``.
PURPOSES: dict[str, tuple[str, ...]] = {
    "destination_charges": ("transfers",),
    "transfers": ("transfers",),
    "direct_charges": ("card_payments",),
    "on_behalf_of": ("card_payments",),
    "payouts": ("payouts_enabled",),
}

#: Words a person understands, by purpose.
PURPOSE_LABELS = {
    "destination_charges": _("receive payments"),
    "transfers": _("receive transfers"),
    "direct_charges": _("take card payments"),
    "on_behalf_of": _("take card payments"),
    "payouts": _("be paid out"),
}


def capability_status(account: Account, name: str) -> str:
    """The capability's status as mirrored (``active``, ``inactive``, ``pending``, ``unrequested``).

    Falls back to ``charges_enabled`` when the mirror has no status for it.
    """
    capabilities = account.capabilities or {}
    status = capabilities.get(name)
    if isinstance(status, dict):  # an expanded capability object
        status = status.get("status")
    if status:
        return str(status)
    if capabilities:
        return "unrequested"
    return "active" if account.charges_enabled else "inactive"


def missing(account: Account, purpose: str) -> list[str]:
    """The capabilities (or ``payouts_enabled``) ``account`` lacks for ``purpose``; empty when ready."""
    try:
        needs = PURPOSES[purpose]
    except KeyError:
        raise ValueError(f"Unknown purpose {purpose!r}; one of {sorted(PURPOSES)}") from None
    out = []
    for need in needs:
        if need == "payouts_enabled":
            if not account.payouts_enabled:
                out.append(need)
        elif capability_status(account, need) != "active":
            out.append(need)
    return out


def is_ready(account: Account, purpose: str) -> bool:
    """True when the mirror says ``account`` can be used for ``purpose``."""
    return not missing(account, purpose)


def require(account: Account, purpose: str) -> Account:
    """Return ``account`` when ready for ``purpose``, else raise :class:`AccountNotReady`.

    The exception's message names what is missing (``capability 'transfers' is
    pending``) and its ``missing`` attribute lists it.
    """
    lacking = missing(account, purpose)
    if not lacking:
        return account
    reasons = [
        "payouts_enabled is false"
        if need == "payouts_enabled"
        else f"capability {need!r} is {capability_status(account, need)}"
        for need in lacking
    ]
    raise AccountNotReady(
        f"Account {account.stripe_id} cannot be used for {purpose.replace('_', ' ')} yet ({', '.join(reasons)})",
        missing=lacking,
        purpose=purpose,
    )
