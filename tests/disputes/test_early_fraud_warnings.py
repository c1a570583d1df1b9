"""Early fraud warnings: the mirror, signals, and the optional refund before a dispute."""
import pytest

from pinax_connect import dispute_signals
from pinax_connect.actions import early_fraud_warnings
from pinax_connect.models import EarlyFraudWarning, Refund

from .conftest import types


@pytest.fixture
def warned():
    got = {"warning": [], "refunded": []}

    def on_warning(sender, warning, event, **kwargs):
        got["warning"].append((warning.stripe_id, event.type, EarlyFraudWarning.objects.filter(pk=warning.pk).exists()))

    def on_refund(sender, warning, refund, **kwargs):
        got["refunded"].append((warning.stripe_id, refund.stripe_id))

    dispute_signals.early_fraud_warning.connect(on_warning, weak=False)
    dispute_signals.early_fraud_warning_refunded.connect(on_refund, weak=False)
    yield got
    dispute_signals.early_fraud_warning.disconnect(on_warning)
    dispute_signals.early_fraud_warning_refunded.disconnect(on_refund)


def test_a_warning_is_mirrored_and_signalled_without_refund_by_default(fake_stripe, destination_sale, mark,
                                                                       deliver, warned):
    since = mark()
    charge = destination_sale("tok_createIssuerFraudRecord")
    deliver(since())

    warning = EarlyFraudWarning.objects.get()
    assert (warning.charge, warning.actionable, warning.fraud_type, warning.refund) == (
        charge, True, "made_with_stolen_card", None)
    assert warned["warning"] == [(warning.stripe_id, "radar.early_fraud_warning.created", True)]
    assert fake_stripe.all("refund") == [] and warned["refunded"] == []


def test_auto_refund_of_a_destination_charge_reverses_the_transfer_and_the_fee_once(
    fake_stripe, settings, destination_sale, mark, deliver, warned
):
    settings.PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND = True
    since = mark()
    charge = destination_sale("tok_createIssuerFraudRecord", amount=100, fee=10)
    events = since()

    deliver(events + events)  # duplicate delivery

    (refund,) = fake_stripe.all("refund")
    assert (refund["charge"], refund["amount"], refund["reason"]) == (charge.stripe_id, 10000, "fraudulent")
    transfer = fake_stripe.get(charge.stripe_data["transfer"], None, "transfer")
    fee = fake_stripe.get(charge.stripe_data["application_fee"], None, "application_fee")
    assert (transfer["amount_reversed"], fee["amount_refunded"]) == (10000, 1000)
    (sent,) = [r for r in fake_stripe.requests if r.path == "/v1/refunds"]
    assert (sent.params["reverse_transfer"], sent.params["refund_application_fee"]) == ("true", "true")
    warning = EarlyFraudWarning.objects.get()
    assert warning.refund == Refund.objects.get(stripe_id=refund["id"])
    assert warned["refunded"] == [(warning.stripe_id, refund["id"])]


def test_auto_refund_of_a_direct_charge_happens_on_the_connected_account(
    fake_stripe, settings, direct_sale, custom_account, mark, deliver
):
    settings.PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND = True
    since = mark()
    charge = direct_sale("tok_createIssuerFraudRecord", amount=100, fee=10)
    events = since()
    assert {e.get("account") for e in events if e["type"].startswith("radar.")} == {custom_account.stripe_id}

    deliver(events)

    (refund,) = fake_stripe.all("refund", custom_account.stripe_id)
    assert refund["charge"] == charge.stripe_id
    assert EarlyFraudWarning.objects.get().stripe_account == custom_account


def test_a_warning_that_is_not_actionable_is_not_refunded(fake_stripe, settings, destination_sale, mark, deliver):
    settings.PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND = True
    since = mark()
    destination_sale("tok_createIssuerFraudRecord")
    events = since()
    for event in events:
        if event["type"].startswith("radar."):
            event["data"]["object"]["actionable"] = False  # already disputed or refunded on Stripe

    deliver(events)

    assert EarlyFraudWarning.objects.get().actionable is False
    assert fake_stripe.all("refund") == []
    assert "radar.early_fraud_warning.created" in types(events)


def test_refund_action_of_an_already_refunded_charge_returns_none(fake_stripe, destination_sale, mark, deliver):
    since = mark()
    charge = destination_sale("tok_createIssuerFraudRecord")
    deliver(since())
    from pinax_connect.actions import refunds

    refunds.create(charge)
    assert early_fraud_warnings.refund(EarlyFraudWarning.objects.get()) is None
    assert len(fake_stripe.all("refund")) == 1


def test_list_sync_and_resync(fake_stripe, destination_sale):
    destination_sale("tok_createIssuerFraudRecord")
    assert early_fraud_warnings.sync_early_fraud_warnings() == (1, 0)
    warning = EarlyFraudWarning.objects.get()
    assert early_fraud_warnings.sync_early_fraud_warning(warning).pk == warning.pk


def test_the_refund_settles_the_warning(fake_stripe, settings, destination_sale, mark, deliver, warned):
    settings.PINAX_CONNECT_EARLY_FRAUD_WARNING_REFUND = True
    since = mark()
    destination_sale("tok_createIssuerFraudRecord")
    deliver(since())  # delivering the warning refunds the charge...
    later = since()
    assert "radar.early_fraud_warning.updated" in types(later)  # ...which Stripe answers with an update

    deliver(later)

    warning = EarlyFraudWarning.objects.get()
    assert warning.actionable is False and warning.refund is not None
    assert [t for _id, t, _ok in warned["warning"]] == [
        "radar.early_fraud_warning.created", "radar.early_fraud_warning.updated"]
    assert len(fake_stripe.all("refund")) == 1
