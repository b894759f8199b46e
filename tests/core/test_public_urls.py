import xml.etree.ElementTree as ET

from django.test import TestCase

from home.factories import StandardPageFactory
from news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.helpers import create_hidden, default_home, h1_texts, parse

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class TestNotFound(TestCase):
    def test_unknown_url_gives_the_chinese_404_page(self):
        for url in ("/no-such-page/", "/news/no-such-item/", "/%E4%B8%8D%E5%AD%98%E5%9C%A8/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertTemplateUsed(response, "404.html")
                self.assertEqual(h1_texts(response), ["页面未找到（404）"])
                self.assertEqual(parse(response).title.text, "页面未找到 - 县人大常委会")
                self.assertContains(response, "返回首页", status_code=404)


class TestRobotsAndSitemap(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        StandardPageFactory(parent=home, title="机构设置", slug="about")
        index = NewsIndexPageFactory(parent=home, slug="news")
        NewsPageFactory(parent=index, title="已发布的新闻", slug="published")
        for page, slug in zip(
            create_hidden(NewsPageFactory, index, "新闻"),
            ("draft", "private", "expired"),
            strict=True,
        ):
            page.slug = slug
            page.save()

    def test_robots_txt_points_at_the_sitemap(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertIn("Disallow: /admin/", lines)

    def test_sitemap_lists_live_public_pages_only(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
        paths = sorted(
            loc.text.split("://", 1)[1].split("/", 1)[1]
            for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)
        )
        self.assertEqual(paths, ["", "about/", "news/", "news/published/"])
