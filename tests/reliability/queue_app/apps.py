from django.apps import AppConfig


class QueueAppConfig(AppConfig):
    name = "tests.reliability.queue_app"
    label = "pinax_queue_app"

    def ready(self):
        from pinax_connect.webhooks import registry
        from pinax_connect.webhooks.signals import WEBHOOK_SIGNALS

        from . import handler, receiver

        registry.register("invoice.paid", handler)
        WEBHOOK_SIGNALS["invoice.paid"].connect(receiver, weak=False, dispatch_uid="pinax_queue_app")
