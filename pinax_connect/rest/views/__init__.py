"""The viewsets, one module per area."""
from .accounts import ConnectedAccountViewSet, ExternalAccountViewSet
from .customers import CustomerViewSet
from .money import PayoutViewSet, TransferViewSet
from .payments import ChargeViewSet, PaymentIntentViewSet, RefundViewSet

__all__ = [
    "ChargeViewSet", "ConnectedAccountViewSet", "CustomerViewSet", "ExternalAccountViewSet",
    "PaymentIntentViewSet", "PayoutViewSet", "RefundViewSet", "TransferViewSet",
]
