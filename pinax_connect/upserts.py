"""Writes that return the row: ``INSERT … ON CONFLICT (stripe_id) … RETURNING`` and ``UPDATE … RETURNING``.

The event store (:mod:`pinax_connect.webhooks.storage`) and the mirror
(:func:`pinax_connect.sync.upsert`) write a row without reading it first where the
database can (PostgreSQL; SQLite from 3.35): no SELECT before the write, no savepoint
around an INSERT that may collide with a concurrent one, and the row comes back as
stored. Other databases take the callers' select-then-write paths.

A foreign key is given as a :class:`Ref` (the Stripe id of the row it points to): the
statement finds the row with a sub-select instead of a query of its own, and a row that
is not mirrored gives ``NULL``, as a lookup would.
"""
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models.sql import Query


def supported() -> bool:
    """True when the database runs ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``.

    PostgreSQL, and SQLite from 3.35.
    """
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35, 0)


@dataclass(frozen=True)
class Ref:
    """As a column value: the ``model`` row whose ``stripe_id`` is ``stripe_id``, or ``None`` if not mirrored."""

    model: type[models.Model]
    stripe_id: str


def resolve(rows: Iterable[dict[str, Any]]) -> None:
    """Replace, in place, every :class:`Ref` in ``rows`` by its row or ``None``: one query per model."""
    rows = list(rows)
    wanted: dict[type[models.Model], set[str]] = {}
    for values in rows:
        for value in values.values():
            if isinstance(value, Ref):
                wanted.setdefault(value.model, set()).add(value.stripe_id)
    found = {
        model: model._default_manager.in_bulk(sorted(ids), field_name="stripe_id") for model, ids in wanted.items()
    }
    for values in rows:
        for name, value in values.items():
            if isinstance(value, Ref):
                values[name] = found[value.model].get(value.stripe_id)


def db_params(instance: models.Model, fields: Iterable[models.Field]) -> list[Any]:
    """The values of ``fields`` of a new ``instance``, prepared for the database as an INSERT sends them."""
    return [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]


def from_row(model: type[models.Model], row: Iterable[Any]) -> Any:
    """The ``model`` instance for a row of every concrete column, converted as a queryset converts it."""
    fields = model._meta.concrete_fields
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, connection.alias)
    converters = compiler.get_converters([f.get_col(model._meta.db_table) for f in fields])
    values = list(row)
    if converters:
        values = list(next(iter(compiler.apply_converters([values], converters))))
    return model.from_db(connection.alias, [f.attname for f in fields], values)


def insert_row(model: type[models.Model], stripe_id: str, values: Mapping[str, Any]) -> Any:
    """Insert the ``model`` row for ``stripe_id``; return it, or ``None`` if a row has that ``stripe_id``.

    One statement (``INSERT … ON CONFLICT (stripe_id) DO NOTHING RETURNING …``): the unique
    ``stripe_id`` decides, under any concurrency, which writer creates the row. On
    PostgreSQL a writer racing an uncommitted insert of the same id waits for it and
    then returns ``None``. Needs :func:`supported`.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    placeholders, params = _values_sql(model, fields, stripe_id, values)
    sql = (
        f"INSERT INTO {_table(model)} ({', '.join(_column(model, f) for f in fields)}) "
        f"VALUES ({', '.join(placeholders)}) "
        f"ON CONFLICT ({_column(model, 'stripe_id')}) DO NOTHING"
    )
    return _one_row(model, sql, params)


def update_row(
    model: type[models.Model], stripe_id: str, values: Mapping[str, Any], *, newer_than: Any = None,
) -> Any:
    """Write ``values`` to the ``model`` row for ``stripe_id``; return the row as stored, or ``None``.

    One statement (``UPDATE … RETURNING …``). With ``newer_than`` (an event's
    ``created``), only a row whose ``last_event_created`` is empty or older is
    written; ``None`` means no row, or a row that has an event of that second or later.
    The row stays locked until the caller's transaction ends (PostgreSQL), so what
    comes back is what the transaction sees until then. Needs :func:`supported`.
    """
    fields = [f for f in model._meta.concrete_fields if f.name in values or f.attname in values]
    placeholders, params = _values_sql(model, fields, stripe_id, values)
    mark = _column(model, "last_event_created")
    sql = (
        f"UPDATE {_table(model)} SET "
        + ", ".join(f"{_column(model, f)} = {placeholder}" for f, placeholder in zip(fields, placeholders, strict=True))
        + f" WHERE {_column(model, 'stripe_id')} = %s"
    )
    params.append(stripe_id)
    if newer_than is not None:
        sql += f" AND ({mark} IS NULL OR {mark} < %s)"
        params.append(_field(model, "last_event_created").get_db_prep_save(newer_than, connection))
    return _one_row(model, sql, params)


def _values_sql(
    model: type[models.Model], fields: list[Any], stripe_id: str, values: Mapping[str, Any],
) -> tuple[list[str], list[Any]]:
    # Placeholders and parameters for ``fields``: a Ref becomes a sub-select of its row's pk.
    refs = {name: value for name, value in values.items() if isinstance(value, Ref)}
    instance = model(stripe_id=stripe_id, **{name: v for name, v in values.items() if name not in refs})
    placeholders: list[str] = []
    params: list[Any] = []
    for field, param in zip(fields, db_params(instance, fields), strict=True):
        ref = refs.get(field.name)
        if ref is None:
            placeholders.append("%s")
            params.append(param)
            continue
        target = ref.model
        placeholders.append(
            f"(SELECT {_column(target, target._meta.pk)} FROM {_table(target)} "
            f"WHERE {_column(target, 'stripe_id')} = %s)"
        )
        params.append(ref.stripe_id)
    return placeholders, params


def _one_row(model: type[models.Model], sql: str, params: list[Any]) -> Any:
    sql += " RETURNING " + ", ".join(_column(model, f) for f in model._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else from_row(model, row)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(str(model._meta.db_table))


def _field(model: type[models.Model], field: Any) -> models.Field:
    """``field`` itself, or ``model``'s concrete field of that name."""
    found = field if isinstance(field, models.Field) else model._meta.get_field(field)
    assert isinstance(found, models.Field)
    return found


def _column(model: type[models.Model], field: Any) -> str:
    """The quoted column of ``field`` (a field or a field's name) of ``model``."""
    return connection.ops.quote_name(str(_field(model, field).column))
