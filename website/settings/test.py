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
MEDIA_ROOT = tempfile.mkdtemp(prefix="county-site-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="county-site-test-static-")
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
