"""The webhook endpoint Stripe posts events to (``pinax_connect:webhook``)."""
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..conf import settings
from ..models import Event
from . import processing, storage


def _text(body: str, status: int) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def failure_status(event: Event) -> int:
    """The HTTP status for a delivery whose event failed (a handler, or a receiver after commit).

    ``PINAX_CONNECT_WEBHOOK_FAILURE_STATUS`` when set. Otherwise 500 while the event
    will be retried by Stripe's redelivery (inline processing with
    ``PINAX_CONNECT_WEBHOOK_INLINE_RETRY = "stripe"``, attempts left), 200 when a
    retry task is scheduled instead or the event is dead (redelivering it would only
    try it again after we gave up).
    """
    forced = settings.PINAX_CONNECT_WEBHOOK_FAILURE_STATUS
    if forced is not None:
        return forced
    if event.status == Event.DEAD:
        return 200
    inline_stripe = (
        settings.PINAX_CONNECT_WEBHOOK_PROCESSING == "inline"
        and settings.PINAX_CONNECT_WEBHOOK_INLINE_RETRY == "stripe"
    )
    return 500 if inline_stripe else 200


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def webhook(request: HttpRequest) -> HttpResponse:
    """Verify, store (once) and process a Stripe event.

    400 (413 for an oversized body) with a short reason, storing nothing, for a
    missing/invalid/expired signature, malformed JSON or a non-event object; 405 for
    anything but POST. A valid event is stored (a duplicate only counted) and answered
    200 with the outcome; a failed event is answered with :func:`failure_status`
    (500 by default inline, so Stripe redelivers it: that is the inline retry). The
    request is never wrapped in ``ATOMIC_REQUESTS``: the event is stored and applied
    in its own transaction.
    """
    try:
        data = storage.read_event(request)
    except storage.InvalidDelivery as exc:
        return _text(exc.reason, exc.status)
    event, outcome = processing.receive(data)
    if outcome in (processing.FAILED, processing.DEAD):
        return _text(outcome, failure_status(event))
    return _text(outcome, 200)
