from django.apps import AppConfig


class FakeStripeConfig(AppConfig):
    name = "fakestripe"
    verbose_name = "Fake Stripe (offline demo)"
