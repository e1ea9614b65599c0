"""Settings for the test suite: the real settings with fast password hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

from elearning.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come from the finders; nothing is collected for tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Uploads made by tests go to a throwaway directory, never into the checkout's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="kynangso-test-media-"))
PRIVATE_ROOT = MEDIA_ROOT / "private"
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_ROOT  # noqa: F405
# The test client's login() calls authenticate() without a request, which django-axes refuses;
# this backend lets only those through unchecked. Logins through the views stay throttled.
AUTHENTICATION_BACKENDS = [
    "tests.security.axes_backend.TestClientAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Cached lesson bodies would outlive a test's rolled-back pages (ids are reused); the test of
# the cache turns it on.
LESSON_BODY_CACHE_SECONDS = 0
