"""The example marketplace's settings, with a fast password hasher for the browser test."""
from marketplace.settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
