from django.urls import path

from . import views

app_name = "fakestripe"

# The paths the fake puts in its URLs (state["hosted_base_url"] + ...), and OAuth's.
urlpatterns = [
    path("account_link/<str:token>", views.account_link, name="account_link"),
    path("express/<str:account_id>/<str:token>", views.express_dashboard, name="express_dashboard"),
    path("oauth/authorize", views.oauth_authorize, name="oauth_authorize"),
    path("checkout/<str:session_id>", views.checkout, name="checkout"),
    path("checkout/<str:session_id>/expire", views.expire_checkout, name="expire_checkout"),
    path("demo/raise-requirements/", views.raise_requirements, name="raise_requirements"),
    path("demo/settle-payouts/", views.settle_payouts, name="settle_payouts"),
    path("demo/complete-embedded/", views.complete_embedded, name="complete_embedded"),
]
