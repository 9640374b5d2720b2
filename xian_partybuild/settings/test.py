"""Settings for the test suite: SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests see the same static pipeline as development without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "zh-hans"
# The second factor is off unless a test turns it on (accounts/tests/test_second_factor.py).
OTP_REQUIRED_FOR_STAFF = False
