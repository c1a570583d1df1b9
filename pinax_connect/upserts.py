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
import functools
import sqlite3
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
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


def from_row(model: type[models.Model], row: Iterable[Any], known: Mapping[int, Any] | None = None) -> Any:
    """The ``model`` instance for a row of every concrete column, converted as a queryset converts it.

    ``known``: values by column position that are already in their Python form (the
    JSON a write just sent), used as they are instead of being decoded again.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]
    values = list(row)
    for position, functions, column in _converters(wrapper, model):
        if known is not None and position in known:
            values[position] = known[position]
            continue
        value = values[position]
        for convert in functions:
            value = convert(value, column, wrapper)
        values[position] = value
    return model.from_db(wrapper.alias, [f.attname for f in model._meta.concrete_fields], values)


# Per connection (one per thread), per model: what a queryset would apply to each column.
_CONVERTERS: "weakref.WeakKeyDictionary[Any, dict[type[models.Model], list[tuple[int, list[Any], Any]]]]" = (
    weakref.WeakKeyDictionary()
)


def _converters(wrapper: Any, model: type[models.Model]) -> list[tuple[int, list[Any], Any]]:
    per_model = _CONVERTERS.setdefault(wrapper, {})
    if model not in per_model:
        compiler = wrapper.ops.compiler("SQLCompiler")(Query(model), wrapper, wrapper.alias)
        found = compiler.get_converters([f.get_col(model._meta.db_table) for f in model._meta.concrete_fields])
        per_model[model] = [(position, functions, column) for position, (functions, column) in found.items()]
    return per_model[model]


def write(
    model: type[models.Model], stripe_id: str, values: Mapping[str, Any], *, newer_than: Any = None,
) -> tuple[Any, bool]:
    """Store ``values`` as the ``model`` row for ``stripe_id``; returns ``(row as stored, created)``.

    First ``UPDATE … RETURNING …`` of the ``values`` columns, only where
    ``last_event_created`` is empty or older than ``newer_than`` when that is given (an
    event's ``created``): most writes are to rows we mirror already. If no row was
    written, ``INSERT … ON CONFLICT (stripe_id) DO NOTHING RETURNING …``: the unique
    ``stripe_id`` decides, under any concurrency, which writer creates the row (on
    PostgreSQL a writer racing an uncommitted insert of the same id waits for it).
    ``(None, False)``: the row exists with an event of that second or later, nothing
    was written. The row stays locked until the caller's transaction ends
    (PostgreSQL), so what comes back is what the transaction sees until then. Needs
    :func:`supported`.
    """
    table = table_of(model)
    instance, prepared = _prepared(model, table, stripe_id, values)
    known = {
        table.positions[f.name]: getattr(instance, f.attname)
        for f in table.fields if isinstance(f, models.JSONField) and (f.name in values or f.attname in values)
    }
    written = [
        (column, placeholder, param)
        for field, column, (placeholder, param) in zip(table.fields, table.columns, prepared, strict=True)
        if field.name in values or field.attname in values
    ]
    sql = (
        f"UPDATE {table.name} SET {', '.join(f'{column} = {placeholder}' for column, placeholder, _ in written)} "
        f"WHERE {table.stripe_id} = %s"
    )
    params = [param for _, _, param in written] + [stripe_id]
    if newer_than is not None:
        sql += f" AND ({table.mark} IS NULL OR {table.mark} < %s)"
        params.append(_field(model, "last_event_created").get_db_prep_save(newer_than, connection))
    row = _one_row(model, table, sql, params, known)
    if row is not None:
        return row, False
    row = _one_row(
        model, table,
        f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({', '.join(p for p, _ in prepared)}) "
        f"ON CONFLICT ({table.stripe_id}) DO NOTHING",
        [param for _, param in prepared], known,
    )
    return row, row is not None


@dataclass(frozen=True)
class Table:
    """A model's quoted names, worked out once per model and database vendor."""

    name: str
    fields: tuple[models.Field, ...]  # the concrete fields but the primary key, in column order
    columns: tuple[str, ...]  # their quoted columns
    returning: str  # every concrete column, in field order (as from_row reads them)
    positions: dict[str, int]  # a field's position in ``returning``, by name
    pk: str
    stripe_id: str
    mark: str  # last_event_created
    subselect: str  # the primary key of the row of a stripe_id, as a Ref's value


def table_of(model: type[models.Model]) -> Table:
    """``model``'s quoted table and column names for this database (worked out once per model)."""
    return _describe_for(model, connection.vendor)


@functools.cache
def _describe_for(model: type[models.Model], vendor: str) -> Table:
    qn = connection.ops.quote_name
    opts = model._meta
    fields = tuple(f for f in opts.concrete_fields if not f.primary_key)
    name, stripe_id = qn(str(opts.db_table)), qn(str(_field(model, "stripe_id").column))
    pk = qn(str(opts.pk.column)) if opts.pk else ""
    return Table(
        name=name,
        fields=fields,
        columns=tuple(qn(str(f.column)) for f in fields),
        returning=", ".join(qn(str(f.column)) for f in opts.concrete_fields),
        positions={f.name: position for position, f in enumerate(opts.concrete_fields)},
        pk=pk,
        stripe_id=stripe_id,
        mark=qn("last_event_created"),
        subselect=f"(SELECT {pk} FROM {name} WHERE {stripe_id} = %s)",
    )


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _prepared(
    model: type[models.Model], table: Table, stripe_id: str, values: Mapping[str, Any],
) -> tuple[models.Model, list[tuple[str, Any]]]:
    # The new instance, and (placeholder, parameter) per field of ``table``: a Ref is a
    # sub-select of its row's pk.
    refs = {name: value for name, value in values.items() if isinstance(value, Ref)}
    instance = model(stripe_id=stripe_id, **{name: v for name, v in values.items() if name not in refs})
    prepared: list[tuple[str, Any]] = []
    for field, param in zip(table.fields, db_params(instance, table.fields), strict=True):
        ref = refs.get(field.name)
        if ref is None:
            prepared.append(("%s", param))
        else:
            prepared.append((table_of(ref.model).subselect, ref.stripe_id))
    return instance, prepared


def _one_row(model: type[models.Model], table: Table, sql: str, params: list[Any], known: Mapping[int, Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {table.returning}", params)
        row = cursor.fetchone()
    return None if row is None else from_row(model, row, known)
