from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PinaxConnectConfig(AppConfig):
    name = "pinax_connect"
    label = "pinax_connect"
    verbose_name = _("Stripe Connect")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Settings defaults must be registered before anything reads them.
        from . import checks, conf  # noqa: F401
        from .client import install_log_filter
        from .webhooks import handlers, signals

        install_log_filter()
        handlers.register_defaults()
        signals.connect_early_events()
