"""Bank accounts and debit cards a connected account is paid out to.

Only what Stripe returns is stored (bank name, last 4, routing number, fingerprint):
full account and card numbers are sent to Stripe and never kept, and Stripe never
returns them. As a second line of defence, :func:`columns` drops such keys from
``stripe_data`` should they ever appear.
"""
import datetime
import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

import stripe
from django.db.models import QuerySet

from .. import sync
from ..client import get_client, raw_list, write_options
from ..exceptions import InvalidRequest
from ..models import Account, ExternalAccount
from ..money import normalize_currency
from ._shared import find_account
from .accounts import ensure_authorized

logger = logging.getLogger(__name__)

# Keys that would hold a full number; never written to the database.
SENSITIVE_KEYS = ("account_number", "number", "cvc")
BANK_ACCOUNT_REQUIRED = ("country", "currency", "account_number")
BANK_ACCOUNT_KEYS = (
    "object",
    "country",
    "currency",
    "account_number",
    "routing_number",
    "account_holder_name",
    "account_holder_type",
    "account_type",
    "metadata",
)


def _scrubbed(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in SENSITIVE_KEYS}


def columns(data: dict, lookups: dict | None = None) -> dict[str, Any]:
    """Typed ``ExternalAccount`` columns from a bank_account / card dict.

    ``lookups`` maps account stripe ids to ``Account`` rows (the bulk path fetches
    them once per page); an object whose account is not in it gets ``account=None``
    and is skipped by the callers.
    """
    account_id = sync.object_id(data.get("account"))
    return {
        "account": (lookups or {}).get(account_id),
        "object_type": data.get("object") or "",
        "bank_name": (data.get("bank_name") or "")[:255],
        "brand": data.get("brand") or "",
        "country": data.get("country") or "",
        "currency": data.get("currency") or "",
        "last4": data.get("last4") or "",
        "routing_number": data.get("routing_number") or "",
        "fingerprint": data.get("fingerprint") or "",
        "default_for_currency": bool(data.get("default_for_currency")),
        "status": data.get("status") or "",
        "stripe_data": _scrubbed(data),
    }


def sync_external_account_from_stripe_object(
    stripe_object: stripe.StripeObject | Mapping[str, Any], *, event_created: int | None = None,
    stripe_account: Account | str | None = None, reread: Callable[[], Any] | None = None, **context: Any,
) -> ExternalAccount | None:
    """Mirror a bank_account / card object into ``ExternalAccount`` and return the row.

    The account is ``stripe_object["account"]``, else ``stripe_account`` (the event's
    ``account``). An external account always belongs to an account, so when that
    account is not mirrored yet nothing is written and ``None`` is returned (the
    account's own sync brings its external accounts later).
    """
    data = sync.to_dict(stripe_object)
    account_id = sync.object_id(data.get("account")) or (
        stripe_account.stripe_id if isinstance(stripe_account, Account) else stripe_account
    )
    account: Account | None
    if isinstance(stripe_account, Account) and stripe_account.stripe_id == account_id:
        account = stripe_account
    else:
        account = find_account(account_id)
    if account is None:
        logger.info("External account %s skipped: account %s is not mirrored.", data.get("id"), account_id)
        return None
    return sync.upsert(
        ExternalAccount, data, lambda d: {**columns(d), "account": account}, event_created=event_created, reread=reread
    )


def _check_bank_account(bank_account: object) -> dict[str, Any]:
    if not isinstance(bank_account, dict):
        raise InvalidRequest("bank_account must be a dict of bank details.")
    missing = [k for k in BANK_ACCOUNT_REQUIRED if not bank_account.get(k)]
    if missing:
        raise InvalidRequest(f"bank_account is missing: {', '.join(missing)}.")
    unknown = sorted(set(bank_account) - set(BANK_ACCOUNT_KEYS))
    if unknown:
        raise InvalidRequest(f"bank_account has unknown keys: {', '.join(unknown)}.")
    country = bank_account["country"]
    if not isinstance(country, str) or len(country) != 2 or not country.isalpha():
        raise InvalidRequest(f"bank_account country must be a two-letter ISO code, got {country!r}")
    try:
        currency = normalize_currency(bank_account["currency"])
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    return {**bank_account, "object": "bank_account", "country": country.upper(), "currency": currency}


def create(
    account: Account, *, token: str | None = None, bank_account: dict[str, Any] | None = None,
    default_for_currency: bool | None = None, idempotency_key: str | None = None,
) -> ExternalAccount:
    """Attach a bank account (or debit card token) to ``account`` and return the row.

    Pass exactly one of ``token`` (``btok_...`` / ``tok_...`` from Stripe.js) or
    ``bank_account`` (a dict of raw details: ``country``, ``currency``,
    ``account_number``, ``routing_number`` where the country uses one,
    ``account_holder_name``, ``account_holder_type``). Sends
    ``POST /v1/accounts/{id}/external_accounts`` with ``external_account`` and
    ``default_for_currency`` when given. Stores what Stripe returns (last 4 only).
    """
    if not isinstance(account, Account):
        raise InvalidRequest(f"Expected an Account instance, got {account!r}")
    ensure_authorized(account)
    if (token is None) == (bank_account is None):
        raise InvalidRequest("Pass exactly one of token= or bank_account=.")
    if token is not None and (not isinstance(token, str) or not token):
        raise InvalidRequest("token must be a Stripe token id (btok_... or tok_...).")
    params: dict[str, Any] = {
        "external_account": token if token is not None else _check_bank_account(bank_account)
    }
    if default_for_currency is not None:
        params["default_for_currency"] = bool(default_for_currency)
    obj = get_client().v1.accounts.external_accounts.create(
        account.stripe_id,
        params,
        write_options(idempotency_key=idempotency_key),
    )
    # Mirrored to None only when its account is not: ``account`` is.
    return cast(ExternalAccount, sync_external_account_from_stripe_object(obj, stripe_account=account))


def list_for(account: Account) -> QuerySet[ExternalAccount]:
    """The external accounts of ``account`` as mirrored (a queryset; no Stripe call)."""
    return ExternalAccount.objects.filter(account=account).order_by("-default_for_currency", "pk")


def sync_external_accounts(
    account: Account | str, *, created_gte: datetime.date | int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Mirror every external account of ``account`` from Stripe and drop removed ones.

    Pages through ``GET /v1/accounts/{id}/external_accounts`` (100 a page; Stripe's
    list has no ``created`` filter, so ``created_gte`` is accepted for a uniform
    signature and ignored). Rows of this account that Stripe no longer lists are
    deleted. Returns ``(created, updated)``.
    """
    if not isinstance(account, Account):
        found = find_account(account)
        if found is None:
            raise InvalidRequest("sync_external_accounts needs a mirrored account.")
        account = found
    ensure_authorized(account)
    seen: list[str] = []
    list_page = raw_list(f"/v1/accounts/{account.stripe_id}/external_accounts")

    def listing(**kwargs: Any) -> dict:
        page = list_page(**kwargs)
        seen.extend(obj["id"] for obj in page["data"])
        return page

    result = sync.sync_all(
        ExternalAccount,
        listing,
        # Every object of this list belongs to ``account``, whatever its ``account`` says.
        lambda data, lookups: {**columns(data), "account": account},
        progress=progress,
    )
    ExternalAccount.objects.filter(account=account).exclude(stripe_id__in=seen).delete()
    return result


def set_default(external_account: ExternalAccount, *, idempotency_key: str | None = None) -> ExternalAccount:
    """Make ``external_account`` the default payout destination for its currency.

    Sends ``POST /v1/accounts/{id}/external_accounts/{ba}`` with
    ``default_for_currency=true``. Stripe also clears the flag on the previous
    default, so the account's external accounts are re-listed and re-synced (one
    more call). Returns the refreshed row.
    """
    account = external_account.account
    ensure_authorized(account)
    get_client().v1.accounts.external_accounts.update(
        account.stripe_id,
        external_account.stripe_id,
        {"default_for_currency": True},
        write_options(idempotency_key=idempotency_key),
    )
    sync_external_accounts(account)
    return ExternalAccount.objects.get(pk=external_account.pk)


def delete(external_account: ExternalAccount) -> stripe.BankAccount | stripe.Card:
    """Remove the external account on Stripe and its row.

    Sends ``DELETE /v1/accounts/{id}/external_accounts/{ba}`` (Stripe refuses to
    delete the default one for the default currency: its error passes through and
    the row stays). Returns Stripe's deletion object.
    """
    account = external_account.account
    ensure_authorized(account)
    deleted = get_client().v1.accounts.external_accounts.delete(account.stripe_id, external_account.stripe_id)
    external_account.delete()
    return deleted
