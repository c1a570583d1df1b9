"""Buyer side: sign up, browse, pay (PaymentIntent or Checkout), see what was bought."""
import stripe
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView

from pinax_connect.actions import checkout, customers, payment_intents
from pinax_connect.exceptions import PinaxConnectError

from .forms import CardForm, SignupForm
from .models import Item, Purchase


class SignupView(CreateView):
    form_class = SignupForm
    template_name = "registration/signup.html"

    def form_valid(self, form):
        user = form.save()
        login(self.request, user)
        return redirect("shop:home")


class ItemListView(ListView):
    model = Item
    template_name = "shop/item_list.html"


def item_detail(request, pk):
    item = get_object_or_404(Item, pk=pk)
    return render(request, "shop/item_detail.html", {
        "item": item,
        "owned": item.is_owned_by(request.user),
        "card_form": CardForm(),
    })


def _new_purchase(item, user, method):
    return Purchase.objects.create(
        item=item, buyer=user, amount=item.price, currency=item.currency,
        application_fee=item.application_fee(), method=method,
    )


@login_required
@require_POST
def pay(request, pk):
    """A destination charge: the buyer pays the platform, the seller gets the price minus our fee.

    The purchase is marked paid by the ``payment_intent.succeeded`` webhook (see
    receivers.py), not here.
    """
    item = get_object_or_404(Item, pk=pk)
    form = CardForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a test card.")
        return redirect(item)
    purchase = _new_purchase(item, request.user, Purchase.PAYMENT_INTENT)
    try:
        intent = payment_intents.create(
            item.price,
            item.currency,
            customer=customers.get_or_create(request.user, email=request.user.email or None),
            payment_method=form.cleaned_data["payment_method"],
            payment_method_types=["card"],
            confirm=True,
            destination=item.account,
            application_fee_amount=purchase.application_fee,
            description=item.title,
            metadata={"purchase": str(purchase.pk)},
        )
    except stripe.CardError as exc:
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.FAILED)
        messages.error(request, f"Payment declined: {exc.user_message or exc.code}")
        return redirect(item)
    except PinaxConnectError as exc:  # e.g. the seller cannot take payments yet
        purchase.delete()
        messages.error(request, str(exc))
        return redirect(item)
    # Only the id: the webhook may already have marked the purchase paid.
    Purchase.objects.filter(pk=purchase.pk).update(payment_intent_id=intent.stripe_id)
    return redirect(purchase)


@login_required
@require_POST
def pay_with_checkout(request, pk):
    """The same sale through a Stripe-hosted Checkout page."""
    item = get_object_or_404(Item, pk=pk)
    purchase = _new_purchase(item, request.user, Purchase.CHECKOUT)
    success_url = request.build_absolute_uri(purchase.get_absolute_url()) + "?session_id={CHECKOUT_SESSION_ID}"
    try:
        session = checkout.create_session(
            line_items=[{"name": item.title, "amount": item.price, "currency": item.currency}],
            success_url=success_url,
            cancel_url=request.build_absolute_uri(item.get_absolute_url()),
            destination=item.account,
            application_fee_amount=purchase.application_fee,
            customer_email=request.user.email or None,
            client_reference_id=purchase.pk,
            metadata={"purchase": str(purchase.pk)},
        )
    except PinaxConnectError as exc:
        purchase.delete()
        messages.error(request, str(exc))
        return redirect(item)
    Purchase.objects.filter(pk=purchase.pk).update(checkout_session_id=session.id)
    return redirect(session.url)


@login_required
def purchase_detail(request, pk):
    purchase = get_object_or_404(Purchase.objects.select_related("item"), pk=pk, buyer=request.user)
    return render(request, "shop/purchase_detail.html", {"purchase": purchase})


@login_required
def purchase_list(request):
    purchases = request.user.purchases.select_related("item")
    return render(request, "shop/purchase_list.html", {"purchases": purchases, "items_url": reverse("shop:home")})
