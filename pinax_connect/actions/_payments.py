"""What a charge and a payment intent send alike (private).

Both take money from a customer and route it in Connect terms: a destination
(``transfer_data``), a direct charge (``Stripe-Account``), an application fee,
``on_behalf_of``, a transfer group and metadata. The rules are written once here.
"""
from typing import Any

from ..exceptions import InvalidRequest
from ._shared import connect_routing, stripe_id_of
from .customers import customer_account_check


def routed_payment(
    *, amount: int, currency: str, customer: Any = None, destination: Any = None, stripe_account: Any = None,
    application_fee: Any = None, on_behalf_of: Any = None, transfer_group: str | None = None,
    metadata: dict | None = None, description: str | None = None,
    destination_name: str = "destination", fee_name: str = "application_fee_amount",
) -> tuple[Any, dict[str, Any]]:
    """Validate a payment's routing and return ``(account, params)``.

    ``amount`` is in minor units. ``params`` holds ``customer``,
    ``transfer_data[destination]``, ``application_fee_amount``, ``on_behalf_of``
    (``True`` means the destination), ``transfer_group``, ``metadata`` and
    ``description`` as given; ``account`` is the mirrored ``stripe_account`` of a
    direct charge (or ``None``). Raises :class:`InvalidRequest`,
    :class:`AccountNotReady` or :class:`CustomerAccountMismatch` before anything is sent.
    """
    account, destination_id, fee = connect_routing(
        amount=amount, currency=currency, destination=destination, stripe_account=stripe_account,
        application_fee=application_fee, destination_name=destination_name, fee_name=fee_name,
    )
    customer_account_check(customer, stripe_account)
    params: dict[str, Any] = {}
    if customer is not None:
        params["customer"] = stripe_id_of(customer)
    if destination_id:
        params["transfer_data"] = {"destination": destination_id}
    if fee is not None:
        params["application_fee_amount"] = fee
    if on_behalf_of is True:
        if destination_id is None:
            raise InvalidRequest(f"on_behalf_of=True needs a {destination_name}")
        params["on_behalf_of"] = destination_id
    elif on_behalf_of:
        params["on_behalf_of"] = stripe_id_of(on_behalf_of)
    for key, value in (("transfer_group", transfer_group), ("metadata", metadata), ("description", description)):
        if value:
            params[key] = value
    return account, params
