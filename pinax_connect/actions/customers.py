"""Customers: on the platform (``Customer.user``) or on a connected account (``UserAccount``).

A user has at most one platform customer and at most one customer per connected
account. :func:`get_or_create` is the one path from a user to "their" customer on
an account; :func:`create` always makes a new one.
"""
import datetime
from collections.abc import Callable, Mapping
from typing import Any, cast

import stripe
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import identity, sync
from ..client import get_client, intent_key, new_idempotency_key, request_options, write_options
from ..exceptions import CustomerAccountMismatch, InvalidRequest
from ..models import Account, Customer, UserAccount
from ._shared import authorized, connected_account, find_account, stripe_id_of, sync_list

# --------------------------------------------------------------------------- mapping


def _lookups(datas: list[dict], stripe_account: Any = None) -> dict[str, Any]:
    return {"stripe_account": find_account(stripe_account)}


def _columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``Customer`` columns from a Stripe customer dict (shared by single and bulk sync)."""
    lookups = lookups or {}
    settings_ = data.get("invoice_settings") or {}
    return {
        "stripe_account": lookups.get("stripe_account"),
        "email": data.get("email") or "",
        "name": data.get("name") or "",
        "currency": data.get("currency") or "",
        "delinquent": bool(data.get("delinquent")),
        "default_payment_method": sync.object_id(settings_.get("default_payment_method"))
        or sync.object_id(data.get("default_source"))
        or "",
    }


def sync_customer_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    stripe_account: Account | str | None = None, reread: Callable[[], Any] | None = None, **context: Any,
) -> Customer | None:
    """Mirror a Stripe customer into ``Customer`` and return the row.

    ``stripe_account`` is the connected account the customer lives on (None: the
    platform). A deleted customer (``{"id": ..., "deleted": true}``, what Stripe
    returns after a delete, or a ``customer.deleted`` event's object with
    ``deleted`` set) only stamps ``date_purged`` on an existing row, unlinks it from
    its user (so :func:`get_or_create` makes a new one) and returns it (``None``
    when we never mirrored it).
    """
    data = sync.to_dict(stripe_object)
    if data.get("deleted"):
        row = Customer.objects.filter(stripe_id=data["id"]).first()
        if row is not None and row.date_purged is None:
            _mark_purged(row)
        return row
    lookups = _lookups([data], stripe_account)
    return sync.upsert(Customer, data, lambda d: _columns(d, lookups), event_created=event_created, reread=reread)


def _mark_purged(customer: Customer) -> Customer:
    """Stamp ``date_purged`` and unlink the user (``Customer.user``, ``UserAccount``); keep the row."""
    with transaction.atomic():
        UserAccount.objects.filter(customer=customer).delete()
        customer.user = None
        customer.date_purged = timezone.now()
        Customer.objects.filter(pk=customer.pk).update(user=None, date_purged=customer.date_purged)
    return customer


def sync_customer(customer: Customer) -> Customer:
    """Re-read ``customer`` from Stripe and mirror it (marks it purged if Stripe deleted it)."""
    obj = get_client().v1.customers.retrieve(
        customer.stripe_id, options=request_options(stripe_account=customer.stripe_account)
    )
    return sync_customer_from_stripe_object(obj, stripe_account=customer.stripe_account) or customer


def sync_customers(
    *, stripe_account: Account | str | None = None, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every customer of the platform (or of ``stripe_account``); returns ``(created, updated)``.

    Rows only: links to users are made by :func:`create` / :func:`get_or_create`.
    """
    return sync_list(
        Customer, "/v1/customers", _columns, _lookups,
        stripe_account=stripe_account, created_gte=created_gte, progress=progress,
    )


# --------------------------------------------------------------------------- reads


def get_customer_for_user(user: Any, stripe_account: Account | str | None = None) -> Customer | None:
    """The user's live customer on ``stripe_account`` (an Account or id), or on the platform; ``None`` if absent.

    A customer deleted on Stripe (``date_purged``) is never handed out.
    """
    if stripe_account is None:
        return Customer.objects.filter(user=user, date_purged__isnull=True).first()
    account_id = stripe_id_of(stripe_account)
    return user.customers.filter(user_account__account__stripe_id=account_id, date_purged__isnull=True).first()


def customer_account_check(customer: Customer | str | None, stripe_account: Account | str | None) -> None:
    """Raise :class:`CustomerAccountMismatch` unless ``customer`` lives on ``stripe_account``.

    ``customer`` is a ``Customer`` (or a ``cus_`` id, looked up in the mirror);
    ``stripe_account`` None means the platform. Unknown customers are not judged:
    Stripe will answer for them.
    """
    if customer is None:
        return
    if not isinstance(customer, Customer):
        customer = Customer.objects.filter(stripe_id=stripe_id_of(customer)).select_related("stripe_account").first()
        if customer is None:
            return
    lives_on = customer.stripe_account.stripe_id if customer.stripe_account is not None else None
    wanted = stripe_id_of(stripe_account)
    if lives_on != wanted:
        raise CustomerAccountMismatch(
            f"Customer {customer.stripe_id} lives on {lives_on or 'the platform'}, "
            f"not on {wanted or 'the platform'}"
        )
    if customer.date_purged is not None:
        raise InvalidRequest(f"Customer {customer.stripe_id} was deleted on {customer.date_purged:%Y-%m-%d}")


# --------------------------------------------------------------------------- writes


def _customer_params(user: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    params = dict(params)
    if not params.get("email") and getattr(user, "email", None):
        params["email"] = user.email
    # Names the user verifiably (see pinax_connect.identity): lets a purge be counted per user.
    params["metadata"] = {**(params.get("metadata") or {}), **identity.user_metadata(user)}
    return params


def _link(user: Any, account: Account | None, customer: Customer) -> Customer | None:
    """Tie ``customer`` to ``user`` (platform: ``Customer.user``; connected: a ``UserAccount``).

    Returns the customer the user ends up with: when a concurrent caller linked
    one first (unique constraints), theirs; ``None`` when ``customer`` was deleted on
    Stripe meanwhile (a purged row is never linked, so the next call makes a new one).
    """
    try:
        with transaction.atomic():
            if account is None:
                if Customer.objects.filter(pk=customer.pk, date_purged__isnull=True).update(user=user):
                    customer.user = user
            elif Customer.objects.filter(pk=customer.pk, date_purged__isnull=True).exists():
                link, created = UserAccount.objects.get_or_create(
                    user=user, account=account, defaults={"customer": customer}
                )
                if not created and link.customer_id != customer.pk:
                    # A link left to a customer purged after it was made (a purge racing
                    # a link): the live customer replaces it; a live one is kept.
                    UserAccount.objects.filter(pk=link.pk, customer__date_purged__isnull=False).update(
                        customer=customer
                    )
    except IntegrityError:
        pass
    return get_customer_for_user(user, stripe_account=account)


def _create(user: Any, account: Account | None, params: Mapping[str, Any], idempotency_key: str) -> Customer:
    obj = get_client().v1.customers.create(
        _customer_params(user, params),
        options=request_options(stripe_account=account, idempotency_key=idempotency_key),
    )
    # Only a deleted customer mirrors to None; Stripe just created this one.
    customer = cast(Customer, sync_customer_from_stripe_object(obj, stripe_account=account))
    return customer


def create(
    user: Any, *, stripe_account: Account | str | None = None, idempotency_key: str | None = None, **params: Any
) -> Customer:
    """Create a Stripe customer for ``user`` and mirror it.

    Sends ``params`` (Stripe's customer parameters; ``email`` defaults to
    ``user.email``) to ``POST /v1/customers``, on ``stripe_account`` when given.
    Stores the ``Customer`` and links it: ``Customer.user`` on the platform, a
    ``UserAccount(user, account, customer)`` on a connected account.
    Raises :class:`InvalidRequest` when the user already has a customer there
    (use :func:`get_or_create`) or the account is not mirrored.
    """
    account = connected_account(stripe_account)
    if get_customer_for_user(user, stripe_account=account) is not None:
        raise InvalidRequest(
            f"{user} already has a customer on {account.stripe_id if account else 'the platform'}; "
            "use customers.get_or_create()"
        )
    customer = _create(user, account, params, idempotency_key or new_idempotency_key())
    linked = _link(user, account, customer)
    if linked is None or linked.pk != customer.pk:
        raise InvalidRequest(f"{user} got another customer concurrently: {linked}")
    return linked


def _deterministic_key(user: Any, account: Account | None, params: Mapping[str, Any]) -> str:
    # One key per intended creation, so that concurrent get_or_create calls make one
    # Stripe customer (Stripe replays the first response for the same key). The
    # intent is the user (with this installation's check, so another database's
    # user #1 never receives this one's customer), the account, the parameters
    # sent (a changed email is another request: Stripe refuses a key reused with
    # other parameters) and how many customers of theirs were purged there (after
    # a purge, a new customer is a new intent). Hashed: nothing personal is sent.
    check = identity.user_check(user)
    purged = Customer.objects.filter(
        stripe_account=account, date_purged__isnull=False, stripe_data__metadata__pinax_connect_user_check=check
    ).count()
    return intent_key("customer", check, account.stripe_id if account else "platform", params, purged)


def get_or_create(user: Any, *, stripe_account: Account | str | None = None, **params: Any) -> Customer:
    """The user's customer on ``stripe_account`` (or the platform), created once if missing.

    Safe under concurrent calls: the idempotency key is derived from the intent
    (user, account, parameters, customers purged before), so Stripe creates one customer, and the unique constraints on
    ``Customer.user`` / ``UserAccount(user, account)`` make one link; every caller
    gets the same customer. ``params`` are only used when creating. Raises
    :class:`InvalidRequest` when that customer was deleted while being linked.
    """
    account = connected_account(stripe_account)
    existing = get_customer_for_user(user, stripe_account=account)
    if existing is not None:
        return existing
    customer = _create(user, account, params, _deterministic_key(user, account, _customer_params(user, params)))
    if customer.date_purged is not None:
        # Stripe replayed the creation of a customer purged since (keys live 24h):
        # make a genuinely new one.
        customer = _create(user, account, params, new_idempotency_key())
    linked = _link(user, account, customer)
    if linked is None:
        raise InvalidRequest(
            f"{user}'s customer on {account.stripe_id if account else 'the platform'} was deleted while being linked"
        )
    return linked


def update(customer: Customer, *, idempotency_key: str | None = None, **params: Any) -> Customer:
    """Send ``params`` to ``POST /v1/customers/{id}`` (on its account) and mirror the result."""
    if customer.date_purged is not None:
        raise InvalidRequest(f"Customer {customer.stripe_id} was deleted")
    if not params:
        raise InvalidRequest("Nothing to update")
    authorized(customer.stripe_account)
    obj = get_client().v1.customers.update(
        customer.stripe_id,
        params,
        options=write_options(
            stripe_account=customer.stripe_account, idempotency_key=idempotency_key
        ),
    )
    # Only a deleted customer mirrors to None; Stripe refuses to update one (resource_missing).
    return cast(Customer, sync_customer_from_stripe_object(obj, stripe_account=customer.stripe_account))


def purge(customer: Customer) -> Customer:
    """Delete ``customer`` on Stripe and keep its row, stamped with ``date_purged``.

    The user is unlinked (``Customer.user`` cleared, the ``UserAccount`` removed)
    so that :func:`get_or_create` can make them a new customer. A customer Stripe
    no longer knows is purged locally all the same.
    """
    authorized(customer.stripe_account)
    try:
        get_client().v1.customers.delete(
            customer.stripe_id, options=request_options(stripe_account=customer.stripe_account)
        )
    except stripe.InvalidRequestError as exc:
        if exc.code != "resource_missing":
            raise
    return _mark_purged(customer)
