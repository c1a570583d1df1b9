"""Reading Stripe's Events API (``GET /v1/events``), for catching up on missed webhooks.

Stripe keeps events for 30 days. The platform's events and each connected
account's events are separate lists: pass ``stripe_account=`` for the latter.
"""
from collections.abc import Iterator
from typing import Any

from ..client import raw_list, request_options
from ..exceptions import InvalidRequest
from ..models import Account
from ._shared import created_filter
from .accounts import ensure_authorized

# Stripe accepts at most 20 values in ``types[]``.
MAX_TYPES = 20


def fetch_events(*, since: Any = None, stripe_account: Any = None, types: list[str] | None = None) -> Iterator[dict]:
    """Yield event dicts from Stripe, newest first, fetching one page of 100 at a time.

    Sends ``GET /v1/events`` with ``limit=100``, ``created[gte]`` when ``since``
    (datetime or unix seconds) is given, ``types[]`` when ``types`` (event type names,
    wildcards like ``account.*`` allowed, at most 20) is given, and the
    ``Stripe-Account`` header when ``stripe_account`` (an ``Account`` or ``acct_...``)
    is given. Pages are requested lazily as the caller iterates. Stores nothing:
    the caller decides what to record (e.g. as ``Event`` rows to process).
    """
    if isinstance(stripe_account, Account):
        ensure_authorized(stripe_account)
    elif stripe_account is not None and not (isinstance(stripe_account, str) and stripe_account.startswith("acct_")):
        raise InvalidRequest(f"stripe_account must be an Account or an acct_... id, got {stripe_account!r}")
    params = {"limit": 100, **created_filter(since)}
    if types is not None:
        if isinstance(types, str):
            types = [types]
        types = list(types)
        if not types or len(types) > MAX_TYPES or not all(isinstance(t, str) and t for t in types):
            raise InvalidRequest(f"types must be 1 to {MAX_TYPES} event type names.")
        params["types"] = types
    options = request_options(stripe_account=stripe_account)
    list_events = raw_list("/v1/events")
    while True:
        page = list_events(params=params, options=options)
        yield from page["data"]
        if not page["has_more"] or not page["data"]:
            return
        params = {**params, "starting_after": page["data"][-1]["id"]}
