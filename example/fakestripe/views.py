"""Stand-ins for the pages Stripe hosts, so the offline demo's redirects go somewhere real.

Each page plays the user's part on Stripe's side through the fake's test helpers
(``visit_account_link``, ``oauth_code``, ``complete_checkout_session``, ...) and then
redirects back exactly as Stripe would. Demo-only controls ("Stripe asks for more
information", "the bank pays out") sit here too.
"""
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pinax_connect.client import get_client
from pinax_connect.money import from_minor
from pinax_connect.testing import FakeStripeError
from shop.models import seller_account

from .fake import get_fake

TEST_CARDS = [
    ("pm_card_visa", "4242 4242 4242 4242 — payment succeeds"),
    ("pm_card_chargeDeclined", "4000 0000 0000 0002 — the bank declines it"),
    ("pm_card_createDispute", "4000 0000 0000 0259 — payment succeeds, then the buyer disputes it (chargeback)"),
]
# What the "Stripe asks for more" button requests, and how long the seller has.
RAISED_FIELDS = ["individual.id_number"]
RAISED_DEADLINE = datetime.timedelta(days=7)


def account_link(request, token):
    """Stripe's hosted onboarding: one click fills in test data and returns to the platform."""
    if request.method == "POST":
        try:
            return redirect(get_fake().visit_account_link(token))
        except KeyError:
            raise Http404("No such account link") from None
    return render(request, "fakestripe/account_link.html", {"token": token})


def express_dashboard(request, account_id, token):
    return render(request, "fakestripe/express_dashboard.html", {"account_id": account_id})


def oauth_authorize(request):
    """connect.stripe.com/oauth/authorize: the seller connects (or creates) a Standard account."""
    params = request.GET if request.method == "GET" else request.POST
    redirect_uri, state = params.get("redirect_uri", ""), params.get("state", "")
    if not redirect_uri:
        raise Http404("redirect_uri is required by this stand-in")
    if request.method == "POST":
        if "deny" in request.POST:
            answer = {"error": "access_denied", "error_description": "The user denied your request", "state": state}
        else:
            code = get_fake().oauth_code(email=params.get("stripe_user[email]") or None,
                                         scope=params.get("scope", "read_write"))
            answer = {"code": code, "scope": params.get("scope", "read_write"), "state": state}
        return redirect(f"{redirect_uri}?{urlencode(answer)}")
    return render(request, "fakestripe/oauth_authorize.html", {"params": params})


def checkout(request, session_id):
    """Stripe Checkout: pay the session with a test card, then go to its success_url."""
    fake = get_fake()
    try:
        session = fake.find(session_id, None, "checkout.session")
    except FakeStripeError:
        raise Http404("No such checkout session") from None
    error = None
    if request.method == "POST" and session["status"] == "open":
        try:
            fake.complete_checkout_session(session_id, payment_method=request.POST.get("card", "pm_card_visa"),
                                           email=request.POST.get("email") or None)
        except FakeStripeError as exc:
            error = exc.message
        else:
            return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
    return render(request, "fakestripe/checkout.html", {
        "session": session, "cards": TEST_CARDS, "error": error,
        "amount": from_minor(session["amount_total"], session["currency"]), "item": session["line_items"]["data"][0]["description"],
    })


@login_required
@require_POST
def raise_requirements(request):
    """Demo: Stripe wants more information from the seller, with a deadline."""
    account = seller_account(request.user)
    if account is None:
        return redirect("shop:become_seller")
    fake = get_fake()
    deadline = fake.now() + int(RAISED_DEADLINE.total_seconds())
    fake.raise_requirements(account.stripe_id, RAISED_FIELDS, deadline=deadline)
    messages.info(request, "Stripe (fake) now asks for more information; account.updated was delivered.")
    return redirect("shop:dashboard")


@login_required
@require_POST
def settle_payouts(request):
    """Demo: the bank confirms the seller's pending payouts (``payout.paid``)."""
    account = seller_account(request.user)
    if account is not None:
        get_fake().pay_out(account=account.stripe_id)
    return redirect("shop:dashboard")


@login_required
@require_POST
def complete_embedded(request):
    """Demo: what the seller does in Stripe's embedded onboarding form (Connect.js)."""
    account = seller_account(request.user)
    if account is None:
        return redirect("shop:become_seller")
    get_fake().complete_onboarding(account.stripe_id)
    return redirect("shop:express_return")


@require_POST
def expire_checkout(request, session_id):
    """Demo: the buyer left the payment page open until it expired (``checkout.session.expired``)."""
    fake = get_fake()
    try:
        session = fake.find(session_id, None, "checkout.session")
    except FakeStripeError:
        raise Http404("No such checkout session") from None
    if session["status"] == "open":
        get_client().v1.checkout.sessions.expire(session_id)
    return redirect(session["cancel_url"] or "/")
