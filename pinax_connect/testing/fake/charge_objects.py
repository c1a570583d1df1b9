"""The charge object in the fake Stripe: its shape (:func:`new_charge`), lookup
(:func:`find_charge`), the ``card_error`` of a declined card, and Stripe's fee
on a card charge, a deterministic 2.9% + 30 (minor units).

Charges (``py_`` destination payments included) are made here for
:mod:`.charges`, :mod:`.payments` and :mod:`.transfers`.
"""

from collections.abc import Mapping
from typing import Any

from .core import FakeStripe, FakeStripeError
from .ledger import sub_list


def stripe_fee(amount: int) -> int:
    """Stripe's processing fee on a card charge: 2.9% + 30, rounded half up."""
    return (amount * 29 + 500) // 1000 + 30


def card_error(
    message: str, code: str, decline_code: str | None = None, charge: str | None = None,
    param_name: str | None = None, **extra: Any,
) -> FakeStripeError:
    """The 402 ``card_error`` Stripe returns for a declined card."""
    if charge:
        extra["charge"] = charge
    return FakeStripeError(402, "card_error", message, code=code, param=param_name,
                           decline_code=decline_code, extra=extra)


def new_charge(
    fake: FakeStripe, account: str | None, *, amount: int, currency: str, source_id: str | None,
    details: Mapping[str, Any] | None, customer: str | None = None, payment_intent: str | None = None,
    description: str | None = None, metadata: dict[str, str] | None = None,
    statement_descriptor: str | None = None, transfer_data: dict[str, Any] | None = None,
    application_fee_amount: int | None = None, on_behalf_of: str | None = None,
    transfer_group: str | None = None, receipt_email: str | None = None,
    billing_details: dict[str, Any] | None = None, id_prefix: str = "ch",
) -> dict[str, Any]:
    """A charge object (not yet stored). ``details`` are the card's details."""
    ch_id = fake.new_id(id_prefix)
    return {
        "id": ch_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": 0,
        "amount_refunded": 0,
        "application": fake.client_id() if account else None,
        "application_fee": None,
        "application_fee_amount": application_fee_amount,
        "balance_transaction": None,
        "billing_details": billing_details or {
            "address": {"city": None, "country": None, "line1": None, "line2": None,
                        "postal_code": None, "state": None},
            "email": None, "name": None, "phone": None,
        },
        "calculated_statement_descriptor": (statement_descriptor or "PINAX CONNECT")[:22],
        "captured": False,
        "created": fake.now(),
        "currency": currency,
        "customer": customer,
        "description": description,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "invoice": None,
        "livemode": False,
        "metadata": metadata or {},
        "on_behalf_of": on_behalf_of,
        "outcome": None,
        "paid": False,
        "payment_intent": payment_intent,
        "payment_method": source_id,
        "payment_method_details": None if details is None else {
            "type": "card",
            "card": {
                "brand": details["brand"],
                "checks": {"address_line1_check": None, "address_postal_code_check": None,
                           "cvc_check": "pass"},
                "country": details["country"],
                "exp_month": details["exp_month"],
                "exp_year": details["exp_year"],
                "fingerprint": details["fingerprint"],
                "funding": details["funding"],
                "installments": None,
                "last4": details["last4"],
                "mandate": None,
                "network": details["brand"],
                "network_token": {"used": False},
                "three_d_secure": None,
                "wallet": None,
            },
        },
        "radar_options": {},
        "receipt_email": receipt_email,
        "receipt_number": None,
        "receipt_url": f"https://pay.stripe.test/receipts/{ch_id}",
        "refunded": False,
        "refunds": sub_list(f"/v1/charges/{ch_id}/refunds"),
        "review": None,
        "shipping": None,
        "source_transfer": None,
        "statement_descriptor": statement_descriptor,
        "statement_descriptor_suffix": None,
        "status": "pending",
        "transfer": None,
        "transfer_data": transfer_data,
        "transfer_group": transfer_group,
    }


def find_charge(fake: FakeStripe, ch_id: str, account: str | None, name: str = "charge") -> dict[str, Any]:
    """The charge ``ch_id`` in ``account``'s scope, else 404 on ``name``."""
    return fake.find(ch_id, account, "charge", param=name)
