"""Verify a webhook delivery and store its event once.

:func:`read_event` turns a request into the event dict, or raises
:class:`InvalidDelivery` (nothing is stored then). :func:`store` inserts one
:class:`~pinax_connect.models.Event` row per Stripe event id, whatever the
concurrency, and counts further deliveries of the same id.
"""
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import stripe
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from .. import client, upserts
from ..conf import settings
from ..models import Account, Event
from ..sync import stripe_datetime

logger = logging.getLogger(__name__)

# Why an event is stored but not applied (Event.flag).
FLAG_LIVEMODE_MISMATCH = "livemode_mismatch"
FLAG_UNKNOWN_ACCOUNT = "unknown_account"
FLAG_UNSUPPORTED_API_VERSION = "unsupported_api_version"

# The oldest event shape the handlers read: accounts carry the ``requirements`` hash
# since 2019-02-19. An older endpoint version would empty ``verification_fields_needed``
# without a word, so such events are stored and flagged instead (see docs/webhooks.md).
MIN_EVENT_API_VERSION = "2019-02-19"


class InvalidDelivery(Exception):
    """A delivery we refuse; ``reason`` is a short plain-text answer, ``status`` the HTTP status."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def read_body(request: HttpRequest, max_size: int) -> bytes:
    """The raw body, refusing more than ``max_size`` bytes before reading it all.

    Content-Length is checked first; the body is then read with a bound of
    ``max_size + 1`` bytes, because Content-Length may be absent (chunked, ASGI) or wrong.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise InvalidDelivery("invalid Content-Length") from None
    if declared > max_size:
        raise InvalidDelivery("body too large", status=413)
    body = request.read(max_size + 1)
    if len(body) > max_size:
        raise InvalidDelivery("body too large", status=413)
    return body


def secrets_problem(secrets: Any) -> str:
    """Why ``PINAX_CONNECT_WEBHOOK_SECRETS`` cannot be used, or ``""``.

    It must be a list or tuple of non-empty ``whsec_`` strings. A plain string is
    refused outright: iterating it would try each *character* as a secret, and a
    signature made with the one-letter key ``"w"`` would verify.
    """
    if isinstance(secrets, (str, bytes)) or not isinstance(secrets, (list, tuple)):
        return f"must be a list or tuple of whsec_ strings, not {type(secrets).__name__}"
    for secret in secrets:
        if not isinstance(secret, str) or not secret.startswith("whsec_") or len(secret) <= len("whsec_"):
            return "every secret must be a non-empty string starting with whsec_"
    return ""


def tolerance_problem(tolerance: Any) -> str:
    """Why ``PINAX_CONNECT_WEBHOOK_TOLERANCE`` cannot be used, or ``""``.

    stripe-python skips the age check for a tolerance of 0 (or ``None``), which
    would accept a captured delivery replayed a year later: it must be a positive
    number of seconds.
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance > 0:
        return f"must be a positive number of seconds, not {tolerance!r}"
    return ""


def parse_signature_header(header: str) -> tuple[int, list[str]]:
    """``(timestamp, v1_signatures)`` of a ``Stripe-Signature`` header, or :class:`InvalidDelivery`.

    Parsed exactly as stripe-python's ``WebhookSignature`` parses it (items split
    on ``,``, each on the first two ``=``, keys compared without stripping), so the
    timestamp we check for being in the future is the one the signature covers.
    """
    items = [item.split("=", 2) for item in header.split(",")]
    try:
        timestamp = int([item[1] for item in items if item[0] == "t"][0])
        signatures = [item[1] for item in items if item[0] == "v1"]
    except (IndexError, ValueError):
        raise InvalidDelivery("invalid signature") from None
    return timestamp, signatures


def verify_signature(payload: str, header: str | None, secrets: Any, tolerance: Any) -> None:
    """Check ``Stripe-Signature`` against each secret with stripe-python's constant-time check.

    Several secrets are accepted because a platform endpoint and a Connect endpoint
    have different secrets, and because a rolled secret stays valid for a while.
    Misconfigured secrets or tolerance refuse every delivery with a 500 (Stripe
    retries it for three days, so nothing is lost once the settings are fixed).
    """
    problem = secrets_problem(secrets)
    if problem or not secrets:
        logger.error("PINAX_CONNECT_WEBHOOK_SECRETS %s: every webhook delivery is refused", problem or "is empty")
        raise InvalidDelivery("webhook secrets are misconfigured", status=500)
    problem = tolerance_problem(tolerance)
    if problem:
        logger.error("PINAX_CONNECT_WEBHOOK_TOLERANCE %s: every webhook delivery is refused", problem)
        raise InvalidDelivery("webhook tolerance is misconfigured", status=500)
    if not header:
        raise InvalidDelivery("missing Stripe-Signature header")
    if not header.isascii():
        # Stripe's signatures are hex; stripe-python's compare raises on non-ASCII text.
        raise InvalidDelivery("invalid signature")
    timestamp, _signatures = parse_signature_header(header)
    expired = False
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
        except stripe.SignatureVerificationError as exc:
            # The timestamp is checked only after the signature matched this secret.
            expired = expired or "tolerance" in str(exc)
            continue
        # stripe-python refuses only old timestamps; one far ahead would keep a captured
        # delivery replayable until then.
        if timestamp > time.time() + tolerance:
            raise InvalidDelivery("signature timestamp outside the tolerance")
        return
    raise InvalidDelivery("signature timestamp outside the tolerance" if expired else "invalid signature")


# Column sizes of Event: longer values cannot be stored (PostgreSQL refuses them).
MAX_LENGTHS = {"id": 255, "type": 255, "account": 255, "api_version": 64}
# Unix timestamps Python's datetime can represent (years 1970..9999).
MAX_TIMESTAMP = 253402300799


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def parse_event(payload: str) -> dict:
    """The event dict from a verified payload; only what Stripe sends is accepted.

    A correctly signed payload is still refused (400) when it is not an event object,
    carries NaN/Infinity (not JSON) or NUL characters, has a ``created`` that is not a
    timestamp, or values longer than the Event columns: none of these can be stored.
    """
    try:
        data = json.loads(payload, parse_constant=_refuse_constant)
    except ValueError:
        raise InvalidDelivery("malformed JSON") from None
    if not isinstance(data, dict) or data.get("object") != "event":
        raise InvalidDelivery("not a Stripe event")
    for key in ("id", "type"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise InvalidDelivery(f"not a Stripe event: missing {key}")
    for key, limit in MAX_LENGTHS.items():
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise InvalidDelivery(f"not a Stripe event: bad {key}")
    created = data.get("created")
    if created is not None and (
        isinstance(created, bool) or not isinstance(created, (int, float)) or not 0 <= created <= MAX_TIMESTAMP
    ):
        raise InvalidDelivery("not a Stripe event: bad created")
    # JSON can carry a NUL only escaped, so the walk is needed only when the text has one.
    if "\\u0000" in payload and _has_nul(data):
        raise InvalidDelivery("not a Stripe event: NUL character")
    return data


def read_event(request: HttpRequest) -> dict:
    """Size check, signature check, JSON parse: the verified event dict, or :class:`InvalidDelivery`."""
    body = read_body(request, settings.PINAX_CONNECT_WEBHOOK_MAX_BODY_SIZE)
    try:
        payload = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidDelivery("body is not UTF-8") from None
    verify_signature(
        payload,
        request.headers.get("Stripe-Signature"),
        settings.PINAX_CONNECT_WEBHOOK_SECRETS,
        settings.PINAX_CONNECT_WEBHOOK_TOLERANCE,
    )
    return parse_event(payload)


def static_flag(data: dict) -> str:
    """The flags decided from the event alone (no database): livemode and API version, or ``""``."""
    if bool(data.get("livemode")) != client.is_live_key():
        return FLAG_LIVEMODE_MISMATCH
    version = data.get("api_version")
    # Versions are dates (``2024-09-30.acacia``): their text sorts like the dates.
    if isinstance(version, str) and version and version[:10] < MIN_EVENT_API_VERSION:
        return FLAG_UNSUPPORTED_API_VERSION
    return ""


def needs_account(data: dict) -> bool:
    """True for an event of a connected account that is applied only once we mirror the account.

    ``account.*`` events are how an Account first appears, so they never wait.
    """
    return bool(data.get("account")) and not data["type"].startswith("account.")


def flag_and_account(data: dict) -> "tuple[str, Account | None]":
    """``(flag, account)``: :func:`flag_for` and the mirrored Account it looked up (or ``None``).

    One SELECT at most; processing hands the Account to the handlers, so they do
    not read it a second time.
    """
    flag = static_flag(data)
    if flag or not needs_account(data):
        return flag, None
    account = Account.objects.filter(stripe_id=data["account"]).first()
    return ("" if account is not None else FLAG_UNKNOWN_ACCOUNT), account


def flag_for(data: dict) -> str:
    """Why this event must be stored but not applied, or ``""``.

    * ``livemode_mismatch``: a live event while we run with a test key, or the reverse
      (e.g. a live endpoint pointed at a staging site).
    * ``unsupported_api_version``: the webhook endpoint's API version predates the
      object shapes our handlers read (:data:`MIN_EVENT_API_VERSION`).
    * ``unknown_account``: an event of a connected account we do not mirror, except
      ``account.*`` events, which are how an Account first appears. Applying the others
      would mirror e.g. a connected account's customer as a platform customer.
    """
    return flag_and_account(data)[0]


def _request_id(data: dict) -> str:
    request = data.get("request")
    if isinstance(request, dict):  # API versions since 2017-05-25
        request = request.get("id")
    return request[:255] if isinstance(request, str) else ""


def event_columns(data: dict) -> dict[str, Any]:
    """The Event columns for an event dict."""
    return {**event_columns_without_flag(data), "flag": flag_for(data)}


def store(data: dict, *, delivery: bool = True) -> tuple[Event, bool]:
    """Store the event dict once; returns ``(event, created)``.

    The INSERT relies on the unique ``stripe_id`` (in a savepoint when called inside
    a transaction, so the caller's transaction survives a duplicate): of concurrent
    deliveries exactly one creates the row. A duplicate increments ``deliveries`` with an ``F()`` update when
    ``delivery`` is true (``False`` for events read back from the API).
    """
    columns = event_columns(data)
    try:
        if transaction.get_connection().in_atomic_block:
            # A failed INSERT would break the caller's transaction: isolate it.
            with transaction.atomic():
                return Event.objects.create(stripe_id=data["id"], **columns), True
        # In autocommit (the webhook view) a failed INSERT harms nothing; no BEGIN/COMMIT.
        return Event.objects.create(stripe_id=data["id"], **columns), True
    except IntegrityError:
        pass
    events = Event.objects.filter(stripe_id=data["id"])
    if delivery:
        events.update(deliveries=F("deliveries") + 1)
    return events.get(), False


# ---- one statement per delivery: insert, or count a duplicate -----------------------


@dataclass
class Stored:
    """What :func:`insert_delivery` learnt in its one statement."""

    pk: int
    created: bool
    status: str
    flag: str
    applied: bool  # the handlers' work committed once (processed_at is set)
    account_pk: int | None = None  # the mirrored Account of ``account_id``, when asked for


def insert_delivery(data: dict, *, account_id: str | None = None, **values: Any) -> Stored:
    """Insert the event row (``values`` override columns), or count a further delivery of it.

    One statement whatever happens: ``INSERT ... ON CONFLICT (stripe_id) DO UPDATE SET
    deliveries = deliveries + 1 RETURNING ...``. The unique ``stripe_id`` decides,
    under any concurrency, which delivery created the row (a row inserted now has
    ``deliveries`` 1, a counted one more). On PostgreSQL a delivery racing an
    uncommitted insert of the same id waits for it, then counts itself on the
    committed row. The row stays locked until the caller's transaction ends.
    With ``account_id``, the same statement also returns the pk of that mirrored
    Account (``None`` if we do not mirror it). Needs :func:`pinax_connect.upserts.supported`.
    """
    event = Event(stripe_id=data["id"], **{**event_columns_without_flag(data), **values})
    table = upserts.table_of(Event)
    params = upserts.db_params(event, table.fields)
    col = dict(zip((f.name for f in table.fields), table.columns, strict=True))
    account = upserts.table_of(Account).subselect if account_id else "NULL"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({', '.join(['%s'] * len(params))}) "
        f"ON CONFLICT ({table.stripe_id}) DO UPDATE SET {col['deliveries']} = {table.name}.{col['deliveries']} + 1 "
        f"RETURNING {table.pk}, {col['deliveries']}, {col['status']}, {col['flag']}, {col['processed_at']}, {account}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, account_id] if account_id else params)
        pk, deliveries, status, flag, processed_at, account_pk = cursor.fetchone()
    return Stored(
        pk=pk, created=deliveries == 1, status=status, flag=flag, applied=processed_at is not None,
        account_pk=account_pk,
    )


def event_columns_without_flag(data: dict) -> dict:
    """:func:`event_columns` without the ``flag`` (which may need a query): the caller decides it."""
    return {
        "type": data["type"],
        "account": data.get("account") or "",
        "api_version": data.get("api_version") or "",
        "livemode": bool(data.get("livemode")),
        "created": stripe_datetime(data.get("created")),
        "request_id": _request_id(data),
        "payload": data,
    }


def event_from(data: dict, stored: Stored, **values: Any) -> Event:
    """The in-memory :class:`Event` for a row :func:`insert_delivery` created (no query)."""
    event = Event(pk=stored.pk, stripe_id=data["id"], **{**event_columns_without_flag(data), **values})
    event._state.adding = False
    event._state.db = connection.alias
    if event.received_at is None:
        event.received_at = timezone.now()
    return event
