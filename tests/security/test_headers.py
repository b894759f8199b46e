"""Transport security and the Content-Security-Policy (docs/security.md, "Transport, headers and
Content-Security-Policy"): the policy on public pages, the APIs, error pages and the admin;
frame-ancestors and X-Frame-Options for Wagtail's preview panel; the production settings'
headers; and `manage.py check --deploy` with no issue at all."""

import json
import subprocess
import sys
from pathlib import Path

from django.test import Client, SimpleTestCase, TestCase, override_settings
from django.urls import include, path
from wagtail.test.utils.form_data import nested_form_data, streamfield

from home.factories import StandardPageFactory
from tests.admin_helpers import make_user
from tests.helpers import default_home, production_environment
from website.settings.base import csp_media_origins, csp_origins, s3_media_storage

ROOT = Path(__file__).resolve().parents[2]

# The public site's policy, as docs/security.md states it (img-src and frame-src are checked
# apart: they depend on the map and embed settings).
PUBLIC = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'nonce-", "'strict-dynamic'", "*")


def policy(response):
    """The enforced Content-Security-Policy as {directive: [sources]}; fails when absent."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice in {header}"
        directives[name] = sources
    return directives


def boom(request):
    raise RuntimeError("a bug in a view")


# A URLconf with a view that fails, for the 500 page, in front of the site's own.
urlpatterns = [
    path("boom/", boom),
    path("", include("website.urls")),
]


class PublicPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = StandardPageFactory(parent=default_home(), title="工作制度", slug="rules")

    def assert_public(self, response):
        csp = policy(response)
        for directive, sources in PUBLIC.items():
            self.assertEqual(csp.get(directive), sources, directive)
        self.assertEqual(csp["img-src"][:2], ["'self'", "data:"])
        header = response.headers["Content-Security-Policy"]
        for word in UNSAFE:
            self.assertNotIn(word, header)
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertNotIn("Content-Security-Policy-Report-Only", response.headers)

    def test_pages_apis_and_files_carry_the_public_policy(self):
        for url in [
            "/",
            self.page.url,
            "/search/?q=工作制度",
            "/api/search/?q=工作制度",
            "/api/areas/?q=cg",
            "/api/v2/pages/",
            "/open-data/popolo.json",
            "/robots.txt",
            "/sitemap.xml",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assert_public(response)

    def test_not_found_page_carries_the_policy(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assert_public(response)

    def test_csrf_failure_page_carries_the_policy(self):
        response = Client(enforce_csrf_checks=True).post(self.page.url, {"q": "x"})
        self.assertEqual(response.status_code, 403)
        self.assert_public(response)

    @override_settings(ROOT_URLCONF=__name__)
    def test_server_error_page_carries_the_policy(self):
        response = Client(raise_request_exception=False).get("/boom/")
        self.assertEqual(response.status_code, 500)
        self.assert_public(response)

    def test_the_map_tiles_and_embeds_are_allowed(self):
        from django.conf import settings

        csp = policy(self.client.get("/"))
        tiles = [settings.STATION_MAP_TILE_URL, settings.STATION_MAP_LABEL_URL]
        for origin in csp_origins(tiles, settings.STATION_MAP_TILE_SUBDOMAINS):
            self.assertIn(origin, csp["img-src"])
        self.assertIn("https://tile.openstreetmap.org", csp["img-src"])  # the default tiles
        self.assertEqual(csp["frame-src"], settings.CSP_EMBED_ORIGINS)


class OriginTests(SimpleTestCase):
    """The origins put into img-src from the map and media settings."""

    def test_tile_hosts_with_subdomains_are_listed_one_by_one(self):
        tianditu = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&tk={token}"
        labels = "https://t{s}.tianditu.gov.cn/cva_w/wmts?TILEMATRIX={z}&tk={token}"
        self.assertEqual(
            csp_origins([tianditu, labels], "0,1,2"),
            [
                "https://t0.tianditu.gov.cn",
                "https://t1.tianditu.gov.cn",
                "https://t2.tianditu.gov.cn",
            ],
        )

    def test_leaflet_default_subdomains_and_empty_urls(self):
        self.assertEqual(
            csp_origins(["http://{s}.tiles.example.cn:8080/{z}/{x}/{y}.png", "", None]),
            [f"http://{s}.tiles.example.cn:8080" for s in "abc"],
        )

    def test_other_placeholders_in_the_host_are_refused(self):
        from django.core.exceptions import ImproperlyConfigured

        with self.assertRaisesMessage(ImproperlyConfigured, "{s}"):
            csp_origins(["https://{r}.tiles.example.cn/{z}/{x}/{y}.png"])

    def test_media_in_object_storage(self):
        self.assertEqual(csp_media_origins({"BACKEND": "x.FileSystemStorage"}), [])
        self.assertEqual(
            csp_media_origins(s3_media_storage("b", custom_domain="media.rd.example.gov.cn")),
            ["https://media.rd.example.gov.cn"],
        )
        self.assertEqual(
            csp_media_origins(s3_media_storage("b", endpoint_url="https://minio.internal:9000")),
            ["https://minio.internal:9000"],
        )
        self.assertEqual(
            csp_media_origins(s3_media_storage("county", region="cn-north-1")),
            ["https://county.s3.amazonaws.com", "https://county.s3.cn-north-1.amazonaws.com"],
        )


class AdminPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = StandardPageFactory(parent=default_home(), title="机构设置", slug="organisation")
        cls.editor = make_user("csp-admin", superuser=True)

    def setUp(self):
        self.client.force_login(self.editor)

    def assert_admin(self, response, frame_ancestors="'none'"):
        from django.conf import settings

        csp = policy(response)
        self.assertEqual(csp["script-src"], ["'self'", "'unsafe-inline'"])
        self.assertEqual(csp["style-src"], ["'self'", "'unsafe-inline'"])
        self.assertEqual(csp["frame-src"], [*settings.CSP_EMBED_ORIGINS, "'self'"])
        self.assertEqual(csp["object-src"], ["'none'"])
        self.assertEqual(csp["frame-ancestors"], [frame_ancestors])
        self.assertNotIn("'unsafe-eval'", response.headers["Content-Security-Policy"])

    def test_login_dashboard_and_edit_views(self):
        anonymous = Client()
        response = anonymous.get("/admin/login/")
        self.assertEqual(response.status_code, 200)
        self.assert_admin(response)
        for url in ["/admin/", "/admin/pages/", f"/admin/pages/{self.page.pk}/edit/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assert_admin(response)
                self.assertEqual(response.headers["X-Frame-Options"], "DENY")

    def test_without_embeds_the_admin_frames_itself_only(self):
        """DJANGO_CSP_FRAME_SRC empty: frame-src 'none' on the site, 'self' alone (never
        "'none' 'self'", which browsers reject) in the admin."""
        from django.conf import settings

        directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "frame-src": ["'none'"]}
        with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": directives}):
            self.assertEqual(policy(self.client.get(self.page.url))["frame-src"], ["'none'"])
            self.assertEqual(policy(self.client.get("/admin/"))["frame-src"], ["'self'"])

    def test_admin_not_found_page_has_the_admin_policy(self):
        response = self.client.get("/admin/no-such-view/")
        self.assertEqual(response.status_code, 404)
        self.assert_admin(response)

    def test_the_page_preview_may_be_framed_by_the_admin_only(self):
        """Wagtail serves the preview panel's iframe with X-Frame-Options: SAMEORIGIN; the CSP
        must say frame-ancestors 'self' too, or browsers (which obey CSP first) blank it. The
        preview renders through a second middleware pass for the page's public URL: that pass
        must not set the public policy first (django-csp keeps a header once set)."""
        url = f"/admin/pages/{self.page.pk}/edit/preview/"
        data = nested_form_data(
            {
                "title": "机构设置（修改中）",
                "slug": "organisation",
                "summary": "",
                "body": streamfield([]),
                "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.json(), {"is_valid": True, "is_available": True})
        response = self.client.get(url, {"in_preview_panel": "true", "mode": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "机构设置（修改中）")
        self.assertEqual(response.headers["X-Frame-Options"], "SAMEORIGIN")
        self.assert_admin(response, frame_ancestors="'self'")

        # The page itself, outside the admin, is not to be framed.
        published = self.client.get(self.page.url)
        self.assertEqual(policy(published)["frame-ancestors"], ["'none'"])
        self.assertEqual(published.headers["X-Frame-Options"], "DENY")

    def test_the_block_previews_may_be_framed_by_the_admin_only(self):
        from core.blocks import QuoteBlock

        response = self.client.get("/admin/block-preview/", {"id": QuoteBlock().definition_prefix})
        self.assertEqual(response.headers["X-Frame-Options"], "SAMEORIGIN")
        self.assert_admin(response, frame_ancestors="'self'")


# -- production settings -----------------------------------------------------------------------

PRODUCTION_KEYS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
]
PRINT_SETTINGS = f"""
import django, json
django.setup()
from django.conf import settings
print(json.dumps({{key: getattr(settings, key) for key in {PRODUCTION_KEYS!r}}}))
"""


def run(args, **variables):
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        env=production_environment(**variables),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def production_settings(**variables):
    result = run(["-c", PRINT_SETTINGS], **variables)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


class DeployCheckTests(SimpleTestCase):
    def test_check_deploy_reports_no_issue_at_all(self):
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertIn("System check identified no issues (0 silenced).", output)

    def test_preload_can_be_switched_off(self):
        self.assertIs(production_settings()["SECURE_HSTS_PRELOAD"], True)
        self.assertIs(
            production_settings(DJANGO_SECURE_HSTS_PRELOAD="false")["SECURE_HSTS_PRELOAD"], False
        )


class ProductionHeaderTests(TestCase):
    """The production settings' values (read in a fresh interpreter) applied to requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production = production_settings()

    def test_plain_http_is_redirected_to_https(self):
        with override_settings(**self.production):
            response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response.headers["Location"], "https://testserver/robots.txt")

    def test_https_behind_the_proxy_gets_the_transport_headers(self):
        with override_settings(**self.production):
            response = self.client.get("/robots.txt", headers={"x-forwarded-proto": "https"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Strict-Transport-Security"],
            "max-age=31536000; includeSubDomains; preload",
        )
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.headers["Referrer-Policy"], "strict-origin-when-cross-origin")
        self.assertEqual(policy(response)["frame-ancestors"], ["'none'"])

    def test_cookies_are_secure(self):
        editor = make_user("csp-cookie", superuser=True)
        with override_settings(**self.production):
            self.client.get("/admin/login/", headers={"x-forwarded-proto": "https"})
            csrf = self.client.cookies["csrftoken"]
            self.client.force_login(editor)
            session = self.client.cookies["sessionid"]
        self.assertTrue(csrf["secure"])
        self.assertTrue(session["secure"])
        # The secure flag is the production settings', not Django's default.
        self.assertIs(self.production["SESSION_COOKIE_SECURE"], True)
