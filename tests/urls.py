"""URLs for the test suite: the admin and pinax_connect's own URLs (webhooks etc.) and the REST API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("stripe/", include("pinax_connect.urls")),
    path("api/stripe/", include("pinax_connect.rest.urls")),
]
