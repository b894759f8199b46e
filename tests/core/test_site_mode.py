"""The display modes 标准版 / 长辈版 (core/site_mode.py): the switch, the rendered page in each
mode, and the full-page cache keeping one copy per mode."""

from django.test import TestCase, override_settings

from core import pagecache, site_mode
from core.models import SiteSettings
from home.factories import StandardPageFactory
from news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.helpers import default_home, parse

HEADER = "X-Page-Cache"


class ModeTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.news_index = NewsIndexPageFactory(parent=cls.home, title="新闻动态", slug="news")
        cls.news = NewsPageFactory(parent=cls.news_index, title="县人大常委会召开会议")
        cls.about = StandardPageFactory(parent=cls.home, title="机构设置", slug="about")
        SiteSettings.for_site(cls.home.get_site())

    def elder(self):
        self.client.cookies[site_mode.COOKIE] = site_mode.ELDER


class SwitchTests(ModeTestCase):
    def test_switch_to_elder_sets_the_cookie_and_goes_back(self):
        response = self.client.get("/mode/", {"to": "elder", "next": "/news/"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], "/news/")
        cookie = response.cookies[site_mode.COOKIE]
        self.assertEqual(cookie.value, "elder")
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertTrue(cookie["httponly"])
        self.assertGreater(int(cookie["max-age"]), 30 * 24 * 3600)
        # The browser's cached copies were rendered in the other mode.
        self.assertEqual(response["Clear-Site-Data"], '"cache"')
        self.assertIn("no-cache", response["Cache-Control"])

    def test_switch_back_to_standard_deletes_the_cookie(self):
        self.elder()
        response = self.client.get("/mode/", {"to": "standard", "next": "/about/"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], "/about/")
        self.assertEqual(response.cookies[site_mode.COOKIE].value, "")
        self.assertEqual(int(response.cookies[site_mode.COOKIE]["max-age"]), 0)

    def test_next_elsewhere_goes_home(self):
        for target in (
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
        ):
            with self.subTest(target=target):
                response = self.client.get("/mode/", {"to": "elder", "next": target})
                self.assertEqual(response.status_code, 303)
                self.assertEqual(response["Location"], "/")

    def test_unknown_mode_is_refused_in_chinese(self):
        for mode in ("", "huge", "ELDER"):
            with self.subTest(mode=mode):
                response = self.client.get("/mode/", {"to": mode, "next": "/"})
                self.assertEqual(response.status_code, 400)
                self.assertIn("未知的显示模式", response.content.decode())
                self.assertNotIn(site_mode.COOKIE, response.cookies)

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post("/mode/", {"to": "elder"}).status_code, 405)


class RenderTests(ModeTestCase):
    def test_standard_page_offers_the_elder_switch_back_to_itself(self):
        html = parse(self.client.get("/news/?page=1"))
        self.assertEqual(html.select_one("html")["data-mode"], "standard")
        switch = html.select_one(".site-header a.mode-switch")
        self.assertTrue(switch.get_text().startswith("长辈版"))
        self.assertEqual(switch["href"], "/mode/?to=elder&next=%2Fnews%2F%3Fpage%3D1")

    def test_elder_page_is_marked_and_offers_the_standard_switch(self):
        self.elder()
        html = parse(self.client.get(self.news.url))
        self.assertEqual(html.select_one("html")["data-mode"], "elder")
        switch = html.select_one(".site-header a.mode-switch")
        self.assertTrue(switch.get_text().startswith("标准版"))
        self.assertIn("to=standard", switch["href"])

    def test_a_forged_cookie_renders_the_standard_mode(self):
        self.client.cookies[site_mode.COOKIE] = '"><script>alert(1)</script>'
        response = self.client.get("/about/")
        html = parse(response)
        self.assertEqual(html.select_one("html")["data-mode"], "standard")
        self.assertNotIn("<script>alert", response.content.decode())

    def test_every_page_header_has_the_switch_and_the_404_too(self):
        for path in ("/", "/news/", self.news.url, "/about/", "/search/?q=会议", "/no-such/"):
            with self.subTest(path=path):
                html = parse(self.client.get(path))
                self.assertEqual(len(html.select("header.site-header a.mode-switch")), 1)


@override_settings(PAGE_CACHE_SECONDS=300, PAGE_CACHE_MAX_AGE=60)
class CacheTests(ModeTestCase):
    def setUp(self):
        pagecache.bump()

    def test_one_cached_copy_per_mode(self):
        for path in ("/", "/news/", self.news.url, "/about/"):
            with self.subTest(path=path):
                self.client.cookies.pop(site_mode.COOKIE, None)
                standard = self.client.get(path)
                self.assertEqual(standard[HEADER], "miss")
                self.elder()
                elder = self.client.get(path)
                # The elder copy is not the standard one served from the cache…
                self.assertEqual(elder[HEADER], "miss")
                self.assertIn(b'data-mode="elder"', elder.content)
                # …and both are stored: the second request of each mode is a hit, 0 queries.
                with self.assertNumQueries(0):
                    again = self.client.get(path)
                self.assertEqual(again[HEADER], "hit")
                self.assertIn(b'data-mode="elder"', again.content)
                self.client.cookies.pop(site_mode.COOKIE)
                with self.assertNumQueries(0):
                    again = self.client.get(path)
                self.assertEqual(again[HEADER], "hit")
                self.assertIn(b'data-mode="standard"', again.content)
                self.assertIn("public", again["Cache-Control"])

    def test_a_forged_mode_cookie_shares_the_standard_copy(self):
        self.client.get("/about/")
        self.client.cookies[site_mode.COOKIE] = "x" * 40
        response = self.client.get("/about/")
        self.assertEqual(response[HEADER], "hit")
        self.assertIn(b'data-mode="standard"', response.content)

    def test_publishing_empties_both_modes(self):
        self.client.get(self.about.url)
        self.elder()
        self.client.get(self.about.url)
        self.about.title = "机构设置（新）"
        self.about.save_revision().publish()
        response = self.client.get(self.about.url)
        self.assertEqual(response[HEADER], "miss")
        self.assertIn("机构设置（新）", response.content.decode())


def test_nginx_leaves_the_elder_mode_to_the_app_cache():
    """nginx keeps one entry per URL (its PURGE removes only that key): requests in 长辈版 go
    past nginx's cache to the app's page cache, which keeps both modes."""
    from pathlib import Path

    config = (Path(__file__).parents[2] / "docker" / "nginx" / "nginx.conf").read_text()
    lines = [line.strip() for line in config.splitlines()]
    for directive in ("proxy_cache_bypass", "proxy_no_cache"):
        line = next(line for line in lines if line.startswith(directive))
        assert f"$cookie_{site_mode.COOKIE}" in line, line
    assert "proxy_cache_key $host$request_uri;" in lines
