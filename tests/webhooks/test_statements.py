"""One transaction, one commit per inline delivery; the statements it costs.

Counted outside a test transaction, as in production. Every statement the database
receives is counted: what goes through the cursor (SQLite's BEGIN, SAVEPOINT,
RELEASE included), each COMMIT/ROLLBACK (driver calls that bypass the cursor), and
on PostgreSQL the BEGIN psycopg sends by itself before a transaction's first statement.
"""
from decimal import Decimal

import pytest
from django.db import connection

from pinax_connect.models import Account, Charge, Customer, Event, Payout

from .conftest import account_object, make_event

pytestmark = pytest.mark.django_db(transaction=True)


class Statements:
    """Every statement sent to the database while active (see the module docstring)."""

    def __init__(self):
        self.log = []  # statement kinds
        self.sql = []  # the statements, same order (COMMIT/ROLLBACK/implicit BEGIN by name)

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        words = sql.split(None, 2)
        self.log.append("ROLLBACK TO" if words[:2] == ["ROLLBACK", "TO"] else words[0].upper())
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        self._commit, self._rollback = connection._commit, connection._rollback

        def commit():
            self._implicit_begin()
            self.log.append("COMMIT")
            self.sql.append("COMMIT")
            return self._commit()

        def rollback():
            self._implicit_begin()
            self.log.append("ROLLBACK")
            self.sql.append("ROLLBACK")
            return self._rollback()

        connection._commit, connection._rollback = commit, rollback
        return self

    def _implicit_begin(self):
        if connection.vendor == "postgresql":
            start = max((i for i, s in enumerate(self.log) if s in ("COMMIT", "ROLLBACK")), default=-1) + 1
            self.log.insert(start, "BEGIN")
            self.sql.insert(start, "BEGIN")

    def __exit__(self, *exc):
        connection._commit, connection._rollback = self._commit, self._rollback
        self._wrapper.__exit__(*exc)

    def count(self, kind):
        return self.log.count(kind)


def test_the_pipeline_costs_4_statements_in_one_commit_around_the_handlers(stripe_webhook_client, recorder):
    """BEGIN, INSERT event (stored, claimed and marked at once), SAVEPOINT, COMMIT: a
    handler that needs up to 2 statements keeps a delivery within 6."""
    recorder.listen("invoice.paid")  # a handler and a receiver that run no SQL
    with Statements() as statements:
        response = stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))

    assert (response.status_code, response.content) == (200, b"processed")
    assert statements.log == ["BEGIN", "INSERT", "SAVEPOINT", "COMMIT"], "\n".join(statements.sql)
    assert len(recorder.handled) == len(recorder.signalled) == 1
    event = Event.objects.get()
    assert (event.status, event.attempts, event.deliveries) == (Event.PROCESSED, 1, 1)
    assert event.processed_at is not None and event.receiver_errors == {}


def test_account_updated_adds_only_the_handlers_own_statements(stripe_webhook_client):
    """account.updated of a mirrored account: the 4 pipeline statements plus the sync's
    one UPDATE … RETURNING (whose row carries the capability watermarks, so they are
    not read again); one commit."""
    acct = account_object("acct_stmts")
    stripe_webhook_client(make_event("account.updated", acct, account="acct_stmts", created=1700000000))
    changed = {**acct, "email": "changed@example.com"}

    with Statements() as statements:
        response = stripe_webhook_client(make_event("account.updated", changed, account="acct_stmts", created=1700000100))

    assert (response.status_code, response.content) == (200, b"processed")
    assert Account.objects.get(stripe_id="acct_stmts").email == "changed@example.com"
    pipeline = [s for s, sql in zip(statements.log, statements.sql) if "pinax_connect_account" not in sql]
    assert pipeline == ["BEGIN", "INSERT", "SAVEPOINT", "COMMIT"], "\n".join(statements.sql)
    assert len(statements.log) == 5, "\n".join(statements.sql)
    assert not [sql for sql in statements.sql if sql.startswith("SELECT")], "\n".join(statements.sql)


def test_a_new_charge_with_customer_and_destination_costs_6_statements(stripe_webhook_client):
    """charge.succeeded of a new destination charge: the sync's UPDATE finds no row, its
    INSERT creates it; the charge's customer and destination account are found by the
    INSERT itself (sub-selects), not by queries."""
    Account.objects.create(stripe_id="acct_dest")
    Customer.objects.create(stripe_id="cus_buyer")
    charge = {
        "id": "ch_stmts", "object": "charge", "amount": 1000, "currency": "usd", "status": "succeeded",
        "paid": True, "captured": True, "customer": "cus_buyer", "transfer_data": {"destination": "acct_dest"},
        "created": 1700000000, "livemode": False,
    }

    with Statements() as statements:
        response = stripe_webhook_client(make_event("charge.succeeded", charge, created=1700000000))

    assert (response.status_code, response.content) == (200, b"processed")
    assert statements.log == ["BEGIN", "INSERT", "SAVEPOINT", "UPDATE", "INSERT", "COMMIT"], "\n".join(statements.sql)
    stored = Charge.objects.get(stripe_id="ch_stmts")
    assert (stored.customer.stripe_id, stored.destination.stripe_id) == ("cus_buyer", "acct_dest")
    assert stored.amount == Decimal("10.00")


def test_a_new_payout_of_a_connected_account_costs_6_statements(stripe_webhook_client):
    """payout.paid on a connected account: the event's INSERT also finds the account
    (a sub-select in its RETURNING); the payout's UPDATE finds no row, its INSERT
    creates it, linked to that account."""
    Account.objects.create(stripe_id="acct_payee")
    payout = {
        "id": "po_stmts", "object": "payout", "amount": 900, "currency": "eur", "status": "paid",
        "arrival_date": 1700086400, "created": 1700000000, "livemode": False,
    }

    with Statements() as statements:
        response = stripe_webhook_client(make_event("payout.paid", payout, account="acct_payee", created=1700000000))

    assert (response.status_code, response.content) == (200, b"processed")
    assert statements.log == ["BEGIN", "INSERT", "SAVEPOINT", "UPDATE", "INSERT", "COMMIT"], "\n".join(statements.sql)
    stored = Payout.objects.get(stripe_id="po_stmts")
    assert (stored.stripe_account.stripe_id, stored.amount, stored.status) == ("acct_payee", Decimal("9.00"), "paid")


def test_a_duplicate_delivery_costs_at_most_3_statements_and_changes_nothing_but_the_count(
    stripe_webhook_client, recorder
):
    recorder.listen("invoice.paid")
    event = make_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    stripe_webhook_client(event)

    with Statements() as statements:
        response = stripe_webhook_client(event)

    assert (response.status_code, response.content) == (200, b"skipped")
    assert len(statements.log) <= 3, statements.log
    assert statements.count("COMMIT") == 1
    stored = Event.objects.get()
    assert (stored.deliveries, stored.attempts) == (2, 1)
    assert len(recorder.handled) == len(recorder.signalled) == 1


def test_a_connect_event_finds_its_account_without_a_select(fake_stripe, stripe_webhook_client):
    """The event's INSERT finds the account (the unknown_account check); the handler
    links the customer to it without reading it again."""
    Account.objects.create(stripe_id="acct_once")
    obj = {"id": "cus_once", "object": "customer", "email": "a@example.com", "created": 1700000000, "livemode": False}
    stripe_webhook_client(make_event("customer.created", obj, account="acct_once", created=1700000000))

    with Statements() as statements:
        wrapper_sql = []

        def capture(execute, sql, params, many, context):
            wrapper_sql.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            response = stripe_webhook_client(
                make_event("customer.updated", {**obj, "email": "b@example.com"}, account="acct_once", created=1700000100)
            )

    assert response.content == b"processed"
    customer = Customer.objects.get(stripe_id="cus_once")
    assert customer.email == "b@example.com" and customer.stripe_account.stripe_id == "acct_once"
    account_reads = [sql for sql in wrapper_sql if sql.startswith("SELECT") and 'FROM "pinax_connect_account"' in sql]
    assert account_reads == []
    assert statements.count("COMMIT") == 1


def test_a_failing_handler_leaves_the_event_stored_and_failed_in_the_same_single_commit(
    stripe_webhook_client, register_handler
):
    def broken(event, source, subtype):
        Account.objects.create(stripe_id="acct_rolled_back")
        raise RuntimeError("cannot apply")

    register_handler("invoice.paid", broken)

    with Statements() as statements:
        response = stripe_webhook_client(make_event("invoice.paid", {"id": "in_1", "object": "invoice"}))

    assert response.content == b"failed"
    assert statements.count("COMMIT") == 1 and statements.count("ROLLBACK") == 0, statements.log
    stored = Event.objects.get()
    assert (stored.status, stored.attempts, stored.last_error) == (Event.FAILED, 1, "RuntimeError: cannot apply")
    assert stored.processed_at is None and stored.next_attempt_at is not None
    assert not Account.objects.filter(stripe_id="acct_rolled_back").exists()

