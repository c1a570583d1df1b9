"""pinax_connect's default webhook handlers: keep the mirror in step with Stripe.

Each handler hands the event's object to the model's ``sync_*_from_stripe_object``
function with ``event_created`` (the event's unix ``created``: the sync layer's
watermark makes an older event arriving late a no-op) and ``stripe_account`` (the
event's ``account``). The actions modules are imported when a handler runs, so this
module has no import-time dependency on them.

Registered (see docs/webhooks.md for the table):

* ``account.updated`` → Account; ``account.application.authorized`` → marks the
  Account authorized (reads it from Stripe once if we do not mirror it yet);
  ``account.application.deauthorized`` → ``authorized=False``.
* ``account.external_account.created/updated`` → ExternalAccount; ``.deleted`` →
  the row is deleted.
* ``capability.updated`` → the capability's status in ``Account.capabilities``
  (through the account sync path, so the mirror has one writer).
* ``customer.created/updated`` → Customer; ``customer.deleted`` → ``date_purged``.
* ``charge.*`` on charge objects → Charge (with the refunds it embeds);
  ``charge.refund.updated`` and ``refund.*`` → Refund.
* ``payment_intent.*`` → PaymentIntent; ``transfer.*`` → Transfer (and its
  reversals); ``payout.*`` → Payout; ``application_fee.created/refunded`` →
  ApplicationFee; ``checkout.session.completed``, ``.expired``,
  ``.async_payment_succeeded`` and ``.async_payment_failed`` → the session's PaymentIntent.
* ``person.*`` and everything else: nothing stored; the signal is still sent.
"""
import functools
import importlib
from collections.abc import Callable
from typing import Any

from ..client import get_client, request_options
from ..models import Account, Event, ExternalAccount
from ..sync import object_id, to_dict
from .registry import registry


def _actions(module: str) -> Any:
    return importlib.import_module(f"pinax_connect.actions.{module}")


def stripe_object(source: dict) -> dict:
    """``data.object`` of an event dict."""
    return (source.get("data") or {}).get("object") or {}


def _account_of(event: Event) -> Any:
    """The event's connected account: the Account processing already read, else its id."""
    return getattr(event, "mirrored_account", None) or event.account or None


def _sync_with(module: str, function: str) -> Callable[[Event, dict, str], Any]:
    """A handler passing the event's object to ``pinax_connect.actions.<module>.<function>``."""

    def handler(event: Event, source: dict, subtype: str) -> Any:
        sync = getattr(_actions(module), function)
        obj = stripe_object(source)
        return sync(
            obj,
            event_created=source.get("created"),
            stripe_account=_account_of(event),
            reread=functools.partial(_reread, obj, event.account or None),
        )

    handler.__name__ = handler.__qualname__ = f"sync_with_{module}_{function}"
    handler.__doc__ = f"Mirror the event's object with ``actions.{module}.{function}``."
    return handler


sync_account = _sync_with("accounts", "sync_account_from_stripe_object")
sync_external_account = _sync_with("external_accounts", "sync_external_account_from_stripe_object")
sync_customer = _sync_with("customers", "sync_customer_from_stripe_object")
sync_charge = _sync_with("charges", "sync_charge_from_stripe_object")
sync_refund = _sync_with("refunds", "sync_refund_from_stripe_object")
sync_payment_intent = _sync_with("payment_intents", "sync_payment_intent_from_stripe_object")
sync_transfer = _sync_with("transfers", "sync_transfer_from_stripe_object")
sync_payout = _sync_with("payouts", "sync_payout_from_stripe_object")
sync_application_fee = _sync_with("application_fees", "sync_application_fee_from_stripe_object")


def sync_checkout_session(event: Event, source: dict, subtype: str) -> Any:
    """``checkout.session.*``: mirror the session's PaymentIntent (and charge), if it has one.

    Completed, expired and async-paid/failed sessions alike: an expired session's
    canceled intent and a late (async) payment reach the mirror the same way.
    """
    return _actions("checkout").sync_from_checkout_session(
        stripe_object(source), event_created=source.get("created"), stripe_account=event.account or None
    )


def account_authorized(event: Event, source: dict, subtype: str) -> Any:
    """``account.application.authorized``: the account (re)connected to the platform.

    The event's object is the platform's application, not the account, so an
    account we do not mirror yet (a Standard account just connected through OAuth)
    is read once from Stripe (``GET /v1/accounts/{id}``) and stored.
    """
    if not event.account:
        return None
    accounts = _actions("accounts")
    account = Account.objects.filter(stripe_id=event.account).first()
    if account is None:
        account = accounts.sync_account_from_stripe_object(get_client().v1.accounts.retrieve(event.account))
    return accounts.set_authorized(account, True)


def account_deauthorized(event: Event, source: dict, subtype: str) -> Any:
    """``account.application.deauthorized``: the account revoked our access; mark it, call nothing."""
    account = Account.objects.filter(stripe_id=event.account).first() if event.account else None
    if account is None:
        return None
    return _actions("accounts").set_authorized(account, False)


def external_account_deleted(event: Event, source: dict, subtype: str) -> Any:
    """``account.external_account.deleted``: the bank account / card is gone; delete its row."""
    ExternalAccount.objects.filter(stripe_id=stripe_object(source).get("id")).delete()


def customer_deleted(event: Event, source: dict, subtype: str) -> Any:
    """``customer.deleted``: stamp ``date_purged`` on the customer (the row is kept)."""
    deleted = {**stripe_object(source), "deleted": True}
    return _actions("customers").sync_customer_from_stripe_object(
        deleted, event_created=source.get("created"), stripe_account=_account_of(event)
    )


def capability_updated(event: Event, source: dict, subtype: str) -> Any:
    """``capability.updated``: record the capability's new status on its Account.

    The event carries one capability, not the account. It goes through
    ``accounts.apply_capability``, which keeps a watermark per capability and never
    moves the account's own (a sub-object's event must not make a full
    ``account.updated`` of an earlier second look stale). Nothing happens for an
    account we do not mirror.
    """
    capability = stripe_object(source)
    account_id = object_id(capability.get("account")) or event.account
    account = Account.objects.filter(stripe_id=account_id).first() if account_id else None
    if account is None or not account.stripe_data or source.get("created") is None:
        return None
    return _actions("accounts").apply_capability(
        account,
        capability,
        source["created"],
        reread=lambda: get_client().v1.accounts.retrieve(account.stripe_id),
    )


# ---- registration -----------------------------------------------------------------
# ``register_defaults`` is called by ``PinaxConnectConfig.ready()``, before any host
# app's ``ready()`` can register its own handlers, so ours always run first.

DEFAULT_HANDLERS = [
    ("account.updated", sync_account),
    ("account.application.authorized", account_authorized),
    ("account.application.deauthorized", account_deauthorized),
    ("account.external_account.created", sync_external_account),
    ("account.external_account.updated", sync_external_account),
    ("account.external_account.deleted", external_account_deleted),
    ("capability.updated", capability_updated),
    ("customer.created", sync_customer),
    ("customer.updated", sync_customer),
    ("customer.deleted", customer_deleted),
    # charge.dispute.* carry disputes and charge.refund.updated a refund: only these are charges.
    *(
        (f"charge.{name}", sync_charge)
        for name in ("captured", "expired", "failed", "pending", "refunded", "succeeded", "updated")
    ),
    ("charge.refund.updated", sync_refund),
    ("refund", sync_refund),
    ("payment_intent", sync_payment_intent),
    ("transfer", sync_transfer),
    ("payout", sync_payout),
    # application_fee.refund.updated carries a fee refund, which is not mirrored.
    ("application_fee.created", sync_application_fee),
    ("application_fee.refunded", sync_application_fee),
    ("checkout.session.completed", sync_checkout_session),
    ("checkout.session.expired", sync_checkout_session),
    ("checkout.session.async_payment_succeeded", sync_checkout_session),
    ("checkout.session.async_payment_failed", sync_checkout_session),
]



def register_defaults() -> None:
    """Put pinax_connect's default handlers first in the registry (idempotent).

    Called from ``AppConfig.ready()``. A host handler registered earlier (an import
    in a ``models.py``, an app listed before ``pinax_connect``) is moved after them,
    so host handlers always see the mirror with the event applied.
    """
    from .dispute_handlers import DISPUTE_HANDLERS  # disputes and fraud warnings (issue 19)

    registry.register_first(DEFAULT_HANDLERS + DISPUTE_HANDLERS)


# ---- PINAX_CONNECT_WEBHOOK_REFETCH ---------------------------------------------------

# Object types read back by id through ``client.v1.<service>.retrieve(id)``.
_TOP_LEVEL_SERVICES = {
    "account": "accounts",
    "customer": "customers",
    "charge": "charges",
    "payment_intent": "payment_intents",
    "refund": "refunds",
    "transfer": "transfers",
    "payout": "payouts",
    "application_fee": "application_fees",
    "dispute": "disputes",
}


def _retrieve(obj: dict, stripe_account: str | None) -> Any:
    """The current version of ``obj`` from Stripe, or ``None`` for a type we do not re-read."""
    client = get_client()
    kind, obj_id = obj.get("object"), obj.get("id")
    options = request_options(stripe_account=stripe_account)
    if kind in ("bank_account", "card") and obj.get("account"):
        return client.v1.accounts.external_accounts.retrieve(object_id(obj["account"]), obj_id)
    if kind == "capability":
        return client.v1.accounts.capabilities.retrieve(object_id(obj["account"]), obj_id)
    if kind == "checkout.session":
        return client.v1.checkout.sessions.retrieve(obj_id, options=options)
    if kind == "account":
        return client.v1.accounts.retrieve(obj_id)
    if kind in _TOP_LEVEL_SERVICES:
        service = getattr(client.v1, _TOP_LEVEL_SERVICES[kind])
        return service.retrieve(obj_id, options=options)
    return None


def _reread(obj: dict, stripe_account: str | None) -> Any:
    """The object as Stripe has it now (one ``GET``), or as delivered for a type we do not re-read."""
    return _retrieve(obj, stripe_account) or obj


def refetched_source(event: Event) -> dict:
    """The event dict with ``data.object`` replaced by the object as Stripe has it now.

    Used when ``PINAX_CONNECT_WEBHOOK_REFETCH`` is on: one ``GET`` on the event's
    account (``Stripe-Account: event.account``). Deleted objects and types we do not
    mirror are left as delivered. The stored payload is not changed.
    """
    source = event.payload
    obj = stripe_object(source)
    if not obj.get("id") or obj.get("deleted") or event.type.endswith(".deleted"):
        return source
    fresh = _retrieve(obj, event.account or None)
    if fresh is None:
        return source
    return {**source, "data": {**(source.get("data") or {}), "object": to_dict(fresh)}}
