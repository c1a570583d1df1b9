from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import Item

# Stripe's test PaymentMethods: they work in test mode on Stripe and in the fake alike.
# (A live site collects the card with Stripe.js / the Payment Element instead, which
# needs js.stripe.com; the demo stays offline, so the buyer picks a test card.)
TEST_CARDS = [
    ("pm_card_visa", "Visa 4242 4242 4242 4242 (succeeds)"),
    ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 (succeeds)"),
    ("pm_card_bypassPending", "Visa 4000 0000 0000 0077 (succeeds, funds available at once)"),
    ("pm_card_chargeDeclined", "Visa 4000 0000 0000 0002 (declined)"),
]


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Stripe receipts and seller notices go here.")

    class Meta(UserCreationForm.Meta):
        fields = ["username", "email"]


class ItemForm(forms.ModelForm):
    currency = forms.ChoiceField(choices=[("usd", "USD"), ("eur", "EUR")])

    class Meta:
        model = Item
        fields = ["title", "description", "content", "price", "currency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "content": forms.Textarea(attrs={"rows": 3})}


class CardForm(forms.Form):
    payment_method = forms.ChoiceField(choices=TEST_CARDS, label="Test card")


class PayoutForm(forms.Form):
    currency = forms.CharField(max_length=3)
