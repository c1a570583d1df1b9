"""The webhook endpoint Stripe posts events to (``pinax_connect:webhook``)."""
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..conf import settings
from . import processing, storage


def _text(body, status):
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def webhook(request):
    """Verify, store (once) and process a Stripe event.

    400 (413 for an oversized body) with a short reason, storing nothing, for a
    missing/invalid/expired signature, malformed JSON or a non-event object; 405 for
    anything but POST. A valid event is stored (a duplicate only counted) and answered
    200 with the outcome; a handler failure answers
    ``PINAX_CONNECT_WEBHOOK_FAILURE_STATUS`` (200 by default, the event is kept for
    replay; 500 asks Stripe to deliver it again). The request is never wrapped in
    ``ATOMIC_REQUESTS``: the event is stored in its own transaction.
    """
    try:
        data = storage.read_event(request)
    except storage.InvalidDelivery as exc:
        return _text(exc.reason, exc.status)
    event, _created = storage.store(data)
    outcome = processing.dispatch(event)
    if outcome == processing.FAILED:
        return _text(outcome, settings.PINAX_CONNECT_WEBHOOK_FAILURE_STATUS)
    return _text(outcome, 200)
