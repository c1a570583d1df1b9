"""Webhook signal receivers: the purchase is granted by Stripe's word, not the browser's.

Stripe reports a payment through webhooks; pinax_connect verifies them, mirrors the
objects, and then sends ``WEBHOOK_SIGNALS[event type]`` (after the mirror was
committed). Giving the buyer access here, not in the view that started the payment,
means a buyer who closes the tab after paying still gets the item, and nobody gets it
by faking a redirect to the success page.

A signed event only proves that *Stripe* sent it, not that it is about *our* sale:
the Connect endpoint also receives the events of every connected account, and a
seller who connected their own Standard account can create a payment there with any
metadata they like. So each receiver (see docs/webhooks.md, "Writing a fulfilment
receiver"):

1. accepts only platform events (``event.account`` empty): our sales are
   destination charges, which live on the platform;
2. finds the purchase by the PaymentIntent or Checkout Session id the view stored
   before the buyer paid — never by ``metadata`` or ``client_reference_id``;
3. checks that Stripe's object pays what the purchase says: amount, currency and
   the seller's account as the transfer destination;
4. changes the purchase with a conditional UPDATE, so replays change nothing.
"""
import logging

import stripe
from django.core.mail import send_mail
from django.dispatch import receiver
from django.utils import timezone

from pinax_connect import money
from pinax_connect.actions import accounts
from pinax_connect.exceptions import PinaxConnectError
from pinax_connect.models import Account, PaymentIntent
from pinax_connect.requirement_labels import describe_list
from pinax_connect.signals import WEBHOOK_SIGNALS

from .models import Purchase

logger = logging.getLogger(__name__)


def _destination(obj):
    transfer_data = obj.get("transfer_data") or {}
    destination = transfer_data.get("destination")
    return destination.get("id") if isinstance(destination, dict) else destination


def pays_for(purchase, *, amount, currency, destination):
    """True when a Stripe payment of ``amount`` (minor units) pays exactly for ``purchase``."""
    try:
        expected = money.to_minor(purchase.amount, purchase.currency)
    except ValueError:
        return False
    return (
        amount == expected
        and str(currency or "").lower() == purchase.currency.lower()
        and bool(destination)
        and destination == purchase.destination
    )


def _platform_only(event, what):
    if event.account:
        logger.warning("Ignored %s of connected account %s: our sales are platform payments", what, event.account)
        return False
    return True


def mark_paid(purchase, payment_intent_id):
    """Grant the item: the purchase becomes paid (once; later deliveries change nothing)."""
    return Purchase.objects.filter(pk=purchase.pk, status__in=[Purchase.PENDING, Purchase.EXPIRED]).update(
        status=Purchase.PAID, payment_intent_id=payment_intent_id, paid_at=timezone.now()
    )


@receiver(WEBHOOK_SIGNALS["payment_intent.succeeded"])
def payment_succeeded(sender, event, stripe_object, **kwargs):
    """The card payment flow: the view stored the PaymentIntent's id before confirming it."""
    if not _platform_only(event, "payment_intent.succeeded") or stripe_object.get("status") != "succeeded":
        return
    purchase = Purchase.objects.filter(payment_intent_id=stripe_object.get("id")).first()
    if purchase is None:  # a Checkout payment (see checkout_completed) or not ours
        return
    if not pays_for(purchase, amount=stripe_object.get("amount"), currency=stripe_object.get("currency"),
                    destination=_destination(stripe_object)):
        logger.error("PaymentIntent %s does not pay for purchase %s: not granted", stripe_object.get("id"), purchase.pk)
        return
    mark_paid(purchase, stripe_object["id"])


def _checkout_paid(event, session):
    """A Checkout Session was paid (at once, or later for async payment methods)."""
    if not _platform_only(event, event.type) or session.get("payment_status") != "paid":
        return
    purchase = Purchase.objects.filter(checkout_session_id=session.get("id")).first()
    intent_id = session.get("payment_intent")
    if isinstance(intent_id, dict):
        intent_id = intent_id.get("id")
    if purchase is None or not intent_id:
        return
    # The session does not say where the money went; the PaymentIntent does. The
    # default handler mirrored it (with the platform's scope) before this signal.
    intent = PaymentIntent.objects.filter(stripe_id=intent_id, stripe_account__isnull=True).first()
    destination = intent.transfer_destination.stripe_id if intent and intent.transfer_destination_id else None
    if intent is None or not pays_for(
        purchase, amount=session.get("amount_total"), currency=session.get("currency"), destination=destination
    ) or money.to_minor(intent.amount, intent.currency) != session.get("amount_total"):
        logger.error("Checkout Session %s does not pay for purchase %s: not granted", session.get("id"), purchase.pk)
        return
    mark_paid(purchase, intent_id)


@receiver(WEBHOOK_SIGNALS["checkout.session.completed"])
def checkout_completed(sender, event, stripe_object, **kwargs):
    _checkout_paid(event, stripe_object)


@receiver(WEBHOOK_SIGNALS["checkout.session.async_payment_succeeded"])
def checkout_async_succeeded(sender, event, stripe_object, **kwargs):
    _checkout_paid(event, stripe_object)


@receiver(WEBHOOK_SIGNALS["checkout.session.async_payment_failed"])
def checkout_async_failed(sender, event, stripe_object, **kwargs):
    if _platform_only(event, event.type):
        Purchase.objects.filter(checkout_session_id=stripe_object.get("id"), status=Purchase.PENDING).update(
            status=Purchase.FAILED
        )


@receiver(WEBHOOK_SIGNALS["checkout.session.expired"])
def checkout_expired(sender, event, stripe_object, **kwargs):
    """The buyer left the payment page until it expired: they may start again or cancel."""
    if _platform_only(event, event.type):
        Purchase.objects.filter(checkout_session_id=stripe_object.get("id"), status=Purchase.PENDING).update(
            status=Purchase.EXPIRED
        )


@receiver(WEBHOOK_SIGNALS["payment_intent.payment_failed"])
def payment_failed(sender, event, stripe_object, **kwargs):
    if _platform_only(event, "payment_intent.payment_failed"):
        Purchase.objects.filter(
            payment_intent_id=stripe_object.get("id"), method=Purchase.PAYMENT_INTENT, status=Purchase.PENDING
        ).update(status=Purchase.FAILED)


@receiver(WEBHOOK_SIGNALS["charge.refunded"])
def charge_refunded(sender, event, stripe_object, **kwargs):
    """Record what was refunded; a full refund takes the item back."""
    intent_id = stripe_object.get("payment_intent")
    if not _platform_only(event, "charge.refunded") or not intent_id:
        return
    purchase = Purchase.objects.filter(payment_intent_id=intent_id).first()
    if purchase is None or str(stripe_object.get("currency") or "").lower() != purchase.currency:
        return
    refunded = money.from_minor(int(stripe_object.get("amount_refunded") or 0), purchase.currency)
    changes = {"amount_refunded": min(refunded, purchase.amount)}
    if stripe_object.get("refunded"):
        changes["status"] = Purchase.REFUNDED
    # Refunds only grow: an older delivery must not lower the recorded amount.
    Purchase.objects.filter(pk=purchase.pk, amount_refunded__lte=changes["amount_refunded"]).update(**changes)


@receiver(WEBHOOK_SIGNALS["account.updated"])
def account_updated(sender, event, stripe_object, **kwargs):
    """Tell a seller when Stripe starts asking for more information.

    An event is a snapshot: while a seller submits a form that takes several API
    calls (the company wizard creates the account, then its representative and
    owners), Stripe sends an ``account.updated`` for each step, and the early ones
    list what the later calls provide. Mailing from the snapshot told sellers to
    enter what they had just entered. So the receiver asks Stripe for the account as
    it is now, and mails only what is due now and was not due before this change.
    """
    account = Account.objects.filter(stripe_id=stripe_object.get("id")).select_related("user").first()
    if account is None or account.user is None or account.type != "custom" or not account.user.email:
        return
    previous = ((event.payload.get("data") or {}).get("previous_attributes") or {}).get("requirements")
    if not isinstance(previous, dict) or not ({"currently_due", "past_due"} & set(previous)):
        return  # what is due did not change in this update
    before = set(previous.get("currently_due") or []) | set(previous.get("past_due") or [])
    try:
        account = accounts.sync_account(account)
    except (stripe.StripeError, PinaxConnectError):
        return  # the next account.updated tries again
    new = [path for path in account.verification_fields_needed or [] if path not in before]
    if new:
        send_mail(
            "Your payment account needs more information",
            "Stripe asks for: %s. Please visit your seller dashboard." % describe_list(new),
            None,
            [account.user.email],
        )
