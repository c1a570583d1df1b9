"""One entry point to mirror a whole Stripe list into a model: :func:`sync_all`.

It dispatches to the list-sync of the model's actions module, so the mapping and
the paging rules stay in one place per model (used by the ``sync`` management
command and by scheduled jobs).
"""
import importlib
from typing import Any

from ..exceptions import InvalidRequest
from ..models import (
    Account,
    ApplicationFee,
    Charge,
    Customer,
    Dispute,
    EarlyFraudWarning,
    ExternalAccount,
    PaymentIntent,
    Payout,
    Refund,
    Transfer,
)

# model -> (actions module, list-sync function). Imported when used, so every
# actions module may import this one without a cycle.
LIST_SYNCS = {
    Account: ("accounts", "sync_accounts"),
    Customer: ("customers", "sync_customers"),
    Charge: ("charges", "sync_charges"),
    Refund: ("refunds", "sync_refunds"),
    PaymentIntent: ("payment_intents", "sync_payment_intents"),
    Transfer: ("transfers", "sync_transfers"),
    Payout: ("payouts", "sync_payouts"),
    ExternalAccount: ("external_accounts", "sync_external_accounts"),
    ApplicationFee: ("application_fees", "sync_application_fees"),
    Dispute: ("disputes", "sync_disputes"),
    EarlyFraudWarning: ("early_fraud_warnings", "sync_early_fraud_warnings"),
}
# Lists that live on one connected account and make no sense for the platform.
PER_ACCOUNT_ONLY = {ExternalAccount}
# Lists that exist only on the platform.
PLATFORM_ONLY = {Account, ApplicationFee}


def _list_sync(model: Any) -> Any:
    if isinstance(model, str):
        model = {m.__name__.lower(): m for m in LIST_SYNCS}.get(model.lower().replace("_", ""), model)
    if model not in LIST_SYNCS:
        names = ", ".join(m.__name__ for m in LIST_SYNCS)
        raise InvalidRequest(f"Cannot sync {model!r}: use one of {names}.")
    module_name, function_name = LIST_SYNCS[model]
    module = importlib.import_module(f"{__package__}.{module_name}")
    return model, getattr(module, function_name)


def _add(total: tuple[int, int], result: tuple[int, int]) -> tuple[int, int]:
    created, updated = result
    return total[0] + created, total[1] + updated


def sync_all(
    model: Any, *, stripe_account: Any = None, created_gte: Any = None, progress: Any = None
) -> tuple[int, int]:
    """Mirror every Stripe object of ``model`` and return ``(created, updated)``.

    ``model`` is one of Account, Customer, Charge, Refund, PaymentIntent, Transfer,
    Payout, ExternalAccount, ApplicationFee (the class or its name). ``stripe_account`` (an ``Account`` or
    ``acct_...``) syncs that connected account's objects instead of the platform's;
    for ExternalAccount without it, every authorized custom and express account is
    synced in turn (Standard accounts' bank details are not the platform's to read).
    ``created_gte`` (datetime or unix seconds) limits to newer objects where Stripe's
    list supports it; ``progress(n)`` is called after each page. Each page is one
    list call and a bounded number of queries; unchanged rows are not written.
    """
    model, list_sync = _list_sync(model)
    if model in PLATFORM_ONLY:
        if stripe_account is not None:
            raise InvalidRequest(f"{model.__name__} objects are listed on the platform only.")
        return list_sync(created_gte=created_gte, progress=progress)
    if model in PER_ACCOUNT_ONLY:
        if stripe_account is not None:
            return list_sync(stripe_account, created_gte=created_gte, progress=progress)
        total = (0, 0)
        owned = Account.objects.filter(authorized=True, type__in=("custom", "express")).order_by("pk")
        for account in owned.iterator():
            total = _add(total, list_sync(account, created_gte=created_gte, progress=progress))
        return total
    return list_sync(stripe_account=stripe_account, created_gte=created_gte, progress=progress)
