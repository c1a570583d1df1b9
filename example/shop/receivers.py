"""Webhook signal receivers: the purchase is granted by Stripe's word, not the browser's.

Stripe reports a payment through webhooks; pinax_connect verifies them, mirrors the
objects, and then sends ``WEBHOOK_SIGNALS[event type]`` (after the mirror was
committed). Giving the buyer access here, not in the view that started the payment,
means a buyer who closes the tab after paying still gets the item, and nobody gets it
by faking a redirect to the success page.
"""
from django.core.mail import send_mail
from django.dispatch import receiver
from django.utils import timezone

from pinax_connect.models import Account
from pinax_connect.signals import WEBHOOK_SIGNALS

from .models import Purchase


def mark_paid(purchase_id, payment_intent_id):
    """Grant the item: the purchase becomes paid (once; later deliveries change nothing)."""
    if not str(purchase_id or "").isdigit():
        return
    Purchase.objects.filter(pk=purchase_id).exclude(status__in=[Purchase.PAID, Purchase.REFUNDED]).update(
        status=Purchase.PAID, payment_intent_id=payment_intent_id or "", paid_at=timezone.now()
    )


@receiver(WEBHOOK_SIGNALS["payment_intent.succeeded"])
def payment_succeeded(sender, event, stripe_object, **kwargs):
    # Both flows put the purchase id in the PaymentIntent's metadata
    # (Checkout copies it there through payment_intent_data[metadata]).
    mark_paid((stripe_object.get("metadata") or {}).get("purchase"), stripe_object["id"])


@receiver(WEBHOOK_SIGNALS["checkout.session.completed"])
def checkout_completed(sender, event, stripe_object, **kwargs):
    if stripe_object.get("payment_status") == "paid":
        mark_paid(stripe_object.get("client_reference_id"), stripe_object.get("payment_intent"))


@receiver(WEBHOOK_SIGNALS["payment_intent.payment_failed"])
def payment_failed(sender, event, stripe_object, **kwargs):
    purchase_id = (stripe_object.get("metadata") or {}).get("purchase")
    if str(purchase_id or "").isdigit():
        Purchase.objects.filter(pk=purchase_id, status=Purchase.PENDING).update(status=Purchase.FAILED)


@receiver(WEBHOOK_SIGNALS["charge.refunded"])
def charge_refunded(sender, event, stripe_object, **kwargs):
    # A full refund takes the item back (a partial one would be a goodwill gesture).
    if stripe_object.get("refunded") and stripe_object.get("payment_intent"):
        Purchase.objects.filter(payment_intent_id=stripe_object["payment_intent"]).update(status=Purchase.REFUNDED)


@receiver(WEBHOOK_SIGNALS["account.updated"])
def account_updated(sender, event, stripe_object, **kwargs):
    """Tell a seller when Stripe needs more information (pinax-stripe's docs' example)."""
    account = Account.objects.filter(stripe_id=stripe_object.get("id")).select_related("user").first()
    if account is None or account.user is None or account.type != "custom":
        return
    previous = ((event.payload.get("data") or {}).get("previous_attributes") or {}).get("requirements")
    if account.verification_fields_needed and previous is not None and account.user.email:
        send_mail(
            "Your payment account needs more information",
            "Stripe asks for: %s. Please visit your seller dashboard." % ", ".join(account.verification_fields_needed),
            None,
            [account.user.email],
        )
