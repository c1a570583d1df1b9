"""Payouts: money from a balance (a connected account's, or the platform's) to a bank or card."""
import datetime
from collections.abc import Callable, Mapping
from typing import Any

import stripe

from .. import sync
from ..client import get_client, request_options, write_options
from ..exceptions import InvalidRequest
from ..models import Account, ExternalAccount, Payout
from ..money import Amount
from ._shared import (
    amount_column,
    authorized,
    connected_account,
    currency_code,
    find_account,
    fresh,
    minor_amount,
    ready_account,
    stripe_id_of,
    sync_list,
)

METHODS = {"standard", "instant"}


# --------------------------------------------------------------------------- mapping


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict[str, Any]:
    return {"stripe_account": find_account(stripe_account)}


def _columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``Payout`` columns from a Stripe payout dict."""
    lookups = lookups or {}
    return {
        "stripe_account": lookups.get("stripe_account"),
        "amount": amount_column(data),
        "currency": data.get("currency") or "",
        "status": data.get("status") or "",
        "method": data.get("method") or "",
        "type": data.get("type") or "",
        "arrival_date": sync.stripe_datetime(data.get("arrival_date")),
        "destination": sync.object_id(data.get("destination")) or "",
        "description": data.get("description") or "",
        "failure_code": data.get("failure_code") or "",
        "failure_message": data.get("failure_message") or "",
    }


def sync_payout_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    stripe_account: Account | str | None = None, reread: Callable[[], Any] | None = None, **context: Any,
) -> Payout:
    """Mirror a Stripe payout into ``Payout`` (``stripe_account``: whose balance paid it) and return the row."""
    data = sync.to_dict(stripe_object)
    return sync.upsert(
        Payout, data, lambda d: _columns(d, _lookups([d], stripe_account)), event_created=event_created, reread=reread
    )


def sync_payout(payout: Payout) -> Payout:
    """Re-read ``payout`` from Stripe (on its account) and mirror it."""
    obj = get_client().v1.payouts.retrieve(
        payout.stripe_id, options=request_options(stripe_account=payout.stripe_account)
    )
    return sync_payout_from_stripe_object(obj, stripe_account=payout.stripe_account)


def sync_payouts(
    *, stripe_account: Account | str | None = None, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every payout of the platform (or of ``stripe_account``); returns ``(created, updated)``."""
    return sync_list(
        Payout, "/v1/payouts", _columns, _lookups,
        stripe_account=stripe_account, created_gte=created_gte, progress=progress,
    )


# --------------------------------------------------------------------------- writes


def _payout_account(account: Account | str | None) -> Account | None:
    if account is None:
        return None
    found = connected_account(account)
    return None if found is None else ready_account(found, "payouts")


def _destination_id(account: Account | None, destination: ExternalAccount | str | None) -> str | None:
    if destination is None:
        return None
    if isinstance(destination, ExternalAccount):
        if account is None or destination.account_id != account.pk:
            raise InvalidRequest(f"External account {destination.stripe_id} does not belong to {account}")
        return destination.stripe_id
    destination_id = stripe_id_of(destination)
    if not str(destination_id).startswith(("ba_", "card_")):
        raise InvalidRequest(f"destination must be a bank account (ba_) or card (card_) id, got {destination!r}")
    return destination_id


def create(
    account: Account | str | None, amount: Amount, currency: str | None, method: str = "standard",
    destination: ExternalAccount | str | None = None, description: str | None = None,
    metadata: dict[str, str] | None = None, idempotency_key: str | None = None,
) -> Payout:
    """Pay out ``amount`` from ``account``'s balance (``None``: the platform's) — ``POST /v1/payouts``.

    Sent: ``amount`` in minor units, ``currency``, ``method`` (``standard`` or
    ``instant``), ``destination`` (an ``ExternalAccount`` of that account, or a
    ``ba_``/``card_`` id; default: the account's default for the currency),
    ``description``, ``metadata``, with ``Stripe-Account`` for a connected
    account. Stores and returns the ``Payout``.

    Raises :class:`InvalidRequest` / :class:`AccountNotReady` (mirror says
    ``payouts_enabled`` is false) before calling Stripe; ``balance_insufficient``
    and other Stripe errors pass through.
    """
    account = _payout_account(account)
    currency = currency_code(currency)
    if method not in METHODS:
        raise InvalidRequest(f"method must be one of {sorted(METHODS)}, got {method!r}")
    params = {"amount": minor_amount(amount, currency), "currency": currency, "method": method}
    destination_id = _destination_id(account, destination)
    if destination_id:
        params["destination"] = destination_id
    if description:
        params["description"] = description
    if metadata:
        params["metadata"] = metadata
    obj = get_client().v1.payouts.create(
        params,
        options=write_options(stripe_account=account, idempotency_key=idempotency_key),
    )
    return sync_payout_from_stripe_object(obj, stripe_account=account)


def cancel(payout: Payout, *, idempotency_key: str | None = None) -> Payout:
    """Cancel a pending payout (``POST /v1/payouts/{id}/cancel``) and mirror it.

    Raises :class:`InvalidRequest` when it is no longer pending (per the mirror
    and a fresh read).
    """
    payout = fresh(payout, lambda p: p.status == "pending", sync_payout)
    if payout.status != "pending":
        raise InvalidRequest(f"Payout {payout.stripe_id} is {payout.status}: only pending payouts can be canceled")
    authorized(payout.stripe_account)
    obj = get_client().v1.payouts.cancel(
        payout.stripe_id,
        options=write_options(
            stripe_account=payout.stripe_account, idempotency_key=idempotency_key
        ),
    )
    return sync_payout_from_stripe_object(obj, stripe_account=payout.stripe_account)
