"""Exceptions raised by pinax_connect (Stripe's own errors pass through unchanged)."""


class PinaxConnectError(Exception):
    """Base class of every error pinax_connect raises itself."""


class InvalidRequest(PinaxConnectError, ValueError):
    """Input rejected before anything was sent to Stripe."""


class AccountNotReady(InvalidRequest):
    """The connected account cannot take this operation (e.g. charges not enabled).

    ``missing`` lists what it lacks (capability names or ``payouts_enabled``) and
    ``purpose`` names the operation (:data:`pinax_connect.readiness.PURPOSES`).
    """

    def __init__(self, message: str = "", *, missing: list[str] | None = None, purpose: str = "") -> None:
        super().__init__(message)
        self.missing: list[str] = list(missing or [])
        self.purpose = purpose


class AccountDeauthorized(PinaxConnectError):
    """The connected account revoked the platform's access."""


class CustomerAccountMismatch(InvalidRequest):
    """A customer was used with a connected account it does not live on."""


class OAuthStateMismatch(InvalidRequest):
    """The OAuth ``state`` sent back by Stripe is not the one stored in the session."""


class AccountOwnedByAnotherUser(InvalidRequest):
    """The connected account is already linked to a different user."""
