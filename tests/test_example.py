"""Runs the example marketplace's tests (tests/example) with the example's own settings.

They need the example's apps installed, which the library's test settings do not
have, so they run in a subprocess; ``pytest tests/example --ds=tests.example.settings``
runs them directly with per-test output.
"""
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_example_marketplace_suite():
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("the example has its own SQLite database: runs in the SQLite pass only")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/example",
         "--ds=tests.example.settings"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
