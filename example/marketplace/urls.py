from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control

FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#635bff"/>'
    '<text x="8" y="12" font-size="10" text-anchor="middle" fill="white" font-family="sans-serif">M</text></svg>'
)


@cache_control(max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico on every page that names none (the admin's)."""
    return HttpResponse(FAVICON, content_type="image/svg+xml")


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),  # login, logout, password change
    path("stripe/", include("pinax_connect.urls")),  # the webhook endpoint: /stripe/webhook/
    # REST API for a front end or mobile app; OpenAPI schema at /api/stripe/schema/
    path("api/stripe/", include("pinax_connect.rest.urls")),
    path("", include("shop.urls")),
]

if settings.FAKE_STRIPE:
    # Offline demo only: stand-ins for Stripe's hosted pages (onboarding, OAuth, Checkout).
    urlpatterns.append(path("fake-stripe/", include("fakestripe.urls")))
