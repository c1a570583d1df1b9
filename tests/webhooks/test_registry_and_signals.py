"""WEBHOOK_SIGNALS and the handler registry."""
from django.dispatch import Signal

from pinax_connect import webhooks
from pinax_connect.webhooks.event_types import EVENT_TYPES
from pinax_connect.webhooks.registry import HandlerRegistry
from pinax_connect.webhooks.signals import WEBHOOK_SIGNALS, WebhookSignals


def test_every_stripe_event_type_has_a_signal():
    assert len(EVENT_TYPES) > 200
    assert len(set(EVENT_TYPES)) == len(EVENT_TYPES)
    for name in ("account.updated", "account.application.deauthorized", "capability.updated", "payout.paid"):
        assert name in EVENT_TYPES
    assert all(isinstance(WEBHOOK_SIGNALS[name], Signal) for name in EVENT_TYPES)
    assert set(EVENT_TYPES) <= set(WEBHOOK_SIGNALS)


def test_unknown_type_gets_one_signal_created_on_demand():
    signals = WebhookSignals()
    assert "brand_new.type" not in signals
    first = signals["brand_new.type"]
    assert isinstance(first, Signal)
    assert signals["brand_new.type"] is first
    assert "brand_new.type" in signals


def test_seed_import_paths_share_one_dict():
    from pinax_connect.signals import WEBHOOK_SIGNALS as from_signals

    assert from_signals is WEBHOOK_SIGNALS is webhooks.WEBHOOK_SIGNALS
    assert from_signals["account.updated"] is WEBHOOK_SIGNALS["account.updated"]


def _names(matches):
    return [(handler.__name__, subtype) for handler, subtype in matches]


def test_prefix_exact_and_wildcard_matching():
    registry = HandlerRegistry()

    @registry.register("invoice")
    def invoice_handler(event, source, subtype):
        pass

    @registry.register("account.updated")
    def account_updated(event, source, subtype):
        pass

    @registry.register("account")
    def any_account(event, source, subtype):
        pass

    @registry.register("*")
    def everything(event, source, subtype):
        pass

    assert _names(registry.handlers_for("invoice.updated")) == [("invoice_handler", "updated"), ("everything", "invoice.updated")]
    assert _names(registry.handlers_for("invoice.payment_succeeded"))[0] == ("invoice_handler", "payment_succeeded")
    assert _names(registry.handlers_for("account.updated")) == [
        ("account_updated", ""),
        ("any_account", "updated"),
        ("everything", "account.updated"),
    ]
    assert _names(registry.handlers_for("account.external_account.created"))[0] == (
        "any_account",
        "external_account.created",
    )
    # A prefix matches on dotted boundaries only.
    assert _names(registry.handlers_for("invoiceitem.created")) == [("everything", "invoiceitem.created")]
    assert _names(registry.handlers_for("account.updated_extra")) == [
        ("any_account", "updated_extra"),
        ("everything", "account.updated_extra"),
    ]


def test_register_returns_the_function_ignores_duplicates_and_unregisters():
    registry = HandlerRegistry()

    def handler(event, source, subtype):
        pass

    assert registry.register("payout", handler) is handler
    registry.register("payout", handler)
    assert len(registry.handlers_for("payout.paid")) == 1
    registry.unregister("payout", handler)
    assert registry.handlers_for("payout.paid") == []


def test_package_exports_the_shared_registry():
    from pinax_connect.webhooks import register, registry

    assert register == registry.register
    assert webhooks.register == registry.register


def test_default_handlers_cover_the_issue_list():
    from pinax_connect.webhooks import handlers  # noqa: F401  (registers the defaults)
    from pinax_connect.webhooks import registry

    def handled(event_type):
        return {h.__name__ for h, _ in registry.handlers_for(event_type)}

    for event_type in (
        "account.updated",
        "account.application.authorized",
        "account.application.deauthorized",
        "account.external_account.created",
        "account.external_account.updated",
        "account.external_account.deleted",
        "capability.updated",
        "customer.created",
        "customer.updated",
        "customer.deleted",
        "charge.succeeded",
        "charge.refunded",
        "charge.refund.updated",
        "refund.created",
        "payment_intent.succeeded",
        "transfer.created",
        "transfer.reversed",
        "payout.paid",
        "application_fee.created",
        "checkout.session.completed",
    ):
        assert handled(event_type), event_type
    # Objects of these types are not what the prefix's sync function mirrors.
    for event_type in (
        "person.created",
        "customer.subscription.created",
        "customer.source.created",
        "application_fee.refund.updated",
    ):
        assert not handled(event_type), event_type
    # Disputes are not charges: their own handler mirrors them (issue 19).
    assert handled("charge.dispute.created") == {"dispute_event"}
