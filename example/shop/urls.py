from django.urls import path

from . import seller_views, staff_views, views

app_name = "shop"

urlpatterns = [
    path("", views.ItemListView.as_view(), name="home"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/pay/", views.pay, name="pay"),
    path("items/<int:pk>/checkout/", views.pay_with_checkout, name="checkout"),
    path("purchases/", views.purchase_list, name="purchases"),
    path("purchases/<int:pk>/", views.purchase_detail, name="purchase"),
    path("purchases/<int:pk>/resume/", views.resume_checkout, name="resume_checkout"),
    path("purchases/<int:pk>/cancel/", views.cancel_purchase, name="cancel_purchase"),
    # Onboarding, three ways.
    path("sell/", seller_views.become_seller, name="become_seller"),
    path("sell/custom/", seller_views.CustomAccountView.as_view(), name="custom_account"),
    path("sell/custom/wizard/", seller_views.CustomAccountWizardView.as_view(), name="custom_wizard"),
    path("sell/express/", seller_views.express_start, name="express_start"),
    path("sell/express/refresh/", seller_views.express_refresh, name="express_refresh"),
    path("sell/express/return/", seller_views.express_return, name="express_return"),
    path("sell/standard/", seller_views.standard_start, name="standard_start"),
    path("sell/standard/callback/", seller_views.standard_callback, name="standard_callback"),
    # The seller's dashboard.
    path("dashboard/", seller_views.dashboard, name="dashboard"),
    path("dashboard/items/new/", seller_views.ItemCreateView.as_view(), name="item_create"),
    path("dashboard/verify/", seller_views.VerifyAccountView.as_view(), name="verify_account"),
    path("dashboard/payout/", seller_views.payout_now, name="payout"),
    path("dashboard/bank-accounts/add/", seller_views.add_bank_account, name="add_bank_account"),
    path("dashboard/express/", seller_views.express_dashboard, name="express_dashboard"),
    path("dashboard/sales/<int:pk>/refund/", seller_views.refund_sale, name="refund"),
    path("sell/embedded/", seller_views.embedded_start, name="embedded_start"),
    path("dashboard/embedded/", seller_views.embedded_onboarding, name="embedded_onboarding"),
    path("dashboard/embedded/session/", seller_views.embedded_session, name="embedded_session"),
    # Platform staff answer disputes.
    path("staff/disputes/", staff_views.dispute_list, name="staff_disputes"),
    path("staff/disputes/<int:pk>/", staff_views.dispute_detail, name="staff_dispute"),
    path("staff/disputes/<int:pk>/accept/", staff_views.dispute_accept, name="staff_dispute_accept"),
]
