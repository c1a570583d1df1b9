"""Disputes: the mirror, and answering them (evidence, submission, acceptance).

A dispute lives where its charge lives: on the platform for destination charges
and separate charges & transfers, on the connected account for direct charges
(every call about those sends ``Stripe-Account``). Recovering money from the
seller is :mod:`pinax_connect.actions.dispute_recovery`.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any

import stripe

from .. import money, sync
from ..client import get_client, intent_key, new_idempotency_key, request_options
from ..exceptions import InvalidRequest
from ..models import Account, Charge, Dispute, PaymentIntent
from ._shared import amount_column, authorized, find_account, index_by_stripe_id, sync_list

# Evidence fields Stripe takes as text, and as the id of a file uploaded with
# purpose=dispute_evidence (names and limits from Stripe's API reference).
EVIDENCE_TEXT_FIELDS = {
    "access_activity_log": 20000,
    "billing_address": 5000,
    "cancellation_policy_disclosure": 20000,
    "cancellation_rebuttal": 20000,
    "customer_email_address": 5000,
    "customer_name": 5000,
    "customer_purchase_ip": 5000,
    "duplicate_charge_explanation": 20000,
    "duplicate_charge_id": 5000,
    "product_description": 20000,
    "refund_policy_disclosure": 20000,
    "refund_refusal_explanation": 20000,
    "service_date": 5000,
    "shipping_address": 5000,
    "shipping_carrier": 5000,
    "shipping_date": 5000,
    "shipping_tracking_number": 5000,
    "uncategorized_text": 20000,
}
EVIDENCE_FILE_FIELDS = frozenset({
    "cancellation_policy",
    "customer_communication",
    "customer_signature",
    "duplicate_charge_documentation",
    "receipt",
    "refund_policy",
    "service_documentation",
    "shipping_documentation",
    "uncategorized_file",
})
# Stripe refuses an update whose text fields together are longer than this.
EVIDENCE_MAX_CHARACTERS = 150000


# --------------------------------------------------------------------------- mapping


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict:
    return {
        "stripe_account": find_account(stripe_account),
        "charges": index_by_stripe_id(Charge, [sync.object_id(d.get("charge")) for d in datas]),
        "payment_intents": index_by_stripe_id(PaymentIntent, [sync.object_id(d.get("payment_intent")) for d in datas]),
    }


def net_balance_effect(data: Mapping) -> Decimal:
    """The sum of the ``net`` of a dispute's (expanded) balance transactions, in major units."""
    total = 0
    for txn in data.get("balance_transactions") or []:
        if isinstance(txn, Mapping):
            total += int(txn.get("net") or 0)
    return money.from_minor(total, data.get("currency") or "usd")


def _columns(data: dict, lookups: dict | None = None) -> dict:
    """Typed ``Dispute`` columns from a Stripe dispute dict."""
    lookups = lookups or {}
    details = data.get("evidence_details") or {}
    return {
        "stripe_account": lookups.get("stripe_account"),
        "charge": lookups.get("charges", {}).get(sync.object_id(data.get("charge"))),
        "payment_intent": lookups.get("payment_intents", {}).get(sync.object_id(data.get("payment_intent"))),
        "amount": amount_column(data),
        "currency": data.get("currency") or "",
        "reason": data.get("reason") or "",
        "status": data.get("status") or "",
        "evidence_due_by": sync.stripe_datetime(details.get("due_by")),
        "has_evidence": bool(details.get("has_evidence")),
        "submission_count": int(details.get("submission_count") or 0),
        "is_charge_refundable": bool(data.get("is_charge_refundable")),
        "net_balance_effect": net_balance_effect(data),
    }


columns = _columns


def sync_dispute_from_stripe_object(stripe_object: Any, *, event_created: Any = None, stripe_account: Any = None,
                                    reread: Any = None, **context: Any) -> Dispute:
    """Mirror a Stripe dispute into ``Dispute`` and return the row.

    ``stripe_account``: the connected account a direct charge's dispute lives on.
    The charge and payment intent are linked when mirrored; when the charge is not,
    it is read once from Stripe and mirrored first, so every dispute row knows
    whose sale it is.
    """
    data = sync.to_dict(stripe_object)
    charge_id = sync.object_id(data.get("charge"))
    if charge_id and not Charge.objects.filter(stripe_id=charge_id).exists():
        _mirror_charge(charge_id, stripe_account)
    return sync.upsert(
        Dispute, data, lambda d: _columns(d, _lookups([d], stripe_account)), event_created=event_created, reread=reread
    )


def _mirror_charge(charge_id: str, stripe_account: Any) -> None:
    from .charges import sync_charge_from_stripe_object

    account = find_account(stripe_account)
    try:
        obj = get_client().v1.charges.retrieve(charge_id, options=request_options(stripe_account=stripe_account))
    except stripe.InvalidRequestError:
        return  # not readable with our key: the dispute is mirrored without its charge
    sync_charge_from_stripe_object(obj, stripe_account=account or stripe_account)


def _options(dispute: Dispute, idempotency_key: str | None = None) -> dict:
    return request_options(stripe_account=dispute.stripe_account, idempotency_key=idempotency_key)


def sync_dispute(dispute: Dispute) -> Dispute:
    """Re-read ``dispute`` from Stripe (on its account) and mirror it."""
    obj = get_client().v1.disputes.retrieve(dispute.stripe_id, options=_options(dispute))
    return sync_dispute_from_stripe_object(obj, stripe_account=dispute.stripe_account)


def retrieve(dispute_id: str, *, stripe_account: Account | str | None = None) -> Dispute:
    """Read the dispute ``dp_...`` from Stripe (``GET /v1/disputes/{id}``, on ``stripe_account``
    for a direct charge) and return the mirrored row."""
    obj = get_client().v1.disputes.retrieve(dispute_id, options=request_options(stripe_account=stripe_account))
    return sync_dispute_from_stripe_object(obj, stripe_account=find_account(stripe_account) or stripe_account)


def sync_disputes(*, stripe_account: Any = None, created_gte: Any = None, progress: Any = None) -> tuple[int, int]:
    """Mirror every dispute of the platform (or of ``stripe_account``); returns ``(created, updated)``."""
    return sync_list(
        Dispute, "/v1/disputes", _columns, _lookups,
        stripe_account=stripe_account, created_gte=created_gte, progress=progress,
    )


# --------------------------------------------------------------------------- writes


def upload_evidence_file(file: IO[bytes], *, filename: str | None = None,
                         stripe_account: Account | str | None = None) -> str:
    """Upload one evidence document (``POST /v1/files``, ``purpose=dispute_evidence``); return its ``file_`` id.

    The file goes to the account the dispute lives on (``stripe_account`` for a
    direct charge's dispute: Stripe refuses a platform file there). Its bytes are
    passed through and never stored or logged.
    """
    if filename and not getattr(file, "name", None):
        try:
            file.name = filename  # type: ignore[misc]  # stripe-python sends the file's name in the multipart part
        except AttributeError:
            pass
    obj = get_client().v1.files.create(
        {"purpose": "dispute_evidence", "file": file},
        options=request_options(stripe_account=stripe_account, idempotency_key=new_idempotency_key()),
    )
    return obj["id"]


def _evidence_params(evidence: Mapping[str, Any] | None, files: Mapping[str, Any] | None,
                     stripe_account: Account | None) -> dict:
    params: dict[str, str] = {}
    total = 0
    for name, value in (evidence or {}).items():
        if name in EVIDENCE_FILE_FIELDS:
            raise InvalidRequest(f"evidence[{name}] takes a file: pass it in files=")
        if name not in EVIDENCE_TEXT_FIELDS:
            raise InvalidRequest(f"Unknown evidence field {name!r}")
        text = "" if value is None else str(value)
        if len(text) > EVIDENCE_TEXT_FIELDS[name]:
            raise InvalidRequest(f"evidence[{name}] is longer than {EVIDENCE_TEXT_FIELDS[name]} characters")
        total += len(text)
        params[name] = text
    if total > EVIDENCE_MAX_CHARACTERS:
        raise InvalidRequest(f"The evidence text fields together exceed {EVIDENCE_MAX_CHARACTERS} characters")
    for name, value in (files or {}).items():
        if name not in EVIDENCE_FILE_FIELDS:
            raise InvalidRequest(f"evidence[{name}] is not a file field")
        if isinstance(value, str):
            if not value.startswith("file_"):
                raise InvalidRequest(f"evidence[{name}] must be a file or a file_ id, got {value!r}")
            params[name] = value
        else:
            params[name] = upload_evidence_file(value, stripe_account=stripe_account)
    return params


def _answerable(dispute: Dispute) -> Dispute:
    """``dispute`` when it can still take evidence (per a fresh read if the mirror says no)."""
    if dispute.status not in Dispute.ANSWERABLE_STATUSES:
        dispute = sync_dispute(dispute)  # the mirror may lag Stripe
    if dispute.status not in Dispute.ANSWERABLE_STATUSES:
        raise InvalidRequest(f"Dispute {dispute.stripe_id} no longer takes evidence ({dispute.status})")
    return dispute


def update_evidence(dispute: Dispute, evidence: Mapping[str, Any] | None = None, *,
                    files: Mapping[str, Any] | None = None, submit: bool = False,
                    metadata: Mapping[str, str] | None = None, idempotency_key: str | None = None) -> Dispute:
    """Stage (or, with ``submit=True``, submit) evidence on ``dispute`` (``POST /v1/disputes/{id}``).

    ``evidence``: text fields by Stripe's names (``product_description``,
    ``customer_email_address``, ``uncategorized_text``...). ``files``: file fields
    (``receipt``, ``shipping_documentation``...) as open files (uploaded first with
    :func:`upload_evidence_file`) or ``file_`` ids. Sent: ``evidence[...]``,
    ``submit`` (always explicit: Stripe submits by default), ``metadata``; on the
    connected account for a direct charge's dispute, with an idempotency key
    derived from the request. Submitting is final: Stripe takes one response.
    Stores and returns the re-mirrored ``Dispute``.

    Raises :class:`InvalidRequest` for unknown fields, text over Stripe's limits,
    or a dispute that no longer takes evidence.
    """
    dispute = _answerable(dispute)
    authorized(dispute.stripe_account)
    params: dict[str, Any] = {"submit": bool(submit)}
    evidence_params = _evidence_params(evidence, files, dispute.stripe_account)
    if evidence_params:
        params["evidence"] = evidence_params
    if metadata:
        params["metadata"] = dict(metadata)
    if not evidence_params and not submit and not metadata:
        raise InvalidRequest("Nothing to update: give evidence, files, metadata or submit=True")
    key = idempotency_key or intent_key("dispute-update", dispute.stripe_id, params)
    obj = get_client().v1.disputes.update(dispute.stripe_id, params, options=_options(dispute, key))
    return sync_dispute_from_stripe_object(obj, stripe_account=dispute.stripe_account)


def submit(dispute: Dispute, evidence: Mapping[str, Any] | None = None, *,
           files: Mapping[str, Any] | None = None, idempotency_key: str | None = None) -> Dispute:
    """Submit ``dispute``'s evidence to the card issuer (with more ``evidence``/``files`` if given).

    :func:`update_evidence` with ``submit=True``; final once Stripe accepted it.
    """
    return update_evidence(dispute, evidence, files=files, submit=True, idempotency_key=idempotency_key)


def accept(dispute: Dispute, *, idempotency_key: str | None = None) -> Dispute:
    """Accept (close) ``dispute`` (``POST /v1/disputes/{id}/close``): the platform (or seller) concedes.

    The dispute becomes ``lost`` (an inquiry: ``warning_closed``) and the withdrawn
    funds stay with the cardholder. Stores and returns the re-mirrored ``Dispute``.
    Raises :class:`InvalidRequest` when it is no longer open to a response.
    """
    dispute = _answerable(dispute)
    authorized(dispute.stripe_account)
    key = idempotency_key or intent_key("dispute-close", dispute.stripe_id)
    obj = get_client().v1.disputes.close(dispute.stripe_id, options=_options(dispute, key))
    return sync_dispute_from_stripe_object(obj, stripe_account=dispute.stripe_account)


def dispute_of(charge: Charge) -> Dispute | None:
    """The newest mirrored dispute of ``charge``, reading Stripe's list once when none is mirrored."""
    found = charge.disputes.order_by("-created", "-pk").first()
    if found is not None:
        return found
    page = get_client().v1.disputes.list(
        {"charge": charge.stripe_id, "limit": 1}, options=request_options(stripe_account=charge.stripe_account)
    )
    for obj in page["data"]:
        return sync_dispute_from_stripe_object(obj, stripe_account=charge.stripe_account)
    return None

