"""Platform staff: answer the disputes on the marketplace's sales.

Our sales are destination charges, so their disputes live on the platform and the
platform answers them (docs/disputes.md). Staff send evidence — a text and, if
they have one, a document — or accept the loss. Everyone else gets 403.
"""
from functools import wraps

import stripe
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pinax_connect.actions import disputes as dispute_actions
from pinax_connect.exceptions import PinaxConnectError
from pinax_connect.models import Dispute

from .disputes import purchases_by_intent, reason_words, status_words


def staff_required(view):
    """Logged-in staff only: anonymous users go to the login page, others get 403."""
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


class EvidenceForm(forms.Form):
    """What staff send the buyer's bank; Stripe takes one submission, so it is final."""

    product_description = forms.CharField(max_length=20000, required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}), label="What was sold")
    customer_email_address = forms.EmailField(required=False, label="Buyer's email")
    uncategorized_text = forms.CharField(
        max_length=20000, widget=forms.Textarea(attrs={"rows": 5}), label="Our answer",
        help_text="Why the payment is legitimate: what the buyer got, when, and how they used it.")
    uncategorized_file = forms.FileField(
        required=False, label="Supporting document (optional)",
        help_text="A PDF, JPEG or PNG: receipt, delivery proof, messages with the buyer. Sent to Stripe, not kept here.")


def _dispute(pk):
    return get_object_or_404(Dispute.objects.select_related("charge", "payment_intent"), pk=pk)


def _failed(request, exc):
    messages.error(request, f"Stripe did not take it: {getattr(exc, 'user_message', None) or exc}")


@staff_required
def dispute_list(request):
    """Every dispute, open ones first by deadline."""
    found = list(Dispute.objects.select_related("charge__destination").order_by("evidence_due_by", "-pk"))
    purchases = purchases_by_intent(found)
    rows = [{"dispute": d, "status": status_words(d), "reason": reason_words(d),
             "purchase": purchases.get(d.stripe_data.get("payment_intent"))} for d in found]
    rows.sort(key=lambda r: not r["dispute"].is_open)
    return render(request, "shop/staff_disputes.html", {"rows": rows})


@staff_required
def dispute_detail(request, pk):
    """One dispute: the evidence form (submit) and the accept button."""
    dispute = _dispute(pk)
    purchase = purchases_by_intent([dispute]).get(dispute.stripe_data.get("payment_intent"))
    initial = {}
    if purchase is not None:
        initial = {"product_description": f"{purchase.item.title}: {purchase.item.description}".strip(": "),
                   "customer_email_address": purchase.buyer.email}
    form = EvidenceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        evidence = {name: form.cleaned_data[name] for name in
                    ("product_description", "customer_email_address", "uncategorized_text")
                    if form.cleaned_data[name]}
        upload = form.cleaned_data["uncategorized_file"]
        try:
            dispute = dispute_actions.update_evidence(
                dispute, evidence, files={"uncategorized_file": upload} if upload else None, submit=True)
        except (stripe.StripeError, PinaxConnectError) as exc:
            _failed(request, exc)
        else:
            messages.success(request, f"Evidence submitted to the buyer's bank. {status_words(dispute)}.")
            return redirect("shop:staff_dispute", pk=pk)
    return render(request, "shop/staff_dispute.html", {
        "dispute": dispute, "purchase": purchase, "form": form,
        "status": status_words(dispute), "reason": reason_words(dispute),
        "answerable": dispute.status in Dispute.ANSWERABLE_STATUSES,
        "recoveries": dispute.recoveries.select_related("account").order_by("created_at", "pk"),
        "test_mode": not dispute.livemode,
    })


@staff_required
@require_POST
def dispute_accept(request, pk):
    """Concede: the dispute is lost and the buyer keeps the money (what was taken from the seller stays taken)."""
    dispute = _dispute(pk)
    try:
        dispute = dispute_actions.accept(dispute)
    except (stripe.StripeError, PinaxConnectError) as exc:
        _failed(request, exc)
    else:
        messages.success(request, f"Dispute accepted. {status_words(dispute)}.")
    return redirect("shop:staff_dispute", pk=pk)
