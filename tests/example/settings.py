"""The example marketplace's own settings (demo mode, FakeStripe), for tests/example.

Used by ``pytest tests/example --ds=tests.example.settings`` (``tests/test_example.py``
runs that for the main suite): the example's apps import as top-level modules
(``shop``, ``marketplace``, ``fakestripe``), so ``example/`` goes on ``sys.path``.
"""
import os
import sys
import tempfile
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "example"
sys.path.insert(0, str(EXAMPLE))
for name in [k for k in os.environ if k.startswith("STRIPE_")]:
    del os.environ[name]  # always offline
os.environ["DEMO_DATA_DIR"] = tempfile.mkdtemp(prefix="example-tests-")

from marketplace.settings import *  # noqa: E402,F401,F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
