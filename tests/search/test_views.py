"""The search page /search/?q=&type=&page=: every public type together, type filters with counts,
dates, highlighted snippets, pagination, promoted results, popular queries, noindex, empty states
and bad input."""

import datetime

from django.test import TestCase, override_settings
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from core.factories import body_from_paragraphs
from deputies.factories import DeputyFactory, DeputyIndexPageFactory
from documents.factories import DocumentRegistryPageFactory, NormativeDocumentFactory
from home.factories import StandardPageFactory
from news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.helpers import create_hidden, default_home, h1_texts, parse


def result_titles(response):
    return [a.get_text() for a in parse(response).select(".search-results h2 a")]


def type_links(response):
    return [item.get_text(strip=True) for item in parse(response).select(".search-types li")]


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

    def test_a_word_inside_a_title_is_found_and_marked(self):
        response = self.client.get("/search/", {"q": "工作"})
        self.assertEqual(sorted(result_titles(response)), ["代表工作站", "代表工作站 简介"])
        marks = [m.get_text() for m in parse(response).select(".search-results h2 mark")]
        self.assertEqual(marks, ["工作", "工作"])

    def test_only_get_is_allowed(self):
        self.assertEqual(self.client.post("/search/", {"q": "代表"}).status_code, 405)

    @override_settings(NEWS_PAGE_SIZE=1)
    def test_bad_page_numbers_do_not_error(self):
        for page in ("abc", "999", "-1", "0", "9" * 30):
            with self.subTest(page=page):
                response = self.client.get("/search/", {"q": "代表工作站", "page": page})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(result_titles(response)), 1)

    @override_settings(NEWS_PAGE_SIZE=1)
    def test_pages_through_the_results(self):
        first = self.client.get("/search/", {"q": "代表工作站"})
        second = self.client.get("/search/", {"q": "代表工作站", "page": "2"})
        self.assertEqual(
            sorted(result_titles(first) + result_titles(second)), ["代表工作站", "代表工作站 简介"]
        )
        nav = parse(first).find("nav", attrs={"aria-label": "搜索结果分页"})
        self.assertIn("q=%E4%BB%A3%E8%A1%A8%E5%B7%A5%E4%BD%9C%E7%AB%99", nav.find("a")["href"])
        self.assertIn("共 2 条", nav.get_text())
        self.assertEqual(parse(second).select_one("ol.search-results")["start"], "2")


class TestEveryTypeTogether(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        news_index = NewsIndexPageFactory(parent=home)
        cls.news = NewsPageFactory(
            parent=news_index,
            title="县人大常委会开展河道管理视察",
            date=datetime.date(2026, 11, 25),
            summary="",
            body=body_from_paragraphs(["视察组一行查看了河道整治现场。"]),
        )
        cls.registry = DocumentRegistryPageFactory(parent=home)
        cls.document = NormativeDocumentFactory(
            title="某县河道管理办法",
            date_issued=datetime.date(2026, 3, 1),
            full_text="第一条 为了加强河道管理，保障防洪安全，根据有关法律，制定本办法。"
            + "其他条款。" * 40,
        )
        cls.deputy_index = DeputyIndexPageFactory(parent=home)
        cls.deputy = DeputyFactory(name="王河道", post="县水利局河道管理站站长")
        cls.draft_document = NormativeDocumentFactory(
            title="河道草稿办法", full_text="河道管理草稿。", live=False
        )

    def test_results_of_every_type_with_counts_and_filters(self):
        response = self.client.get("/search/", {"q": "河道管理"})
        self.assertEqual(response.status_code, 200)
        titles = result_titles(response)
        self.assertEqual(
            sorted(titles), sorted(["县人大常委会开展河道管理视察", "某县河道管理办法", "王河道"])
        )
        self.assertNotIn("河道草稿办法", titles)
        self.assertEqual(
            type_links(response), ["全部（3）", "新闻动态（1）", "规范性文件（1）", "人大代表（1）"]
        )

    def test_the_type_filter_keeps_the_other_counts(self):
        response = self.client.get("/search/", {"q": "河道管理", "type": "document"})
        self.assertEqual(result_titles(response), ["某县河道管理办法"])
        current = parse(response).select_one(".search-types [aria-current]")
        self.assertEqual(current.get_text(), "规范性文件（1）")
        self.assertIn("全部（3）", type_links(response))
        all_link = parse(response).select_one(".search-types a")
        self.assertNotIn("type=", all_link["href"])
        self.assertContains(response, "找到 1 条与“河道管理”相关的结果（规范性文件）")

    def test_links_dates_and_types_of_hits(self):
        soup = parse(self.client.get("/search/", {"q": "防洪安全"}))
        result = soup.select_one(".search-result")
        self.assertEqual(
            result.select_one("h2 a")["href"], f"{self.registry.url}{self.document.pk}/"
        )
        self.assertEqual(result.select_one(".tag").get_text(), "规范性文件")
        self.assertEqual(result.select_one("time")["datetime"], "2026-03-01")
        self.assertEqual(result.select_one("time").get_text(), "2026年3月1日")

    def test_the_snippet_is_around_the_match_with_the_words_marked(self):
        response = self.client.get("/search/", {"q": "防洪安全"})
        snippet = parse(response).select_one(".search-result__snippet")
        self.assertIn("保障防洪安全", snippet.get_text())
        self.assertEqual([m.get_text() for m in snippet.select("mark")], ["防洪安全"])

    def test_markup_in_content_is_escaped_in_snippets_and_titles(self):
        NormativeDocumentFactory(
            title="<b>粗体</b>河道标题",
            full_text='<script>alert("x")</script> 河道治理 <img src=x onerror=alert(1)>',
        )
        response = self.client.get("/search/", {"q": "河道治理"})
        html = response.content.decode()
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("<img src=x", html)
        self.assertNotIn("<b>粗体</b>", html)
        self.assertIn("alert(&quot;x&quot;)&lt;/script&gt; <mark>河道治理</mark> &lt;img", html)
        self.assertIn("&lt;b&gt;粗体&lt;/b&gt;<mark>河道</mark>标题", html)

    def test_markup_in_the_query_is_escaped(self):
        response = self.client.get("/search/", {"q": '<script>alert("x")</script>'})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('<script>alert("x")</script>', response.content.decode())

    def test_an_unknown_type_shows_every_type_with_a_notice(self):
        response = self.client.get("/search/", {"q": "河道管理", "type": "nonsense"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(result_titles(response)), 3)
        self.assertContains(response, "未知的类型“nonsense”")

    def test_nothing_found_suggests_single_words_and_popular_queries(self):
        Query.get("河道").add_hit()
        response = self.client.get("/search/", {"q": "河道 火星"})
        soup = parse(response)
        self.assertIn(
            "没有找到与“河道 火星”相关的结果", soup.select_one(".search-empty").get_text()
        )
        suggestions = [a.get_text() for a in soup.select(".search-empty a")]
        self.assertEqual(suggestions, ["河道", "火星"])
        popular = [a.get_text() for a in soup.select(".search-popular a")]
        self.assertEqual(popular, ["河道"])
        self.assertEqual(
            soup.select_one(".search-popular a")["href"], "/search/?q=%E6%B2%B3%E9%81%93"
        )

    def test_nothing_found_in_one_type_links_to_all_types(self):
        response = self.client.get("/search/", {"q": "视察", "type": "deputy"})
        links = {a.get_text(): a["href"] for a in parse(response).select(".search-empty a")}
        self.assertIn("在全部类型中查找“视察”", links)
        self.assertNotIn("type=", links["在全部类型中查找“视察”"])

    def test_successful_searches_are_recorded_once_per_search(self):
        self.client.get("/search/", {"q": "河道管理"})
        self.client.get("/search/", {"q": "河道管理", "page": "2"})
        self.client.get("/search/", {"q": "找不到的词语"})
        self.assertEqual(Query.get("河道管理").hits, 1)
        self.assertEqual(Query.get("找不到的词语").hits, 0)

    def test_promoted_results_come_first(self):
        query = Query.get("河道管理")
        SearchPromotion.objects.create(
            query=query, page=self.news, description="本年度河道管理视察的报道。", sort_order=0
        )
        SearchPromotion.objects.create(
            query=query,
            external_link_url="https://www.example.gov.cn/river",
            external_link_text="河长制信息平台",
            sort_order=1,
        )
        hidden = create_hidden(StandardPageFactory, default_home(), "河道推广 ")
        for number, page in enumerate(hidden):
            SearchPromotion.objects.create(query=query, page=page, sort_order=10 + number)

        soup = parse(self.client.get("/search/", {"q": "河道管理"}))
        promoted = soup.select(".search-promotions li a")
        self.assertEqual(
            [(a.get_text(), a["href"]) for a in promoted],
            [
                ("县人大常委会开展河道管理视察", self.news.url),
                ("河长制信息平台", "https://www.example.gov.cn/river"),
            ],
        )
        self.assertIn(
            "本年度河道管理视察的报道。", soup.select_one(".search-promotions").get_text()
        )
        # Promotions are matched on the normalised query (case, spaces), as Wagtail's are.
        self.assertEqual(
            len(
                parse(self.client.get("/search/", {"q": "  河道管理 "})).select(
                    ".search-promotions li"
                )
            ),
            2,
        )
