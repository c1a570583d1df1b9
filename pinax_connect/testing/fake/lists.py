"""Stripe's list responses (pagination, ``created`` filters) and ``expand[]``."""

import copy
from typing import Any

from .errors import FakeStripeError
from .params import ParamParsing
from .storage import PLATFORM, Storage
from .wire import Request


class Lists(Storage, ParamParsing):
    """``list_response`` and ``expand`` over the stored objects."""

    def list_response(self, objs: list[dict[str, Any]], req: Request, url: str) -> dict[str, Any]:
        """A Stripe list (newest first) honouring ``limit``, ``starting_after``,
        ``ending_before`` and ``created`` (int or ``created[gte|gt|lte|lt]``)."""
        p = req.params
        limit = self.to_int(p.get("limit", 10), "limit")
        if not 1 <= limit <= 100:
            raise FakeStripeError.invalid(
                "limit",
                "Invalid limit: must be between 1 and 100",
            )
        items = list(reversed(objs))
        if "created" in p:
            items = self._filter_created(items, p["created"])
        if p.get("starting_after"):
            idx = self._index_of(items, p["starting_after"], "starting_after")
            page = items[idx + 1 : idx + 1 + limit]
            has_more = idx + 1 + limit < len(items)
        elif p.get("ending_before"):
            idx = self._index_of(items, p["ending_before"], "ending_before")
            page = items[max(0, idx - limit) : idx]
            has_more = idx - limit > 0
        else:
            page = items[:limit]
            has_more = len(items) > limit
        return {"object": "list", "data": page, "has_more": has_more, "url": url}

    @staticmethod
    def _index_of(items: list[dict[str, Any]], obj_id: str, param: str) -> int:
        for i, o in enumerate(items):
            if o.get("id") == obj_id:
                return i
        raise FakeStripeError.missing("object", obj_id, param=param)

    def _filter_created(self, items: list[dict[str, Any]], created: Any) -> list[dict[str, Any]]:
        if isinstance(created, dict):
            ops = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
            for op, value in created.items():
                if op not in ops:
                    raise FakeStripeError.unknown(f"created[{op}]")
                bound = self.to_int(value, f"created[{op}]")
                items = [o for o in items if ops[op](o.get("created", 0), bound)]
            return items
        bound = self.to_int(created, "created")
        return [o for o in items if o.get("created") == bound]

    def expand(self, obj: dict[str, Any], req: Request) -> dict[str, Any]:
        """Replace ids by objects along each ``expand[]`` path (in place on the
        given dict, which must be a copy). Unknown fields raise 400 as Stripe."""
        for path in req.expand_paths:
            self._expand_path(obj, path.split("."), req, path)
        return obj

    def _expand_path(self, obj: Any, parts: list[str], req: Request, full: str) -> None:
        if not isinstance(obj, dict):
            return
        if obj.get("object") in ("list", "search_result") and parts[0] == "data":
            for item in obj.get("data", []):
                self._expand_path(item, parts[1:], req, full)
            return
        if not parts:
            return
        key = parts[0]
        if key not in obj:
            raise FakeStripeError(
                400, message=f"This property cannot be expanded ({full})."
            )
        value = obj[key]
        if isinstance(value, str):
            found = self.get(value, req.account) or self.get(value, None)
            if found is None and req.account is None:
                found = self._find_anywhere(value)
            if found is not None:
                value = obj[key] = copy.deepcopy(found)
        if len(parts) > 1:
            self._expand_path(value, parts[1:], req, full)

    def _find_anywhere(self, obj_id: str) -> dict[str, Any] | None:
        # The platform can expand objects on its connected accounts
        # (e.g. a destination charge's transfer.destination_payment).
        for scope in self.state["objects"]:
            obj = self.get(obj_id, None if scope == PLATFORM else scope)
            if obj is not None:
                return obj
        return None
