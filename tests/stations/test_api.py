"""GET /api/areas/?q=… (DESIGN.md §4): the JSON autocomplete of villages and communities behind the
finder. Bad input gets 200 with an empty list or 400 with a Chinese message, never 500."""

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from deputies.factories import CountyFactory, TownshipFactory, VillageFactory
from deputies.models import Area
from stations.api import FINDER_URL_KEY
from stations.factories import StationIndexPageFactory
from stations.finder import API_LIMIT, MAX_QUERY_LENGTH
from tests.helpers import default_home, make_private

API = "/api/areas/"


class AreasApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = StationIndexPageFactory(parent=default_home())
        county = CountyFactory()
        cls.xinqiao = TownshipFactory(name="新桥镇", parent=county, sort_order=1)
        cls.chengguan = TownshipFactory(name="城关镇", parent=county, sort_order=2)
        cls.village = VillageFactory(name="新桥村", parent=cls.xinqiao)
        cls.hekou = VillageFactory(name="河口村", parent=cls.xinqiao)
        cls.dongguan = VillageFactory(name="东关社区", kind=Area.COMMUNITY, parent=cls.chengguan)
        cls.bigger = VillageFactory(name="大新桥村", parent=cls.chengguan)

    def setUp(self):
        # The finder's URL is cached across requests; a previous test's may linger.
        cache.delete(FINDER_URL_KEY)

    def get(self, **params):
        return self.client.get(API, params)

    def results(self, query):
        response = self.get(q=query)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["results"]

    def test_initials_give_the_village_first_with_every_field(self):
        response = self.get(q="xqc")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("新桥村", response.content.decode())  # readable UTF-8, not \\u escapes
        results = response.json()["results"]
        self.assertEqual(
            results[0],
            {
                "id": self.village.pk,
                "name": "新桥村",
                "full_name": "新桥镇新桥村",
                "kind": "village",
                "township": "新桥镇",
                "url": f"/stations/find/?area={self.village.pk}",
            },
        )
        # 大新桥村's initials dxqc contain xqc: after the exact match.
        self.assertEqual([r["name"] for r in results], ["新桥村", "大新桥村"])

    def test_chinese_prefix_substring_and_pinyin(self):
        self.assertEqual(
            [r["name"] for r in self.results("新桥")], ["新桥村", "大新桥村", "河口村"]
        )
        self.assertEqual([r["name"] for r in self.results("东关")], ["东关社区"])
        self.assertEqual([r["name"] for r in self.results("dgsq")], ["东关社区"])
        self.assertEqual([r["name"] for r in self.results("hekou")], ["河口村"])
        self.assertEqual(self.results("东关")[0]["kind"], "community")

    def test_townships_are_not_results(self):
        names = [r["name"] for r in self.results("镇")]
        self.assertNotIn("新桥镇", names)
        self.assertNotIn("城关镇", names)

    def test_at_most_ten_results(self):
        for number in range(API_LIMIT + 5):
            VillageFactory(name=f"测试{number}村", parent=self.chengguan)
        self.assertEqual(len(self.results("测试")), API_LIMIT)

    def test_empty_and_blank_queries_give_an_empty_list(self):
        for params in ({}, {"q": ""}, {"q": "   "}, {"q": "！？"}, {"q": "\x00"}):
            with self.subTest(params=params):
                response = self.get(**params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json(), {"results": []})

    def test_too_long_query_gives_400_with_a_chinese_message(self):
        response = self.get(q="新" * (MAX_QUERY_LENGTH + 1))
        self.assertEqual(response.status_code, 400)
        self.assertIn("不超过50个字", response.json()["error"])
        self.assertEqual(self.get(q="新" * MAX_QUERY_LENGTH).status_code, 200)

    def test_odd_queries_never_fail(self):
        for query in (
            "%",
            "_",
            "%%",
            "\\",
            "'",
            '"; DROP TABLE deputies_area; --',
            "<script>alert(1)</script>",
            "😀🏠",
            "\u202e新桥",
            "ⅩⅣ",
            "新\x00桥",
            "q=1&x=2",
        ):
            with self.subTest(query=query):
                response = self.get(q=query)
                self.assertIn(response.status_code, (200, 400))
                self.assertIn("results", response.json())

    def test_sql_wildcards_match_literally(self):
        self.assertEqual(self.results("%"), [])
        self.assertEqual(self.results("新%村"), [])

    def test_repeated_parameter_uses_the_last(self):
        results = self.client.get(f"{API}?q=zzz&q=hekou").json()["results"]
        self.assertEqual([r["name"] for r in results], ["河口村"])

    def test_public_short_cache(self):
        cache_control = self.get(q="xqc")["Cache-Control"]
        self.assertIn("public", cache_control)
        self.assertIn("max-age=300", cache_control)

    def test_only_get(self):
        self.assertEqual(self.client.post(API, {"q": "xqc"}).status_code, 405)

    def test_url_is_null_without_a_live_finder_page(self):
        self.assertIsNotNone(self.results("xqc")[0]["url"])  # cached now
        self.index.unpublish()
        self.assertIsNone(self.results("xqc")[0]["url"])

    def test_url_is_null_when_the_finder_page_is_private(self):
        self.assertIsNotNone(self.results("xqc")[0]["url"])
        make_private(self.index)
        self.assertIsNone(self.results("xqc")[0]["url"])

    def test_url_follows_the_page_when_its_slug_changes(self):
        self.assertEqual(self.results("xqc")[0]["url"], f"/stations/find/?area={self.village.pk}")
        self.index.slug = "daibiao"
        self.index.save_revision().publish()
        url = self.results("xqc")[0]["url"]
        self.assertEqual(url, f"/daibiao/find/?area={self.village.pk}")
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_queries_do_not_grow_with_matches(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                results = self.results("新桥")
            return len(queries), len(results)

        count()  # fills the cache with the finder's URL
        few = count()
        for number in range(20):
            VillageFactory(name=f"新桥{number}组", parent=self.xinqiao)
        many = count()
        self.assertEqual(many[1], API_LIMIT)
        self.assertEqual(many[0], few[0])
        self.assertEqual(many[0], 1)  # the finder's URL comes from the cache
