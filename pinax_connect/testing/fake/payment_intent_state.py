"""The PaymentIntent object in the fake Stripe and its state machine: building
it, choosing its payment method, confirming it (charging the payment method,
``requires_action`` for 3D Secure, ``requires_capture``) and failing it with a
``last_payment_error``. The routes are in :mod:`.payment_intents`."""

import copy
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from .cards import AUTHENTICATION_REQUIRED, number_of_card
from .charge_objects import card_error, new_charge
from .charges import authorize_charge
from .core import FakeStripe, FakeStripeError, Request
from .ledger import param
from .payment_sources import payment_method_object, resolve_payment_method, resolve_source


def find_payment_intent(fake: FakeStripe, pi_id: str, account: str | None, name: str = "intent") -> dict[str, Any]:
    """The payment intent ``pi_id`` in ``account``'s scope, else 404."""
    return fake.find(pi_id, account, "payment_intent", param=name)


def _unexpected_state(pi: dict[str, Any], action: str, allowed: Iterable[str]) -> FakeStripeError:
    return FakeStripeError.invalid(
        None, "This PaymentIntent's {} could not be performed because it has a status of {}. "
              "Only a PaymentIntent with one of the following statuses may be {}: {}.".format(action, pi["status"], action, ", ".join(allowed)),
        code="payment_intent_unexpected_state")


def _pi_payment_method(fake: FakeStripe, req: Request, pi: dict[str, Any], account: str | None) -> None:
    """Set ``pi.payment_method`` from ``payment_method`` / ``payment_method_data``."""
    value = param(req, "payment_method")
    data = req.params.get("payment_method_data")
    if value:
        pm = resolve_payment_method(fake, value, account)
    elif isinstance(data, dict) and data.get("type") == "card":
        card = data.get("card") or {}
        token = card.get("token") if isinstance(card, dict) else None
        if not token:
            raise FakeStripeError.required("payment_method_data[card][token]")
        _, details = resolve_source(fake, token, account, name="payment_method_data[card][token]")
        pm = payment_method_object(fake, details, account, data.get("billing_details"))
    else:
        return
    if pi["customer"] and pm.get("customer") not in (None, pi["customer"]):
        raise FakeStripeError.invalid(
            "payment_method", "The provided PaymentMethod belongs to another Customer.")
    pi["payment_method"] = pm["id"]


def payment_intent_object(
    fake: FakeStripe, account: str | None, *, amount: int, currency: str, customer: str | None = None,
    description: str | None = None, metadata: dict[str, str] | None = None,
    transfer_data: dict[str, Any] | None = None, application_fee_amount: int | None = None,
    on_behalf_of: str | None = None, transfer_group: str | None = None, capture_method: str = "automatic",
    confirmation_method: str = "automatic", payment_method_types: list[str] | None = None,
    automatic_payment_methods: dict[str, Any] | None = None, receipt_email: str | None = None,
    statement_descriptor: str | None = None, setup_future_usage: str | None = None,
) -> dict[str, Any]:
    """A new ``payment_intent`` (stored) in ``requires_payment_method``."""
    pi_id = fake.new_id("pi")
    pi: dict[str, Any] = {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": fake.client_id() if account else None,
        "application_fee_amount": application_fee_amount,
        "automatic_payment_methods": automatic_payment_methods,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": capture_method,
        "client_secret": f"{pi_id}_secret_{hashlib.sha256(pi_id.encode()).hexdigest()[:24]}",
        "confirmation_method": confirmation_method,
        "created": fake.now(),
        "currency": currency,
        "customer": customer,
        "description": description,
        "invoice": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata or {},
        "next_action": None,
        "on_behalf_of": on_behalf_of,
        "payment_method": None,
        "payment_method_options": {"card": {"installments": None, "mandate_options": None,
                                            "network": None,
                                            "request_three_d_secure": "automatic"}},
        "payment_method_types": payment_method_types or ["card"],
        "processing": None,
        "receipt_email": receipt_email,
        "review": None,
        "setup_future_usage": setup_future_usage,
        "shipping": None,
        "statement_descriptor": statement_descriptor,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": transfer_data,
        "transfer_group": transfer_group,
    }
    return fake.save(pi, account)


def _automatic_payment_methods(fake: FakeStripe, req: Request, types: list[str] | None) -> dict[str, Any] | None:
    """Stripe's default since API 2023-08-16: automatic payment methods are on
    (redirects allowed) unless ``payment_method_types`` is given; both together
    are refused."""
    apm = param(req, "automatic_payment_methods")
    if apm is None:
        return None if types is not None else {"allow_redirects": "always", "enabled": True}
    if not isinstance(apm, dict):
        raise FakeStripeError.invalid("automatic_payment_methods", "Invalid object")
    apm = {"allow_redirects": apm.get("allow_redirects") or "always",
           "enabled": fake.to_bool(apm.get("enabled", "false"), "automatic_payment_methods[enabled]")}
    if apm["allow_redirects"] not in ("always", "never"):
        raise FakeStripeError.invalid("automatic_payment_methods[allow_redirects]",
                                      "Invalid automatic_payment_methods[allow_redirects]: must be one "
                                      "of always or never")
    if apm["enabled"] and types is not None:
        raise FakeStripeError.invalid(
            "automatic_payment_methods",
            "You may only specify one of these parameters: automatic_payment_methods, "
            "payment_method_types.")
    return apm


def _require_return_url(req: Request, apm: Mapping[str, Any] | None, off_session: bool) -> None:
    """A server-side confirm of an intent whose ``automatic_payment_methods``
    (``apm``) may pick a redirect-based method needs somewhere to send the
    customer back to, as on Stripe."""
    apm = apm or {}
    if off_session or not apm.get("enabled") or apm.get("allow_redirects") == "never":
        return
    if not param(req, "return_url"):
        raise FakeStripeError.invalid(
            "return_url",
            "A `return_url` must be specified because this Payment Intent is configured to "
            "automatically accept the payment methods enabled in the Dashboard, some of which "
            "may require a full page redirect to succeed. If you do not want to accept "
            "redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` "
            "and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup "
            "Intents and Payment Intents.")


def confirm_payment_intent(
    fake: FakeStripe, pi: dict[str, Any], account: str | None, off_session: bool = False, authenticated: bool = False
) -> dict[str, Any]:
    """Charge the intent's payment method. A decline stores the failed charge,
    puts the intent back in ``requires_payment_method`` with
    ``last_payment_error`` and raises the 402 card error (with the intent)."""
    if not pi["payment_method"]:
        raise FakeStripeError.invalid(
            "payment_method", "You cannot confirm this PaymentIntent because it's missing a "
                              "payment method. You can either update the PaymentIntent with a "
                              "payment method and then confirm it again, or confirm it again "
                              "directly with a payment method.",
            code="payment_intent_unexpected_state")
    pm = fake.get(pi["payment_method"], account, "payment_method")
    assert pm is not None  # set from a stored payment method (_pi_payment_method)
    details = pm["card"]
    if number_of_card(details) in AUTHENTICATION_REQUIRED and not authenticated:
        if off_session:
            return _fail_intent(fake, pi, account, pm, None, card_error(
                "Your card was declined. This transaction requires authentication.",
                "authentication_required", "authentication_required"))
        pi.update(status="requires_action", next_action={
            "type": "use_stripe_sdk",
            "use_stripe_sdk": {"type": "three_d_secure_redirect",
                               "stripe_js": "https://hooks.stripe.test/3d_secure/{}".format(pi["id"])},
        })
        fake.save(pi, account)
        return pi
    manual = pi["capture_method"] == "manual"
    ch = new_charge(
        fake, account, amount=pi["amount"], currency=pi["currency"], source_id=pm["id"],
        details=details, customer=pi["customer"], payment_intent=pi["id"],
        description=pi["description"], metadata=dict(pi["metadata"]),
        statement_descriptor=pi["statement_descriptor"],
        transfer_data=copy.deepcopy(pi["transfer_data"]),
        application_fee_amount=pi["application_fee_amount"], on_behalf_of=pi["on_behalf_of"],
        transfer_group=pi["transfer_group"], receipt_email=pi["receipt_email"],
        billing_details=copy.deepcopy(pm["billing_details"]),
    )
    pi["latest_charge"] = ch["id"]
    error = authorize_charge(fake, ch, account, details, capture=not manual, payment_method=pm)
    if error:
        return _fail_intent(fake, pi, account, pm, ch, error)
    pi["next_action"] = None
    pi["last_payment_error"] = None
    if manual:
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
        fake.save(pi, account)
        fake.emit("payment_intent.amount_capturable_updated", pi, account)
    else:
        pi.update(status="succeeded", amount_received=pi["amount"])
        fake.save(pi, account)
        fake.emit("payment_intent.succeeded", pi, account)
    return pi


def _fail_intent(
    fake: FakeStripe, pi: dict[str, Any], account: str | None, pm: dict[str, Any] | None,
    ch: dict[str, Any] | None, error: FakeStripeError,
) -> NoReturn:
    err = error.body()["error"]
    err.pop("request_log_url", None)
    err["payment_method"] = copy.deepcopy(pm)
    err["payment_method_type"] = "card"
    pi.update(status="requires_payment_method", last_payment_error=err, next_action=None)
    if ch:
        pi["latest_charge"] = ch["id"]
    fake.save(pi, account)
    fake.emit("payment_intent.payment_failed", pi, account)
    error.extra["payment_intent"] = copy.deepcopy(pi)
    error.extra["payment_method"] = copy.deepcopy(pm)
    raise error
