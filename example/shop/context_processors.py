from django.conf import settings

from .models import seller_account


def marketplace(request):
    """``fake_stripe`` (offline demo?) and ``seller_account`` of the visitor, for every template."""
    return {
        "fake_stripe": getattr(settings, "FAKE_STRIPE", False),
        "seller_account": seller_account(request.user) if hasattr(request, "user") else None,
    }
