import pytest
import stripe

from pinax_connect.testing import FakeStripe


@pytest.fixture
def fake():
    return FakeStripe()


@pytest.fixture
def client(fake):
    return stripe.StripeClient("sk_test_fake", http_client=fake, max_network_retries=2)
