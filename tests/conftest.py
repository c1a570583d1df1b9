"""Root conftest: database helpers only (fixtures for Stripe live in pinax_connect.testing).

``requires_postgres`` marks tests that only mean something on PostgreSQL (row
locks, concurrent transactions). They are skipped on SQLite, i.e. unless
PINAX_CONNECT_TEST_DATABASE_URL is set (``make test-postgres`` sets it):

    pytestmark = pytest.mark.requires_postgres      # whole module

    @pytest.mark.requires_postgres                  # one test
    def test_select_for_update_blocks(...): ...
"""

import pytest
from django.conf import settings


def on_postgres():
    """True when the suite runs against PostgreSQL (settings parsed the database URL)."""
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "requires_postgres: skip unless the tests run on PostgreSQL (PINAX_CONNECT_TEST_DATABASE_URL)",
    )


def pytest_collection_modifyitems(config, items):
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run `make test-postgres`")
    for item in items:
        if item.get_closest_marker("requires_postgres"):
            item.add_marker(skip)
