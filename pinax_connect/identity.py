"""Which local user a Stripe object was made for, in a way another database cannot forge.

Objects we create for a user (connected accounts) carry the user's primary key in
their metadata so that a sync can link them even when our creation response was
lost. A primary key alone is not enough: after a database restore, or when a
staging site shares the test-mode Stripe account, user #7 here is not user #7
there, and linking by id would hand one seller's account (its dashboard, its
payouts) to a stranger. So the metadata also carries a check: an HMAC of the
user's primary key and join date under this installation's ``SECRET_KEY``.
An object is linked only when both match; otherwise it stays unlinked and the
mismatch is logged for a person to resolve.
"""
from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

logger = logging.getLogger(__name__)

USER_KEY = "pinax_connect_user"
CHECK_KEY = "pinax_connect_user_check"
_SALT = "pinax_connect.identity.user"


def user_check(user: Any) -> str:
    """The per-installation check of ``user`` (hex, 32 characters); no personal data."""
    joined = getattr(user, "date_joined", None)
    return salted_hmac(_SALT, f"{user.pk}|{joined.isoformat() if joined else ''}").hexdigest()[:32]


def user_metadata(user: Any) -> dict[str, str]:
    """The metadata naming ``user``, to merge into what is sent to Stripe."""
    return {USER_KEY: str(user.pk), CHECK_KEY: user_check(user)}


def user_from_metadata(metadata: dict | None, *, label: str = "object") -> Any | None:
    """The local user ``metadata`` names, or ``None`` when absent or not verifiably ours.

    A primary key whose check does not match (another database, a restore, a
    forged value) is refused and logged at WARNING with ``label``.
    """
    metadata = metadata or {}
    pk = metadata.get(USER_KEY)
    if not pk:
        return None
    try:
        user = get_user_model().objects.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):  # not a pk of this user model
        user = None
    check = metadata.get(CHECK_KEY) or ""
    if user is None or not constant_time_compare(check, user_check(user)):
        logger.warning(
            "%s names user %r in its metadata, but the check does not match this installation's user: "
            "left unlinked (link it by hand if it is theirs).",
            label,
            pk,
        )
        return None
    return user
