import secrets
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm

from pinax_connect import money

from .models import Item

# Stripe's test PaymentMethods: they work in test mode on Stripe and in the fake alike.
# (A live site collects the card with Stripe.js / the Payment Element instead, which
# needs js.stripe.com; the demo stays offline, so the buyer picks a test card.)
TEST_CARDS = [
    ("pm_card_visa", "Visa 4242 4242 4242 4242 — payment succeeds"),
    ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 — payment succeeds"),
    ("pm_card_chargeDeclined", "Visa 4000 0000 0000 0002 — the bank declines it"),
]


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Stripe receipts and seller notices go here.")

    class Meta(UserCreationForm.Meta):
        fields = ["username", "email"]


class ItemForm(forms.ModelForm):
    currency = forms.ChoiceField(choices=[])

    class Meta:
        model = Item
        fields = ["title", "description", "content", "price", "currency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, currencies=("usd",), payable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c.upper()) for c in currencies]
        elsewhere = [c.upper() for c in currencies if payable is not None and c not in payable]
        if elsewhere:
            self.fields["currency"].help_text = (
                f"Sales in {', '.join(elsewhere)} wait in your balance until you add a bank account in that "
                "currency (the dashboard offers it).")

    def clean(self):
        """A price Stripe will charge: positive, at least its minimum, in the currency's decimals."""
        cleaned = super().clean()
        price, currency = cleaned.get("price"), cleaned.get("currency")
        if price is None or not currency:
            return cleaned
        minimum = money.minimum_charge_amount(currency) or Decimal("0")
        if price <= 0 or price < minimum:
            self.add_error("price", f"The lowest price Stripe accepts in {currency.upper()} is "
                                    f"{money.format_amount(max(minimum, Decimal('0.01')), currency)}.")
            return cleaned
        try:
            money.to_minor(price, currency)
        except ValueError:
            self.add_error("price", f"{currency.upper()} prices cannot have that many decimals.")
        return cleaned


# Demo only: Stripe's dispute test card. The payment succeeds, then the "buyer" disputes
# it at once, so the seller's dashboard and the staff dispute page have something to show.
DISPUTE_TEST_CARD = ("pm_card_createDispute",
                     "Visa 4000 0000 0000 0259 — payment succeeds, then the buyer disputes it (chargeback)")


def test_cards():
    return TEST_CARDS + [DISPUTE_TEST_CARD] if getattr(settings, "DEMO_MODE", False) else TEST_CARDS


class CardForm(forms.Form):
    payment_method = forms.ChoiceField(choices=test_cards, label="Test card")


class PayoutForm(forms.Form):
    currency = forms.CharField(max_length=3)


class RefundForm(forms.Form):
    """How much of a sale to refund; ``token`` makes a double submit one refund on Stripe."""

    amount = forms.DecimalField(decimal_places=2, min_value=Decimal("0.01"), label="Amount to refund")
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, purchase, **kwargs):
        super().__init__(*args, **kwargs)
        self.purchase = purchase
        self.fields["amount"].initial = purchase.refundable
        self.fields["amount"].help_text = f"Up to {money.format_amount(purchase.refundable, purchase.currency)}."
        self.fields["token"].initial = secrets.token_urlsafe(12)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.purchase.refundable:
            raise forms.ValidationError(
                f"At most {money.format_amount(self.purchase.refundable, self.purchase.currency)} is left to refund.")
        return amount
