"""Runs every request of the offline demo against the fake Stripe (see fake.py)."""
from urllib.parse import urlsplit

from . import fake

# Stripe-hosted pages the fake has no URL of its own for (OAuth's authorize page):
# redirects there go to this site's stand-in pages instead.
STRIPE_HOSTED = ("https://connect.stripe.com/",)


class FakeStripeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with fake.exclusive() as outermost:
            if not outermost:  # a webhook delivery inside another request
                return self.get_response(request)
            stand_in = request.build_absolute_uri("/fake-stripe")
            fake.get_fake().state["hosted_base_url"] = stand_in  # Account Link and Checkout URLs
            fake.sync_clock()
            response = self.get_response(request)
            location = response.get("Location", "")
            if location.startswith(STRIPE_HOSTED):
                parts = urlsplit(location)
                response["Location"] = f"{stand_in}{parts.path}?{parts.query}"
            fake.settle(write=request.method not in ("GET", "HEAD", "OPTIONS"))
            return response
