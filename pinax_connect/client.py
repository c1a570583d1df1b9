"""The one place that builds a ``stripe.StripeClient``.

It knows the API key, the API version, retries and the HTTP layer. Nothing else in
pinax_connect (or in a host project) needs ``stripe.api_key``: actions call
:func:`get_client`. Tests and the example swap the HTTP layer with
:func:`use_http_client` (``pinax_connect.testing.FakeStripe`` is such a layer).
"""
import hashlib
import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import stripe
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .conf import settings

_lock = threading.Lock()
_http_client_override = None
_cache: dict[tuple, stripe.StripeClient] = {}
_setting_http_clients: dict[str, stripe.HTTPClient] = {}  # dotted path of PINAX_CONNECT_HTTP_CLIENT -> its instance


class DropRequestBodies(logging.Filter):
    """Keep what sellers submitted out of the ``stripe`` logger.

    stripe-python logs every request body at DEBUG ("Post details"), and those bodies
    carry full bank account numbers, SSNs and ID numbers on their way to Stripe; it
    also logs each API error at INFO with Stripe's message, which may quote a
    submitted value. Body records are dropped; error records keep only their code,
    type and param (no values).
    """

    # stripe-python formats records as sorted logfmt pairs, so match anywhere.
    DROPPED = ("message='Post details'", "message='API response body'")
    ERROR = re.compile(r"message='Stripe (?:v\d )?(?:API|OAuth) error received'")
    KEPT = re.compile(r"\b(error_code|error_param|error_type)=(\S+)")

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        if any(marker in text for marker in self.DROPPED):
            return False
        error = self.ERROR.search(text)
        if error:
            record.msg = " ".join([error.group(0), *("=".join(kv) for kv in self.KEPT.findall(text))])
            record.args = ()
        return True


def install_log_filter() -> None:
    """Add :class:`DropRequestBodies` to the ``stripe`` logger once (idempotent).

    Called from ``AppConfig.ready()`` and again whenever a client is built, so no
    request body reaches a log even from a script that skips ``django.setup()``;
    importing this module changes nothing.
    """
    logger = logging.getLogger("stripe")
    if not any(isinstance(f, DropRequestBodies) for f in logger.filters):
        logger.addFilter(DropRequestBodies())


def use_http_client(http_client: stripe.HTTPClient | None) -> stripe.HTTPClient | None:
    """Make every client built from now on use ``http_client`` (a ``stripe.HTTPClient``).

    Pass ``None`` to go back to stripe-python's default HTTP layer. Returns the
    previous override so callers can restore it.
    """
    global _http_client_override
    with _lock:
        previous, _http_client_override = _http_client_override, http_client
        _cache.clear()
    return previous


@contextmanager
def http_client_override(http_client: stripe.HTTPClient) -> Iterator[stripe.HTTPClient]:
    """Context manager form of :func:`use_http_client`."""
    previous = use_http_client(http_client)
    try:
        yield http_client
    finally:
        use_http_client(previous)


def current_http_client() -> stripe.HTTPClient | None:
    """The HTTP layer clients are built with: the override, else ``PINAX_CONNECT_HTTP_CLIENT``.

    The setting names a ``stripe.HTTPClient`` class (or a factory); it is
    instantiated once per dotted path, so clients built from it stay cached.
    """
    if _http_client_override is not None:
        return _http_client_override
    dotted = settings.PINAX_CONNECT_HTTP_CLIENT
    if not dotted:
        return None
    with _lock:
        if dotted not in _setting_http_clients:
            _setting_http_clients[dotted] = import_string(dotted)()
        return _setting_http_clients[dotted]


def _secret_key() -> str:
    key = settings.PINAX_CONNECT_SECRET_KEY
    if not key:
        raise ImproperlyConfigured(
            "PINAX_CONNECT_SECRET_KEY is not set: pinax_connect needs your Stripe secret key "
            "(sk_test_... or sk_live_...) to talk to Stripe."
        )
    return key


def get_client() -> Any:  # a stripe.StripeClient; Any keeps its TypedDict params out of every call site
    """Return a ``stripe.StripeClient`` configured from the current settings.

    Settings are read on every call (so ``override_settings`` works); clients are
    cached per distinct configuration because building one is not free.
    """
    http_client = current_http_client()
    api_base = settings.PINAX_CONNECT_API_BASE
    config = (
        _secret_key(),
        settings.PINAX_CONNECT_API_VERSION,
        settings.PINAX_CONNECT_MAX_NETWORK_RETRIES,
        api_base,
        settings.PINAX_CONNECT_CLIENT_ID,
        id(http_client),
    )
    with _lock:
        client = _cache.get(config)
        if client is None:
            install_log_filter()
            key, version, retries, _base, client_id, _ = config
            # Every host, OAuth's connect.stripe.com included: a stripe-mock or proxy
            # setup must never reach the real Stripe.
            base_addresses: Any = {"api": api_base, "files": api_base, "connect": api_base} if api_base else None
            client = stripe.StripeClient(
                key,
                stripe_version=version,
                max_network_retries=retries,
                base_addresses=base_addresses,
                client_id=client_id,
                http_client=http_client,
            )
            _cache.clear()  # one live configuration at a time; keeps memory flat
            _cache[config] = client
    return client


def raw_list(path: str) -> Callable[..., dict]:
    """A ``list`` callable for ``GET path`` that returns the page as plain JSON.

    Same call shape as a stripe-python service's ``list`` (``params=``, ``options=``)
    and the same error mapping, but no ``StripeObject`` is built: list syncs turn
    every object back into a dict anyway, and building them is most of a sync's time.
    """

    def list_page(params: dict | None = None, options: dict | None = None) -> dict:
        return get_client().raw_request("get", path, **(params or {}), **(options or {})).data

    return list_page


def is_live_key(key: str | None = None) -> bool:
    """True when ``key`` (default: the configured secret key) is a live-mode key."""
    key = key if key is not None else (settings.PINAX_CONNECT_SECRET_KEY or "")
    return key.startswith(("sk_live_", "rk_live_"))


def reaches_real_stripe() -> bool:
    """True when requests go to Stripe itself: no fake HTTP client, no other API host."""
    return current_http_client() is None and not settings.PINAX_CONNECT_API_BASE


def new_idempotency_key() -> str:
    """A fresh idempotency key for one intended write."""
    return str(uuid.uuid4())


def intent_key(kind: str, *parts: Any) -> str:
    """A deterministic idempotency key for one intended write.

    ``kind`` names the operation (``"refund"``, ``"express-account"``) and
    ``parts`` identify the intent: what the caller would recognise as "the same
    request" (a purchase id and amount, a form submission's id). A double-click or
    a retry gives the same key, so Stripe performs the write once and replays its
    answer; another intent gives another key. Parts are hashed (nothing personal
    is sent) and may be any JSON-able values (others are turned into text). Keys
    live 24 hours on Stripe; a key reused with other parameters is refused there.
    """
    raw = json.dumps([kind, *parts], sort_keys=True, default=str)
    return f"pinax-connect-{kind}-" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def write_options(*, stripe_account: Any = None, idempotency_key: str | None = None) -> Any:
    """Per-request options for a write: :func:`request_options` with the caller's
    ``idempotency_key`` or, when none is given, a fresh one (every write carries a key,
    so stripe-python's retries never make a second object)."""
    return request_options(stripe_account=stripe_account, idempotency_key=idempotency_key or new_idempotency_key())


def request_options(*, stripe_account: Any = None, idempotency_key: str | None = None) -> Any:
    """Build stripe-python per-request options.

    ``stripe_account`` may be an ``Account`` instance or an ``acct_...`` id; it becomes
    the ``Stripe-Account`` header.
    """
    options = {}
    if stripe_account is not None:
        options["stripe_account"] = getattr(stripe_account, "stripe_id", stripe_account)
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options
