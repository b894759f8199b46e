"""Production settings from the environment (issue 9): Redis cache, S3-compatible media, JSON
logs, the frontend cache purge, and `manage.py check --deploy` with a sample environment.

Settings are read once per process, so each case runs in a fresh interpreter with its own
environment (as tests/search/test_elasticsearch.py does for SEARCH_URL)."""

import json
import logging
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import SimpleTestCase, TestCase, override_settings
from wagtail.contrib.frontend_cache.utils import purge_page_from_cache

from core.logformat import JsonFormatter
from home.factories import StandardPageFactory
from tests.helpers import default_home, production_environment
from website.settings.base import cache_settings, frontend_cache, s3_media_storage

ROOT = Path(__file__).resolve().parents[2]
# The production environment of every subprocess here: tests/helpers.py.
environment = production_environment


# Printed by a fresh interpreter after django.setup(): what each case below looks at.
REPORT = """
import django, json, logging
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from wagtail.contrib.frontend_cache.utils import get_backends
formatter = logging.getLogger().handlers[0].formatter
print(json.dumps({
    "CACHES": settings.CACHES,
    "cache_class": type(caches["default"]).__name__,
    "STORAGES": settings.STORAGES,
    "storage": {
        "bucket": getattr(default_storage, "bucket_name", None),
        "endpoint": getattr(default_storage, "endpoint_url", None),
        "key": getattr(default_storage, "access_key", None),
        "url": default_storage.url("original_images/河道.jpg"),
    },
    "formatter": f"{type(formatter).__module__}.{type(formatter).__name__}",
    "WAGTAILFRONTENDCACHE": getattr(settings, "WAGTAILFRONTENDCACHE", None),
    "purge_backends": sorted(get_backends()),
    "frontend_cache_installed": "wagtail.contrib.frontend_cache" in settings.INSTALLED_APPS,
    "secret_in_settings": "secret-value" in repr(settings.STORAGES) + repr(settings.CACHES),
}))
"""


def report(**variables):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REPORT],
        env=environment(**variables),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class TestEnvironment(SimpleTestCase):
    """Production settings with none of the optional variables, then with all of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bare = report()
        cls.full = report(
            # Nothing listens there: building the cache backend must not connect.
            REDIS_URL="redis://127.0.0.1:1/1",
            AWS_STORAGE_BUCKET_NAME="county-media",
            AWS_S3_ENDPOINT_URL="https://minio.example.internal:9000",
            AWS_S3_REGION_NAME="cn-north-1",
            AWS_S3_CUSTOM_DOMAIN="media.rd.example.gov.cn",
            AWS_LOCATION="media",
            AWS_ACCESS_KEY_ID="key-id",
            AWS_SECRET_ACCESS_KEY="secret-value",
            FRONTEND_CACHE_PURGE_URL="http://nginx:8080",
            DJANGO_LOG_FORMAT="JSON",
        )

    def test_without_redis_each_process_caches_in_memory(self):
        self.assertEqual(self.bare["cache_class"], "LocMemCache")

    def test_redis_url_selects_djangos_redis_cache(self):
        self.assertEqual(
            self.full["CACHES"]["default"],
            {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/1",
                "KEY_PREFIX": "county_site",
                "TIMEOUT": 300,
            },
        )
        self.assertEqual(self.full["cache_class"], "RedisCache")

    def test_without_a_bucket_media_stay_on_disk(self):
        self.assertEqual(
            self.bare["STORAGES"]["default"],
            {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        )
        self.assertEqual(
            self.bare["storage"]["url"], "/media/original_images/%E6%B2%B3%E9%81%93.jpg"
        )

    def test_a_bucket_puts_media_in_s3_compatible_storage(self):
        self.assertEqual(
            self.full["STORAGES"]["default"],
            {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "county-media",
                    "file_overwrite": False,
                    "querystring_auth": False,
                    "endpoint_url": "https://minio.example.internal:9000",
                    "region_name": "cn-north-1",
                    "custom_domain": "media.rd.example.gov.cn",
                    "location": "media",
                },
            },
        )
        storage = self.full["storage"]
        self.assertEqual(storage["bucket"], "county-media")
        self.assertEqual(storage["endpoint"], "https://minio.example.internal:9000")
        self.assertEqual(
            storage["url"],
            "https://media.rd.example.gov.cn/media/original_images/%E6%B2%B3%E9%81%93.jpg",
        )

    def test_credentials_reach_the_storage_without_being_settings(self):
        self.assertEqual(self.full["storage"]["key"], "key-id")
        self.assertFalse(self.full["secret_in_settings"])

    def test_static_files_stay_with_whitenoise(self):
        for case in (self.bare, self.full):
            self.assertEqual(
                case["STORAGES"]["staticfiles"]["BACKEND"],
                "whitenoise.storage.CompressedManifestStaticFilesStorage",
            )

    def test_logs_are_plain_by_default_and_json_on_request(self):
        self.assertEqual(self.bare["formatter"], "logging.Formatter")
        self.assertEqual(self.full["formatter"], "core.logformat.JsonFormatter")

    def test_the_frontend_cache_is_installed_and_idle_without_a_purge_url(self):
        self.assertTrue(self.bare["frontend_cache_installed"])
        self.assertIsNone(self.bare["WAGTAILFRONTENDCACHE"])
        self.assertEqual(self.bare["purge_backends"], [])

    def test_a_purge_url_is_an_http_backend(self):
        self.assertEqual(
            self.full["WAGTAILFRONTENDCACHE"],
            {
                "proxy1": {
                    "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                    "LOCATION": "http://nginx:8080",
                }
            },
        )
        self.assertEqual(self.full["purge_backends"], ["proxy1"])


def test_several_redis_urls_are_a_primary_and_replicas():
    caches = cache_settings(["redis://r1:6379/0", "redis://r2:6379/0"], timeout="60")
    assert caches["default"]["LOCATION"] == ["redis://r1:6379/0", "redis://r2:6379/0"]
    assert caches["default"]["TIMEOUT"] == 60


def test_several_purge_urls_are_one_backend_each():
    backends = frontend_cache(["http://10.0.0.5:8080", "http://10.0.0.6:8080"])
    assert {name: backend["LOCATION"] for name, backend in backends.items()} == {
        "proxy1": "http://10.0.0.5:8080",
        "proxy2": "http://10.0.0.6:8080",
    }
    assert frontend_cache([]) is None


def test_signed_media_urls_on_request():
    assert s3_media_storage("") is None
    options = s3_media_storage("private-bucket", signed="true")["OPTIONS"]
    assert options == {
        "bucket_name": "private-bucket",
        "file_overwrite": False,
        "querystring_auth": True,
    }


def test_a_bad_log_format_stops_start_up():
    result = subprocess.run(
        [sys.executable, "-c", "from website.settings import base"],
        env=environment(DJANGO_LOG_FORMAT="xml"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_LOG_FORMAT" in result.stderr


@pytest.mark.parametrize(
    "name, value",
    [
        ("PAGE_CACHE_SECONDS", "5m"),
        ("ADMIN_SESSION_IDLE_MINUTES", "0"),
        ("AUDIT_LOG_RETENTION_DAYS", "100"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("DATABASE_CONNECT_TIMEOUT", "1"),
    ],
)
def test_a_bad_number_stops_start_up_naming_the_variable(name, value):
    result = subprocess.run(
        [sys.executable, "-c", "from website.settings import production"],
        # PostgreSQL (not contacted): DATABASE_CONNECT_TIMEOUT is read only for it.
        env=environment(DATABASE_URL="postgres://site@127.0.0.1:5432/site", **{name: value}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"环境变量 {name} 应为不小于" in result.stderr


def test_check_deploy_reports_no_errors_with_a_sample_environment():
    env = environment(
        REDIS_URL="redis://redis:6379/0",
        AWS_STORAGE_BUCKET_NAME="county-media",
        FRONTEND_CACHE_PURGE_URL="http://nginx:8080",
        DJANGO_LOG_FORMAT="json",
        SEARCH_URL="http://elasticsearch:9200",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ERRORS:" not in result.stderr
    # Zero warnings: X-Frame-Options DENY and HSTS preload are the production defaults.
    warnings = set(re.findall(r"\((\w+\.W\d+)\)", result.stderr + result.stdout))
    assert warnings == set()


class TestJsonFormatter(TestCase):
    def test_one_json_object_per_record_with_chinese_kept(self):
        record = logging.makeLogRecord(
            {"name": "news", "levelname": "WARNING", "msg": "发布失败：%s", "args": ("河道",)}
        )
        line = JsonFormatter().format(record)
        self.assertNotIn("\n", line)
        self.assertIn("河道", line)
        entry = json.loads(line)
        self.assertEqual(entry["level"], "WARNING")
        self.assertEqual(entry["logger"], "news")
        self.assertEqual(entry["message"], "发布失败：河道")
        self.assertTrue(entry["time"].endswith("+00:00"))

    def test_extras_requests_and_exceptions(self):
        request = mock.Mock(method="GET", path="/news/")
        try:
            raise ValueError("坏")
        except ValueError:
            record = logging.makeLogRecord(
                {
                    "msg": "Internal Server Error",
                    "exc_info": sys.exc_info(),
                    "status_code": 500,
                    "request": request,
                }
            )
        entry = json.loads(JsonFormatter().format(record))
        self.assertEqual(entry["status_code"], 500)
        self.assertEqual((entry["method"], entry["path"]), ("GET", "/news/"))
        self.assertIn("ValueError: 坏", entry["exception"])


class TestGunicornConfig(TestCase):
    def read(self, **variables):
        with mock.patch.dict(os.environ, variables):
            return runpy.run_path(str(ROOT / "docker" / "gunicorn.conf.py"))

    def test_workers_and_bind_from_the_environment(self):
        config = self.read(GUNICORN_WORKERS="5", DJANGO_LOG_FORMAT="plain")
        self.assertEqual(config["workers"], 5)
        self.assertEqual(config["bind"], "0.0.0.0:8000")
        self.assertEqual(config["accesslog"], "-")
        self.assertEqual(config["wsgi_app"], "website.wsgi:application")
        self.assertNotIn("logconfig_dict", config)

    def test_json_logs_for_gunicorn_too(self):
        config = self.read(DJANGO_LOG_FORMAT="json")
        formatter = config["logconfig_dict"]["formatters"]["json"]["()"]
        self.assertIs(formatter, JsonFormatter)
        self.assertEqual(
            config["logconfig_dict"]["handlers"]["access"]["stream"], "ext://sys.stdout"
        )


class TestPurgeOnPublish(TestCase):
    """wagtail.contrib.frontend_cache is installed: with a purge URL, publishing a page sends
    PURGE to the proxy with the page's host; without one, nothing is sent."""

    @classmethod
    def setUpTestData(cls):
        cls.page = StandardPageFactory(parent=default_home(), title="工作动态")

    def test_no_request_without_the_setting(self):
        with mock.patch("wagtail.contrib.frontend_cache.backends.http.urlopen") as urlopen:
            self.page.save_revision().publish()
        urlopen.assert_not_called()

    @override_settings(
        WAGTAILFRONTENDCACHE={
            "proxy1": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": "http://nginx:8080",
            }
        }
    )
    def test_publishing_purges_the_page_at_the_proxy(self):
        with mock.patch("wagtail.contrib.frontend_cache.backends.http.urlopen") as urlopen:
            purge_page_from_cache(self.page)
        requests = [call.args[0] for call in urlopen.call_args_list]
        self.assertTrue(requests)
        self.assertEqual({request.get_method() for request in requests}, {"PURGE"})
        paths = {request.full_url.removeprefix("http://nginx:8080") for request in requests}
        self.assertEqual(paths, {self.page.url})
        self.assertEqual({request.get_header("Host") for request in requests}, {"localhost"})
