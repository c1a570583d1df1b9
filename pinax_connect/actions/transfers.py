"""Transfers (platform balance → connected account) and their reversals."""
import datetime
import warnings
from collections.abc import Callable, Mapping
from typing import Any, cast, overload

import stripe

from .. import sync
from ..client import get_client, write_options
from ..exceptions import InvalidRequest
from ..models import Account, Charge, ExternalAccount, Payout, Transfer, TransferReversal
from ..money import Amount
from ._shared import (
    amount_column,
    authorized,
    chargeable_account,
    currency_code,
    fresh,
    index_by_stripe_id,
    left_of,
    minor_amount,
    part_of,
    stripe_id_of,
    sync_list,
)

EXTERNAL_ACCOUNT_PREFIXES = ("ba_", "card_")


# --------------------------------------------------------------------------- mapping


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict[str, Any]:
    return {"accounts": index_by_stripe_id(Account, [sync.object_id(d.get("destination")) for d in datas])}


def _columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``Transfer`` columns from a Stripe transfer dict."""
    lookups = lookups or {}
    return {
        "destination": lookups.get("accounts", {}).get(sync.object_id(data.get("destination"))),
        "amount": amount_column(data),
        "amount_reversed": amount_column(data, "amount_reversed") or 0,
        "currency": data.get("currency") or "",
        "reversed": bool(data.get("reversed")),
        "description": data.get("description") or "",
        "transfer_group": data.get("transfer_group") or "",
        "source_transaction": sync.object_id(data.get("source_transaction")) or "",
        "destination_payment": sync.object_id(data.get("destination_payment")) or "",
    }


def _reversal_columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``TransferReversal`` columns from a Stripe transfer_reversal dict."""
    lookups = lookups or {}
    return {
        "transfer": lookups.get("transfers", {}).get(sync.object_id(data.get("transfer"))),
        "amount": amount_column(data),
        "currency": data.get("currency") or "",
    }


def sync_transfer_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    reread: Callable[[], Any] | None = None, **context: Any,
) -> Transfer:
    """Mirror a Stripe transfer into ``Transfer`` (and its embedded ``reversals.data``); return the row.

    The destination ``Account`` is linked when mirrored.
    """
    data = sync.to_dict(stripe_object)
    transfer = sync.upsert(
        Transfer, data, lambda d: _columns(d, _lookups([d])), event_created=event_created, reread=reread
    )
    data = transfer.stripe_data
    for reversal in (data.get("reversals") or {}).get("data") or []:
        sync.upsert(
            TransferReversal,
            reversal,
            _reversal_columns(reversal, {"transfers": {transfer.stripe_id: transfer}}),
            event_created=event_created,
        )
    return transfer


def sync_transfer_reversal_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None, **context: Any
) -> TransferReversal | None:
    """Mirror a Stripe transfer reversal into ``TransferReversal`` and return the row.

    A reversal cannot exist without its transfer row: when the transfer is not
    mirrored yet, nothing is stored and ``None`` is returned (syncing the
    transfer later brings its reversals along).
    """
    data = sync.to_dict(stripe_object)
    transfer_id = sync.object_id(data.get("transfer"))
    lookups = {"transfers": Transfer.objects.in_bulk([transfer_id] if transfer_id else [], field_name="stripe_id")}
    columns_ = _reversal_columns(data, lookups)
    if columns_["transfer"] is None:
        return None
    return sync.upsert(TransferReversal, data, columns_, event_created=event_created)


def sync_transfer(transfer: Transfer) -> Transfer:
    """Re-read ``transfer`` from Stripe and mirror it (with its reversals)."""
    return sync_transfer_from_stripe_object(get_client().v1.transfers.retrieve(transfer.stripe_id))


def sync_transfers(
    *, stripe_account: Account | str | None = None, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every transfer the platform made; returns ``(created, updated)``.

    ``stripe_account`` filters by destination account. Reversals come with
    :func:`sync_transfer` / webhooks, not with this bulk list.
    """
    # Transfers live on the platform: the account is a filter, not a Stripe-Account header.
    destination = {"destination": stripe_id_of(stripe_account)} if stripe_account is not None else None
    return sync_list(Transfer, "/v1/transfers", _columns, _lookups, created_gte=created_gte, progress=progress,
                     params=destination)


# --------------------------------------------------------------------------- writes


# Without ``stripe_account`` a transfer is made; with it (seed 003's deprecated spelling) a payout.
@overload
def create(
    amount: Amount, currency: str | None, destination: Account | str | None,
    description: str | None = None, transfer_group: str | None = None, source_transaction: Charge | str | None = None,
    stripe_account: None = None, metadata: dict[str, str] | None = None, idempotency_key: str | None = None,
) -> Transfer: ...


@overload
def create(
    amount: Amount, currency: str | None, destination: ExternalAccount | str,
    description: str | None = None, transfer_group: str | None = None, source_transaction: Charge | str | None = None,
    *, stripe_account: Account | str, metadata: dict[str, str] | None = None, idempotency_key: str | None = None,
) -> Payout: ...


def create(
    amount: Amount, currency: str | None, destination: Account | ExternalAccount | str | None,
    description: str | None = None, transfer_group: str | None = None, source_transaction: Charge | str | None = None,
    stripe_account: Account | str | None = None, metadata: dict[str, str] | None = None,
    idempotency_key: str | None = None,
) -> Transfer | Payout:
    """Transfer ``amount`` from the platform balance to ``destination`` (``POST /v1/transfers``).

    Sent: ``amount`` in minor units, ``currency``, ``destination`` (an ``Account``
    or ``acct_`` id), ``description``, ``transfer_group``, ``source_transaction``
    (a ``Charge`` or ``ch_`` id: the transfer then waits for that charge's funds),
    ``metadata``. Stores and returns the ``Transfer``.

    Seed 003 compatibility: with ``stripe_account`` and an external account id
    (``ba_``/``card_``) as ``destination``, this is a payout of that account's
    balance: it calls :func:`pinax_connect.actions.payouts.create` and returns the
    ``Payout``, with a ``DeprecationWarning``.

    Raises :class:`InvalidRequest` / :class:`AccountNotReady` before calling
    Stripe; ``balance_insufficient`` and other Stripe errors pass through.
    """
    destination_id = stripe_id_of(destination)
    if str(destination_id or "").startswith(EXTERNAL_ACCOUNT_PREFIXES):
        if stripe_account is None:
            raise InvalidRequest(
                "A transfer to a bank account or card is a payout: use payouts.create(account, ...)"
            )
        warnings.warn(
            "transfers.create(..., <external account>, stripe_account=...) is deprecated: "
            "use pinax_connect.actions.payouts.create(account, amount, currency, destination=...)",
            DeprecationWarning,
            stacklevel=2,
        )
        from . import payouts

        return payouts.create(
            stripe_account, amount, currency, destination=destination_id, description=description,
            metadata=metadata, idempotency_key=idempotency_key,
        )
    if stripe_account is not None:
        raise InvalidRequest("Transfers are made from the platform balance: stripe_account is not accepted")
    currency = currency_code(currency)
    params = {"amount": minor_amount(amount, currency), "currency": currency}
    _, destination_id = chargeable_account(destination, purpose="transfers")
    params["destination"] = destination_id
    if description:
        params["description"] = description
    if transfer_group:
        params["transfer_group"] = transfer_group
    if source_transaction is not None:
        params["source_transaction"] = stripe_id_of(source_transaction)
    if metadata:
        params["metadata"] = metadata
    obj = get_client().v1.transfers.create(
        params, options=write_options(idempotency_key=idempotency_key)
    )
    return sync_transfer_from_stripe_object(obj)


def _reversible(transfer: Transfer) -> int:
    """What is left to reverse on ``transfer`` per the mirror, in minor units."""
    return left_of(transfer.amount, transfer.amount_reversed, transfer.currency)


def reverse(
    transfer: Transfer, amount: Amount | None = None, *, refund_application_fee: bool = False,
    description: str | None = None, metadata: dict[str, str] | None = None, idempotency_key: str | None = None,
) -> TransferReversal:
    """Reverse ``transfer`` fully or ``amount`` (``POST /v1/transfers/{id}/reversals``).

    Sent: ``amount`` in minor units when given, ``refund_application_fee`` when
    true, ``description``, ``metadata``. Stores the ``TransferReversal``, re-syncs
    the transfer and returns the reversal. Raises :class:`InvalidRequest` when
    ``amount`` exceeds what is left to reverse (per the mirror and a fresh read).
    """
    wanted = minor_amount(amount, transfer.currency) if amount is not None else 1
    transfer = fresh(transfer, lambda t: _reversible(t) >= wanted, sync_transfer)
    minor = part_of(amount, transfer.currency, _reversible(transfer), f"Transfer {transfer.stripe_id}", verb="reverse",
                    done="reversed")
    params: dict[str, Any] = {} if minor is None else {"amount": minor}
    if refund_application_fee:
        params["refund_application_fee"] = True
    if description:
        params["description"] = description
    if metadata:
        params["metadata"] = metadata
    authorized(transfer.destination)
    obj = get_client().v1.transfers.reversals.create(
        transfer.stripe_id, params, options=write_options(idempotency_key=idempotency_key)
    )
    # Mirrored to None only when its transfer is not: ``transfer`` is.
    reversal = cast(TransferReversal, sync_transfer_reversal_from_stripe_object(obj))
    sync_transfer(transfer)
    return reversal
