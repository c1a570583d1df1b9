"""Application fees: the platform's cut of charges on (or to) connected accounts."""
import datetime
from collections.abc import Callable, Mapping
from typing import Any

import stripe

from .. import sync
from ..client import get_client, write_options
from ..models import Account, ApplicationFee
from ..money import Amount
from ._shared import amount_column, authorized, index_by_stripe_id, left_of, part_of, stripe_id_of, sync_list


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict[str, Any]:
    return {"accounts": index_by_stripe_id(Account, [sync.object_id(d.get("account")) for d in datas])}


def _columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``ApplicationFee`` columns from a Stripe application_fee dict."""
    lookups = lookups or {}
    return {
        "account": lookups.get("accounts", {}).get(sync.object_id(data.get("account"))),
        "amount": amount_column(data),
        "amount_refunded": amount_column(data, "amount_refunded") or 0,
        "currency": data.get("currency") or "",
        "refunded": bool(data.get("refunded")),
        "charge": sync.object_id(data.get("charge")) or "",
        "originating_transaction": sync.object_id(data.get("originating_transaction")) or "",
    }


def sync_application_fee_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    reread: Callable[[], Any] | None = None, **context: Any,
) -> ApplicationFee:
    """Mirror a Stripe application fee into ``ApplicationFee`` (account linked when mirrored); return the row."""
    data = sync.to_dict(stripe_object)
    return sync.upsert(
        ApplicationFee, data, lambda d: _columns(d, _lookups([d])), event_created=event_created, reread=reread
    )


def sync_application_fee(fee: ApplicationFee) -> ApplicationFee:
    """Re-read ``fee`` from Stripe and mirror it."""
    return sync_application_fee_from_stripe_object(get_client().v1.application_fees.retrieve(fee.stripe_id))


def sync_application_fees(
    *, stripe_account: Account | str | None = None, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every application fee the platform collected; returns ``(created, updated)``.

    Fees live on the platform; ``stripe_account`` is accepted for symmetry and ignored
    by Stripe's list (filter the mirror by ``account`` instead).
    """
    return sync_list(ApplicationFee, "/v1/application_fees", _columns, _lookups, created_gte=created_gte,
                     progress=progress)


def refund(
    fee: ApplicationFee, amount: Amount | None = None, *, metadata: dict[str, str] | None = None,
    idempotency_key: str | None = None,
) -> ApplicationFee:
    """Give (part of) an application fee back to the account (``POST /v1/application_fees/{id}/refunds``).

    Sent: ``amount`` in minor units when given, ``metadata``. Re-syncs and
    returns the ``ApplicationFee``. Raises :class:`InvalidRequest` when ``amount``
    exceeds what is left of the fee (per the mirror).
    """
    minor = part_of(amount, fee.currency, left_of(fee.amount, fee.amount_refunded, fee.currency),
                    f"Application fee {fee.stripe_id}", verb="refund", done="refunded")
    params: dict[str, Any] = {} if minor is None else {"amount": minor}
    if metadata:
        params["metadata"] = metadata
    authorized(fee.account)
    get_client().v1.application_fees.refunds.create(
        stripe_id_of(fee), params, options=write_options(idempotency_key=idempotency_key)
    )
    return sync_application_fee(fee)
