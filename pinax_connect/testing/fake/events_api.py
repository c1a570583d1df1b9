"""The Events API of the fake Stripe: ``GET /v1/events`` (filtered by ``type`` /
``types`` patterns) and ``GET /v1/events/{id}``, in the caller's scope. Events
are emitted by :meth:`.core.FakeStripe.emit`."""

import fnmatch
from typing import Any

from .core import FakeStripe, FakeStripeError, Request, route


@route("GET", "/v1/events", params={"created", "delivery_success", "ending_before", "limit", "starting_after", "type", "types"})
def list_events(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Events of the caller's scope (Stripe-Account or the platform), newest first."""
    events = fake.all("event", req.account)
    p = req.params
    if "type" in p and "types" in p:
        raise FakeStripeError.invalid("types", "You cannot specify both type and types.")
    patterns = [p["type"]] if "type" in p else p.get("types")
    if patterns is not None:
        if isinstance(patterns, str):
            patterns = [patterns]
        if len(patterns) > 20:
            raise FakeStripeError.invalid("types", "You may pass at most 20 types.")
        events = [e for e in events if any(fnmatch.fnmatchcase(e["type"], pat) for pat in patterns)]
    return fake.list_response(events, req, "/v1/events")


@route("GET", "/v1/events/{id}")
def retrieve_event(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "event")
