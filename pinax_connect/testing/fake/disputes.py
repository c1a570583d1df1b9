"""Disputes and early fraud warnings in the fake Stripe.

Stripe's test cards open them once a payment is captured:

* ``4000000000000259`` (``tok_createDispute`` / ``pm_card_createDispute``):
  a ``fraudulent`` chargeback;
* ``4000000000002685`` (``...createDisputeProductNotReceived``): ``product_not_received``;
* ``4000000000001976`` (``...createDisputeInquiry``): an inquiry
  (``warning_needs_response``), which moves no money;
* ``4000000000005423`` (``...createIssuerFraudRecord``): an early fraud warning.

A chargeback debits the balance the charge paid into — the platform's for
destination charges and separate charges & transfers, the connected account's for
direct charges (which may go negative) — by the amount plus a 15.00 dispute fee, in
one balance transaction (``reporting_category: dispute``). Events, after every
event of the request that captured the payment and with no request id (Stripe's
come later, on their own): ``charge.dispute.created``, then
``charge.dispute.funds_withdrawn``.

Evidence submitted with ``uncategorized_text`` containing ``winning_evidence``
wins the dispute (``charge.dispute.updated``, ``.closed``, then
``.funds_reinstated``: amount and fee credited back); ``losing_evidence`` loses it
(``.updated``, ``.closed``). Other evidence leaves it ``under_review`` until
:func:`decide` is called. ``POST /v1/disputes/{id}/close`` accepts the loss.
"""

import copy
import functools
from typing import Any

from .cards import number_of_card
from .core import FakeStripe, FakeStripeError, Request, route
from .ledger import EmitArgs, available_balance, balance_txn, list_of, param, update_fields

DISPUTE_FEE = 1500  # minor units; Stripe's US dispute fee ($15.00)
EVIDENCE_DAYS = 7  # due_by: the response window Stripe gives in test mode is days, not weeks

# card number -> (what the card does, dispute reason, network reason code)
SCENARIOS = {
    "4000000000000259": ("chargeback", "fraudulent", "10.4"),
    "4000000000002685": ("chargeback", "product_not_received", "13.1"),
    "4000000000001976": ("inquiry", "fraudulent", "10"),
    "4000000000005423": ("early_fraud_warning", None, None),
}

EVIDENCE_TEXT = {
    "access_activity_log": 20000, "billing_address": 5000, "cancellation_policy_disclosure": 20000,
    "cancellation_rebuttal": 20000, "customer_email_address": 5000, "customer_name": 5000,
    "customer_purchase_ip": 5000, "duplicate_charge_explanation": 20000, "duplicate_charge_id": 5000,
    "product_description": 20000, "refund_policy_disclosure": 20000, "refund_refusal_explanation": 20000,
    "service_date": 5000, "shipping_address": 5000, "shipping_carrier": 5000, "shipping_date": 5000,
    "shipping_tracking_number": 5000, "uncategorized_text": 20000,
}
EVIDENCE_FILES = {
    "cancellation_policy", "customer_communication", "customer_signature", "duplicate_charge_documentation",
    "receipt", "refund_policy", "service_documentation", "shipping_documentation", "uncategorized_file",
}
ANSWERABLE = ("needs_response", "warning_needs_response")
CLOSED = ("won", "lost", "warning_closed")


def after_capture(fake: FakeStripe, ch: dict[str, Any], account: str | None) -> list[EmitArgs]:
    """The deferred step (``[(step,)]``) that opens a dispute or warning for a test card, else ``[]``.

    Called by ``charges.settle_charge``; ``fake.emit`` runs the step once the
    request's own events are out, as Stripe's dispute arrives after the payment.
    """
    card = ((ch.get("payment_method_details") or {}).get("card")) or {}
    scenario = SCENARIOS.get(number_of_card(card) or "")
    if scenario is None:
        return []
    return [(functools.partial(_open, ch["id"], account, scenario),)]


def _open(
    ch_id: str, account: str | None, scenario: tuple[str, str | None, str | None], fake: FakeStripe
) -> dict[str, Any]:
    ch = fake.get(ch_id, account, "charge")
    assert ch is not None  # captured in the request this step follows
    kind, reason, network_code = scenario
    if kind == "early_fraud_warning":
        efw = fake.save({
            "id": fake.new_id("issfr"), "object": "radar.early_fraud_warning", "actionable": True,
            "charge": ch["id"], "created": fake.now(), "fraud_type": "made_with_stolen_card",
            "livemode": False, "payment_intent": ch.get("payment_intent"),
        }, account)
        fake.emit("radar.early_fraud_warning.created", efw, account)
        return efw
    inquiry = kind == "inquiry"
    now = fake.now()
    dp = {
        "id": fake.new_id("dp"),
        "object": "dispute",
        "amount": ch["amount_captured"] - ch["amount_refunded"],
        "balance_transactions": [],
        "charge": ch["id"],
        "created": now,
        "currency": ch["currency"],
        "evidence": {name: None for name in sorted(set(EVIDENCE_TEXT) | EVIDENCE_FILES)},
        "evidence_details": {"due_by": now + EVIDENCE_DAYS * 86400, "has_evidence": False,
                             "past_due": False, "submission_count": 0},
        "is_charge_refundable": inquiry,
        "livemode": False,
        "metadata": {},
        "payment_intent": ch.get("payment_intent"),
        "payment_method_details": {
            "card": {"brand": ((ch.get("payment_method_details") or {}).get("card") or {}).get("brand", "visa"),
                     "network_reason_code": network_code},
            "type": "card",
        },
        "reason": reason,
        "status": "warning_needs_response" if inquiry else "needs_response",
    }
    if not inquiry:
        _move_funds(fake, dp, account, -dp["amount"], DISPUTE_FEE, "Chargeback withdrawal for {}".format(ch["id"]))
    ch["disputed"] = True
    fake.save(ch, account)
    fake.save(dp, account)
    fake.emit("charge.dispute.created", dp, account)
    if not inquiry:
        fake.emit("charge.dispute.funds_withdrawn", dp, account)
    for args in warnings_settled(fake, ch, account):
        fake.emit(*args)
    return dp


def warnings_settled(fake: FakeStripe, ch: dict[str, Any], account: str | None) -> list[EmitArgs]:
    """The ``radar.early_fraud_warning.updated`` events of ``ch``'s warnings that stop being
    actionable now that it is disputed or fully refunded (as ``(type, obj, account)``)."""
    if not (ch.get("disputed") or ch.get("refunded")):
        return []
    events = []
    for efw in fake.all("radar.early_fraud_warning", account):
        if efw["charge"] == ch["id"] and efw["actionable"]:
            efw["actionable"] = False
            fake.save(efw, account)
            events.append(("radar.early_fraud_warning.updated", efw, account, {"actionable": True}))
    return events


def check_refundable(fake: FakeStripe, ch: dict[str, Any], account: str | None) -> None:
    """400 ``charge_disputed`` when a chargeback took the charge's money (``is_charge_refundable`` false)."""
    for dp in fake.all("dispute", account):
        if dp["charge"] == ch["id"] and not dp["is_charge_refundable"] and dp["status"] != "won":
            raise FakeStripeError.invalid(
                "charge", "Charge {} has been charged back; cannot issue a refund.".format(ch["id"]),
                code="charge_disputed")


def _move_funds(
    fake: FakeStripe, dp: dict[str, Any], account: str | None, amount: int, fee: int, description: str
) -> dict[str, Any]:
    """A dispute balance transaction on the account the charge paid into (it may go negative)."""
    txn = balance_txn(fake, account, "adjustment", amount, dp["currency"], dp["id"],
                      [("stripe_fee", fee)], description)
    txn["reporting_category"] = "dispute" if amount < 0 else "dispute_reversal"
    for detail in txn["fee_details"]:
        detail["description"] = "Dispute fee"
    fake.save(txn, account)
    dp["balance_transactions"].append(copy.deepcopy(txn))
    return txn


def _find(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "dispute")


def _check_evidence(fake: FakeStripe, evidence: Any, account: str | None) -> None:
    if not isinstance(evidence, dict):
        raise FakeStripeError.invalid("evidence", "Invalid hash")
    for name, value in evidence.items():
        where = f"evidence[{name}]"
        if name in EVIDENCE_FILES:
            if value not in ("", None):
                upload = fake.find(value, account, "file", param=where)
                if upload["purpose"] != "dispute_evidence":
                    raise FakeStripeError.invalid(
                        where, f"The file {value} was not uploaded with purpose dispute_evidence.")
        elif name in EVIDENCE_TEXT:
            if len(value or "") > EVIDENCE_TEXT[name]:
                raise FakeStripeError.invalid(
                    where, "Invalid string: must be at most %d characters" % EVIDENCE_TEXT[name])
        else:
            raise FakeStripeError.unknown(where)
    total = sum(len(v or "") for k, v in evidence.items() if k in EVIDENCE_TEXT)
    if total > 150000:
        raise FakeStripeError.invalid("evidence", "The combined character count of all evidence fields "
                                                  "is limited to 150,000.")


@route("GET", "/v1/disputes", params={"charge", "created", "ending_before", "limit", "payment_intent",
                                      "starting_after"})
def list_disputes(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "dispute", "/v1/disputes", req.account,
                   charge=param(req, "charge"), payment_intent=param(req, "payment_intent"))


@route("GET", "/v1/disputes/{id}")
def retrieve_dispute(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _find(fake, req)


@route("POST", "/v1/disputes/{id}", params={"evidence", "metadata", "submit"})
def update_dispute(fake: FakeStripe, req: Request) -> dict[str, Any] | None:
    dp = _find(fake, req)
    if dp["status"] not in ANSWERABLE:
        raise FakeStripeError.invalid(
            "evidence", "This dispute is already closed." if dp["status"] in CLOSED else
            "You can no longer update the evidence on this dispute: it was submitted already.")
    evidence = req.params.get("evidence") or {}
    _check_evidence(fake, evidence, req.account)
    previous = update_fields(dp, req, ())
    if evidence:
        previous["evidence"] = copy.deepcopy(dp["evidence"])
        for name, value in evidence.items():
            dp["evidence"][name] = value or None
        dp["evidence_details"]["has_evidence"] = True
    submit = fake.to_bool(param(req, "submit", True), "submit")  # Stripe submits unless told not to
    if submit:
        previous.update(status=dp["status"], evidence_details=copy.deepcopy(dp["evidence_details"]))
        dp["evidence_details"]["submission_count"] += 1
        dp["status"] = "warning_under_review" if dp["status"].startswith("warning_") else "under_review"
    fake.save(dp, req.account)
    if previous:
        fake.emit("charge.dispute.updated", dp, req.account, previous_attributes=previous)
    if submit:
        text = dp["evidence"].get("uncategorized_text") or ""
        if "winning_evidence" in text:
            decide(fake, dp["id"], won=True, account=req.account)
        elif "losing_evidence" in text and not dp["status"].startswith("warning_"):
            decide(fake, dp["id"], won=False, account=req.account)
    return fake.get(dp["id"], req.account, "dispute")


def decide(fake: FakeStripe, dispute_id: str, won: bool, account: str | None = None) -> dict[str, Any]:
    """The issuer's decision on a dispute under review (test helper; the magic evidence strings
    call it): ``won`` closes it as won and reinstates amount and fee, otherwise it is lost."""
    dp = fake.get(dispute_id, account, "dispute")
    if dp is None or dp["status"] in CLOSED:
        raise ValueError(f"no open dispute {dispute_id}")
    previous = {"status": dp["status"]}
    inquiry = dp["status"].startswith("warning_")
    if inquiry:
        if not won:
            raise ValueError("an inquiry escalating to a chargeback is not modelled")
        dp["status"] = "warning_closed"
    else:
        dp["status"] = "won" if won else "lost"
    reinstated = won and not inquiry
    if reinstated:
        ch = fake.get(dp["charge"], account, "charge")
        assert ch is not None  # a dispute's charge is kept
        _move_funds(fake, dp, account, dp["amount"], -DISPUTE_FEE, "Chargeback reversal for {}".format(ch["id"]))
    fake.save(dp, account)
    fake.emit("charge.dispute.closed", dp, account, previous_attributes=previous)
    if reinstated:
        fake.emit("charge.dispute.funds_reinstated", dp, account)
    return dp


@route("POST", "/v1/disputes/{id}/close", params=set())
def close_dispute(fake: FakeStripe, req: Request) -> dict[str, Any]:
    dp = _find(fake, req)
    if dp["status"] not in ANSWERABLE:
        raise FakeStripeError.invalid(
            "dispute", "This dispute is already closed." if dp["status"] in CLOSED else
            "This dispute is under review and can no longer be closed.")
    previous = {"status": dp["status"]}
    dp["status"] = "warning_closed" if dp["status"].startswith("warning_") else "lost"
    fake.save(dp, req.account)
    fake.emit("charge.dispute.closed", dp, req.account, previous_attributes=previous)
    return dp


@route("GET", "/v1/radar/early_fraud_warnings", params={"charge", "ending_before", "limit", "payment_intent",
                                                        "starting_after"})
def list_early_fraud_warnings(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return list_of(fake, req, "radar.early_fraud_warning", "/v1/radar/early_fraud_warnings", req.account,
                   charge=param(req, "charge"), payment_intent=param(req, "payment_intent"))


@route("GET", "/v1/radar/early_fraud_warnings/{id}")
def retrieve_early_fraud_warning(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return fake.find(req.path_args["id"], req.account, "radar.early_fraud_warning")


def check_reversal_covered(fake: FakeStripe, tr: dict[str, Any], amount: int) -> None:
    """400 ``balance_insufficient`` when a separate transfer's reversal exceeds the seller's balance.

    Stripe reverses a destination charge's transfer up to the charge whatever the
    connected account holds (its balance may go negative), but a separate transfer
    (``transfer_group``) only when the destination's balance covers the reversal.
    """
    ch = fake.get(tr.get("source_transaction"), None, "charge") if tr.get("source_transaction") else None
    if ch is not None and ch.get("transfer") == tr["id"]:
        return
    if available_balance(fake, tr["destination"], tr["currency"]) < amount:
        raise FakeStripeError(
            400, message="Insufficient funds in the destination account {} to reverse {} of transfer {}.".format(tr["destination"], amount, tr["id"]), code="balance_insufficient")
