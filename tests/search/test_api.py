"""GET /api/search/?q=&type=&limit=&offset= (DESIGN.md §4): the schema, the type filter, paging,
public content only, and bad input answered with 200 or a Chinese 400, never a 500."""

import datetime

from django.test import TestCase

from deputies.factories import DeputyFactory, DeputyIndexPageFactory
from documents.factories import DocumentRegistryPageFactory, NormativeDocumentFactory
from home.factories import StandardPageFactory
from search.backends.site import TYPE_NAMES
from tests.helpers import HIDDEN_MARKERS, create_hidden, default_home
from tests.search.test_backend import BAD_QUERIES

URL = "/api/search/"


class ApiData(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.registry = DocumentRegistryPageFactory(parent=home)
        DeputyIndexPageFactory(parent=home)
        cls.documents = [
            NormativeDocumentFactory(
                title=f"某县旅游管理办法（第{n}版）",
                date_issued=datetime.date(2026, 1, n),
                full_text=f"第一条 为了发展旅游业，第{n}版。",
            )
            for n in range(1, 6)
        ]
        cls.page = StandardPageFactory(parent=home, title="乡村旅游简介")
        cls.deputy = DeputyFactory(name="李旅游", post="县文化和旅游局局长")
        create_hidden(StandardPageFactory, home, "旅游页面")
        NormativeDocumentFactory(title="旅游草稿文件", full_text="旅游。", live=False)

    def get(self, **params):
        return self.client.get(URL, params)


class TestSchema(ApiData):
    def test_count_and_results_with_the_documented_keys(self):
        response = self.get(q="旅游")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        data = response.json()
        self.assertEqual(set(data), {"count", "results"})
        self.assertEqual(data["count"], 7)
        self.assertEqual(len(data["results"]), 7)
        for result in data["results"]:
            self.assertEqual(set(result), {"type", "title", "url", "snippet", "date"})
            self.assertIn(result["type"], TYPE_NAMES)
            self.assertIsInstance(result["title"], str)
            self.assertTrue(result["url"].startswith("http://testserver/"), result)
            self.assertIsInstance(result["snippet"], str)
            if result["date"] is not None:
                datetime.date.fromisoformat(result["date"])
        titles = [result["title"] for result in data["results"]]
        self.assertFalse(any(marker in t for t in titles for marker in HIDDEN_MARKERS), titles)

    def test_a_document_hit(self):
        data = self.get(q='"第3版"', type="document").json()
        self.assertEqual(data["count"], 1)
        hit = data["results"][0]
        self.assertEqual(
            hit,
            {
                "type": "document",
                "title": "某县旅游管理办法（第3版）",
                "url": f"http://testserver{self.registry.url}{self.documents[2].pk}/",
                # From the line of the match (the number is on the line before it).
                "snippet": "…第一条 为了发展旅游业，第3版。",
                "date": "2026-01-03",
            },
        )

    def test_snippets_are_plain_text(self):
        NormativeDocumentFactory(title="标记测试", full_text="<b>河道</b> & 治理")
        hit = self.get(q="河道").json()["results"][0]
        self.assertIn("<b>河道</b> & 治理", hit["snippet"])  # JSON: text, not HTML

    def test_cors_free_and_cacheable(self):
        response = self.get(q="旅游")
        self.assertIn("max-age=60", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex")


class TestFiltersAndPaging(ApiData):
    def test_type_filter_and_several_types(self):
        self.assertEqual(self.get(q="旅游", type="document").json()["count"], 5)
        self.assertEqual(self.get(q="旅游", type="deputy").json()["results"][0]["title"], "李旅游")
        response = self.client.get(URL, {"q": "旅游", "type": ["deputy", "page"]})
        self.assertEqual({r["type"] for r in response.json()["results"]}, {"deputy", "page"})
        self.assertEqual(response.json()["count"], 2)

    def test_limit_and_offset_page_through_the_results(self):
        seen = []
        for offset in range(0, 7, 3):
            data = self.get(q="旅游", limit=3, offset=offset).json()
            self.assertEqual(data["count"], 7)
            seen += [result["url"] for result in data["results"]]
        self.assertEqual(len(seen), 7)
        self.assertEqual(len(set(seen)), 7)
        self.assertEqual(self.get(q="旅游", offset=7).json(), {"count": 7, "results": []})

    def test_default_limit_is_ten(self):
        for n in range(6, 12):
            NormativeDocumentFactory(title=f"旅游补充规定{n}", full_text="旅游。")
        data = self.get(q="旅游").json()
        self.assertEqual((data["count"], len(data["results"])), (13, 10))


class TestBadInput(ApiData):
    def assert_error(self, response, message):
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json(), {"error": message})

    def test_empty_query_is_an_empty_result(self):
        for q in ("", "   "):
            with self.subTest(q=q):
                response = self.get(q=q)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json(), {"count": 0, "results": []})
        self.assertEqual(self.client.get(URL).json(), {"count": 0, "results": []})

    def test_odd_queries_are_answered_never_with_an_error(self):
        for q in [*BAD_QUERIES, "ｔｙｐｅ：旅游", "旅游\x00", "NEAR(旅游, 2)", "旅游*", "🏞️旅游🏞️"]:
            with self.subTest(q=q[:20]):
                response = self.get(q=q)
                self.assertIn(response.status_code, (200, 400), response.content[:200])
                data = response.json()
                if response.status_code == 200:
                    self.assertEqual(set(data), {"count", "results"})
                else:
                    self.assertIn("error", data)

    def test_syntax_characters_are_searched_as_text(self):
        for q in ('"旅游"', "旅游*", "旅游:", "(旅游)", "^旅游", "{旅游}", "旅游 -"):
            with self.subTest(q=q):
                self.assertGreater(self.get(q=q).json()["count"], 0)

    def test_full_width_and_half_width_find_the_same(self):
        # Phrases: 第/3/版 as separate tokens also occur in other documents' numbers.
        self.assertEqual(self.get(q='"第３版"').json()["count"], 1)
        self.assertEqual(self.get(q='"第3版"').json()["count"], 1)
        self.assertEqual(self.get(q="ＡＢＣ旅游").json(), self.get(q="abc旅游").json())

    def test_a_query_of_2000_characters_is_searched_and_longer_refused(self):
        response = self.get(q="旅" * 2000)
        self.assertEqual(response.status_code, 200)
        self.assert_error(self.get(q="旅" * 2001), "搜索词过长，请控制在2000个字以内。")

    def test_unknown_type(self):
        self.assert_error(
            self.get(q="旅游", type="law"),
            "未知的类型“law”，可选：news、initiative、appraisal、document、deputy、station、activity、page。",
        )

    def test_echoed_markup_is_escaped_in_the_json(self):
        # The unknown type is echoed in the message; < > & are \u escapes (core.utils), so the
        # response never carries markup (found by tests/security/test_fuzz.py).
        response = self.get(q="旅游", type="<script>alert(1)</script>&")
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(b"<", response.content)
        self.assertIn(b"\\u003Cscript\\u003E", response.content)
        self.assertIn("“<script>alert(1)</script>&”", response.json()["error"])

    def test_bad_limit_and_offset(self):
        cases = [
            ({"limit": "0"}, "limit 应在 1 到 100 之间。"),
            ({"limit": "101"}, "limit 应在 1 到 100 之间。"),
            ({"limit": "-1"}, "limit 应在 1 到 100 之间。"),
            ({"limit": "9" * 40}, "limit 应在 1 到 100 之间。"),
            ({"limit": "ten"}, "limit 必须是整数。"),
            ({"offset": "-1"}, "offset 应在 0 到 10000 之间。"),
            ({"offset": "10001"}, "offset 应在 0 到 10000 之间。"),
            ({"offset": "1e9"}, "offset 必须是整数。"),
            ({"offset": "９"}, None),  # full-width digits are digits
        ]
        for params, message in cases:
            with self.subTest(params=params):
                response = self.get(q="旅游", **params)
                if message is None:
                    self.assertEqual(response.status_code, 200)
                else:
                    self.assert_error(response, message)

    def test_only_get(self):
        self.assertEqual(self.client.post(URL, {"q": "旅游"}).status_code, 405)
