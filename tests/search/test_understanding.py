"""Search the way people ask (issue 18): titles first, short names, traditional characters,
typos, pinyin, article references and plain-language questions, through search_site(), the API
and the search page; public station activities as a result type (issue 16.3); odd input of these
kinds never fails."""

import datetime
from urllib.parse import urlparse

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from documents.factories import DocumentRegistryPageFactory, NormativeDocumentFactory
from documents.models import NormativeDocument
from search.backends.site import search_site
from search.models import SYNONYMS_CACHE_KEY, Synonym, TitleKey
from search.names import fold, name_keys, title_keys
from search.understand import article_reference, is_question, question
from stations.factories import ActivityFactory, StationFactory, StationIndexPageFactory
from tests.helpers import default_home, parse

CHINESE_SEARCH = {"default": {"BACKEND": "search.backends"}}

LABOUR_CONTRACT = "\n".join(
    [
        "第一章　总则",
        "第一条　为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，制定本法。",
        "第十九条　劳动合同期限三个月以上不满一年的，试用期不得超过一个月。",
        "第三十条　用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
        "用人单位拖欠或者未足额支付劳动报酬的，劳动者可以依法向当地人民法院申请支付令。",
        "第八十五条　用人单位未及时足额支付劳动报酬的，由劳动行政部门责令限期支付。",
    ]
)


def titles(results):
    return [hit.title for hit in results.hits]


class TestKeysAndQueries(SimpleTestCase):
    def test_a_title_is_found_by_its_forms(self):
        self.assertEqual(
            name_keys("中华人民共和国著作权法"), {"中华人民共和国著作权法": 0, "著作权法": 1}
        )
        self.assertEqual(name_keys("上海市物业管理条例")["物业管理条例"], 2)
        self.assertIn("刑法修正案十一", name_keys("中华人民共和国刑法修正案（十一）"))
        self.assertIn("行政处罚法", name_keys("中华人民共和国行政处罚法（2021年修订）"))
        kinds = {(kind, key) for kind, key, _ in title_keys("中华人民共和国著作权法")}
        self.assertIn(("pinyin", "zhuzuoquanfa"), kinds)
        self.assertIn(("initials", "zzqf"), kinds)
        self.assertIn(("fuzzy", "著?权法"), kinds)

    def test_traditional_characters_fold_to_simplified(self):
        self.assertEqual(fold("《勞動爭議調解仲裁法》"), "劳动争议调解仲裁法")

    def test_article_references_in_every_form(self):
        for query in (
            "著作权法第二十四条",
            "著作权法第24条",
            "著作权法 第 24 条",
            "《著作权法》第二十四条",
            "《著作权法》 第２４条",
            "著作權法第二十四條",
        ):
            with self.subTest(query):
                reference = article_reference(query)
                self.assertEqual((reference.law, reference.anchor), ("著作权法", "art-24"))
        self.assertEqual(article_reference("刑法第一百三十三条之一").anchor, "art-133-1")
        self.assertEqual(article_reference("刑法第99999条").number, 99999)
        self.assertEqual(article_reference("刑法第999999999999条").number, 0)
        self.assertIsNone(article_reference("第三条"))
        self.assertIsNone(article_reference("著作权法"))

    def test_a_question_becomes_legal_terms(self):
        self.assertTrue(is_question("公司拖欠工资不发怎么办"))
        self.assertFalse(is_question("劳动合同法"))
        words = dict(question("公司拖欠工资不发怎么办").words)
        self.assertIn("劳动报酬", words["工资"])
        self.assertIn("用人单位", words["公司"])
        self.assertNotIn("怎么办", words)
        self.assertIn("饮酒", question("喝酒后开车会被怎么处罚").terms)
        self.assertEqual(
            dict(question("驾照能借别人吗", {"驾照": ("测试用语",)}).words)["驾照"][0], "测试用语"
        )


@override_settings(WAGTAILSEARCH_BACKENDS=CHINESE_SEARCH)
class LawData(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.registry = DocumentRegistryPageFactory(parent=home)
        law = NormativeDocumentFactory

        cls.criminal_old = law(
            title="中华人民共和国刑法",
            full_text="第一条　旧文本。",
            validity=NormativeDocument.REPEALED,
            date_issued=datetime.date(1979, 7, 6),
        )
        cls.criminal = law(
            title="中华人民共和国刑法",
            full_text="第一条　为了惩罚犯罪，保护人民，制定本法。\n第二条　刑法的任务。",
            date_issued=datetime.date(1997, 3, 14),
        )
        # Titles and bodies that mention 刑法 far more often than the law itself does.
        for title in ("刑法实施细则", "某省贯彻刑法的若干规定", "关于适用刑法的解释"):
            law(title=title, full_text="刑法" * 30)
        cls.labour = law(title="中华人民共和国劳动合同法", full_text=LABOUR_CONTRACT)
        law(title="中华人民共和国劳动合同法实施条例", full_text="第一条　为了贯彻实施劳动合同法。")
        law(title="某市劳动合同管理规定", full_text="劳动合同法" * 5)
        cls.violence = law(
            title="中华人民共和国反家庭暴力法", full_text="第一条　为了预防和制止家庭暴力。"
        )
        cls.arbitration = law(
            title="中华人民共和国劳动争议调解仲裁法", full_text="第一条　为了公正及时解决劳动争议。"
        )
        cls.property = law(title="上海市物业管理条例", full_text="第一条　为了规范物业管理活动。")
        cls.identity = law(
            title="中华人民共和国居民身份证法", full_text="第一条　为了证明居民身份。"
        )
        cls.copyright = law(title="中华人民共和国著作权法", full_text="第一条　为了保护著作权。")

    def search(self, query, **kwargs):
        return search_site(query, types=["document"], **kwargs)

    def first(self, query):
        results = self.search(query)
        self.assertTrue(results.hits, f"nothing found for {query!r}")
        return results.hits[0]


class TestTitlesFirst(LawData):
    def setUp(self):
        # Staff's synonyms are cached (a minute); rows made by a test are rolled back after it.
        self.addCleanup(cache.delete, SYNONYMS_CACHE_KEY)

    def test_a_title_or_its_short_form_puts_the_newest_valid_version_first(self):
        for query in ("刑法", "中华人民共和国刑法", "中华人民共和国 刑法", "《刑法》"):
            with self.subTest(query):
                results = self.search(query)
                self.assertEqual(results.hits[0].object, self.criminal)
                self.assertEqual(results.hits[1].object, self.criminal_old)
                # The others follow where they match (the short name is in their titles).
                self.assertEqual(results.count, 5 if "中华" not in query else 2)

    def test_without_a_province(self):
        self.assertEqual(self.first("物业管理条例").object, self.property)

    def test_short_names_of_the_shipped_list_and_of_staff(self):
        self.assertEqual(self.first("反家暴法").object, self.violence)
        Synonym.objects.create(term="版权法", meanings="中华人民共和国著作权法")
        self.assertEqual(self.first("版权法").object, self.copyright)

    def test_staff_add_a_short_name_in_the_admin(self):
        admin = get_user_model().objects.create_superuser("staff", "s@example.com", "pw")
        self.client.force_login(admin)
        url = reverse("wagtailsnippets_search_synonym:add")
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url,
            {
                "kind": "name",
                "term": "《著权法》",
                "meanings": "中华人民共和国著作权法",
                "source": "测试",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Synonym.objects.get().term, "著权法")
        self.assertEqual(self.first("著权法").object, self.copyright)

    def test_traditional_characters(self):
        self.assertEqual(self.first("勞動爭議調解仲裁法").object, self.arbitration)
        self.assertEqual(self.first("勞動爭議調解仲裁").object, self.arbitration)

    def test_keys_follow_the_document(self):
        self.copyright.title = "中华人民共和国版权法"
        self.copyright.save()
        keys = set(TitleKey.objects.filter(kind="name").values_list("key", flat=True))
        self.assertIn("版权法", keys)
        self.assertNotIn("著作权法", keys)
        self.copyright.delete()
        self.assertNotIn("版权法", set(TitleKey.objects.values_list("key", flat=True)))


class TestTyposAndPinyin(LawData):
    def test_a_homophone_finds_the_title_and_says_so(self):
        results = self.search("劳动合同发")
        self.assertEqual(results.hits[0].object, self.labour)
        self.assertEqual(results.corrected, "中华人民共和国劳动合同法")
        self.assertTrue(results.replaced)

    def test_one_wrong_character(self):
        results = self.search("劳动合约法")
        self.assertEqual(results.hits[0].object, self.labour)
        self.assertEqual(results.corrected, "中华人民共和国劳动合同法")

    def test_a_part_of_a_title_is_no_typo(self):
        results = self.search("劳动合同")
        self.assertIsNone(results.corrected)
        self.assertEqual(results.hits[0].object, self.labour)

    def test_pinyin_in_every_form(self):
        for query in ("laodonghetongfa", "lao dong he tong fa", "laodong hetong", "LDHTF"):
            with self.subTest(query):
                self.assertEqual(self.first(query).object, self.labour)
        self.assertEqual(self.first("ju min shen fen zheng").object, self.identity)


class TestArticles(LawData):
    def test_an_article_reference_points_at_the_article(self):
        for query in ("劳动合同法第三十条", "劳动合同法 第 30 条", "《劳动合同法》第30条"):
            with self.subTest(query):
                hit = self.first(query)
                self.assertEqual(hit.object, self.labour)
                self.assertTrue(hit.url.endswith(f"/{self.labour.pk}/#art-30"), hit.url)
                self.assertTrue(hit.passage.startswith("第三十条 用人单位应当"))

    def test_an_article_that_does_not_exist_gives_the_law_without_anchor(self):
        for query in ("劳动合同法第99999条", "劳动合同法第二百条", "劳动合同法第0条"):
            with self.subTest(query):
                hit = self.first(query)
                self.assertEqual(hit.object, self.labour)
                self.assertNotIn("#", hit.url)
                self.assertIsNone(hit.passage)

    def test_a_phrase_with_an_article_number_but_no_law_is_searched_as_typed(self):
        document = NormativeDocumentFactory(
            title="某县办法", full_text="除本条例第六条规定外，适用本办法。"
        )
        hit = self.first("除本条例第六条规定外")
        self.assertEqual(hit.object, document)
        self.assertIsNone(hit.anchor)

    def test_the_api_carries_the_anchor_and_the_article_as_snippet(self):
        response = self.client.get(reverse("api_search"), {"q": "劳动合同法第十九条"})
        self.assertEqual(response.status_code, 200)
        hit = response.json()["results"][0]
        self.assertEqual(set(hit), {"type", "title", "url", "snippet", "date"})
        self.assertEqual(urlparse(hit["url"]).fragment, "art-19")
        self.assertTrue(hit["snippet"].startswith("第十九条 劳动合同期限三个月以上"), hit)

    def test_the_search_page_shows_the_article(self):
        response = self.client.get(reverse("search"), {"q": "劳动合同法第三十条"})
        article = parse(response).select_one(".search-result__article a")
        self.assertEqual(article.get_text(), "第三十条")
        self.assertTrue(article["href"].endswith("#art-30"))

    def test_a_question_finds_the_article_that_answers_it(self):
        results = self.search("公司拖欠工资不发怎么办")
        hit = next(hit for hit in results.hits if hit.object == self.labour)
        self.assertIn(hit.anchor, ("art-30", "art-85"))
        self.assertIn("劳动报酬", hit.passage)


class TestMessages(LawData):
    def test_the_page_says_what_it_searched_instead(self):
        response = self.client.get(reverse("search"), {"q": "劳动合同发"})
        notice = parse(response).select_one(".search-corrected").get_text()
        self.assertIn("没有找到“劳动合同发”，以下是“中华人民共和国劳动合同法”的结果", notice)

    def test_the_page_asks_did_you_mean_when_the_query_found_something(self):
        NormativeDocumentFactory(title="会议纪要", full_text="劳动合约法的讨论")
        response = self.client.get(reverse("search"), {"q": "劳动合约法"})
        notice = parse(response).select_one(".search-corrected")
        self.assertIn("您是不是要找", notice.get_text())
        self.assertEqual(notice.a.get_text(), "中华人民共和国劳动合同法")


class TestBadInput(LawData):
    def test_long_and_odd_queries_never_fail(self):
        queries = [
            "公司拖欠工资不发怎么办" * 45 + "吗",  # 500 characters
            " ".join(["lao"] * 200),
            "lao" * 200,
            "第99999条",
            "刑法第99999条",
            "《》第一条",
            "《刑法》第",
            "第一百条之九九九九",
            "吗吗吗吗",
            "？？？",
            "a",
            "法第" * 100 + "条",
        ]
        for query in queries:
            with self.subTest(query=query[:30]):
                for url in (reverse("api_search"), reverse("search")):
                    self.assertEqual(self.client.get(url, {"q": query[:100]}).status_code, 200)
                self.assertEqual(
                    self.client.get(reverse("api_search"), {"q": query}).status_code, 200
                )


@override_settings(WAGTAILSEARCH_BACKENDS=CHINESE_SEARCH)
class TestActivities(TestCase):
    """Issue 16.3: public station activities are found, as type `activity`; internal ones never,
    nor those of an unpublished station."""

    @classmethod
    def setUpTestData(cls):
        cls.index = StationIndexPageFactory(parent=default_home())
        cls.station = StationFactory()
        cls.public = ActivityFactory(station=cls.station, title="秸秆禁烧宣传活动", is_public=True)
        cls.internal = ActivityFactory(
            station=cls.station, title="秸秆禁烧内部会议", is_public=False
        )
        hidden_station = StationFactory(live=False)
        cls.hidden = ActivityFactory(station=hidden_station, title="秸秆禁烧撤站活动")

    def test_public_activities_only(self):
        results = search_site("秸秆禁烧")
        self.assertEqual(titles(results), ["秸秆禁烧宣传活动"])
        hit = results.hits[0]
        self.assertEqual(hit.type, "activity")
        self.assertEqual(hit.date, self.public.date)
        self.assertTrue(hit.url.endswith(f"/{self.station.pk}/#activity-{self.public.pk}"))
        self.assertEqual(search_site("秸秆禁烧", types=["activity"]).count, 1)

    def test_through_the_api(self):
        response = self.client.get(reverse("api_search"), {"q": "禁烧", "type": "activity"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r["title"] for r in response.json()["results"]], ["秸秆禁烧宣传活动"])
