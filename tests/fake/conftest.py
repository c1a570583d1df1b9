"""Fixtures of the fake Stripe's own tests. The client is ``stripe_client``, not
``client``, so pytest-django's ``client`` (the Django test client) stays usable."""

import pytest
import stripe

from pinax_connect.testing import FakeStripe


@pytest.fixture
def fake():
    """A fresh FakeStripe."""
    return FakeStripe()


@pytest.fixture
def stripe_client(fake):
    """A stripe-python client talking to ``fake`` (with stripe-python's retries)."""
    return stripe.StripeClient("sk_test_fake", http_client=fake, max_network_retries=2)
