from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),  # login, logout, password change
    path("stripe/", include("pinax_connect.urls")),  # the webhook endpoint: /stripe/webhook/
    path("", include("shop.urls")),
]

if settings.FAKE_STRIPE:
    # Offline demo only: stand-ins for Stripe's hosted pages (onboarding, OAuth, Checkout).
    urlpatterns.append(path("fake-stripe/", include("fakestripe.urls")))
