"""Recovering a dispute's money from the seller, and giving it back when the dispute is won.

For destination charges and separate charges & transfers Stripe debits the
**platform** (disputed amount + dispute fee); the seller keeps the transfer. With
``PINAX_CONNECT_DISPUTE_RECOVERY = "reverse_transfer"`` the platform reverses the
seller's transfer(s) for the disputed amount (plus the fee with
``PINAX_CONNECT_DISPUTE_RECOVERY_INCLUDE_FEE``, as far as the transfer has room; the
application fee is refunded with it under
``PINAX_CONNECT_DISPUTE_RECOVERY_REFUND_APPLICATION_FEE``), and when the dispute is won
(``PINAX_CONNECT_DISPUTE_RETRANSFER_ON_WON``) transfers it back.

Direct charges are not recovered here: Stripe debits the connected account itself.

Exactly once. Each movement is a :class:`~pinax_connect.models.DisputeRecovery` row,
unique per (dispute, kind, transfer). It is created (or found), then locked with
``SELECT ... FOR UPDATE`` for the rest of the caller's transaction while Stripe is
called; a second worker waits on the lock and then sees it succeeded. The Stripe call
carries an idempotency key derived from (dispute, kind, transfer, amount, attempt), so
even a transaction rolled back after Stripe answered replays the same reversal.

When the seller cannot cover it. A destination charge's transfer can always be
reversed up to the charge: the seller's balance goes negative (Stripe may then debit
their bank account; the platform stays liable). ``seller_available_after`` records
that balance. A separate transfer can only be reversed when the seller's balance
covers it: Stripe refuses with ``balance_insufficient`` and the row is kept
``failed`` with that code, to retry with :func:`retry`.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import stripe
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from .. import money
from ..client import get_client, intent_key
from ..conf import settings
from ..dispute_signals import dispute_recovery, send_after_commit
from ..exceptions import InvalidRequest, PinaxConnectError
from ..models import Dispute, DisputeRecovery, Transfer
from ._shared import left_of

POLICIES = ("none", "reverse_transfer")


def policy() -> str:
    """``PINAX_CONNECT_DISPUTE_RECOVERY``, validated."""
    value = settings.PINAX_CONNECT_DISPUTE_RECOVERY or "none"
    if value not in POLICIES:
        raise ImproperlyConfigured(f"PINAX_CONNECT_DISPUTE_RECOVERY must be one of {POLICIES}, not {value!r}")
    return value


def _minor(amount: Decimal, currency: str) -> int:
    return money.to_minor(amount, currency, allow_negative=True)


def dispute_fee(dispute: Dispute) -> int:
    """The dispute fee Stripe took (minor units), from the withdrawal balance transaction."""
    fee = 0
    for txn in dispute.stripe_data.get("balance_transactions") or []:
        if isinstance(txn, dict) and int(txn.get("amount") or 0) < 0:
            fee += int(txn.get("fee") or 0)
    return fee


def _transfer_row(transfer_id: str) -> Transfer | None:
    transfer = Transfer.objects.filter(stripe_id=transfer_id).select_related("destination").first()
    if transfer is None:
        from .transfers import sync_transfer_from_stripe_object

        transfer = sync_transfer_from_stripe_object(get_client().v1.transfers.retrieve(transfer_id))
    return transfer


def seller_transfers(dispute: Dispute) -> list[Transfer]:
    """The transfers that paid the seller(s) for the disputed charge, oldest first.

    A destination charge has one (``charge.transfer``); separate charges & transfers
    are found by ``source_transaction`` and otherwise by the charge's ``transfer_group``.
    """
    charge = dispute.charge
    if charge is None or charge.stripe_account_id:
        return []
    transfer_id = charge.stripe_data.get("transfer")
    if isinstance(transfer_id, dict):
        transfer_id = transfer_id.get("id")
    if transfer_id:
        found = _transfer_row(transfer_id)
        return [found] if found else []
    rows = Transfer.objects.filter(source_transaction=charge.stripe_id)
    if not rows.exists() and charge.transfer_group:
        rows = Transfer.objects.filter(transfer_group=charge.transfer_group)
        if not rows.exists():
            # The transfers' own events may still be on their way: ask Stripe once.
            _mirror_group(charge.transfer_group)
    return list(rows.filter(destination__isnull=False).select_related("destination").order_by("created", "pk"))


def _mirror_group(transfer_group: str) -> None:
    from .transfers import sync_transfer_from_stripe_object

    page = get_client().v1.transfers.list({"transfer_group": transfer_group, "limit": 100})
    for obj in page["data"]:
        sync_transfer_from_stripe_object(obj)


def _reversible(transfer: Transfer) -> int:
    return left_of(transfer.amount, transfer.amount_reversed, transfer.currency)


def _split(total: int, transfers: list[Transfer]) -> list[tuple[Transfer, int]]:
    """``total`` shared between ``transfers`` in proportion to their amounts (remainder to the first)."""
    amounts = [_minor(t.amount, t.currency) for t in transfers]
    whole = sum(amounts)
    if not whole:
        return []
    shares = [total * a // whole for a in amounts]
    shares[0] += total - sum(shares)
    return [(t, s) for t, s in zip(transfers, shares, strict=False) if s > 0]


def recover(dispute: Dispute) -> list[DisputeRecovery]:
    """Reverse the seller's transfer(s) for ``dispute`` per the policy; return the movements.

    Does nothing (returns ``[]``) when the policy is ``"none"``, for inquiries
    (no money moved), direct charges (Stripe debits the seller itself), or a
    dispute whose funds were not withdrawn. Called by the ``charge.dispute.created``
    and ``.funds_withdrawn`` handlers; safe to call any number of times.
    """
    if policy() == "none" or dispute.stripe_account_id or dispute.is_inquiry:
        return []
    if dispute.net_balance_effect >= 0:
        return []
    transfers = seller_transfers(dispute)
    if not transfers:
        return []
    wanted = _minor(dispute.amount, dispute.currency)
    if settings.PINAX_CONNECT_DISPUTE_RECOVERY_INCLUDE_FEE:
        wanted += dispute_fee(dispute)
    refund_fee = bool(settings.PINAX_CONNECT_DISPUTE_RECOVERY_REFUND_APPLICATION_FEE)
    settled = dict(
        dispute.recoveries.filter(kind=DisputeRecovery.REVERSAL).exclude(status=DisputeRecovery.PENDING)
        .values_list("source_transfer", "pk")
    )
    moves = []
    for transfer, share in _split(wanted, transfers):
        if transfer.stripe_id in settled:  # a duplicate delivery: nothing to read or send
            moves.append(DisputeRecovery.objects.get(pk=settled[transfer.stripe_id]))
            continue
        left = _reversible(transfer)
        if left < share:
            from .transfers import sync_transfer

            transfer = sync_transfer(transfer)  # the mirror may lag Stripe: read once before capping
            left = _reversible(transfer)
        amount = min(share, max(left, 0))
        moves.append(_move(
            dispute, DisputeRecovery.REVERSAL, transfer.stripe_id, amount, dispute.currency,
            account=transfer.destination, shortfall=share - amount, refund_application_fee=refund_fee,
        ))
    return moves


def restore(dispute: Dispute) -> list[DisputeRecovery]:
    """Transfer back to the seller what was reversed, once ``dispute`` is won; return the movements.

    Does nothing unless the dispute is ``won`` and ``PINAX_CONNECT_DISPUTE_RETRANSFER_ON_WON``
    is on. One re-transfer per succeeded reversal, each exactly once.
    """
    if dispute.status != "won" or not settings.PINAX_CONNECT_DISPUTE_RETRANSFER_ON_WON:
        return []
    reversals = dispute.recoveries.filter(kind=DisputeRecovery.REVERSAL, status=DisputeRecovery.SUCCEEDED)
    return [
        _move(dispute, DisputeRecovery.RETRANSFER, r.source_transfer, _minor(r.amount, r.currency), r.currency,
              account=r.account)
        for r in reversals.select_related("account").order_by("pk")
    ]


def retry(recovery: DisputeRecovery) -> DisputeRecovery:
    """Try a ``failed`` movement again (e.g. once the seller's balance can cover it), with a new
    idempotency key. A succeeded movement is returned unchanged.

    Raises :class:`InvalidRequest` for a reversal of a dispute that is no longer
    lost or open (won, or an inquiry closed): there is nothing to recover any more.
    """
    dispute = recovery.dispute
    if recovery.kind == DisputeRecovery.REVERSAL and dispute.status in ("won", "warning_closed"):
        raise InvalidRequest(f"Dispute {dispute.stripe_id} is {dispute.status}: nothing to recover")
    return _move(
        recovery.dispute, recovery.kind, recovery.source_transfer, _minor(recovery.amount, recovery.currency),
        recovery.currency, account=recovery.account, shortfall=_minor(recovery.shortfall, recovery.currency),
        refund_application_fee=recovery.refund_application_fee, retry_failed=True,
    )


def _claim(dispute: Dispute, kind: str, transfer_id: str, defaults: dict) -> DisputeRecovery:
    lookup = {"dispute": dispute, "kind": kind, "source_transfer": transfer_id}
    try:
        row, _created = DisputeRecovery.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:  # created by a concurrent worker between our SELECT and INSERT
        row = DisputeRecovery.objects.get(**lookup)
    return DisputeRecovery.objects.select_for_update().get(pk=row.pk)


def _move(dispute: Dispute, kind: str, transfer_id: str, amount: int, currency: str, *, account: Any,
          shortfall: int = 0, refund_application_fee: bool = False, retry_failed: bool = False) -> DisputeRecovery:
    with transaction.atomic():
        row = _claim(dispute, kind, transfer_id, {
            "account": account,
            "amount": money.from_minor(amount, currency),
            "currency": currency,
            "shortfall": money.from_minor(max(shortfall, 0), currency),
            "refund_application_fee": refund_application_fee,
        })
        if row.status == DisputeRecovery.SUCCEEDED or (row.status == DisputeRecovery.FAILED and not retry_failed):
            return row
        if amount <= 0:
            row.status, row.error_code = DisputeRecovery.FAILED, "nothing_to_reverse"
            row.error_message = f"Transfer {transfer_id} has nothing left to reverse."
            row.save()
            send_after_commit(dispute_recovery, DisputeRecovery, recovery=row, dispute=dispute)
            return row
        key = intent_key("dispute-recovery", dispute.stripe_id, kind, transfer_id, amount, row.attempts + 1)
        row.attempts += 1
        try:
            if kind == DisputeRecovery.REVERSAL:
                _reverse(row, dispute, amount, key)
            else:
                _retransfer(row, dispute, amount, key)
        except (stripe.InvalidRequestError, stripe.PermissionError, PinaxConnectError) as exc:
            row.status = DisputeRecovery.FAILED
            row.error_code = str(getattr(exc, "code", "") or type(exc).__name__)[:64]
            row.error_message = str(getattr(exc, "user_message", None) or exc)
        row.save()
        send_after_commit(dispute_recovery, DisputeRecovery, recovery=row, dispute=dispute)
        return row


def _reverse(row: DisputeRecovery, dispute: Dispute, amount: int, key: str) -> None:
    from .transfers import reverse

    transfer = Transfer.objects.get(stripe_id=row.source_transfer)
    reversal = reverse(
        transfer, money.from_minor(amount, row.currency), refund_application_fee=row.refund_application_fee,
        metadata={"pinax_connect_dispute": dispute.stripe_id}, idempotency_key=key,
    )
    row.status, row.error_code, row.error_message = DisputeRecovery.SUCCEEDED, "", ""
    row.stripe_id = reversal.stripe_id if reversal is not None else ""
    row.seller_available_after = _seller_available(row)


def _retransfer(row: DisputeRecovery, dispute: Dispute, amount: int, key: str) -> None:
    from .transfers import create

    charge = dispute.charge
    created = create(
        money.from_minor(amount, row.currency), row.currency, row.account,
        description=f"Dispute {dispute.stripe_id} won",
        transfer_group=(charge.transfer_group if charge is not None else None) or None,
        metadata={"pinax_connect_dispute": dispute.stripe_id, "pinax_connect_restores": row.source_transfer},
        idempotency_key=key,
    )
    row.status, row.error_code, row.error_message = DisputeRecovery.SUCCEEDED, "", ""
    row.stripe_id = created.stripe_id


def _seller_available(row: DisputeRecovery) -> Decimal | None:
    """The seller's available balance in the movement's currency (one ``GET /v1/balance``), or None."""
    if row.account is None:
        return None
    from .balances import retrieve

    try:
        balance = retrieve(row.account)
    except (stripe.StripeError, PinaxConnectError):
        return None  # only informative: the reversal itself succeeded
    return balance.available.get(row.currency, Decimal(0))
