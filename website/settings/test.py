"""Test settings: fast hashing, media in a throwaway folder, no network."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
# The suite sets search backends itself (Elasticsearch only against ELASTICSEARCH_TEST_URL).
os.environ.pop("SEARCH_URL", None)
# Nor Redis, object storage or a proxy to purge: the suite runs on a bare machine.
os.environ.pop("REDIS_URL", None)
os.environ.pop("AWS_STORAGE_BUCKET_NAME", None)
os.environ.pop("FRONTEND_CACHE_PURGE_URL", None)

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# DJANGO_MEDIA_ROOT wins when set: the backup round trip runs manage.py in subprocesses against
# media folders of its own (tests/core/test_backup.py).
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="county-site-test-media-"
)
STATIC_ROOT = tempfile.mkdtemp(prefix="county-site-test-static-")
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# No full-page cache: the suite must never see a stale page. tests/core/test_page_cache.py turns
# it on with override_settings.
PAGE_CACHE_SECONDS = 0
# Django's Client.login() authenticates without a request, which axes' backend refuses
# (AxesBackendRequestParameterRequired): lockout is off in the suite, and tests/accounts turn it
# on with override_settings(AXES_ENABLED=True). Its database handler keeps attempts inside each
# test's transaction, so no lockout leaks from one test into the next.
AXES_ENABLED = False
# A fixed backup key for the backup tests (and their restore subprocesses); not a secret.
BACKUP_KEY = os.environ.get("BACKUP_KEY") or "dGVzdC1vbmx5LWJhY2t1cC1rZXktMzItYnl0ZXMhISE="
