"""A customer's saved payment methods: list, attach (a PaymentMethod or a card token), detach.

Payment methods are not mirrored (no model): they are read from Stripe when
listed. Only what Stripe returns is handled (brand, last 4, expiry); card numbers
never pass through the platform, which receives PaymentMethod ids or tokens made
by Stripe.js. A default payment method is the customer's
``invoice_settings.default_payment_method``, mirrored on ``Customer``.
"""
from __future__ import annotations

from typing import Any

from .. import sync
from ..client import get_client, new_idempotency_key, request_options
from ..exceptions import InvalidRequest
from ..models import Customer
from . import customers as customer_actions
from ._shared import authorized


def _usable(customer: Customer) -> None:
    if not isinstance(customer, Customer):
        raise InvalidRequest(f"Expected a Customer instance, got {customer!r}")
    if customer.date_purged is not None:
        raise InvalidRequest(f"Customer {customer.stripe_id} was deleted")
    authorized(customer.stripe_account)


def _options(customer: Customer, idempotency_key: str | None = None) -> dict:
    return request_options(stripe_account=customer.stripe_account, idempotency_key=idempotency_key)


def list_for(customer: Customer, *, type: str = "card", limit: int = 100) -> list[dict[str, Any]]:
    """The customer's payment methods of ``type`` (``GET /v1/customers/{id}/payment_methods``).

    Sends ``type`` and ``limit`` (at most 100: one page) on the customer's account;
    stores nothing. Returns plain dicts as Stripe sent them.
    """
    _usable(customer)
    page = get_client().v1.customers.payment_methods.list(
        customer.stripe_id, {"type": type, "limit": min(int(limit), 100)}, options=_options(customer)
    )
    return [sync.to_dict(pm) for pm in page.data]


def attach(customer: Customer, *, payment_method: str | None = None, token: str | None = None,
           set_default: bool = False, idempotency_key: str | None = None) -> dict[str, Any]:
    """Attach a payment method to ``customer`` and return it (a dict).

    Pass exactly one of ``payment_method`` (``pm_...``) or ``token`` (a card token,
    ``tok_...``, which is first turned into a PaymentMethod with
    ``POST /v1/payment_methods`` ``type=card&card[token]=...``). Sends
    ``POST /v1/payment_methods/{pm}/attach`` with ``customer``; with
    ``set_default`` also ``POST /v1/customers/{id}``
    ``invoice_settings[default_payment_method]`` and stores the updated customer.
    """
    _usable(customer)
    if (payment_method is None) == (token is None):
        raise InvalidRequest("Pass exactly one of payment_method= or token=.")
    client = get_client()
    key = idempotency_key or new_idempotency_key()
    if token is not None:
        created = client.v1.payment_methods.create(
            {"type": "card", "card": {"token": token}}, options=_options(customer, f"{key}-pm")
        )
        payment_method = created.id
    attached = client.v1.payment_methods.attach(
        payment_method, {"customer": customer.stripe_id}, options=_options(customer, key)
    )
    if set_default:
        customer_actions.update(customer, invoice_settings={"default_payment_method": attached.id},
                                idempotency_key=f"{key}-default")
    return sync.to_dict(attached)


def detach(customer: Customer, payment_method: str) -> dict[str, Any]:
    """Detach ``payment_method`` (``pm_...``) from ``customer``; return it (a dict).

    Reads the payment method first (``GET /v1/payment_methods/{pm}``) and refuses
    with :class:`InvalidRequest` one that is not attached to this customer, so an id
    from somewhere else cannot be detached through someone's customer. Then sends
    ``POST /v1/payment_methods/{pm}/detach``; when it was the default, the customer
    is re-read and stored.
    """
    _usable(customer)
    client = get_client()
    current = sync.to_dict(client.v1.payment_methods.retrieve(payment_method, options=_options(customer)))
    if sync.object_id(current.get("customer")) != customer.stripe_id:
        raise InvalidRequest(f"Payment method {payment_method} is not attached to customer {customer.stripe_id}")
    detached = client.v1.payment_methods.detach(payment_method, options=_options(customer, new_idempotency_key()))
    if customer.default_payment_method == payment_method:
        customer_actions.sync_customer(customer)
    return sync.to_dict(detached)
