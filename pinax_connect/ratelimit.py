"""Backoff for Stripe's rate limit (429), which stripe-python does not retry by itself."""
import logging
import time

import stripe

logger = logging.getLogger(__name__)


def call_with_backoff(func, *args, attempts=5, base_delay=1.0, max_delay=30.0, sleep=time.sleep, **kwargs):
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
