"""Helpers for the webhook-storm tests: a history of actions on one connected account,
and the comparison of the mirror with the fake Stripe's final state."""
from decimal import Decimal

from pinax_connect.actions import accounts, charges, customers, payouts, refunds, transfers
from pinax_connect.models import Account, Charge, Customer, Payout, Refund, Transfer

# The mirrored models whose rows are compared, with how to find the object in the fake.
COMPARED = (Account, Customer, Charge, Refund, Transfer, Payout)


def one_round(fake, account, customer, i, tick=1):
    """Change every kind of object once; the clock moves ``tick`` seconds before each
    change (Stripe's event ``created`` has one-second resolution, so ``tick=0`` makes
    the whole round one second of ties)."""
    fake.advance(tick)
    account = accounts.update(account, {"business_profile": {"name": f"Shop {i}"}})
    fake.advance(tick)
    customers.update(customer, name=f"Buyer {i}")
    fake.advance(tick)
    charge = charges.create(Decimal(10 + i), source="tok_visa", destination_account=account,
                            description=f"order {i}")
    fake.advance(tick)
    refunds.create(charge, Decimal("1.00"))
    fake.advance(tick)
    transfers.create(Decimal("2.00"), "usd", account, description=f"bonus {i}")
    fake.advance(tick)
    payouts.create(account, Decimal("1.00"), "usd", description=f"payout {i}")
    return account


def prepare(fake, account, buyer):
    """Fund the balances and make the buyer's customer on the account."""
    fake.balance_add(None, "usd", 10**6)
    fake.balance_add(account.stripe_id, "usd", 10**6)
    return customers.get_or_create(buyer, stripe_account=account)


def stripe_object_of(fake, row):
    """The object as the fake Stripe holds it now, for a mirror row."""
    scope = getattr(row, "stripe_account", None)
    scope = scope.stripe_id if scope is not None else None
    return fake.get(row.stripe_id, scope)


def mismatches(fake):
    """``[(model, stripe_id, field)]`` where the mirror differs from Stripe's final state."""
    found = []
    for model in COMPARED:
        for row in model.objects.all():
            current = stripe_object_of(fake, row)
            if current is None:
                found.append((model.__name__, row.stripe_id, "missing on Stripe"))
                continue
            for key in sorted(set(current) | set(row.stripe_data)):
                if current.get(key) != row.stripe_data.get(key):
                    found.append((model.__name__, row.stripe_id, key))
    return found


def missing_rows(fake, account):
    """Objects Stripe holds that the mirror lacks (platform and ``account`` scopes)."""
    missing = []
    for model, object_type, scope in (
        (Customer, "customer", account.stripe_id),
        (Charge, "charge", None),
        (Refund, "refund", None),
        (Transfer, "transfer", None),
        (Payout, "payout", account.stripe_id),
    ):
        have = set(model.objects.values_list("stripe_id", flat=True))
        missing += [obj["id"] for obj in fake.all(object_type, scope) if obj["id"] not in have]
    return missing
