"""The objects the benchmarks work on, built from the test kit's own factories.

Every object starts as one realistic template made by
:func:`pinax_connect.testing.factories.mock_object` (the fake Stripe answers the
API calls a marketplace makes: an onboarded custom account, a card charge, a
payout...), so there is no second copy of Stripe's shapes here. Copies get their
own id, ``created`` and the fields that link them (destination, customer). Copies
are shallow: nested dicts are shared between copies, which keeps 50,000 seeded
accounts in a few hundred MB; nothing on the measured paths mutates them (the
fake serializes what it returns, webhook payloads are serialized before sending).
"""
import functools

from pinax_connect.testing.factories import mock_event, mock_object

# Fixed ids, so runs are comparable and reruns do not depend on the factory's counter.
ACCOUNT_ID = "acct_bench%012d"
CHARGE_ID = "ch_bench%014d"
CUSTOMER_ID = "cus_bench%012d"
PAYOUT_ID = "po_bench%014d"
START = 1_700_000_000  # created of the first seeded object (unix seconds)
CUSTOMERS = 100  # charges are paid by a pool of this many customers


@functools.lru_cache(maxsize=None)
def template(resource):
    """One realistic object of ``resource`` ("Account", "Charge"...), made once per process."""
    return mock_object(resource)


def clone(resource, **fields):
    """A shallow copy of the ``resource`` template with ``fields`` replaced."""
    return {**template(resource), **fields}


def account(i):
    """The i-th seller: an onboarded US custom account (charges and payouts enabled)."""
    acct_id = ACCOUNT_ID % i
    return clone("Account", id=acct_id, created=START + i, email=f"seller{i}@example.com")


def customer(i):
    """The i-th buyer (a platform customer)."""
    return clone("Customer", id=CUSTOMER_ID % i, created=START + i, email=f"buyer{i}@example.com")


def charge(i, accounts):
    """The i-th destination charge: a platform card charge paid by a pooled customer,
    transferred to one of ``accounts`` sellers."""
    ch_id = CHARGE_ID % i
    return clone(
        "Charge",
        id=ch_id,
        created=START + i,
        amount=1000 + i % 9000,
        amount_captured=1000 + i % 9000,
        customer=CUSTOMER_ID % (i % CUSTOMERS),
        transfer_data={"amount": None, "destination": ACCOUNT_ID % (i % accounts)},
        transfer_group=f"order_{i}",
        receipt_url=f"https://pay.stripe.test/receipts/{ch_id}",
    )


def payout(i):
    """The i-th payout of a connected account, as ``payout.paid`` carries it."""
    return clone("Payout", id=PAYOUT_ID % i, created=START + i, amount=500 + i % 5000, status="paid")


def seed(fake, resource, n, *, offset=0, **kwargs):
    """Store ``n`` objects straight into the fake's state (the API would be far slower)."""
    build = {"Account": account, "Customer": customer, "Charge": charge}[resource]
    for i in range(offset, offset + n):
        fake.save(build(i, **kwargs))


def webhook_events(kind, n, *, accounts, offset=0):
    """``n`` events of ``kind`` as Stripe delivers them (one new event id each).

    * ``account.updated``: the seller ``i % accounts`` (mirrored beforehand) changed;
      the row is updated.
    * ``charge.succeeded``: a new destination charge (platform event); the row is
      created, linked to its customer and destination account.
    * ``payout.paid``: a payout of the connected account ``i % accounts`` (a Connect
      event with ``account``); the row is created on that account.
    """
    events = []
    for i in range(offset, offset + n):
        if kind == "account.updated":
            obj = {**account(i % accounts), "metadata": {"bench_revision": str(i)}}
            # Connect events carry the connected account, account.updated included.
            events.append(mock_event(kind, obj, account=obj["id"], created=START + 10_000_000 + i))
        elif kind == "charge.succeeded":
            events.append(mock_event(kind, charge(i, accounts), created=START + 10_000_000 + i))
        elif kind == "payout.paid":
            events.append(
                mock_event(kind, payout(i), account=ACCOUNT_ID % (i % accounts), created=START + 10_000_000 + i)
            )
        else:
            raise ValueError(f"No benchmark events of type {kind!r}")
    return events


EVENT_TYPES = ("account.updated", "charge.succeeded", "payout.paid")
