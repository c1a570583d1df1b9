"""Seller side: onboarding (custom, Express, Standard), listing items, the dashboard."""
import stripe
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, FormView

from pinax_connect.actions import accounts, balances, onboarding, payouts, refunds
from pinax_connect.exceptions import PinaxConnectError
from pinax_connect.forms import AdditionalCustomAccountForm, CustomAccountWizard, InitialCustomAccountForm
from pinax_connect.models import ExternalAccount, Payout, Transfer

from .forms import ItemForm, PayoutForm
from .models import Purchase, seller_account

SELLER_COUNTRY = "US"
EXPRESS_CAPABILITIES = {"card_payments": {"requested": True}, "transfers": {"requested": True}}


def _stripe_failed(form):
    """After a failed ``save()``: the form carries Stripe's message when it could place it."""
    if not form.errors:
        form.add_error(None, "Stripe could not process this right now. Please try again.")


@login_required
def become_seller(request):
    if seller_account(request.user):
        return redirect("shop:dashboard")
    return render(request, "shop/become_seller.html")


# ---- 1. Custom accounts: our forms collect everything ------------------------------


class CustomAccountView(LoginRequiredMixin, FormView):
    """Seed 003's ``CreateCustomAccountView``: one form, one custom account."""

    form_class = InitialCustomAccountForm
    template_name = "shop/custom_account.html"
    success_url = reverse_lazy("shop:dashboard")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request, "country": SELLER_COUNTRY}

    def form_valid(self, form):
        try:
            form.save()
        except (stripe.StripeError, PinaxConnectError):
            _stripe_failed(form)
            return self.form_invalid(form)
        messages.success(self.request, "Your payment account is ready.")
        return super().form_valid(form)


class CustomAccountWizardView(LoginRequiredMixin, CustomAccountWizard):
    """The same, step by step."""

    template_name = "shop/wizard_step.html"
    country = SELLER_COUNTRY
    success_url = reverse_lazy("shop:dashboard")


# ---- 2. Express accounts: Stripe-hosted onboarding through an Account Link ----------


def _account_link(request, account):
    return onboarding.create_account_link(
        account,
        refresh_url=request.build_absolute_uri(reverse("shop:express_refresh")),
        return_url=request.build_absolute_uri(reverse("shop:express_return")),
    )


@login_required
@require_POST
def express_start(request):
    account = seller_account(request.user) or accounts.create(
        request.user, SELLER_COUNTRY, type="express", email=request.user.email or None,
        capabilities=EXPRESS_CAPABILITIES,
    )
    return redirect(_account_link(request, account))


@login_required
def express_refresh(request):
    """Stripe sends the seller here when the link expired or was used: make a fresh one."""
    account = seller_account(request.user)
    if account is None:
        return redirect("shop:become_seller")
    return redirect(_account_link(request, account))


@login_required
def express_return(request):
    """Back from Stripe. Its ``account.updated`` webhook brings the news too; read it now anyway."""
    account = seller_account(request.user)
    if account is not None:
        accounts.sync_account(account)
    return redirect("shop:dashboard")


# ---- 3. Standard accounts: OAuth -------------------------------------------------


@login_required
def standard_start(request):
    redirect_uri = request.build_absolute_uri(reverse("shop:standard_callback"))
    prefill = {"stripe_user": {"email": request.user.email}} if request.user.email else {}
    return redirect(onboarding.oauth_authorize_url(request, redirect_uri=redirect_uri, **prefill))


@login_required
def standard_callback(request):
    if "error" in request.GET:
        messages.error(request, request.GET.get("error_description") or "Connecting your Stripe account failed.")
        return redirect("shop:become_seller")
    try:
        onboarding.oauth_complete(request, code=request.GET.get("code"), state=request.GET.get("state"))
    except (stripe.StripeError, PinaxConnectError) as exc:
        messages.error(request, f"Connecting your Stripe account failed: {exc}")
        return redirect("shop:become_seller")
    messages.success(request, "Your Stripe account is connected.")
    return redirect("shop:dashboard")


# ---- The dashboard -------------------------------------------------------------------


def _seller_or_redirect(request):
    account = seller_account(request.user)
    if account is None:
        messages.info(request, "Set up a payment account first.")
    return account


@login_required
def dashboard(request):
    account = _seller_or_redirect(request)
    if account is None:
        return redirect("shop:become_seller")
    try:
        balance = balances.retrieve(account)
    except stripe.StripeError:
        balance = None
    return render(request, "shop/dashboard.html", {
        "account": account,
        "balance": balance,
        "external_accounts": ExternalAccount.objects.filter(account=account),
        "transfers": Transfer.objects.filter(destination=account).order_by("-created"),
        "payouts": Payout.objects.filter(stripe_account=account).order_by("-created"),
        "sales": Purchase.objects.filter(item__seller=request.user).select_related("item", "buyer"),
        "items": request.user.items.all(),
    })


class ItemCreateView(LoginRequiredMixin, CreateView):
    form_class = ItemForm
    template_name = "shop/item_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and seller_account(request.user) is None:
            messages.info(request, "Set up a payment account first.")
            return redirect("shop:become_seller")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.instance.seller = self.request.user
        messages.success(self.request, "Your item is listed.")
        return super().form_valid(form)


class VerifyAccountView(LoginRequiredMixin, FormView):
    """Seed 003's ``UpdateCustomAccountView``: whatever Stripe asks for next."""

    form_class = AdditionalCustomAccountForm
    template_name = "shop/verify_account.html"
    success_url = reverse_lazy("shop:dashboard")

    def dispatch(self, request, *args, **kwargs):
        self.account = seller_account(request.user)
        if self.account is None:
            return redirect("shop:become_seller")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "account": self.account, "request": self.request}

    def form_valid(self, form):
        try:
            form.save()
        except (stripe.StripeError, PinaxConnectError):
            _stripe_failed(form)
            return self.form_invalid(form)
        messages.success(self.request, "Thanks, your details were sent to Stripe.")
        return super().form_valid(form)


@login_required
@require_POST
def payout_now(request):
    """A manual payout of everything available in one currency."""
    account = _seller_or_redirect(request)
    form = PayoutForm(request.POST)
    if account is None or not form.is_valid():
        return redirect("shop:dashboard")
    currency = form.cleaned_data["currency"].lower()
    amount = balances.retrieve(account).available.get(currency)
    if not amount or amount <= 0:
        messages.error(request, "Nothing available to pay out.")
        return redirect("shop:dashboard")
    try:
        payout = payouts.create(account, amount, currency, description="Manual payout from the dashboard")
    except (stripe.StripeError, PinaxConnectError) as exc:
        messages.error(request, f"Payout failed: {getattr(exc, 'user_message', None) or exc}")
    else:
        messages.success(request, f"Payout of {payout.amount} {payout.currency.upper()} is on its way.")
    return redirect("shop:dashboard")


@login_required
@require_POST
def express_dashboard(request):
    account = _seller_or_redirect(request)
    if account is None:
        return redirect("shop:become_seller")
    return redirect(onboarding.create_login_link(account))


@login_required
@require_POST
def refund_sale(request, pk):
    """Refund a sale in full: the seller's transfer is reversed and our fee given back.

    The purchase becomes ``refunded`` through the ``charge.refunded`` webhook.
    """
    purchase = get_object_or_404(Purchase, pk=pk, item__seller=request.user, status=Purchase.PAID)
    intent = purchase.payment_intent
    if intent is None:
        messages.error(request, "This payment is not mirrored yet; try again in a moment.")
        return redirect("shop:dashboard")
    try:
        refunds.create(intent, reason="requested_by_customer", reverse_transfer=True, refund_application_fee=True)
    except (stripe.StripeError, PinaxConnectError) as exc:
        messages.error(request, f"Refund failed: {exc}")
    else:
        messages.success(request, f"{purchase.item} was refunded to {purchase.buyer}.")
    return redirect("shop:dashboard")
