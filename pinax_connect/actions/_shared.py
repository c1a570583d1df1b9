"""Small helpers the money-movement action modules share (private).

Each one exists so a rule is written once: how an amount given by a caller is
validated and converted, how an ``Account``-or-id argument is resolved, how the
``created_gte`` filter of list syncs is spelled for Stripe.
"""
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from .. import money, readiness, sync, upserts
from ..client import raw_list, request_options
from ..conf import settings
from ..exceptions import InvalidRequest
from ..models import Account


def stripe_id_of(value: Any) -> str | None:
    """The Stripe id of a model instance, a stripe-python object, a dict or an id string."""
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        return value.get("id")
    return getattr(value, "stripe_id", None) or getattr(value, "id", None)


def currency_code(currency: str | None) -> str:
    """``currency`` (default: ``PINAX_CONNECT_DEFAULT_CURRENCY``) lower-cased, or InvalidRequest."""
    try:
        return money.normalize_currency(currency or settings.PINAX_CONNECT_DEFAULT_CURRENCY)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None


def minor_amount(amount: Any, currency: str, *, name: str = "amount", allow_zero: bool = False) -> int:
    """``amount`` (Decimal/int/float/str, major units) as Stripe's integer, validated.

    Raises :class:`InvalidRequest` for a missing, negative (or zero unless
    ``allow_zero``) amount, or one with more decimals than ``currency`` has.
    """
    if amount is None or isinstance(amount, bool):
        raise InvalidRequest(f"{name} is required")
    try:
        minor = money.to_minor(amount, currency, allow_negative=True)
    except ValueError as exc:
        raise InvalidRequest(f"{name}: {exc}") from None
    if minor < 0 or (minor == 0 and not allow_zero):
        raise InvalidRequest(f"{name} must be positive, got {amount}")
    return minor


def left_of(total: Any, used: Any, currency: str) -> int:
    """What is left of ``total`` after ``used`` (Decimals in major units), in minor units."""
    return minor_amount(total, currency, allow_zero=True) - minor_amount(used or 0, currency, allow_zero=True)


def part_of(amount: Any, currency: str, remaining: int, what: str, *, verb: str, done: str) -> int | None:
    """``amount`` in minor units (``None`` stays ``None``: all of it), refused with
    :class:`InvalidRequest` when nothing is left of ``what`` (``"... is already fully
    <done>"``) or less than ``amount`` (``remaining`` minor units per the mirror)."""
    if remaining <= 0:
        raise InvalidRequest(f"{what} is already fully {done}")
    if amount is None:
        return None
    minor = minor_amount(amount, currency)
    if minor > remaining:
        raise InvalidRequest(
            f"Cannot {verb} {amount} {currency.upper()}: only {money.from_minor(remaining, currency)} left on {what}"
        )
    return minor


def amount_column(data: dict, key: str = "amount", currency: str | None = None) -> Decimal | None:
    """A Decimal column from the object's minor-unit ``key`` (``None`` stays ``None``)."""
    value = data.get(key)
    if value is None:
        return None
    return money.from_minor(value, currency or data.get("currency") or "usd")


def find_account(value: Any) -> Account | None:
    """The mirrored ``Account`` for an ``Account``/``acct_`` id, or ``None`` if not mirrored."""
    if value is None or isinstance(value, Account):
        return value
    account_id = stripe_id_of(value)
    if not account_id:
        return None
    return Account.objects.filter(stripe_id=account_id).first()


def connected_account(value: Any) -> Account | None:
    """The mirrored, authorized ``Account`` for an ``Account``/``acct_`` id (``None`` stays ``None``).

    Raises ``InvalidRequest`` for an account we do not mirror, ``AccountDeauthorized``
    for one that revoked the platform's access.
    """
    if value is None:
        return None
    account = find_account(value)
    if account is None:
        raise InvalidRequest(f"Unknown connected account {stripe_id_of(value)!r}: sync it first")
    return authorized(account)


def authorized(account: Any) -> Any:
    """Raise unless the platform may act on ``account`` (mirrored ``Account`` or ``None``).

    Delegates to ``accounts.ensure_authorized`` (imported late: the accounts module
    is written alongside and imports models this module also imports).
    """
    if account is None:
        return None
    from .accounts import ensure_authorized

    ensure_authorized(account)
    return account


def chargeable_account(
    value: Any, *, role: str = "destination", purpose: str = "destination_charges"
) -> tuple[Account | None, str | None]:
    """Validate a connected account that is to receive money; return ``(Account|None, id)``.

    When the account is mirrored, it must be authorized and, per the mirror, have
    the capability ``purpose`` needs (:mod:`pinax_connect.readiness`: ``transfers``
    for destination charges and transfers, ``card_payments`` for direct charges),
    else :class:`AccountNotReady` naming it. An id we have not mirrored yet is
    passed through: Stripe has the last word.
    """
    account_id = stripe_id_of(value)
    if not account_id or not str(account_id).startswith("acct_"):
        raise InvalidRequest(f"{role} must be a connected Account or an acct_ id, got {value!r}")
    account = find_account(value)
    if account is not None:
        account = ready_account(authorized(account), purpose)
    return account, account_id


def ready_account(account: Account, purpose: str) -> Account:
    """``account`` when the mirror says it can serve ``purpose``; else re-read once from
    Stripe (a ``capability.updated`` may still be on its way) and
    :class:`AccountNotReady` naming what is missing if it still cannot."""
    from .accounts import sync_account

    return readiness.require(fresh(account, lambda a: readiness.is_ready(a, purpose), sync_account), purpose)


def fresh(instance: Any, acceptable: Callable[[Any], bool], resync: Callable[[Any], Any]) -> Any:
    """``instance`` when ``acceptable(instance)``, else the row re-read once from Stripe by ``resync``.

    The mirror may lag Stripe by a webhook, or hold the older of two same-second
    events, so an action never refuses on the mirror alone: it reads the object
    once and lets the caller judge the fresh row (and Stripe judge the request).
    """
    if acceptable(instance):
        return instance
    return resync(instance)


def created_filter(created_gte: Any) -> dict:
    """List params for ``created[gte]`` from a datetime, a date or a unix timestamp."""
    if created_gte is None:
        return {}
    if isinstance(created_gte, datetime.datetime):
        created_gte = int(created_gte.timestamp())
    elif isinstance(created_gte, datetime.date):
        created_gte = int(
            datetime.datetime.combine(created_gte, datetime.time(), datetime.UTC).timestamp()
        )
    return {"created": {"gte": int(created_gte)}}


def sync_list(
    model: Any, path: str, columns: Callable[..., dict], lookups: Callable[..., Any], *, stripe_account: Any = None,
    created_gte: Any = None, progress: Any = None, params: dict | None = None,
) -> tuple[int, int]:
    """Mirror the whole Stripe list at ``path`` of the platform (or of ``stripe_account``) into ``model``.

    ``lookups(datas, stripe_account)`` fetches, once per page, the rows the page's
    objects refer to; ``params`` are extra list filters. Returns ``(created, updated)``
    (see :func:`pinax_connect.sync.sync_all`).
    """
    return sync.sync_all(
        model,
        raw_list(path),
        columns,
        params={**created_filter(created_gte), **(params or {})},
        options=request_options(stripe_account=stripe_account),
        extra_lookups=lambda datas: lookups(datas, stripe_account),
        progress=progress,
    )


def index_by_stripe_id(model: Any, ids: Iterable[str | None]) -> dict[str, upserts.Ref]:
    """``{stripe_id: Ref}`` for the given ids (``None``s ignored), with no query.

    The write that stores the columns finds the rows (:mod:`pinax_connect.upserts`):
    a sub-select in a single-object upsert, one query per model for a list page.
    """
    return {i: upserts.Ref(model, i) for i in ids if i}


def connect_routing(
    *, amount: int, currency: str, destination: Any = None, stripe_account: Any = None, application_fee: Any = None,
    destination_name: str = "destination", fee_name: str = "application_fee_amount",
) -> tuple[Account | None, str | None, int | None]:
    """Validate where a payment goes in Connect terms; return ``(account, destination_id, fee)``.

    ``destination`` (destination charge) and ``stripe_account`` (direct charge)
    exclude each other and must be able to take charges (:func:`chargeable_account`);
    ``application_fee`` (major units) needs one of them and may not exceed
    ``amount`` (minor units). ``account`` is the mirrored ``stripe_account`` (or
    ``None``), ``fee`` the fee in minor units (or ``None``).
    """
    if destination is not None and stripe_account is not None:
        raise InvalidRequest(
            f"Use {destination_name} (destination charge) or stripe_account (direct charge), not both"
        )
    account = destination_id = fee = None
    if stripe_account is not None:
        account, _ = chargeable_account(stripe_account, role="stripe_account", purpose="direct_charges")
    if destination is not None:
        _, destination_id = chargeable_account(destination, role=destination_name)
    if application_fee is not None:
        if destination is None and stripe_account is None:
            raise InvalidRequest(f"{fee_name} needs a {destination_name} or a stripe_account")
        fee = minor_amount(application_fee, currency, name=fee_name, allow_zero=True)
        if fee > amount:
            raise InvalidRequest(f"{fee_name} cannot exceed the amount")
    return account, destination_id, fee
