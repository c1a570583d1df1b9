"""Tests of the example marketplace: they run with the example's settings only.

Under the library's settings (the main suite) this directory is skipped and
``tests/test_example.py`` runs it in a subprocess with ``--ds=tests.example.settings``.
"""
import pytest
from django.conf import settings

if "shop" not in settings.INSTALLED_APPS:
    collect_ignore_glob = ["test_*.py"]
else:
    @pytest.fixture
    def fake(transactional_db):
        """The demo's FakeStripe, emptied, with nothing waiting for delivery."""
        from fakestripe import fake as demo

        instance = demo.get_fake()
        instance.reset()
        demo._pending.clear()
        yield instance
        demo._pending.clear()
