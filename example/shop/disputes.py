"""Disputes as the marketplace's people read them: sellers on their dashboard, staff answering.

pinax_connect mirrors every dispute (``pinax_connect.models.Dispute``) and, with
``PINAX_CONNECT_DISPUTE_RECOVERY = "reverse_transfer"`` (see settings.py), takes the
disputed amount back from the seller and gives it back when the dispute is won
(``DisputeRecovery`` rows). This module only puts those into words; the staff page
answers through :mod:`pinax_connect.actions.disputes`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pinax_connect import money
from pinax_connect.models import Dispute, DisputeRecovery

from .models import Purchase

# Stripe's dispute statuses, as a seller reads them.
STATUS_WORDS = {
    "warning_needs_response": "Inquiry from the buyer's bank: the marketplace is answering (no money moved)",
    "warning_under_review": "Inquiry: the marketplace answered, the bank is reviewing it (no money moved)",
    "warning_closed": "Inquiry closed without a chargeback",
    "needs_response": "Open: the marketplace is preparing its answer",
    "under_review": "Answered: the buyer's bank is deciding",
    "won": "Won: the money came back",
    "lost": "Lost: the buyer keeps the money",
}
# Stripe's dispute reasons, in the buyer's words.
REASON_WORDS = {
    "fraudulent": "The cardholder says they did not make this payment",
    "product_not_received": "The buyer says the item never arrived",
    "product_unacceptable": "The buyer says the item was not as described",
    "duplicate": "The buyer says they were charged twice",
    "subscription_canceled": "The buyer says they had cancelled",
    "credit_not_processed": "The buyer says a promised refund never came",
    "unrecognized": "The buyer does not recognise the payment",
    "general": "The buyer's bank gave no specific reason",
}


def status_words(dispute: Dispute) -> str:
    return STATUS_WORDS.get(dispute.status, dispute.status.replace("_", " ").capitalize())


def reason_words(dispute: Dispute) -> str:
    return REASON_WORDS.get(dispute.reason, dispute.reason.replace("_", " ").capitalize() or "No reason given")


def recovery_words(recovery: DisputeRecovery) -> str:
    """One sentence per money movement between the seller and the marketplace."""
    amount = money.format_amount(recovery.amount, recovery.currency)
    reversal = recovery.kind == DisputeRecovery.REVERSAL
    if recovery.status == DisputeRecovery.SUCCEEDED:
        if reversal:
            return f"{amount} taken back from your balance while the dispute is open (transfer reversed)."
        return f"{amount} transferred back to you: the dispute was won."
    if recovery.status == DisputeRecovery.FAILED:
        what = "Taking back" if reversal else "Transferring back"
        return f"{what} {amount} did not go through yet ({recovery.error_message or recovery.error_code}); " \
               "the marketplace will retry."
    return f"{'Taking back' if reversal else 'Transferring back'} {amount}: in progress."


@dataclass
class DisputeRow:
    """What the seller's dashboard shows of one dispute."""

    dispute: Dispute
    purchase: Purchase | None
    status: str
    reason: str
    movements: list[dict] = field(default_factory=list)


def purchases_by_intent(disputes: list[Dispute]) -> dict[str, Purchase]:
    """The marketplace's purchases behind ``disputes``, by PaymentIntent id (the id the views stored)."""
    ids = [d.stripe_data.get("payment_intent") for d in disputes if d.stripe_data.get("payment_intent")]
    if not ids:
        return {}
    found = Purchase.objects.filter(payment_intent_id__in=ids).select_related("item", "buyer")
    return {p.payment_intent_id: p for p in found}


def seller_rows(account) -> list[DisputeRow]:
    """The disputes on ``account``'s sales, newest first, each with its recovery movements."""
    disputes = list(Dispute.for_seller(account).prefetch_related("recoveries").order_by("-created", "-pk"))
    purchases = purchases_by_intent(disputes)
    rows = []
    for dispute in disputes:
        movements = []
        for recovery in sorted(dispute.recoveries.all(), key=lambda r: (r.created_at, r.pk)):
            if recovery.account_id not in (None, account.pk):
                continue  # another seller's part of a separate-transfers sale
            note = ""
            if recovery.seller_balance_negative:
                note = (f"This took your balance below zero "
                        f"({money.format_amount(recovery.seller_available_after, recovery.currency)} right after): "
                        "Stripe covers that from your next sales, or your bank account, before paying you out.")
            movements.append({"recovery": recovery, "words": recovery_words(recovery), "note": note})
        rows.append(DisputeRow(dispute, purchases.get(dispute.stripe_data.get("payment_intent")),
                               status_words(dispute), reason_words(dispute), movements))
    return rows
