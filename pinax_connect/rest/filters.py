"""Query-string filters on the mirrored lists (``?status=succeeded&created_gte=...``).

Each viewset declares ``filter_fields``: ``{query parameter: (ORM lookup, kind)}``
with kind ``"str"``, ``"bool"``, ``"datetime"`` (ISO 8601 or unix seconds) or
``"int"``. An unparseable value is a 400, not an empty list.
"""
from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.views import APIView

KINDS = {"str": "string", "bool": "boolean", "datetime": "string", "int": "integer"}


def _parse(kind: str, name: str, raw: str) -> str | bool | int | datetime.datetime:
    if kind == "bool":
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
    elif kind == "int":
        if raw.isdigit():
            return int(raw)
    elif kind == "datetime":
        if raw.isdigit():
            return datetime.datetime.fromtimestamp(int(raw), tz=datetime.UTC)
        value = parse_datetime(raw)
        if value is not None:
            return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    else:
        return raw
    raise ValidationError({name: [f"Invalid {KINDS[kind]} value."]})


class QueryFilter(BaseFilterBackend):
    """Applies the view's ``filter_fields`` from the query string."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        for name, (lookup, kind) in getattr(view, "filter_fields", {}).items():
            raw = request.query_params.get(name)
            if raw not in (None, ""):
                queryset = queryset.filter(**{lookup: _parse(kind, name, raw)})
        return queryset

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        params = []
        for name, (lookup, kind) in getattr(view, "filter_fields", {}).items():
            schema = {"type": KINDS[kind]}
            if kind == "datetime":
                schema["description"] = "ISO 8601 date-time or unix seconds"
            params.append({"name": name, "in": "query", "required": False, "schema": schema,
                           "description": f"Filter on {lookup.replace('__', ' ')}"})
        return params
