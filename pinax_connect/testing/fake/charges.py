"""Charges in the fake Stripe, and where their money goes: capture,
destination transfers (and reversals), application fees (and their refunds).

The Stripe fee on a card charge is a deterministic 2.9% + 30 (minor units).
"""

import copy

from .core import FakeStripeError, route
from .cards import DECLINES, number_of_card
from .customers import find_customer, resolve_source
from .disputes import after_capture, check_reversal_covered
from .ledger import (
    as_amount,
    as_currency,
    balance_txn,
    check_can_receive_transfers,
    check_minimum,
    find_account,
    list_of,
    merge_metadata,
    param,
    prepend,
    require_available,
    sub_list,
    update_fields,
)


def stripe_fee(amount):
    """Stripe's processing fee on a card charge: 2.9% + 30, rounded half up."""
    return (amount * 29 + 500) // 1000 + 30


# ---------------------------------------------------------------------------
# Charges: creation and capture (where money moves)

CHARGE_CREATE = {
    "amount", "application_fee", "application_fee_amount", "capture", "card", "currency",
    "customer", "description", "destination", "metadata", "on_behalf_of", "radar_options",
    "receipt_email", "shipping", "source", "statement_descriptor", "statement_descriptor_suffix",
    "transfer_data", "transfer_group",
}


def card_error(message, code, decline_code=None, charge=None, param_name=None, **extra):
    """The 402 ``card_error`` Stripe returns for a declined card."""
    if charge:
        extra["charge"] = charge
    return FakeStripeError(402, "card_error", message, code=code, param=param_name,
                           decline_code=decline_code, extra=extra)


def new_charge(fake, account, *, amount, currency, source_id, details, customer=None,
               payment_intent=None, description=None, metadata=None, statement_descriptor=None,
               transfer_data=None, application_fee_amount=None, on_behalf_of=None,
               transfer_group=None, receipt_email=None, billing_details=None, id_prefix="ch"):
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
        "receipt_url": "https://pay.stripe.test/receipts/%s" % ch_id,
        "refunded": False,
        "refunds": sub_list("/v1/charges/%s/refunds" % ch_id),
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


def authorize_charge(fake, ch, account, details, capture, payment_method=None):
    """Run the card: a declined card stores the failed charge, emits
    ``charge.failed`` and returns the card error to raise; otherwise the
    charge succeeds (captured now when ``capture``) and ``charge.succeeded``
    (+ transfer / fee events) is emitted. Returns None on success."""
    number = number_of_card(details)
    decline = DECLINES.get(number)
    if decline:
        code, decline_code, message = decline
        ch.update(status="failed", failure_code=code, failure_message=message, outcome={
            "network_status": "declined_by_network", "reason": decline_code,
            "risk_level": "normal", "risk_score": 20, "seller_message": "The bank declined the payment.",
            "type": "issuer_declined",
        })
        fake.save(ch, account)
        fake.emit("charge.failed", ch, account)
        extra = {"payment_method": copy.deepcopy(payment_method)} if payment_method else {}
        return card_error(message, code, decline_code, charge=ch["id"], **extra)
    ch.update(status="succeeded", paid=True, outcome={
        "network_status": "approved_by_network", "reason": None, "risk_level": "normal",
        "risk_score": 20, "seller_message": "Payment complete.", "type": "authorized",
    })
    later = []
    if capture:
        later = settle_charge(fake, ch, account, ch["amount"])
    fake.save(ch, account)
    fake.emit("charge.succeeded", ch, account)
    for args in later:
        fake.emit(*args)
    return None


def settle_charge(fake, ch, account, amount):
    """Capture ``amount`` of ``ch``: balance transactions, the destination
    transfer and the application fee. Returns the events to emit after the
    charge's own event, as ``(type, obj, account)`` tuples."""
    cur = ch["currency"]
    fee = ch.get("application_fee_amount") or 0
    ch.update(captured=True, amount_captured=amount)
    events = []
    if account:
        # Direct charge: the connected account pays Stripe's fee and the
        # application fee; the platform earns the latter.
        txn = balance_txn(fake, account, "charge", amount, cur, ch["id"],
                          [("stripe_fee", stripe_fee(amount)), ("application_fee", fee)],
                          ch["description"], incoming=True)
        ch["balance_transaction"] = txn["id"]
        if fee:
            app_fee = new_application_fee(fake, account, ch, fee)
            ch["application_fee"] = app_fee["id"]
            events.append(("application_fee.created", app_fee, None))
        return events + after_capture(fake, ch, account)
    txn = balance_txn(fake, None, "charge", amount, cur, ch["id"],
                      [("stripe_fee", stripe_fee(amount))], ch["description"], incoming=True)
    ch["balance_transaction"] = txn["id"]
    dest = (ch.get("transfer_data") or {}).get("destination")
    if dest:
        fixed = ch["transfer_data"].get("amount")
        tr_amount = min(fixed, amount) if fixed is not None else amount
        tr = create_transfer(fake, tr_amount, cur, dest, source_transaction=ch["id"],
                             transfer_group=ch["transfer_group"], application_fee=fee,
                             incoming=True)
        ch["transfer"] = tr["id"]
        events.append(("transfer.created", tr, None))
        if fee:
            app_fee = new_application_fee(fake, dest, ch, fee, originating=None)
            ch["application_fee"] = app_fee["id"]
            events.append(("application_fee.created", app_fee, None))
    return events + after_capture(fake, ch, account)


def payment_amount(fake, req):
    """``(amount, currency)`` of a charge or PaymentIntent create: both
    required, the amount at least the currency's minimum charge."""
    if "amount" not in req.params:
        raise FakeStripeError.required("amount")
    amount = as_amount(fake, req.params["amount"], "amount")
    currency = as_currency(param(req, "currency"))
    check_minimum(amount, currency)
    return amount, currency


def destination_params(fake, req):
    """``(transfer_data, param name)`` from ``transfer_data[...]`` or the legacy
    ``destination`` / ``destination[account]`` / ``destination[amount]``."""
    td, name = param(req, "transfer_data"), "transfer_data[destination]"
    legacy = param(req, "destination")
    if legacy:
        name = "destination"
        td = {"destination": legacy} if isinstance(legacy, str) else {
            "destination": legacy.get("account"), "amount": legacy.get("amount")}
    if not td:
        return None, name
    if not isinstance(td, dict) or not td.get("destination"):
        raise FakeStripeError.required(name)
    amount = td.get("amount")
    amount_name = "destination[amount]" if name == "destination" else "transfer_data[amount]"
    return {"amount": None if amount in (None, "") else as_amount(fake, amount, amount_name),
            "destination": td["destination"]}, name


def validate_connect_params(fake, req, amount, transfer_data, dest_name, fee, on_behalf_of):
    """Stripe's checks on destination / direct charge parameters."""
    if transfer_data:
        if req.account:
            raise FakeStripeError.invalid(
                dest_name, "Destination charges cannot be created on a connected account "
                           "(with the Stripe-Account header).")
        check_can_receive_transfers(fake, transfer_data["destination"], dest_name)
        if transfer_data["amount"] is not None:
            if fee is not None:
                raise FakeStripeError.invalid(
                    "application_fee_amount",
                    "You cannot specify both application_fee_amount and transfer_data[amount].")
            if transfer_data["amount"] > amount:
                raise FakeStripeError.invalid(
                    "transfer_data[amount]",
                    "transfer_data[amount] cannot be greater than the amount.")
    if fee is not None:
        if not (req.account or transfer_data):
            raise FakeStripeError.invalid(
                "application_fee_amount",
                "Can only apply an application_fee_amount when the request is made on behalf "
                "of another account (using an OAuth key, the Stripe-Account header, or the "
                "transfer_data[destination] parameter).")
        if fee > amount:
            raise FakeStripeError.invalid(
                "application_fee_amount",
                "Application fees cannot be greater than the amount.")
    if on_behalf_of:
        find_account(fake, on_behalf_of, "on_behalf_of")


@route("POST", "/v1/charges", params=CHARGE_CREATE)
def create_charge(fake, req):
    account = req.account
    amount, currency = payment_amount(fake, req)
    transfer_data, dest_name = destination_params(fake, req)
    fee = param(req, "application_fee_amount", param(req, "application_fee"))
    fee = None if fee is None else as_amount(fake, fee, "application_fee_amount")
    validate_connect_params(fake, req, amount, transfer_data, dest_name, fee,
                            param(req, "on_behalf_of"))
    customer = None
    source = param(req, "source") or param(req, "card")
    if param(req, "customer"):
        customer = find_customer(fake, param(req, "customer"), account)
    if source:
        source_id, details = resolve_source(fake, source, account,
                                            customer and customer["id"])
    elif customer:
        if not customer.get("default_source"):
            raise FakeStripeError(402, "card_error",
                                  "Cannot charge a customer that has no active card",
                                  code="missing", param="card")
        source_id, details = resolve_source(fake, customer["default_source"], account,
                                            customer["id"])
    else:
        raise FakeStripeError(400, message="Must provide source or customer.",
                              code="parameter_missing", param="source")
    capture = fake.to_bool(param(req, "capture", True), "capture")
    ch = new_charge(
        fake, account, amount=amount, currency=currency, source_id=source_id, details=details,
        customer=customer and customer["id"], description=param(req, "description"),
        metadata=merge_metadata({}, req.params.get("metadata")),
        statement_descriptor=param(req, "statement_descriptor"), transfer_data=transfer_data,
        application_fee_amount=fee, on_behalf_of=param(req, "on_behalf_of"),
        transfer_group=param(req, "transfer_group"), receipt_email=param(req, "receipt_email"),
    )
    error = authorize_charge(fake, ch, account, details, capture)
    if error:
        raise error
    return ch


def find_charge(fake, ch_id, account, name="charge"):
    """The charge ``ch_id`` in ``account``'s scope, else 404 on ``name``."""
    ch = fake.get(ch_id, account, "charge")
    if ch is None:
        raise FakeStripeError.missing("charge", ch_id, param=name)
    return ch


@route("GET", "/v1/charges/{id}")
def retrieve_charge(fake, req):
    return find_charge(fake, req.path_args["id"], req.account, "id")


@route("POST", "/v1/charges/{id}", params={"customer", "description", "fraud_details",
                                           "metadata", "receipt_email", "shipping",
                                           "transfer_group"})
def update_charge(fake, req):
    account = req.account
    ch = find_charge(fake, req.path_args["id"], account, "id")
    if param(req, "customer"):
        if ch["customer"] and ch["customer"] != param(req, "customer"):
            raise FakeStripeError.invalid("customer", "A charge's customer cannot be changed.")
        find_customer(fake, param(req, "customer"), account)
    previous = update_fields(ch, req, ("customer", "description", "receipt_email", "shipping",
                                       "transfer_group", "fraud_details"))
    fake.save(ch, account)
    if previous:
        fake.emit("charge.updated", ch, account, previous_attributes=previous)
    return ch


@route("POST", "/v1/charges/{id}/capture", params={
    "amount", "application_fee", "application_fee_amount", "receipt_email",
    "statement_descriptor", "statement_descriptor_suffix", "transfer_data", "transfer_group"})
def capture_charge(fake, req):
    account = req.account
    ch = find_charge(fake, req.path_args["id"], account, "id")
    if ch["payment_intent"]:
        raise FakeStripeError.invalid(
            "charge", "This charge belongs to a PaymentIntent: capture the PaymentIntent "
                      "(/v1/payment_intents/%s/capture) instead." % ch["payment_intent"])
    amount = capture_amount(fake, ch, param(req, "amount"), "amount")
    fee = param(req, "application_fee_amount", param(req, "application_fee"))
    if fee is not None:
        ch["application_fee_amount"] = as_amount(fake, fee, "application_fee_amount")
    update_fields(ch, req, ("receipt_email", "statement_descriptor", "transfer_group"))
    later = settle_charge(fake, ch, account, amount)
    fake.save(ch, account)
    fake.emit("charge.captured", ch, account, previous_attributes={"captured": False})
    for args in later:
        fake.emit(*args)
    return ch


def capture_amount(fake, ch, value, name):
    """Validate a capture of ``ch``: uncaptured, and at most the authorized amount."""
    if ch["captured"] or ch["status"] != "succeeded" or ch["refunded"]:
        raise FakeStripeError.invalid(
            "charge", "Charge %s has already been captured." % ch["id"]
            if ch["captured"] else "Charge %s cannot be captured." % ch["id"],
            code="charge_already_captured" if ch["captured"] else "charge_expired_for_capture")
    amount = ch["amount"] if value is None else as_amount(fake, value, name)
    if amount > ch["amount"]:
        raise FakeStripeError.invalid(
            name, "You cannot capture more than the authorized amount (%s)." % ch["amount"],
            code="amount_too_large")
    check_minimum(amount, ch["currency"], name)
    return amount


@route("GET", "/v1/charges", params={"created", "customer", "ending_before", "limit",
                                     "payment_intent", "starting_after", "transfer_group"})
def list_charges(fake, req):
    return list_of(fake, req, "charge", "/v1/charges", req.account,
                   customer=param(req, "customer"), payment_intent=param(req, "payment_intent"),
                   transfer_group=param(req, "transfer_group"))


# ---------------------------------------------------------------------------
# Application fees


def new_application_fee(fake, account, ch, amount, originating=None):
    """The platform's ``application_fee`` on a charge by/for ``account``."""
    fee_id = fake.new_id("fee")
    txn = balance_txn(fake, None, "application_fee", amount, ch["currency"], fee_id, incoming=True)
    fee = {
        "id": fee_id,
        "object": "application_fee",
        "account": account,
        "amount": amount,
        "amount_refunded": 0,
        "application": fake.client_id(),
        "balance_transaction": txn["id"],
        "charge": ch["id"],
        "created": fake.now(),
        "currency": ch["currency"],
        "livemode": False,
        "originating_transaction": originating,
        "refunded": False,
        "refunds": sub_list("/v1/application_fees/%s/refunds" % fee_id),
    }
    return fake.save(fee)


def refund_application_fee(fake, fee, amount, metadata=None):
    """Give ``amount`` of the fee back to the connected account (``fee_refund``)."""
    remaining = fee["amount"] - fee["amount_refunded"]
    if remaining <= 0:
        raise FakeStripeError.invalid(
            "id", "Application fee %s has already been refunded." % fee["id"],
            code="charge_already_refunded")
    if amount > remaining:
        raise FakeStripeError.invalid(
            "amount", "Refund amount (%s) is greater than unrefunded amount on fee (%s)"
            % (amount, remaining), code="amount_too_large")
    fr_id = fake.new_id("fr")
    txn = balance_txn(fake, None, "application_fee_refund", -amount, fee["currency"], fr_id)
    balance_txn(fake, fee["account"], "application_fee_refund", amount, fee["currency"], fr_id)
    fr = fake.save({
        "id": fr_id, "object": "fee_refund", "amount": amount, "balance_transaction": txn["id"],
        "created": fake.now(), "currency": fee["currency"], "fee": fee["id"],
        "metadata": metadata or {},
    })
    previous = {"amount_refunded": fee["amount_refunded"], "refunded": fee["refunded"]}
    fee["amount_refunded"] += amount
    fee["refunded"] = fee["amount_refunded"] == fee["amount"]
    prepend(fee["refunds"], fr)
    fake.save(fee)
    fake.emit("application_fee.refunded", fee, None, previous_attributes=previous)
    return fr


def _find_fee(fake, fee_id, name="id"):
    fee = fake.get(fee_id, None, "application_fee")
    if fee is None:
        raise FakeStripeError.missing("application fee", fee_id, param=name)
    return fee


@route("GET", "/v1/application_fees", params={"charge", "created", "ending_before", "limit",
                                              "starting_after"})
def list_application_fees(fake, req):
    return list_of(fake, req, "application_fee", "/v1/application_fees", None,
                   charge=param(req, "charge"))


@route("GET", "/v1/application_fees/{id}")
def retrieve_application_fee(fake, req):
    return _find_fee(fake, req.path_args["id"])


@route("POST", "/v1/application_fees/{id}/refunds", params={"amount", "metadata"})
def create_fee_refund(fake, req):
    fee = _find_fee(fake, req.path_args["id"])
    value = param(req, "amount")
    amount = fee["amount"] - fee["amount_refunded"] if value is None else as_amount(fake, value, "amount", 1)
    return refund_application_fee(fake, fee, amount, merge_metadata({}, req.params.get("metadata")))


@route("GET", "/v1/application_fees/{id}/refunds", params={"ending_before", "limit",
                                                           "starting_after"})
def list_fee_refunds(fake, req):
    fee = _find_fee(fake, req.path_args["id"])
    return list_of(fake, req, "fee_refund", "/v1/application_fees/%s/refunds" % fee["id"], None,
                   fee=fee["id"])


def _find_fee_refund(fake, req):
    fee = _find_fee(fake, req.path_args["fee"], "fee")
    fr = fake.get(req.path_args["id"], None, "fee_refund")
    if fr is None or fr["fee"] != fee["id"]:
        raise FakeStripeError.missing("fee refund", req.path_args["id"])
    return fee, fr


@route("GET", "/v1/application_fees/{fee}/refunds/{id}")
def retrieve_fee_refund(fake, req):
    return _find_fee_refund(fake, req)[1]


def update_embedded(fake, parent, child, list_key, req):
    """Update a sub-object's metadata (fee refund, transfer reversal) and its
    copy in the parent's embedded list (both platform objects)."""
    update_fields(child, req, ())
    fake.save(child)
    prepend(parent[list_key], child, new=False)
    fake.save(parent)
    return child


@route("POST", "/v1/application_fees/{fee}/refunds/{id}", params={"metadata"})
def update_fee_refund(fake, req):
    fee, fr = _find_fee_refund(fake, req)
    return update_embedded(fake, fee, fr, "refunds", req)


# ---------------------------------------------------------------------------
# Transfers and reversals


def create_transfer(fake, amount, currency, destination, *, source_transaction=None,
                    transfer_group=None, description=None, metadata=None, application_fee=0,
                    incoming=False):
    """Move ``amount`` from the platform to ``destination``: the ``transfer``,
    its balance transactions, and the ``py_`` payment on the connected account
    (whose fee is the destination charge's application fee, if any)."""
    tr_id = fake.new_id("tr")
    # ``incoming``: funded by a charge whose funds may still be pending, so
    # both sides stay pending with it.
    txn = balance_txn(fake, None, "transfer", -amount, currency, tr_id, description=description,
                      incoming=incoming)
    py = new_charge(fake, destination, amount=amount, currency=currency, source_id=None,
                    details=None, description=description, id_prefix="py")
    py.update(status="succeeded", paid=True, captured=True, amount_captured=amount,
              source_transfer=tr_id, application=None, receipt_url=None,
              calculated_statement_descriptor=None, transfer_group=transfer_group)
    py_txn = balance_txn(fake, destination, "payment", amount, currency, py["id"],
                         [("application_fee", application_fee)], incoming=incoming)
    py["balance_transaction"] = py_txn["id"]
    fake.save(py, destination)
    tr = {
        "id": tr_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": txn["id"],
        "created": fake.now(),
        "currency": currency,
        "description": description,
        "destination": destination,
        "destination_payment": py["id"],
        "livemode": False,
        "metadata": metadata or {},
        "reversals": sub_list("/v1/transfers/%s/reversals" % tr_id),
        "reversed": False,
        "source_transaction": source_transaction,
        "source_type": "card",
        "transfer_group": transfer_group,
    }
    return fake.save(tr)


def reverse_transfer_funds(fake, tr, amount, metadata=None, source_refund=None, emit=True):
    """Take ``amount`` of a transfer back from the connected account."""
    left = tr["amount"] - tr["amount_reversed"]
    if amount > left:
        raise FakeStripeError.invalid(
            "amount", "You have attempted to reverse %s, but only %s remains on this transfer."
            % (amount, left), code="amount_too_large")
    trr_id = fake.new_id("trr")
    txn = balance_txn(fake, None, "transfer_refund", amount, tr["currency"], trr_id)
    pyr = None
    if tr["destination_payment"]:
        pyr = fake.new_id("pyr")
        balance_txn(fake, tr["destination"], "payment_refund", -amount, tr["currency"], pyr)
    trr = fake.save({
        "id": trr_id, "object": "transfer_reversal", "amount": amount,
        "balance_transaction": txn["id"], "created": fake.now(), "currency": tr["currency"],
        "destination_payment_refund": pyr, "metadata": metadata or {},
        "source_refund": source_refund, "transfer": tr["id"],
    })
    previous = {"amount_reversed": tr["amount_reversed"], "reversed": tr["reversed"]}
    tr["amount_reversed"] += amount
    tr["reversed"] = tr["amount_reversed"] == tr["amount"]
    prepend(tr["reversals"], trr)
    fake.save(tr)
    if emit:
        fake.emit("transfer.reversed", tr, None, previous_attributes=previous)
    return trr


@route("POST", "/v1/transfers", params={"amount", "currency", "description", "destination",
                                        "metadata", "source_transaction", "source_type",
                                        "transfer_group"})
def create_transfer_route(fake, req):
    if req.account:
        raise FakeStripeError.invalid(
            None, "Transfers are made by the platform: do not send the Stripe-Account header.")
    if "amount" not in req.params:
        raise FakeStripeError.required("amount")
    amount = as_amount(fake, req.params["amount"], "amount", 1)
    currency = as_currency(param(req, "currency"))
    if not param(req, "destination"):
        raise FakeStripeError.required("destination")
    dest = check_can_receive_transfers(fake, param(req, "destination"), "destination")
    source = param(req, "source_transaction")
    incoming = False
    if source:
        ch = find_charge(fake, source, None, "source_transaction")
        if ch["currency"] != currency:
            raise FakeStripeError.invalid(
                "currency", "The currency of source_transaction's balance transaction (%s) "
                            "must be the same as the transfer currency (%s)"
                            % (ch["currency"], currency))
        if amount > ch["amount_captured"] - ch["amount_refunded"]:
            raise FakeStripeError.invalid(
                "amount", "The transfer amount exceeds the amount of the source_transaction.",
                code="transfers_not_allowed")
        # A transfer tied to a charge is funded by it, even while still pending.
        txn = fake.get(ch["balance_transaction"], None, "balance_transaction")
        incoming = bool(txn and txn["status"] == "pending")
    else:
        require_available(
            fake, None, currency, amount,
            "You have insufficient available funds in your Stripe account. Try adding funds "
            "directly to your available balance by creating Charges using the "
            "4000000000000077 test card.")
    tr = create_transfer(fake, amount, currency, dest["id"], source_transaction=source,
                         transfer_group=param(req, "transfer_group"),
                         description=param(req, "description"),
                         metadata=merge_metadata({}, req.params.get("metadata")),
                         incoming=incoming)
    fake.emit("transfer.created", tr)
    return tr


def _find_transfer(fake, req, name="transfer"):
    if req.account:
        raise FakeStripeError.missing("transfer", req.path_args.get(name))
    tr = fake.get(req.path_args[name], None, "transfer")
    if tr is None:
        raise FakeStripeError.missing("transfer", req.path_args[name], param=name)
    return tr


@route("GET", "/v1/transfers/{transfer}")
def retrieve_transfer(fake, req):
    return _find_transfer(fake, req)


@route("POST", "/v1/transfers/{transfer}", params={"description", "metadata"})
def update_transfer(fake, req):
    tr = _find_transfer(fake, req)
    previous = update_fields(tr, req, ("description",))
    fake.save(tr)
    if previous:
        fake.emit("transfer.updated", tr, previous_attributes=previous)
    return tr


@route("GET", "/v1/transfers", params={"created", "destination", "ending_before", "limit",
                                       "starting_after", "transfer_group"})
def list_transfers(fake, req):
    return list_of(fake, req, "transfer", "/v1/transfers", None,
                   destination=param(req, "destination"),
                   transfer_group=param(req, "transfer_group"))


@route("POST", "/v1/transfers/{transfer}/reversals", params={
    "amount", "description", "metadata", "refund_application_fee"})
def create_reversal(fake, req):
    tr = _find_transfer(fake, req)
    left = tr["amount"] - tr["amount_reversed"]
    if left <= 0:
        raise FakeStripeError.invalid("transfer", "Transfer %s has already been fully reversed."
                                      % tr["id"], code="transfer_already_reversed")
    value = param(req, "amount")
    amount = left if value is None else as_amount(fake, value, "amount", 1)
    if amount <= left:  # an over-reversal is refused first (amount_too_large)
        check_reversal_covered(fake, tr, amount)
    trr = reverse_transfer_funds(fake, tr, amount,
                                 metadata=merge_metadata({}, req.params.get("metadata")))
    if fake.to_bool(param(req, "refund_application_fee", False), "refund_application_fee"):
        ch = fake.get(tr["source_transaction"], None, "charge") if tr["source_transaction"] else None
        fee = ch and ch["application_fee"] and fake.get(ch["application_fee"], None,
                                                        "application_fee")
        if fee:
            part = min(fee["amount"] - fee["amount_refunded"], fee["amount"] * amount // tr["amount"])
            if part:
                refund_application_fee(fake, fee, part)
    return trr


@route("GET", "/v1/transfers/{transfer}/reversals", params={"ending_before", "limit",
                                                            "starting_after"})
def list_reversals(fake, req):
    tr = _find_transfer(fake, req)
    return list_of(fake, req, "transfer_reversal", "/v1/transfers/%s/reversals" % tr["id"], None,
                   transfer=tr["id"])


def _find_reversal(fake, req):
    tr = _find_transfer(fake, req)
    trr = fake.get(req.path_args["id"], None, "transfer_reversal")
    if trr is None or trr["transfer"] != tr["id"]:
        raise FakeStripeError.missing("transfer_reversal", req.path_args["id"])
    return tr, trr


@route("GET", "/v1/transfers/{transfer}/reversals/{id}")
def retrieve_reversal(fake, req):
    return _find_reversal(fake, req)[1]


@route("POST", "/v1/transfers/{transfer}/reversals/{id}", params={"metadata"})
def update_reversal(fake, req):
    tr, trr = _find_reversal(fake, req)
    return update_embedded(fake, tr, trr, "reversals", req)
