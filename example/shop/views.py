"""Buyer side: sign up, browse, pay (PaymentIntent or Checkout), see what was bought."""
import stripe
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView

from pinax_connect import readiness
from pinax_connect.actions import checkout, customers, payment_intents
from pinax_connect.client import get_client
from pinax_connect.exceptions import AccountNotReady, PinaxConnectError

from .forms import CardForm, SignupForm
from .models import Item, Purchase, seller_account

# What a buyer reads when the seller cannot be paid: never Stripe's or our internals.
SELLER_NOT_READY = "This seller cannot take payments right now. Please try again later."
PAYMENT_UNAVAILABLE = "The payment could not be started. Please try again in a moment."


class SignupView(CreateView):
    form_class = SignupForm
    template_name = "registration/signup.html"

    def form_valid(self, form):
        user = form.save()
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("shop:home")


class ItemListView(ListView):
    """The home page: one page of items at a time, sellers joined in the same query."""

    template_name = "shop/item_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Item.objects.select_related("seller").order_by("-created", "-pk")


def _sale_blocker(item, user):
    """Why ``user`` cannot buy ``item`` now (a sentence), or ``None``."""
    if user.is_authenticated and item.seller_id == user.pk:
        return "This is your own item."
    if not item.sellable:
        return "This item cannot be bought right now."
    account = seller_account(item.seller)
    if account is None or not readiness.is_ready(account, "destination_charges"):
        return SELLER_NOT_READY
    return None


def item_detail(request, pk):
    item = get_object_or_404(Item.objects.select_related("seller"), pk=pk)
    return render(request, "shop/item_detail.html", {
        "item": item,
        "owned": item.is_owned_by(request.user),
        "blocker": _sale_blocker(item, request.user),
        "card_form": CardForm(),
    })


def _new_purchase(item, user, method, account):
    return Purchase.objects.create(
        item=item, buyer=user, amount=item.price, currency=item.currency,
        application_fee=item.application_fee(), method=method, destination=account.stripe_id,
    )


def _ready_account(request, item):
    """The seller's account when a sale can start, else ``None`` (after telling the buyer why)."""
    blocker = _sale_blocker(item, request.user)
    if blocker:
        messages.error(request, blocker)
        return None
    return seller_account(item.seller)


@login_required
@require_POST
def pay(request, pk):
    """A destination charge: the buyer pays the platform, the seller gets the price minus our fee.

    The PaymentIntent is created first and its id stored on the purchase, then
    confirmed: the ``payment_intent.succeeded`` webhook (see receivers.py) finds the
    purchase by that id, so it can never arrive before we know it.
    """
    item = get_object_or_404(Item, pk=pk)
    form = CardForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a test card.")
        return redirect(item)
    account = _ready_account(request, item)
    if account is None:
        return redirect(item)
    purchase = _new_purchase(item, request.user, Purchase.PAYMENT_INTENT, account)
    try:
        intent = payment_intents.create(
            item.price,
            item.currency,
            customer=customers.get_or_create(request.user, email=request.user.email or None),
            payment_method=form.cleaned_data["payment_method"],
            payment_method_types=["card"],
            destination=account,
            application_fee_amount=purchase.application_fee,
            description=item.title,
            metadata={"purchase": str(purchase.pk)},  # for people reading Stripe's dashboard only
            idempotency_key=f"shop-purchase-{purchase.pk}-intent",  # a retried request makes no second intent
        )
    except (AccountNotReady, stripe.StripeError, PinaxConnectError):
        purchase.delete()
        messages.error(request, PAYMENT_UNAVAILABLE)
        return redirect(item)
    Purchase.objects.filter(pk=purchase.pk).update(payment_intent_id=intent.stripe_id)
    try:
        payment_intents.confirm(intent, idempotency_key=f"shop-purchase-{purchase.pk}-confirm")
    except stripe.CardError as exc:
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.FAILED)
        messages.error(request, f"Payment declined: {exc.user_message or 'your card was declined'}")
        return redirect(item)
    except (stripe.StripeError, PinaxConnectError):
        messages.error(request, PAYMENT_UNAVAILABLE)
        return redirect(purchase)
    return redirect(purchase)


def _start_checkout(request, purchase, account):
    """A Checkout Session for ``purchase``; its id is stored before the buyer sees the page."""
    item = purchase.item
    success_url = request.build_absolute_uri(purchase.get_absolute_url()) + "?session_id={CHECKOUT_SESSION_ID}"
    session = checkout.create_session(
        line_items=[{"name": item.title, "amount": purchase.amount, "currency": purchase.currency}],
        success_url=success_url,
        cancel_url=request.build_absolute_uri(purchase.get_absolute_url()),
        destination=account,
        application_fee_amount=purchase.application_fee,
        customer_email=request.user.email or None,
        client_reference_id=purchase.pk,
        metadata={"purchase": str(purchase.pk)},  # for people reading Stripe's dashboard only
    )
    Purchase.objects.filter(pk=purchase.pk).update(checkout_session_id=session.id, status=Purchase.PENDING)
    return session


@login_required
@require_POST
def pay_with_checkout(request, pk):
    """The same sale through a Stripe-hosted Checkout page."""
    item = get_object_or_404(Item, pk=pk)
    account = _ready_account(request, item)
    if account is None:
        return redirect(item)
    purchase = _new_purchase(item, request.user, Purchase.CHECKOUT, account)
    try:
        session = _start_checkout(request, purchase, account)
    except (stripe.StripeError, PinaxConnectError):
        purchase.delete()
        messages.error(request, PAYMENT_UNAVAILABLE)
        return redirect(item)
    return redirect(session.url)


def _own_purchase(request, pk):
    return get_object_or_404(Purchase.objects.select_related("item", "item__seller"), pk=pk, buyer=request.user)


@login_required
@require_POST
def resume_checkout(request, pk):
    """Back to the payment page: the open session, or a new one if it expired."""
    purchase = _own_purchase(request, pk)
    if purchase.method != Purchase.CHECKOUT or purchase.status not in (Purchase.PENDING, Purchase.EXPIRED):
        return redirect(purchase)
    try:
        session = None
        if purchase.status == Purchase.PENDING and purchase.checkout_session_id:
            session = get_client().v1.checkout.sessions.retrieve(purchase.checkout_session_id)
        if session is None or session.status != "open":
            account = _ready_account(request, purchase.item)
            if account is None or account.stripe_id != purchase.destination:
                if account is not None:
                    messages.error(request, SELLER_NOT_READY)
                return redirect(purchase)
            session = _start_checkout(request, purchase, account)
    except (stripe.StripeError, PinaxConnectError):
        messages.error(request, PAYMENT_UNAVAILABLE)
        return redirect(purchase)
    return redirect(session.url)


@login_required
@require_POST
def cancel_purchase(request, pk):
    """The buyer gives up: the payment page is closed on Stripe so it cannot be paid later."""
    purchase = _own_purchase(request, pk)
    if purchase.method != Purchase.CHECKOUT or purchase.status not in (Purchase.PENDING, Purchase.EXPIRED):
        return redirect(purchase)
    if purchase.status == Purchase.PENDING and purchase.checkout_session_id:
        try:
            session = get_client().v1.checkout.sessions.retrieve(purchase.checkout_session_id)
            if session.status == "open":
                get_client().v1.checkout.sessions.expire(purchase.checkout_session_id)
            elif session.status == "complete":
                messages.info(request, "This purchase was paid already.")
                return redirect(purchase)
        except stripe.StripeError:
            messages.error(request, "The purchase could not be cancelled right now. Please try again.")
            return redirect(purchase)
    Purchase.objects.filter(pk=purchase.pk, status__in=[Purchase.PENDING, Purchase.EXPIRED]).update(
        status=Purchase.CANCELLED
    )
    messages.success(request, "Your purchase was cancelled; nothing was charged.")
    return redirect(purchase)


@login_required
def purchase_detail(request, pk):
    purchase = _own_purchase(request, pk)
    return render(request, "shop/purchase_detail.html", {"purchase": purchase})


@login_required
def purchase_list(request):
    purchases = request.user.purchases.select_related("item")
    return render(request, "shop/purchase_list.html", {"purchases": purchases, "items_url": reverse("shop:home")})
