from django.urls import path

from .webhooks import views as webhook_views

app_name = "pinax_connect"

urlpatterns = [
    path("webhook/", webhook_views.webhook, name="webhook"),
]
