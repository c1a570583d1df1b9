"""PaymentIntents and Connect's three charge patterns.

* destination charge: ``create(..., destination=account)`` — the platform charges,
  Stripe transfers to ``account`` (minus ``application_fee_amount``);
* direct charge: ``create(..., stripe_account=account)`` — the charge lives on the
  connected account, the platform may take ``application_fee_amount``;
* separate charges and transfers: ``create(..., transfer_group="order-42")`` on the
  platform, then ``transfers.create(..., transfer_group="order-42")`` per seller.

Every write asks Stripe to expand ``latest_charge`` so the resulting charge is
mirrored in the same round trip.
"""
import datetime
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import stripe

from .. import sync
from ..client import get_client, new_idempotency_key, request_options, write_options
from ..exceptions import InvalidRequest
from ..models import Account, Customer, PaymentIntent
from ..money import Amount
from ._payments import routed_payment
from ._shared import (
    amount_column,
    authorized,
    currency_code,
    find_account,
    fresh,
    index_by_stripe_id,
    minor_amount,
    stripe_id_of,
    sync_list,
)

EXPAND = ["latest_charge"]
CAPTURE_METHODS = {"automatic", "automatic_async", "manual"}
CONFIRMABLE = {"requires_payment_method", "requires_confirmation", "requires_action"}
FINAL = {"succeeded", "canceled"}


# --------------------------------------------------------------------------- mapping


def _destination_id(data: Mapping[str, Any]) -> str | None:
    return sync.object_id((data.get("transfer_data") or {}).get("destination"))


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict[str, Any]:
    return {
        "stripe_account": find_account(stripe_account),
        "accounts": index_by_stripe_id(Account, [_destination_id(d) for d in datas]),
        "customers": index_by_stripe_id(Customer, [sync.object_id(d.get("customer")) for d in datas]),
    }


def _columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``PaymentIntent`` columns from a Stripe payment intent dict."""
    lookups = lookups or {}
    currency = data.get("currency") or "usd"
    return {
        "stripe_account": lookups.get("stripe_account"),
        "customer": lookups.get("customers", {}).get(sync.object_id(data.get("customer"))),
        "transfer_destination": lookups.get("accounts", {}).get(_destination_id(data)),
        "amount": amount_column(data, "amount", currency),
        "amount_received": amount_column(data, "amount_received", currency) or 0,
        "currency": currency,
        "status": data.get("status") or "",
        "capture_method": data.get("capture_method") or "",
        "application_fee_amount": amount_column(data, "application_fee_amount", currency),
        "on_behalf_of": sync.object_id(data.get("on_behalf_of")) or "",
        "transfer_group": data.get("transfer_group") or "",
        "latest_charge": sync.object_id(data.get("latest_charge")) or "",
        "description": data.get("description") or "",
    }


def sync_payment_intent_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    stripe_account: Account | str | None = None, reread: Callable[[], Any] | None = None, **context: Any,
) -> PaymentIntent:
    """Mirror a Stripe payment intent into ``PaymentIntent`` and return the row.

    When ``latest_charge`` is expanded (a dict), that charge is mirrored too
    (after the intent, so it links to it).
    """
    data = sync.to_dict(stripe_object)
    intent = sync.upsert(
        PaymentIntent,
        data,
        lambda d: _columns(d, _lookups([d], stripe_account)),
        event_created=event_created,
        reread=reread,
    )
    latest = intent.stripe_data.get("latest_charge")
    if isinstance(latest, dict):
        from .charges import sync_charge_from_stripe_object

        sync_charge_from_stripe_object(latest, event_created=event_created, stripe_account=stripe_account)
    return intent


@contextmanager
def _mirror_failed_intent(stripe_account: Account | str | None) -> Iterator[None]:
    """Let a decline (``stripe.CardError``) through unchanged, after mirroring the
    intent Stripe sends with it (now ``requires_payment_method`` with
    ``last_payment_error``)."""
    try:
        yield
    except stripe.CardError as exc:
        body: Any = exc.json_body or {}
        intent = (body.get("error") or {}).get("payment_intent")
        if isinstance(intent, dict) and intent.get("id"):
            sync_payment_intent_from_stripe_object(intent, stripe_account=stripe_account)
        raise


def _options(payment_intent: PaymentIntent, idempotency_key: str | None = None) -> dict:
    return request_options(stripe_account=payment_intent.stripe_account, idempotency_key=idempotency_key)


def sync_payment_intent(payment_intent: PaymentIntent) -> PaymentIntent:
    """Re-read ``payment_intent`` (with its latest charge) from Stripe and mirror both."""
    obj = get_client().v1.payment_intents.retrieve(
        payment_intent.stripe_id, {"expand": EXPAND}, options=_options(payment_intent)
    )
    return sync_payment_intent_from_stripe_object(obj, stripe_account=payment_intent.stripe_account)


def sync_payment_intents(
    *, stripe_account: Account | str | None = None, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every payment intent of the platform (or of ``stripe_account``); returns ``(created, updated)``."""
    return sync_list(
        PaymentIntent, "/v1/payment_intents", _columns, _lookups,
        stripe_account=stripe_account, created_gte=created_gte, progress=progress,
    )


# --------------------------------------------------------------------------- writes


def create(
    amount: Amount,
    currency: str | None,
    *,
    customer: Customer | str | None = None,
    payment_method: str | stripe.StripeObject | None = None,
    destination: Account | str | None = None,
    application_fee_amount: Amount | None = None,
    on_behalf_of: Account | str | bool | None = None,
    confirm: bool = False,
    capture_method: str = "automatic",
    transfer_group: str | None = None,
    stripe_account: Account | str | None = None,
    metadata: dict[str, str] | None = None,
    idempotency_key: str | None = None,
    **params: Any,
) -> PaymentIntent:
    """Create a payment intent (``POST /v1/payment_intents``) and mirror it (and its charge).

    Sent: ``amount`` in minor units, ``currency``, ``customer`` (``Customer`` or
    id), ``payment_method``, ``confirm``, ``capture_method``, ``transfer_group``,
    ``metadata``, any extra Stripe ``params`` as given, and ``expand[]=latest_charge``.
    ``destination`` (``Account`` or id) becomes ``transfer_data[destination]``;
    ``on_behalf_of=True`` means "the destination" (settlement merchant), or pass
    an account. ``application_fee_amount`` (major units) needs ``destination`` or
    ``stripe_account``. ``stripe_account`` makes a direct charge on that account.

    Payment methods follow Stripe's default (automatic payment methods, chosen in
    the Dashboard) unless ``payment_method_types`` or ``automatic_payment_methods``
    is given. With ``confirm=True`` and none of those nor a ``return_url``, the
    action sends ``automatic_payment_methods[allow_redirects]=never``: Stripe
    refuses a server-side confirm that might redirect with nowhere to return to.

    Raises :class:`InvalidRequest`, :class:`AccountNotReady` or
    :class:`CustomerAccountMismatch` before calling Stripe.
    """
    currency = currency_code(currency)
    body = {**params, "amount": minor_amount(amount, currency), "currency": currency}
    if capture_method not in CAPTURE_METHODS:
        raise InvalidRequest(f"capture_method must be one of {sorted(CAPTURE_METHODS)}, got {capture_method!r}")
    body["capture_method"] = capture_method
    account, routed = routed_payment(
        amount=body["amount"], currency=currency, customer=customer, destination=destination,
        stripe_account=stripe_account, application_fee=application_fee_amount, on_behalf_of=on_behalf_of,
        transfer_group=transfer_group, metadata=metadata,
    )
    if "transfer_data" in routed:
        routed["transfer_data"] = {**(body.get("transfer_data") or {}), **routed["transfer_data"]}
    body.update(routed)
    if payment_method is not None:
        body["payment_method"] = stripe_id_of(payment_method)
    if confirm:
        if payment_method is None and not params.get("payment_method_data"):
            raise InvalidRequest("confirm=True needs a payment_method")
        body["confirm"] = True
        body.update(_without_redirects(body))
    body["expand"] = EXPAND
    with _mirror_failed_intent(account or stripe_account):
        obj = get_client().v1.payment_intents.create(
            body,
            options=write_options(
                stripe_account=account or stripe_account, idempotency_key=idempotency_key
            ),
        )
    return sync_payment_intent_from_stripe_object(obj, stripe_account=account or stripe_account)


def _without_redirects(body: Mapping[str, Any]) -> dict[str, Any]:
    """Stripe turns automatic payment methods on by default, and then refuses a
    server-side confirm without a ``return_url`` because a redirect-based method
    might be picked. A server-side confirm has nowhere to redirect to, so unless
    the caller chose (``return_url``, ``payment_method_types`` or
    ``automatic_payment_methods``), ask for automatic methods without redirects."""
    if any(body.get(key) for key in ("return_url", "payment_method_types", "automatic_payment_methods")):
        return {}
    return {"automatic_payment_methods": {"enabled": True, "allow_redirects": "never"}}


def _write(
    method: Callable[..., Any], payment_intent: PaymentIntent, params: Mapping[str, Any], idempotency_key: str | None
) -> PaymentIntent:
    authorized(payment_intent.stripe_account)
    with _mirror_failed_intent(payment_intent.stripe_account):
        obj = method(
            payment_intent.stripe_id,
            {**params, "expand": EXPAND},
            options=_options(payment_intent, idempotency_key or new_idempotency_key()),
        )
    return sync_payment_intent_from_stripe_object(obj, stripe_account=payment_intent.stripe_account)


def confirm(
    payment_intent: PaymentIntent, *, payment_method: str | stripe.StripeObject | None = None,
    idempotency_key: str | None = None, **params: Any,
) -> PaymentIntent:
    """Confirm (``POST /v1/payment_intents/{id}/confirm``), optionally with ``payment_method``; mirror it.

    An intent created with Stripe's default automatic payment methods (redirects
    allowed) needs ``return_url=`` here; otherwise Stripe answers
    ``stripe.InvalidRequestError`` with ``param="return_url"``.

    Raises :class:`InvalidRequest` when it cannot be confirmed (succeeded,
    canceled, processing or awaiting capture) per the mirror and a fresh read.
    """
    payment_intent = fresh(payment_intent, lambda pi: pi.status in CONFIRMABLE, sync_payment_intent)
    if payment_intent.status not in CONFIRMABLE:
        raise InvalidRequest(f"PaymentIntent {payment_intent.stripe_id} is {payment_intent.status}: cannot confirm")
    if payment_method is not None:
        params["payment_method"] = stripe_id_of(payment_method)
    return _write(get_client().v1.payment_intents.confirm, payment_intent, params, idempotency_key)


def capture(
    payment_intent: PaymentIntent, amount: Amount | None = None, *,
    application_fee_amount: Amount | None = None, idempotency_key: str | None = None,
) -> PaymentIntent:
    """Capture an authorized intent (``.../capture``), fully or ``amount_to_capture``; mirror it.

    Raises :class:`InvalidRequest` unless its status is ``requires_capture`` (per
    the mirror, or a fresh read when the mirror disagrees) or when ``amount``
    exceeds the authorized amount.
    """
    payment_intent = fresh(payment_intent, lambda pi: pi.status == "requires_capture", sync_payment_intent)
    if payment_intent.status != "requires_capture":
        raise InvalidRequest(f"PaymentIntent {payment_intent.stripe_id} is {payment_intent.status}: nothing to capture")
    params = {}
    if amount is not None:
        minor = minor_amount(amount, payment_intent.currency)
        if minor > minor_amount(payment_intent.amount, payment_intent.currency):
            raise InvalidRequest(f"Cannot capture {amount}: only {payment_intent.amount} was authorized")
        params["amount_to_capture"] = minor
    if application_fee_amount is not None:
        params["application_fee_amount"] = minor_amount(
            application_fee_amount, payment_intent.currency, name="application_fee_amount", allow_zero=True
        )
    return _write(get_client().v1.payment_intents.capture, payment_intent, params, idempotency_key)


def cancel(
    payment_intent: PaymentIntent, *, cancellation_reason: str | None = None, idempotency_key: str | None = None
) -> PaymentIntent:
    """Cancel (``POST /v1/payment_intents/{id}/cancel``) and mirror it.

    Raises :class:`InvalidRequest` when it already succeeded or was canceled
    (per the mirror and a fresh read).
    """
    payment_intent = fresh(payment_intent, lambda pi: pi.status not in FINAL, sync_payment_intent)
    if payment_intent.status in FINAL:
        raise InvalidRequest(f"PaymentIntent {payment_intent.stripe_id} is {payment_intent.status}: cannot cancel")
    params = {"cancellation_reason": cancellation_reason} if cancellation_reason else {}
    return _write(get_client().v1.payment_intents.cancel, payment_intent, params, idempotency_key)
