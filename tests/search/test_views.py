from django.test import TestCase, override_settings

from home.factories import StandardPageFactory
from tests.helpers import create_hidden, default_home, h1_texts, parse


def result_titles(response):
    return [a.text for a in parse(response).select(".search-results h2 a")]


class TestSearchPage(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.page = StandardPageFactory(
            parent=home, title="代表工作站", slug="stations", summary="代表工作站建设情况。"
        )
        cls.other = StandardPageFactory(parent=home, title="代表工作站 简介", slug="about-stations")
        # Titled like the one above, so they would be found too if they were public.
        create_hidden(StandardPageFactory, home, "代表工作站 ")

    def test_empty_query_shows_the_prompt(self):
        for params in ({}, {"q": ""}, {"q": "   "}):
            with self.subTest(params=params):
                response = self.client.get("/search/", params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(h1_texts(response), ["站内搜索"])
                self.assertContains(response, "请输入要查找的内容")
                self.assertIsNone(response.context["results_page"])

    def test_is_never_indexed(self):
        response = self.client.get("/search/", {"q": "代表工作站"})
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertIsNotNone(
            parse(response).find("meta", attrs={"name": "robots", "content": "noindex"})
        )
        self.assertEqual(self.client.get("/search/")["X-Robots-Tag"], "noindex")

    def test_overlong_query_gets_a_clear_error(self):
        response = self.client.get("/search/", {"q": "代" * 101})
        self.assertEqual(response.status_code, 200)
        alert = parse(response).find(attrs={"role": "alert"})
        self.assertEqual(alert.get_text(strip=True), "搜索词过长，请控制在100个字以内。")
        self.assertIsNone(response.context["results_page"])

    def test_query_of_exactly_the_limit_is_searched(self):
        response = self.client.get("/search/", {"q": "代" * 100})
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["error"])
        self.assertContains(response, "没有找到与")

    def test_finds_live_public_pages_only(self):
        response = self.client.get("/search/", {"q": "代表工作站"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sorted(result_titles(response)), ["代表工作站", "代表工作站 简介"])

    def test_only_get_is_allowed(self):
        self.assertEqual(self.client.post("/search/", {"q": "代表"}).status_code, 405)

    @override_settings(NEWS_PAGE_SIZE=1)
    def test_bad_page_numbers_do_not_error(self):
        for page in ("abc", "999", "-1"):
            with self.subTest(page=page):
                response = self.client.get("/search/", {"q": "代表工作站", "page": page})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(result_titles(response)), 1)
