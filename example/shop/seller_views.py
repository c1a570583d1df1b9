"""Seller side: onboarding (custom, Express, Standard), listing items, the dashboard."""
from decimal import Decimal

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, FormView

from pinax_connect import money, readiness
from pinax_connect.actions import (
    account_sessions,
    accounts,
    balances,
    external_accounts,
    onboarding,
    payouts,
    refunds,
)
from pinax_connect.exceptions import AccountOwnedByAnotherUser, OAuthStateMismatch, PinaxConnectError
from pinax_connect.forms import AdditionalCustomAccountForm, CustomAccountWizard, InitialCustomAccountForm
from pinax_connect.models import ExternalAccount, Payout, Transfer

from .disputes import seller_rows
from .forms import ItemForm, PayoutForm, RefundForm
from .models import Purchase, seller_account

SELLER_COUNTRY = "US"
EXPRESS_CAPABILITIES = {"card_payments": {"requested": True}, "transfers": {"requested": True}}


def _stripe_failed(form):
    """After a failed ``save()``: the form carries Stripe's message when it could place it."""
    if not form.errors:
        form.add_error(None, "Stripe could not process this right now. Please try again.")


STRIPE_TERMS_URL = "https://stripe.com/connect-account/legal"


def _link_terms(form):
    """The terms checkbox links to the agreement it accepts (the form's help text is plain text)."""
    field = form.fields.get("tos_acceptance")
    if field is not None:
        field.help_text = format_html('<a href="{}" target="_blank" rel="noopener">Read the Stripe Connected '
                                      "Account Agreement</a>", STRIPE_TERMS_URL)
    return form


def _account_created(request, account):
    """Tell the seller where they stand: ready to sell, or what Stripe still needs."""
    if account is not None and readiness.is_ready(account, "destination_charges"):
        messages.success(request, "Your payment account is ready.")
    else:
        messages.info(request, "Your payment account was created. Stripe still needs a few details before you "
                               "can sell: see below.")


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

    def get_form(self, form_class=None):
        return _link_terms(super().get_form(form_class))

    def form_valid(self, form):
        try:
            account = form.save()
        except (stripe.StripeError, PinaxConnectError):
            _stripe_failed(form)
            return self.form_invalid(form)
        _account_created(self.request, account)
        return super().form_valid(form)


class CustomAccountWizardView(LoginRequiredMixin, CustomAccountWizard):
    """The same, step by step."""

    template_name = "shop/wizard_step.html"
    country = SELLER_COUNTRY
    success_url = reverse_lazy("shop:dashboard")

    def get_form(self, *args, **kwargs):
        return _link_terms(super().get_form(*args, **kwargs))

    def finished(self, account):
        _account_created(self.request, account)
        return super().finished(account)


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
    if account is None:
        return redirect("shop:become_seller")
    try:
        account = accounts.sync_account(account)
    except (stripe.StripeError, PinaxConnectError):
        pass  # the account.updated webhook brings the same news
    if account.details_submitted:
        messages.success(request, "Your Express account is set up.")
    else:
        messages.info(request, "Stripe still needs a few details: continue on Stripe when you are ready.")
    return redirect("shop:dashboard")


# ---- 3. Standard accounts: OAuth -------------------------------------------------


@login_required
def standard_start(request):
    redirect_uri = request.build_absolute_uri(reverse("shop:standard_callback"))
    prefill = {"stripe_user": {"email": request.user.email}} if request.user.email else {}
    return redirect(onboarding.oauth_authorize_url(request, redirect_uri=redirect_uri, **prefill))


@login_required
def standard_callback(request):
    # Only our own words: error_description comes from the query string, which anyone
    # can write into a link they send a seller.
    if "error" in request.GET:
        if request.GET.get("error") == "access_denied":
            messages.info(request, "You did not connect a Stripe account. You can try again at any time.")
        else:
            messages.error(request, "Stripe could not connect your account. Please try again.")
        return redirect("shop:become_seller")
    try:
        onboarding.oauth_complete(request, code=request.GET.get("code"), state=request.GET.get("state"))
    except AccountOwnedByAnotherUser:
        messages.error(request, "That Stripe account is already connected to another user of this marketplace.")
        return redirect("shop:become_seller")
    except OAuthStateMismatch:
        messages.error(request, "This link to connect your Stripe account has expired. Please start again.")
        return redirect("shop:become_seller")
    except (stripe.StripeError, PinaxConnectError):
        messages.error(request, "Stripe could not connect your account. Please try again.")
        return redirect("shop:become_seller")
    messages.success(request, "Your Stripe account is connected.")
    return redirect("shop:dashboard")


# ---- The dashboard -------------------------------------------------------------------


def _seller_or_redirect(request):
    account = seller_account(request.user)
    if account is None:
        messages.info(request, "Set up a payment account first.")
    return account


def not_ready_because(account):
    """Why ``account`` cannot receive payments yet, as a sentence (``""`` when it can)."""
    missing = readiness.missing(account, "destination_charges")
    if not missing:
        return ""
    if account.verification_fields_needed:
        return "Stripe needs the information listed above first."
    if any(readiness.capability_status(account, name) == "pending" for name in missing):
        return "Stripe is checking the details you sent; this usually takes a few minutes."
    if not account.details_submitted:
        return "Finish setting up your payment account first."
    return "Stripe has not enabled payments for your account yet."


def payout_currencies(account):
    """Currencies ``account`` can be paid out in: those of its bank accounts (or cards)."""
    return set(ExternalAccount.objects.filter(account=account).values_list("currency", flat=True))


def balance_rows(account, balance):
    """One row per currency: what is there, whether a payout can succeed, and why not."""
    if balance is None:
        return []
    payable = payout_currencies(account)
    rows = []
    for currency in sorted(set(balance.available) | set(balance.pending)):
        available = balance.available.get(currency, Decimal(0))
        pending = balance.pending.get(currency, Decimal(0))
        note = ""
        if available < 0:
            note = ("Refunds or disputes took back more than you had available; "
                    "Stripe covers it from your next sales before paying you out.")
        elif available > 0 and not account.payouts_enabled:
            note = "Payouts are paused until Stripe has everything it needs from you."
        elif available > 0 and currency not in payable:
            note = f"Add a bank account in {currency.upper()} to be paid out in {currency.upper()}."
        rows.append({
            "currency": currency, "available": available, "pending": pending, "note": note,
            "can_pay_out": available > 0 and account.payouts_enabled and currency in payable,
            "can_add_bank": available > 0 and currency not in payable and currency in EURO_BANK,
        })
    return rows


# A test IBAN per currency a seller may add a bank account in from the dashboard.
EURO_BANK = {"eur": {"country": "DE", "currency": "eur", "account_number": "DE89370400440532013000"}}


@login_required
def dashboard(request):
    account = _seller_or_redirect(request)
    if account is None:
        return redirect("shop:become_seller")
    try:
        balance = balances.retrieve(account)
    except (stripe.StripeError, PinaxConnectError):
        balance = None
    return render(request, "shop/dashboard.html", {
        "account": account,
        "balance": balance,
        "balance_rows": balance_rows(account, balance),
        "can_sell": readiness.is_ready(account, "destination_charges"),
        "not_ready_because": not_ready_because(account),
        "external_accounts": ExternalAccount.objects.filter(account=account),
        "transfers": Transfer.objects.filter(destination=account).order_by("-created"),
        "payouts": Payout.objects.filter(stripe_account=account).order_by("-created"),
        "sales": Purchase.objects.filter(item__seller=request.user).select_related("item", "buyer"),
        "disputes": seller_rows(account),
        "items": request.user.items.all(),
    })


class ItemCreateView(LoginRequiredMixin, CreateView):
    form_class = ItemForm
    template_name = "shop/item_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.account = seller_account(request.user)
        if self.account is None:
            messages.info(request, "Set up a payment account first.")
            return redirect("shop:become_seller")
        if not readiness.is_ready(self.account, "destination_charges"):
            messages.warning(request, "You can list items once Stripe lets your account receive payments. "
                                      "See what Stripe still needs below.")
            return redirect("shop:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "currencies": settings.MARKETPLACE_CURRENCIES,
                "payable": payout_currencies(self.account)}

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
        if request.method == "GET" and not self.account.verification_fields_needed:
            messages.info(request, "Stripe needs nothing more from you right now.")
            return redirect("shop:dashboard")
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
    """A manual payout of everything available in one currency (only where it can succeed)."""
    account = _seller_or_redirect(request)
    form = PayoutForm(request.POST)
    if account is None or not form.is_valid():
        return redirect("shop:dashboard")
    currency = form.cleaned_data["currency"].lower()
    row = next((r for r in balance_rows(account, balances.retrieve(account)) if r["currency"] == currency), None)
    if row is None or not row["can_pay_out"]:
        messages.error(request, (row and row["note"]) or "Nothing available to pay out.")
        return redirect("shop:dashboard")
    try:
        payout = payouts.create(account, row["available"], currency, description="Manual payout from the dashboard")
    except (stripe.StripeError, PinaxConnectError) as exc:
        messages.error(request, f"The payout could not be made: {getattr(exc, 'user_message', None) or 'please try again later'}.")
    else:
        amount = money.format_amount(payout.amount, payout.currency)
        messages.success(request, f"A payout of {amount} is on its way to your bank.")
    return redirect("shop:dashboard")


@login_required
@require_POST
def add_bank_account(request):
    """Add a bank account in a currency the seller has sales in but no bank account for."""
    account = _seller_or_redirect(request)
    currency = request.POST.get("currency", "").lower()
    if account is None or currency not in EURO_BANK:
        return redirect("shop:dashboard")
    try:
        external_accounts.create(account, bank_account={
            **EURO_BANK[currency], "account_holder_name": request.user.get_full_name() or request.user.username,
            "account_holder_type": "individual",
        })
    except (stripe.StripeError, PinaxConnectError) as exc:
        messages.error(request, f"Stripe did not accept the bank account: {getattr(exc, 'user_message', None) or 'please try again later'}.")
    else:
        messages.success(request, f"Your {currency.upper()} bank account was added; you can be paid out in {currency.upper()}.")
    return redirect("shop:dashboard")


@login_required
@require_POST
def express_dashboard(request):
    account = _seller_or_redirect(request)
    if account is None:
        return redirect("shop:become_seller")
    return redirect(onboarding.create_login_link(account))


@login_required
def refund_sale(request, pk):
    """Refund a sale, in full or in part, after the seller confirmed it.

    GET shows what will happen; POST refunds. The transfer to the seller is reversed
    by the same amount and our fee given back in proportion (Stripe's
    ``reverse_transfer`` / ``refund_application_fee``). The purchase records the
    refund through the ``charge.refunded`` webhook; a full refund takes the item back.
    """
    purchase = get_object_or_404(Purchase.objects.select_related("item", "buyer"), pk=pk,
                                 item__seller=request.user, status=Purchase.PAID)
    form = RefundForm(request.POST or None, purchase=purchase)
    if request.method == "POST" and form.is_valid():
        intent = purchase.payment_intent
        if intent is None:
            messages.error(request, "This payment is not recorded yet; try again in a moment.")
            return redirect("shop:dashboard")
        amount = form.cleaned_data["amount"]
        full = amount == purchase.refundable and purchase.amount_refunded == 0
        try:
            refunds.create(
                intent, None if full else amount, reason="requested_by_customer",
                reverse_transfer=True, refund_application_fee=True,
                # One refund per confirmed form: a double submit is the same request to Stripe.
                idempotency_key=f"shop-refund-{purchase.pk}-{form.cleaned_data['token']}",
            )
        except (stripe.StripeError, PinaxConnectError) as exc:
            messages.error(request, f"The refund could not be made: {getattr(exc, 'user_message', None) or 'please try again later'}.")
        else:
            messages.success(request, f"Refunding {amount} {purchase.currency.upper()} to {purchase.buyer} "
                                      f"for {purchase.item}.")
        return redirect("shop:dashboard")
    return render(request, "shop/refund_confirm.html", {"purchase": purchase, "form": form})


# ---- 4. Embedded onboarding: Stripe's own form inside our page (Connect.js) -----------

EMBEDDED_COMPONENTS = ["notification_banner", "account_onboarding"]


@login_required
@require_POST
def embedded_start(request):
    """An account for embedded onboarding (Stripe's form runs inside our page)."""
    if seller_account(request.user) is None:
        accounts.create(request.user, SELLER_COUNTRY, type="express", email=request.user.email or None,
                        capabilities=EXPRESS_CAPABILITIES)
    return redirect("shop:embedded_onboarding")


@login_required
def embedded_onboarding(request):
    """Stripe's embedded onboarding for the seller's account; see docs/embedded.md.

    The Account Session's secret is made for this page load and never stored.
    """
    account = _seller_or_redirect(request)
    if account is None:
        return redirect("shop:become_seller")
    try:
        client_secret = account_sessions.create(account, EMBEDDED_COMPONENTS)
    except (stripe.StripeError, PinaxConnectError):
        messages.error(request, "Stripe's onboarding could not be loaded right now. Please try again.")
        return redirect("shop:dashboard")
    return render(request, "shop/embedded_onboarding.html", {
        "account": account,
        "client_secret": client_secret,
        "components": ",".join(EMBEDDED_COMPONENTS),
        "exit_url": reverse("shop:express_return"),
        "refresh_url": reverse("shop:embedded_session"),
    })


@login_required
@require_POST
def embedded_session(request):
    """A fresh client secret when the page outlives its Account Session (Connect.js asks)."""
    account = seller_account(request.user)
    if account is None:
        return JsonResponse({"error": "no account"}, status=404)
    try:
        return JsonResponse({"client_secret": account_sessions.create(account, EMBEDDED_COMPONENTS)})
    except (stripe.StripeError, PinaxConnectError):
        return JsonResponse({"error": "unavailable"}, status=503)
