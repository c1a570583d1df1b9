"""``path("api/stripe/", include("pinax_connect.rest.urls"))``: the router and the schema.

URL names live in the ``pinax_connect_rest`` namespace, e.g.
``reverse("pinax_connect_rest:connected-account-list")``; the OpenAPI schema is
``pinax_connect_rest:schema`` (``schema/``), its Swagger UI ``schema/docs/``.
"""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views
from .generators import SCHEMA_SETTINGS, StripeSchemaGenerator

app_name = "pinax_connect_rest"

router = DefaultRouter()
router.register("accounts", views.ConnectedAccountViewSet, basename="connected-account")
router.register("external-accounts", views.ExternalAccountViewSet, basename="external-account")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("payment-intents", views.PaymentIntentViewSet, basename="payment-intent")
router.register("charges", views.ChargeViewSet, basename="charge")
router.register("refunds", views.RefundViewSet, basename="refund")
router.register("transfers", views.TransferViewSet, basename="transfer")
router.register("payouts", views.PayoutViewSet, basename="payout")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(
        generator_class=StripeSchemaGenerator,
        custom_settings=SCHEMA_SETTINGS,
    ), name="schema"),
    path("schema/docs/", SpectacularSwaggerView.as_view(url_name="pinax_connect_rest:schema"), name="schema-docs"),
    path("", include(router.urls)),
]
