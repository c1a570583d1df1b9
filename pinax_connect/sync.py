"""The machinery behind every ``sync_<model>_from_stripe_object`` function.

Each actions module describes, for its model, how a Stripe object maps to typed
columns (a ``columns(obj) -> dict`` function) and calls :func:`upsert` (one object) or
:func:`bulk_upsert` (a list page). This module is the only writer of mirror rows.

Ordering. Stripe does not order deliveries and its event ``created`` is whole
seconds, so one request's events (``payment_intent.created`` and ``.succeeded``)
often share a second. Rows keep a watermark, ``last_event_created``: the
``created`` of the newest event applied.

* An event strictly older than the watermark does not touch the row (0 API calls).
* An event strictly newer is applied (0 API calls).
* An event of the *same* second whose object differs from the row cannot be
  ordered from its payload: the caller's ``reread`` reads the object from Stripe
  once and that current state is applied (Stripe's own advice for ordering).
* Only events move the watermark: an API read writes the row but leaves it alone,
  because comparing our clock with Stripe's would drop real updates whenever the
  clocks disagree. A stale event applied after a read is corrected by the event of
  the change that followed it (Stripe sends one for every change).
"""
import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from . import upserts


def to_dict(stripe_object: Any) -> Any:
    """A plain ``dict`` (recursively) from a ``stripe.StripeObject`` or a dict (``None`` stays ``None``)."""
    if stripe_object is None:
        return None
    if hasattr(stripe_object, "to_dict"):
        return stripe_object.to_dict()
    if hasattr(stripe_object, "to_dict_recursive"):  # older stripe-python
        return stripe_object.to_dict_recursive()
    return dict(stripe_object)


def stripe_datetime(timestamp: int | None) -> datetime.datetime | None:
    """An aware ``datetime`` from a Stripe unix timestamp (``None`` stays ``None``)."""
    if timestamp in (None, ""):
        return None
    return datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)


def object_id(value: Any) -> str | None:
    """The id of a field that may be an id string, an expanded object, or ``None``."""
    if value is None or isinstance(value, str):
        return value or None
    return value.get("id")


def _watermark(event_created: int | None) -> datetime.datetime | None:
    if event_created is None or isinstance(event_created, datetime.datetime):
        return event_created
    return stripe_datetime(event_created)


def is_stale(instance: Any, event_created: int | None) -> bool:
    """True when ``instance`` already reflects something newer than ``event_created``."""
    if event_created is None or instance is None or instance.last_event_created is None:
        return False
    return _watermark(event_created) < instance.last_event_created


def is_tie(instance: Any, event_created: int | None) -> bool:
    """True when ``instance``'s newest applied event has the same (whole-second) ``created``."""
    if event_created is None or instance is None or instance.last_event_created is None:
        return False
    return _watermark(event_created) == instance.last_event_created


def base_columns(data: dict) -> dict[str, Any]:
    """Columns every mirrored model shares, from the object's dict."""
    return {
        "livemode": bool(data.get("livemode", False)),
        "created": stripe_datetime(data.get("created")),
        "stripe_data": data,
    }


def upsert(
    model: Any, stripe_object: Any, columns: Any, *, event_created: int | None = None,
    reread: Callable[[], Any] | None = None,
) -> Any:
    """Create or update the ``model`` row for ``stripe_object`` and return it.

    ``columns`` are the typed columns computed from the object, or a function
    computing them from an object dict; a foreign key may be an
    :class:`~pinax_connect.upserts.Ref`. When ``event_created`` (the webhook event's
    ``created``) is older than the row's watermark, the row is returned unchanged.
    When it is the same second and the object differs from the row, ``reread()``
    (if given) returns the object as Stripe has it now, which is stored instead
    (``columns`` must then be a function).

    Where :func:`upserts.supported`, a newer state of an existing row is one
    statement (``UPDATE … RETURNING``) and a new row two (that, then ``INSERT … ON
    CONFLICT DO NOTHING RETURNING``); only a same-second or older event reads the row
    first. A new row sends ``post_save`` with ``created=True``, as ``create()`` does;
    updates send no signal, as ``QuerySet.update()``.
    """
    data = to_dict(stripe_object)
    columns_for = columns if callable(columns) else (lambda _data: columns)
    watermark = _watermark(event_created)
    if upserts.supported():
        row, created = upserts.write(model, data["id"], _values(data, columns_for, watermark), newer_than=watermark)
        if created:
            # As Model.objects.create() does: receivers of a new mirror row keep working.
            post_save.send(sender=model, instance=row, created=True, update_fields=None, raw=False,
                           using=row._state.db)
        if row is not None:
            return row
    return _select_then_write(model, data, columns_for, event_created, reread)


def _select_then_write(
    model: Any, data: dict, columns_for: Callable[[dict], dict], event_created: int | None,
    reread: Callable[[], Any] | None,
) -> Any:
    # Inside a transaction (a webhook's) the row is locked as it is read, where the
    # database can: the caller sees it as it stays until the transaction ends.
    watermark = _watermark(event_created)
    stripe_id = data["id"]
    rows = model.objects.select_for_update() if transaction.get_connection().in_atomic_block else model.objects
    for attempt in (1, 2):
        instance = rows.filter(stripe_id=stripe_id).first()
        if instance is None:
            try:
                with transaction.atomic():
                    return model.objects.create(stripe_id=stripe_id, **_resolved(data, columns_for, watermark))
            except IntegrityError:
                if attempt == 2:
                    raise
                continue  # another worker created it first: update theirs
        if is_stale(instance, event_created):
            return instance
        values = _resolved(data, columns_for, watermark)
        if reread is not None and is_tie(instance, event_created) and instance.stripe_data != values["stripe_data"]:
            values = _resolved(to_dict(reread()), columns_for, watermark)
        for name, value in values.items():
            setattr(instance, name, value)
        written = model.objects.filter(pk=instance.pk)
        if watermark is not None:
            # Conditional UPDATE: a newer event applied by another worker between our
            # read and this write is not overwritten.
            written = written.exclude(last_event_created__gt=watermark)
        if not written.update(**values):
            instance.refresh_from_db()
        return instance
    raise AssertionError("unreachable")


def _values(data: dict, columns_for: Callable[[dict], dict], watermark: datetime.datetime | None) -> dict:
    values = {**base_columns(data), **columns_for(data), "synced_at": timezone.now()}
    if watermark is not None:
        values["last_event_created"] = watermark
    return values


def _resolved(data: dict, columns_for: Callable[[dict], dict], watermark: datetime.datetime | None) -> dict:
    values = _values(data, columns_for, watermark)
    upserts.resolve([values])
    return values


def bulk_upsert(
    model: Any, stripe_objects: Iterable[Any], columns_for: Callable[..., dict], *,
    extra_lookups: Callable[[list[dict]], Any] | None = None,
) -> tuple[int, int]:
    """Mirror one list page with a bounded number of queries.

    ``columns_for(data, lookups)`` maps an object dict to typed columns; ``lookups``
    is whatever ``extra_lookups(datas)`` returned (e.g. a dict of Accounts by
    stripe_id, fetched in one query per page). Rows whose ``stripe_data`` did not
    change are not written. Returns ``(created, updated)`` counts.
    """
    datas = [to_dict(obj) for obj in stripe_objects]
    if not datas:
        return 0, 0
    lookups = extra_lookups(datas) if extra_lookups else None
    now = timezone.now()
    existing = {
        row.stripe_id: row
        for row in model.objects.filter(stripe_id__in=[d["id"] for d in datas]).only(
            "pk", "stripe_id", "stripe_data"
        )
    }
    to_create: list = []
    to_update: list = []
    fields: set[str] = set()
    rows = [{**base_columns(data), **columns_for(data, lookups), "synced_at": now} for data in datas]
    upserts.resolve(rows)
    for data, values in zip(datas, rows, strict=True):
        row = existing.get(data["id"])
        if row is None:
            to_create.append(model(stripe_id=data["id"], **values))
        elif row.stripe_data != data:
            for name, value in values.items():
                setattr(row, name, value)
            fields.update(values)
            to_update.append(row)
    if to_create:
        # ignore_conflicts: a webhook may have created the row since our SELECT.
        model.objects.bulk_create(to_create, ignore_conflicts=True)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields))
    return len(to_create), len(to_update)


def sync_all(
    model: Any, list_method: Callable[..., Any], columns_for: Callable[..., dict], *, params: dict | None = None,
    options: dict | None = None, extra_lookups: Callable[[list[dict]], Any] | None = None,
    progress: Any = None,
) -> tuple[int, int]:
    """Page through a Stripe list endpoint and mirror every object with :func:`bulk_upsert`.

    ``list_method(params=, options=)`` returns one list page, a dict or a
    ``StripeObject`` (``pinax_connect.client.raw_list(path)`` or a stripe-python
    service ``list``); one call per page of 100, so ``ceil(N/100)`` calls for N objects (Stripe's
    ``has_more`` is false on the last page). ``progress(n)`` is called after each
    page. Returns ``(created, updated)``.
    """
    params = {"limit": 100, **(params or {})}
    created = updated = 0
    while True:
        page = list_method(params=params, options=options or {})
        objects = page["data"]
        c, u = bulk_upsert(model, objects, columns_for, extra_lookups=extra_lookups)
        created, updated = created + c, updated + u
        if progress:
            progress(len(objects))
        if not page["has_more"] or not objects:
            return created, updated
        params = {**params, "starting_after": objects[-1]["id"]}
