"""Backoff for Stripe's rate limit (429), which stripe-python does not retry by itself."""
import logging
import time
from collections.abc import Callable
from typing import Any

import stripe

logger = logging.getLogger(__name__)


def call_with_backoff(
    func: Callable[..., Any], *args: Any, attempts: int = 5, base_delay: float = 1.0, max_delay: float = 30.0,
    sleep: Callable[[float], Any] = time.sleep, **kwargs: Any,
) -> Any:
    """Call ``func(*args, **kwargs)``, retrying on ``stripe.RateLimitError`` with exponential backoff.

    The same arguments (so the same idempotency key) are sent on every attempt, which
    keeps a retried write from creating a second object. The last error is re-raised.
    """
    for attempt in range(1, attempts + 1):
        try:
            return func(*args, **kwargs)
        except stripe.RateLimitError:
            if attempt == attempts:
                raise
            delay = min(base_delay * 2 ** (attempt - 1), max_delay)
            logger.warning("Stripe rate limit hit; retrying in %.1fs (attempt %d/%d)", delay, attempt, attempts)
            sleep(delay)
