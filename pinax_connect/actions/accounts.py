"""Connected accounts: create, update, re-read, reject, delete, deauthorize, and the mirror.

Every Stripe account object reaches the ``Account`` table through
:func:`sync_account_from_stripe_object` (one object) or :func:`sync_accounts` (the
whole list), both built on :mod:`pinax_connect.sync` with the one mapping
:func:`columns`.
"""
import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .. import identity, sync
from ..client import get_client, raw_list, write_options
from ..conf import settings
from ..exceptions import AccountDeauthorized, InvalidRequest
from ..models import Account
from ._shared import created_filter

ACCOUNT_TYPES = ("custom", "express", "standard")
REJECT_REASONS = ("fraud", "terms_of_service", "other")
# What a custom account needs to take card payments and receive transfers; Stripe
# refuses to create a custom account without any capability requested.
DEFAULT_CUSTOM_CAPABILITIES = {
    "card_payments": {"requested": True},
    "transfers": {"requested": True},
}
_COUNTRY = re.compile(r"[A-Za-z]{2}")
# Account metadata naming the user an account was created for (by :func:`create`).
USER_METADATA_KEY = identity.USER_KEY


# ---- the mapping ---------------------------------------------------------------


def account_type(data: Mapping[str, Any]) -> str:
    """``custom`` / ``express`` / ``standard`` for an account object.

    Newer accounts may be created with ``controller`` instead of ``type``; Stripe then
    describes them by who collects requirements and which dashboard they get.
    """
    if data.get("type"):
        return data["type"]
    controller = data.get("controller") or {}
    if not controller:
        return ""
    if controller.get("requirement_collection") == "application":
        return "custom"
    if (controller.get("stripe_dashboard") or {}).get("type") == "express":
        return "express"
    return "standard"


def business_name(data: Mapping[str, Any]) -> str:
    """The name people know the business by: profile name, company name, dashboard name."""
    return (
        (data.get("business_profile") or {}).get("name")
        or (data.get("company") or {}).get("name")
        or ((data.get("settings") or {}).get("dashboard") or {}).get("display_name")
        or ""
    )


def verification_fields_needed(requirements: Mapping[str, Any]) -> list[str]:
    """``currently_due`` then ``past_due``, in order, without duplicates (pinax-stripe's list)."""
    fields = (requirements.get("currently_due") or []) + (requirements.get("past_due") or [])
    return list(dict.fromkeys(fields))


def columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``Account`` columns from an account object dict (shared by single and bulk sync)."""
    requirements = data.get("requirements") or {}
    return {
        "type": account_type(data),
        "country": data.get("country") or "",
        "default_currency": data.get("default_currency") or "",
        "email": (data.get("email") or "")[:255],
        "business_type": data.get("business_type") or "",
        "business_name": business_name(data)[:255],
        "business_url": ((data.get("business_profile") or {}).get("url") or "")[:255],
        "charges_enabled": bool(data.get("charges_enabled")),
        "payouts_enabled": bool(data.get("payouts_enabled")),
        "details_submitted": bool(data.get("details_submitted")),
        "capabilities": data.get("capabilities") or {},
        "requirements": requirements,
        "verification_fields_needed": verification_fields_needed(requirements),
        "verification_due_by": sync.stripe_datetime(requirements.get("current_deadline")),
        "verification_disabled_reason": requirements.get("disabled_reason") or "",
    }


def sync_account_from_stripe_object(
    stripe_object: Any, *, event_created: int | None = None, user: AbstractBaseUser | None = None,
    reread: Callable[[], Any] | None = None, **context: Any,
) -> Account:
    """Mirror an account object into ``Account`` and return the row.

    ``stripe_object`` is a stripe-python object or a plain dict (a webhook's
    ``data.object``); ``event_created`` is the event's unix ``created``. ``user`` is
    written only when given, so webhook syncs never unlink an account from its user.
    A capability whose own ``capability.updated`` event is newer than
    ``event_created`` keeps that newer status (see :func:`apply_capability`).
    Other ``context`` (e.g. ``stripe_account`` of an ``account.updated`` event) is
    accepted and ignored: an account is its own scope.
    """
    data = sync.to_dict(stripe_object)

    def values_for(obj: dict) -> dict[str, Any]:
        values = columns(obj)
        if user is not None:
            values["user"] = user
        return values

    account = sync.upsert(Account, data, values_for, event_created=event_created, reread=reread)
    if event_created is not None:
        _keep_newer_capabilities(account, event_created)
    if account.user_id is None and (account.stripe_data.get("metadata") or {}).get(USER_METADATA_KEY):
        link_users_from_metadata(Account.objects.filter(pk=account.pk))
        account.refresh_from_db(fields=["user"])
    return account


def _keep_newer_capabilities(account: Account, event_created: int) -> None:
    # The marks are the row's as our write found it (sync.upsert returns the row it
    # wrote, locked until the transaction ends): a capability.updated applied
    # concurrently has committed its mark by the time our write got the row.
    marks = account.capability_events or {}
    newer = {name: mark["status"] for name, mark in marks.items() if mark["created"] > int(event_created)}
    if newer and any((account.capabilities or {}).get(name) != status for name, status in newer.items()):
        _write_capabilities(account, newer)


def _write_capabilities(account: Account, statuses: Mapping[str, Any]) -> None:
    capabilities = {**(account.capabilities or {}), **statuses}
    data = {**account.stripe_data, "capabilities": capabilities}
    Account.objects.filter(pk=account.pk).update(capabilities=capabilities, stripe_data=data)
    account.capabilities, account.stripe_data = capabilities, data


def apply_capability(
    account: Account, capability: Mapping[str, Any], event_created: int, *, reread: Callable[[], Any] | None = None,
) -> Account:
    """Record a ``capability.updated`` event's status on ``account``; return the row.

    A capability is a sub-object: its event does not move the account's watermark
    (``last_event_created``), or a full ``account.updated`` of an earlier second
    delivered later would look stale and its new ``requirements`` would be lost.
    Its own watermark lives in ``capability_events`` (``{name: {created, status}}``):
    an account state newer than the event wins, an older one is corrected, and a
    same-second disagreement is settled by one read of the account (``reread``).
    """
    created = int(event_created)
    name, status = capability["id"], capability.get("status")
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        marks = dict(account.capability_events or {})
        if marks.get(name, {}).get("created", -1) > created:
            return account
        watermark = account.last_event_created.timestamp() if account.last_event_created else None
        if watermark is not None and created < watermark:
            return account  # the account object we hold is newer than this event
        if watermark == created and (account.capabilities or {}).get(name) != status and reread is not None:
            return sync_account_from_stripe_object(reread())
        marks[name] = {"created": created, "status": status}
        Account.objects.filter(pk=account.pk).update(capability_events=marks)
        account.capability_events = marks
        _write_capabilities(account, {name: status})
    return account


def link_users_from_metadata(queryset: QuerySet[Account] | None = None) -> int:
    """Link accounts that have no user to the user named in their metadata.

    :func:`create` puts the user's pk and a per-installation check in the account's
    metadata (:mod:`pinax_connect.identity`), so an account whose creation response
    was lost (it exists on Stripe, our row came later from a sync or a webhook)
    still ends up linked to its seller. Accounts already linked are left alone; an
    account whose check does not match this installation's user stays unlinked
    and is logged. Returns how many were linked.
    """
    orphans = (queryset if queryset is not None else Account.objects.all()).filter(
        user__isnull=True, stripe_data__metadata__has_key=USER_METADATA_KEY
    )
    linked = 0
    for account in orphans:
        user = identity.user_from_metadata(account.stripe_data.get("metadata"), label=f"Account {account.stripe_id}")
        if user is not None:
            linked += Account.objects.filter(pk=account.pk, user__isnull=True).update(user=user)
    return linked


# pinax-stripe's name for the same function.
sync_account_from_stripe_data = sync_account_from_stripe_object


def _sync_read(stripe_account: Any, user: AbstractBaseUser | None = None) -> Account:
    """Mirror an account just read from (or written to) Stripe, with the bank
    accounts and cards embedded in it (``external_accounts.data``)."""
    from . import external_accounts  # imports this module

    account = sync_account_from_stripe_object(stripe_account, user=user)
    embedded = (sync.to_dict(stripe_account).get("external_accounts") or {}).get("data") or []
    for external_account in embedded:
        external_accounts.sync_external_account_from_stripe_object(external_account, stripe_account=account)
    return account


def sync_accounts(
    *, created_gte: datetime.datetime | int | None = None, progress: Callable[[int], Any] | None = None,
) -> tuple[int, int]:
    """Mirror every connected account of the platform (``GET /v1/accounts``, 100 a page).

    ``created_gte`` (datetime or unix seconds) limits the list to newer accounts;
    ``progress(n)`` is called after each page. Rows that did not change are not
    written. Returns ``(created, updated)``.
    """
    counts = sync.sync_all(
        Account,
        raw_list("/v1/accounts"),
        columns,
        params=created_filter(created_gte),
        progress=progress,
    )
    if any(counts):  # only rows written by this sync can have become linkable
        link_users_from_metadata()
    return counts


# ---- guards ------------------------------------------------------------------------


def ensure_authorized(account: Account | None) -> None:
    """Raise ``AccountDeauthorized`` when the account revoked the platform's access.

    Every action that talks to Stripe about a connected account calls this first:
    Stripe would answer 403 anyway, and the local error says why.
    """
    if account is not None and getattr(account, "date_deleted", None) is not None:
        raise AccountDeauthorized(f"Account {account.stripe_id} was deleted on {account.date_deleted:%Y-%m-%d}.")
    if account is not None and not getattr(account, "authorized", True):
        raise AccountDeauthorized(f"Account {account.stripe_id} has deauthorized the platform.")


def oauth_client_id() -> str:
    """``PINAX_CONNECT_CLIENT_ID`` (``ca_...``), needed for Standard-account OAuth."""
    client_id = settings.PINAX_CONNECT_CLIENT_ID
    if not client_id:
        raise ImproperlyConfigured(
            "PINAX_CONNECT_CLIENT_ID is not set: OAuth for Standard accounts needs your "
            "platform's Connect client id (ca_...)."
        )
    return client_id


def _require_account(account: Any) -> None:
    if not isinstance(account, Account):
        raise InvalidRequest(f"Expected an Account instance, got {account!r}")
    ensure_authorized(account)


# ---- actions ----------------------------------------------------------------------


def create(
    user: AbstractBaseUser | None, country: str, *, type: str | None = None, controller: dict | None = None,
    idempotency_key: str | None = None, **params: Any,
) -> Account:
    """Create a connected account for ``user`` and return the mirrored ``Account``.

    Sends ``POST /v1/accounts`` with exactly one of ``type`` (custom / express /
    standard) or ``controller`` (a dict, Stripe's newer way to describe an account),
    the two-letter ``country``, and every extra keyword as given (nested dicts such as
    ``individual``, ``business_profile``, ``tos_acceptance``, ``external_account``).
    Custom accounts request the ``card_payments`` and ``transfers`` capabilities unless
    ``capabilities`` is given. Stores the account linked to ``user`` (which may be
    ``None`` for accounts that belong to nobody yet). Sensitive inputs (ID numbers,
    bank account numbers) go to Stripe only; Stripe does not echo them back.
    """
    if (type is None) == (controller is None):
        raise InvalidRequest("Pass exactly one of type= or controller=.")
    if type is not None and type not in ACCOUNT_TYPES:
        raise InvalidRequest(f"Unknown account type {type!r}: use one of {', '.join(ACCOUNT_TYPES)}.")
    if controller is not None and not isinstance(controller, dict):
        raise InvalidRequest("controller= must be a dict, as in Stripe's API.")
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        raise InvalidRequest(f"country must be a two-letter ISO code, got {country!r}")
    if user is not None and not getattr(user, "pk", None):
        raise InvalidRequest("user must be a saved user (or None).")
    payload = {"country": country.upper(), **params}
    if user is not None:
        # Lets a sync link the account to its user even if this response is lost.
        payload["metadata"] = {**(params.get("metadata") or {}), **identity.user_metadata(user)}
    if type is not None:
        payload["type"] = type
    else:
        payload["controller"] = controller
    if account_type(payload) == "custom":
        payload.setdefault("capabilities", DEFAULT_CUSTOM_CAPABILITIES)
    client = get_client()
    stripe_account = client.v1.accounts.create(
        payload, write_options(idempotency_key=idempotency_key)
    )
    return _sync_read(stripe_account, user=user)


def update(account: Account, data: dict[str, Any], *, idempotency_key: str | None = None) -> Account:
    """Update the account on Stripe with ``data`` and return the re-synced ``Account``.

    Sends ``POST /v1/accounts/{id}`` with ``data`` as given (nested dicts allowed);
    stores the account object Stripe returns.
    """
    _require_account(account)
    if not isinstance(data, dict) or not data:
        raise InvalidRequest("data must be a non-empty dict of account parameters.")
    stripe_account = get_client().v1.accounts.update(
        account.stripe_id,
        data,
        write_options(idempotency_key=idempotency_key),
    )
    return _sync_read(stripe_account)


def _retrieve(stripe_id: str) -> Any:
    return get_client().v1.accounts.retrieve(stripe_id)


def sync_account(account: Account) -> Account:
    """Re-read the account from Stripe (``GET /v1/accounts/{id}``), store it, return the row."""
    _require_account(account)
    return _sync_read(_retrieve(account.stripe_id))


# pinax-stripe style name: reading an account always refreshes the mirror.
retrieve = sync_account


def reject(account: Account, reason: str, *, idempotency_key: str | None = None) -> Account:
    """Reject a custom or express account (``POST /v1/accounts/{id}/reject``).

    ``reason`` is ``fraud``, ``terms_of_service`` or ``other``. Stores the account
    object Stripe returns (charges and payouts disabled) and returns the row.
    """
    _require_account(account)
    if reason not in REJECT_REASONS:
        raise InvalidRequest(f"Unknown reject reason {reason!r}: use one of {', '.join(REJECT_REASONS)}.")
    stripe_account = get_client().v1.accounts.reject(
        account.stripe_id,
        {"reason": reason},
        write_options(idempotency_key=idempotency_key),
    )
    return sync_account_from_stripe_object(stripe_account)


def delete(account: Account) -> Any:
    """Delete the account on Stripe (``DELETE /v1/accounts/{id}``); keep its local history.

    The row stays, stamped ``date_deleted`` and no longer authorized, so the
    charges, refunds, transfers, payouts and application fees mirrored for it
    remain for the platform's books. Returns Stripe's deletion object (``deleted: true``).
    """
    _require_account(account)
    deleted = get_client().v1.accounts.delete(account.stripe_id)
    now = timezone.now()
    Account.objects.filter(pk=account.pk).update(date_deleted=now, authorized=False)
    account.date_deleted, account.authorized = now, False
    return deleted


def set_authorized(account: Account, authorized: bool) -> Account:
    """Record locally whether the account lets the platform act on it (no Stripe call).

    Used by :func:`deauthorize`, by OAuth reconnection, and by the
    ``account.application.deauthorized`` webhook handler: ``authorized`` is our own
    column, not a mirrored Stripe field, so it is written here and nowhere else.
    """
    Account.objects.filter(pk=account.pk).update(authorized=bool(authorized))
    account.authorized = bool(authorized)
    return account


def deauthorize(account: Account) -> Account:
    """Disconnect the account from the platform and mark it ``authorized=False``.

    Standard accounts connected through OAuth are revoked with
    ``POST https://connect.stripe.com/oauth/deauthorize`` (``client_id`` from
    settings, ``stripe_user_id``). Custom and express accounts are owned by the
    platform and have no OAuth grant: they are only marked. Afterwards every action
    on the account raises ``AccountDeauthorized``.
    """
    _require_account(account)
    if account.type == "standard":
        get_client().oauth.deauthorize({"client_id": oauth_client_id(), "stripe_user_id": account.stripe_id})
    return set_authorized(account, False)
