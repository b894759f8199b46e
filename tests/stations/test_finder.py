""" "Find my deputy and station" (/stations/find/): from a village's name, part of it or its pinyin
to its stations, resident deputies, constituency deputies and next reception day, in one step;
a choice list when several match; the township's stations and close names when none does. Only
live stations, live reception days and published, serving deputies reach the page."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.factories import ImageFactory
from deputies.factories import (
    ConstituencyFactory,
    CountyFactory,
    DeputyFactory,
    DeputyIndexPageFactory,
    ElectionFactory,
    TermFactory,
    TownshipFactory,
    VillageFactory,
)
from deputies.models import Area
from stations import factories
from stations.factories import StationDeputyFactory, StationIndexPageFactory
from stations.finder import (
    MAX_QUERY_LENGTH,
    close_names,
    find_township,
    normalize,
    search_areas,
)
from tests.helpers import default_home, h1_texts, main_text, parse

FIND = "/stations/find/"


# The app's factories set the parental many-to-many fields (areas, deputies) on the in-memory
# cluster only; these save afterwards so that the values reach the database.
class SavesParentalManyToMany:
    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class StationFactory(SavesParentalManyToMany, factories.StationFactory):
    pass


class ReceptionFactory(SavesParentalManyToMany, factories.ReceptionFactory):
    pass


def section_text(response, heading_id):
    heading = parse(response).find(id=heading_id)
    assert heading is not None, f"no #{heading_id} on the page"
    return " ".join(heading.find_parent("section").get_text(" ", strip=True).split())


def choice_names(response):
    return [a.get_text(strip=True) for a in parse(response).select(".finder-choices a")]


class FinderData(TestCase):
    """演示县 with 新桥镇 (新桥村, 河口村, 朝阳村), 城关镇 (东关社区) and 石岭乡 (石岭村, 柳树沟村);
    新桥镇's station serves 新桥村 and 河口村, 石岭乡's serves 石岭村 only; a draft station also
    claims 新桥村. Deputies: resident 田芳 (with photo), constituency deputy 黄伟, a draft, a
    terminated and a previous-term deputy who must not be shown."""

    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        home = default_home()
        cls.index = StationIndexPageFactory(parent=home)
        cls.deputy_index = DeputyIndexPageFactory(parent=home)
        cls.term = TermFactory(
            number=18, start_date=datetime.date(2021, 12, 1), end_date=None, name="第十八届"
        )
        cls.old_term = TermFactory(
            number=17,
            name="第十七届",
            start_date=datetime.date(2016, 12, 1),
            end_date=datetime.date(2021, 11, 30),
        )
        county = CountyFactory()
        cls.xinqiao = TownshipFactory(name="新桥镇", parent=county, sort_order=1)
        cls.chengguan = TownshipFactory(name="城关镇", parent=county, sort_order=2)
        cls.shiling = TownshipFactory(name="石岭乡", parent=county, sort_order=3)
        cls.village = VillageFactory(name="新桥村", parent=cls.xinqiao, sort_order=1)
        cls.hekou = VillageFactory(name="河口村", parent=cls.xinqiao, sort_order=2)
        cls.chaoyang = VillageFactory(name="朝阳村", parent=cls.xinqiao, sort_order=3)
        cls.dongguan = VillageFactory(name="东关社区", kind=Area.COMMUNITY, parent=cls.chengguan)
        cls.shiling_village = VillageFactory(name="石岭村", parent=cls.shiling)
        cls.liushugou = VillageFactory(name="柳树沟村", parent=cls.shiling)

        cls.constituency = ConstituencyFactory(
            term=cls.term, name="第三选区", areas=[cls.village, cls.hekou]
        )
        old_constituency = ConstituencyFactory(
            term=cls.old_term, name="第九选区", areas=[cls.village]
        )
        shiling_constituency = ConstituencyFactory(
            term=cls.term, name="第五选区", areas=[cls.shiling]
        )

        cls.resident = DeputyFactory(
            name="田芳", post="县农业农村局副局长", phone="0311-80025120", photo=ImageFactory()
        )
        cls.elected = DeputyFactory(name="黄伟", post="新桥镇镇长")
        cls.draft = DeputyFactory(name="草稿代表", live=False)
        cls.terminated = DeputyFactory(
            name="终止代表",
            status="terminated",
            status_date=datetime.date(2024, 3, 1),
            status_reason="resigned",
        )
        cls.old = DeputyFactory(name="往届代表")
        cls.shiling_deputy = DeputyFactory(name="石岭代表")
        for deputy in (cls.resident, cls.elected, cls.draft, cls.terminated):
            ElectionFactory(deputy=deputy, constituency=cls.constituency)
        ElectionFactory(deputy=cls.old, constituency=old_constituency)
        ElectionFactory(deputy=cls.shiling_deputy, constituency=shiling_constituency)

        cls.station = StationFactory(
            name="新桥镇人大代表工作站",
            township=cls.xinqiao,
            areas=[cls.village, cls.hekou],
            address="新桥镇新华街18号",
        )
        cls.draft_station = StationFactory(
            name="草稿工作站", township=cls.xinqiao, areas=[cls.village], live=False
        )
        cls.shiling_station = StationFactory(
            name="石岭乡人大代表工作站", township=cls.shiling, areas=[cls.shiling_village]
        )
        for deputy in (cls.resident, cls.draft, cls.terminated):
            StationDeputyFactory(station=cls.station, deputy=deputy)
        cls.next_date = cls.today + datetime.timedelta(days=6)
        ReceptionFactory(
            station=cls.station, date=cls.next_date, deputies=[cls.resident, cls.draft]
        )
        ReceptionFactory(station=cls.station, date=cls.today + datetime.timedelta(days=20))
        ReceptionFactory(
            station=cls.station, date=cls.today + datetime.timedelta(days=2), live=False
        )
        ReceptionFactory(station=cls.station, date=cls.today - datetime.timedelta(days=3))
        ReceptionFactory(station=cls.draft_station, date=cls.today + datetime.timedelta(days=1))

    def find(self, **params):
        response = self.client.get(FIND, params)
        self.assertEqual(response.status_code, 200)
        return response


class OneStepTests(FinderData):
    """A citizen who knows only the village finds station and deputies in one step."""

    def assert_shows_village(self, response):
        self.assertEqual(h1_texts(response), ["查找我的代表和工作站"])
        heading = parse(response).find(id="finder-area-heading")
        self.assertIsNotNone(heading, "expected the village's result, not a list")
        self.assertIn("新桥镇新桥村", heading.get_text())

    def test_name_initials_pinyin_and_variants_all_lead_to_the_village(self):
        for typed in (
            "新桥村",
            "新桥镇新桥村",
            " 新桥村 ",
            "新桥村委会",
            "新桥村村民委员会",
            "xqc",
            "XQC",
            "ｘｑｃ",
            "xinqiaocun",
            "xin qiao cun",
            "xīnqiáo",
        ):
            with self.subTest(typed=typed):
                self.assert_shows_village(self.find(q=typed))

    def test_result_shows_station_residents_constituency_and_next_reception(self):
        response = self.find(q="xqc")
        stations = section_text(response, "finder-stations-heading")
        self.assertIn("服务新桥村的代表工作站", stations)
        self.assertNotIn("还没有站点登记", stations)
        self.assertIn("新桥镇人大代表工作站", stations)
        self.assertIn("新桥镇新华街18号", stations)
        links = [a["href"] for a in parse(response).select(".station-list a")]
        self.assertIn(self.index.station_url(self.station), links)

        residents = section_text(response, "finder-residents-heading")
        self.assertIn("田芳", residents)
        self.assertIn("0311-80025120", residents)
        self.assertIn("县农业农村局副局长", residents)

        constituency = section_text(response, "finder-constituency-heading")
        self.assertIn("第三选区", constituency)
        self.assertIn("田芳", constituency)
        self.assertIn("黄伟", constituency)

        profile = f"{self.deputy_index.url}{self.elected.pk}/"
        self.assertIn(profile, [a["href"] for a in parse(response).select("main a")])

        summary = section_text(response, "finder-area-heading")
        date = self.next_date
        self.assertIn(f"{date.year}年{date.month}月{date.day}日", summary)
        self.assertIn("新桥镇人大代表工作站", summary)
        self.assertIn("田芳", summary)

    def test_hidden_records_are_not_shown(self):
        text = main_text(self.find(q="新桥村"))
        for hidden in ("草稿工作站", "草稿代表", "终止代表", "往届代表", "石岭代表"):
            self.assertNotIn(hidden, text)
        draft_reception = self.today + datetime.timedelta(days=2)
        self.assertNotIn(
            f"{draft_reception.year}年{draft_reception.month}月{draft_reception.day}日", text
        )

    def test_area_parameter_shows_that_area(self):
        response = self.find(area=self.hekou.pk)
        self.assertIn("新桥镇河口村", parse(response).find(id="finder-area-heading").get_text())
        stations = section_text(response, "finder-stations-heading")
        self.assertIn("服务河口村的代表工作站 新桥镇人大代表工作站", stations)
        # What is shown for ?area= goes back into the field, so the form can be used again.
        field = parse(response).find("form", class_="finder-form").find("input", {"name": "q"})
        self.assertEqual(field["value"], "新桥镇河口村")
        # …and not into the site-wide search box in the header.
        self.assertEqual(parse(response).find(id="site-search-q")["value"], "")

    def test_heteronym_readings_of_a_place_name_are_found(self):
        for typed in ("cyc", "zyc", "chaoyang"):
            with self.subTest(typed=typed):
                heading = parse(self.find(q=typed)).find(id="finder-area-heading")
                self.assertIn("朝阳村", heading.get_text())

    def test_village_without_station_falls_back_to_its_township(self):
        response = self.find(q="柳树沟村")
        stations = section_text(response, "finder-stations-heading")
        self.assertIn("石岭乡的代表工作站", stations)
        self.assertIn("还没有站点登记服务柳树沟村", stations)
        self.assertIn("石岭乡人大代表工作站", stations)
        # Constituencies covering the whole township count for its villages.
        self.assertIn("石岭代表", section_text(response, "finder-constituency-heading"))

    def test_no_upcoming_reception_says_so(self):
        response = self.find(q="石岭村")
        self.assertIn("近期暂未安排", section_text(response, "finder-area-heading"))

    def test_exact_match_wins_and_lists_the_others(self):
        VillageFactory(name="新桥村二组", parent=self.xinqiao)
        response = self.find(q="新桥村")
        self.assertIn("新桥镇新桥村", parse(response).find(id="finder-area-heading").get_text())
        self.assertIn("新桥镇新桥村二组", section_text(response, "finder-others-heading"))

    def test_queries_do_not_grow_with_stations_and_deputies(self):
        def count():
            self.find(q="新桥村")  # creates the photos' renditions
            with CaptureQueriesContext(connection) as queries:
                self.find(q="新桥村")
            return len(queries)

        before = count()
        for number in range(3):
            station = StationFactory(township=self.xinqiao, areas=[self.village])
            for _ in range(2):
                deputy = DeputyFactory(photo=ImageFactory())
                StationDeputyFactory(station=station, deputy=deputy)
                ElectionFactory(deputy=deputy, constituency=self.constituency)
            ReceptionFactory(station=station, date=self.today + datetime.timedelta(days=number))
        self.assertEqual(count(), before)


class ChoicesTests(FinderData):
    def test_several_matches_give_a_choice_list_linking_to_each(self):
        response = self.find(q="村")
        names = choice_names(response)
        for name in ("新桥镇新桥村", "新桥镇河口村", "石岭乡柳树沟村"):
            self.assertIn(name, names)
        self.assertNotIn("城关镇东关社区", names)
        link = parse(response).find("a", string="新桥镇河口村")
        self.assertEqual(link["href"], f"{FIND}?area={self.hekou.pk}")
        self.assertIsNone(parse(response).find(id="finder-area-heading"))

    def test_township_name_shows_its_stations_and_villages(self):
        for typed in ("新桥镇", "xqz"):
            with self.subTest(typed=typed):
                response = self.find(q=typed)
                stations = section_text(response, "finder-township-heading")
                self.assertIn("新桥镇人大代表工作站", stations)
                self.assertNotIn("草稿工作站", stations)
                villages = section_text(response, "finder-township-areas-heading")
                for name in ("新桥村", "河口村", "朝阳村"):
                    self.assertIn(name, villages)

    def test_township_area_parameter_shows_the_township(self):
        response = self.find(area=self.shiling.pk)
        self.assertIn("石岭乡人大代表工作站", section_text(response, "finder-township-heading"))


class NoMatchTests(FinderData):
    """Never an empty page: close names, the township's stations if named, the townships."""

    def test_homophone_typo_suggests_the_village(self):
        response = self.find(q="新乔村")
        self.assertIn("没有找到“新乔村”", main_text(response))
        self.assertIn("新桥镇新桥村", choice_names(response))

    def test_one_character_off_suggests_the_village(self):
        self.assertIn("新桥镇河口村", choice_names(self.find(q="河口庄")))

    def test_pinyin_typo_suggests_the_village(self):
        self.assertIn("新桥镇新桥村", choice_names(self.find(q="xinqiaochun")))

    def test_unknown_village_in_known_township_shows_the_township(self):
        response = self.find(q="新桥镇张家村")
        self.assertIn("没有找到名为“新桥镇张家村”的村（社区）", main_text(response))
        self.assertIn("新桥镇人大代表工作站", section_text(response, "finder-township-heading"))

    def test_nothing_close_still_offers_the_townships(self):
        response = self.find(q="zzzz")
        self.assertIn("没有找到“zzzz”", main_text(response))
        townships = section_text(response, "finder-townships-heading")
        for name in ("新桥镇", "城关镇", "石岭乡"):
            self.assertIn(name, townships)
        link = parse(response).find("a", string="石岭乡")
        self.assertEqual(link["href"], f"{FIND}?area={self.shiling.pk}")

    def test_start_page_has_a_labelled_form_that_works_without_javascript(self):
        response = self.find()
        form = parse(response).find("form", class_="finder-form")
        self.assertEqual(form["method"], "get")
        self.assertEqual(form["action"], FIND)
        field = form.find("input", {"name": "q"})
        label = form.find("label", {"for": field["id"]})
        self.assertEqual(label.get_text(strip=True), "村（社区）名称")
        self.assertIsNotNone(form.find("button", {"type": "submit"}))
        self.assertIn("area-autocomplete.js", response.content.decode())
        self.assertIsNone(parse(response).find("meta", {"name": "robots"}))

    def test_results_are_not_indexed(self):
        robots = parse(self.find(q="新桥村")).find("meta", {"name": "robots"})
        self.assertEqual(robots["content"], "noindex")


class BadInputTests(FinderData):
    def test_bad_input_gets_a_clear_chinese_message_never_an_error(self):
        cases = {
            "x" * (MAX_QUERY_LENGTH + 1): "输入的内容过长",
            "！？。": "请输入村（社区）的名称或拼音首字母",
            "\x00\x01": "请输入村（社区）的名称或拼音首字母",
        }
        for typed, message in cases.items():
            with self.subTest(typed=typed):
                response = self.find(q=typed)
                notices = [p.get_text(strip=True) for p in parse(response).select(".notice p")]
                self.assertTrue(any(message in notice for notice in notices), notices)
                self.assertIn("按乡镇（街道）查找", main_text(response))

    def test_unknown_or_malformed_area_is_explained(self):
        for value in ("999999999", "abc", "-1", "1e9", self.station.pk * 0):
            with self.subTest(area=value):
                response = self.find(area=value)
                self.assertIn("没有找到所选的村（社区）", main_text(response))

    def test_odd_queries_never_fail(self):
        for typed in ("%", "_", "%%新桥", "'; DROP TABLE x; --", "<script>alert(1)</script>", "😀"):
            with self.subTest(typed=typed):
                response = self.find(q=typed)
                self.assertNotIn("<script>alert(1)</script>", response.content.decode())

    def test_wildcards_are_not_wildcards(self):
        # As an SQL pattern, 新%村 would match 新桥村.
        self.assertEqual(search_areas(normalize("新%村")), [])
        self.assertEqual(search_areas("新%村"), [])
        self.assertEqual(search_areas("新_村"), [])


class MatchingTests(FinderData):
    """The matching functions the page and the API share."""

    def names(self, query, limit=10):
        return [area.name for area in search_areas(normalize(query), limit)]

    def test_normalize(self):
        self.assertEqual(normalize(" Xīn Qiáo "), "xinqiao")
        self.assertEqual(normalize("ＸＱＣ"), "xqc")
        self.assertEqual(normalize("李家庄村委会"), "李家庄村")
        self.assertEqual(normalize("东关社区居委会"), "东关社区")
        self.assertEqual(normalize("东关居委会"), "东关社区")
        self.assertEqual(normalize("新桥村！\x00"), "新桥村")
        self.assertEqual(normalize(None), "")

    def test_ranking_exact_then_prefix_then_contained(self):
        VillageFactory(name="大新桥村", parent=self.chengguan)
        VillageFactory(name="新桥东村", parent=self.chengguan)
        self.assertEqual(self.names("新桥村"), ["新桥村", "大新桥村"])
        # Then the villages of 新桥镇, whose full name contains it.
        self.assertEqual(self.names("新桥"), ["新桥村", "新桥东村", "大新桥村", "河口村", "朝阳村"])

    def test_only_villages_and_communities_are_matched(self):
        self.assertEqual(self.names("新桥镇"), ["新桥村", "河口村", "朝阳村"])
        self.assertEqual({a.kind for a in search_areas("xq")}, {Area.VILLAGE})

    def test_limit(self):
        self.assertEqual(len(self.names("村", limit=2)), 2)

    def test_find_township(self):
        self.assertEqual(find_township("新桥镇"), self.xinqiao)
        self.assertEqual(find_township("石岭"), self.shiling)
        self.assertEqual(find_township("xqz"), self.xinqiao)
        self.assertEqual(find_township("新桥镇张家村"), self.xinqiao)
        self.assertIsNone(find_township("张家"))
        self.assertIsNone(find_township(""))

    def test_close_names(self):
        self.assertEqual(close_names("新乔村")[0], self.village)
        self.assertEqual(close_names("柳树村")[0], self.liushugou)
        self.assertEqual(close_names("zzzzzz"), [])


class TownshipAndVillageTests(FinderData):
    """Issue 16 item 13: a name shared by a township and a village, and how results read."""

    def test_a_name_of_both_a_township_and_a_village_offers_both(self):
        for typed in ("新桥", "石岭"):
            with self.subTest(typed=typed):
                response = self.find(q=typed)
                self.assertIsNone(parse(response).find(id="finder-area-heading"))
                names = choice_names(response)
                township = "新桥镇" if typed == "新桥" else "石岭乡"
                village = "新桥镇新桥村" if typed == "新桥" else "石岭乡石岭村"
                self.assertEqual(names[0], f"{township}（乡镇）")
                self.assertIn(village, names)
                link = parse(response).select(".finder-choices a")[0]
                area = self.xinqiao if typed == "新桥" else self.shiling
                self.assertEqual(link["href"], f"{FIND}?area={area.pk}")
                self.assertIn("个地方，请选择", section_text(response, "finder-choices-heading"))

    def test_the_village_s_own_name_still_leads_straight_to_it(self):
        for typed in ("新桥村", "新桥镇新桥村", "石岭村"):
            with self.subTest(typed=typed):
                self.assertIsNotNone(parse(self.find(q=typed)).find(id="finder-area-heading"))

    def test_the_kind_badge_is_not_read_twice(self):
        heading = parse(self.find(q="新桥村")).find(id="finder-area-heading")
        badge = heading.find(class_="finder-result__kind")
        self.assertEqual(badge.get_text(), "村")
        self.assertEqual(badge["aria-hidden"], "true")
        # What a screen reader reads: the name once.
        read = "".join(
            text
            for text in heading.find_all(string=True)
            if not any(parent.get("aria-hidden") == "true" for parent in text.parents)
        )
        self.assertEqual(read, "新桥镇新桥村")

    def test_no_space_before_the_full_width_comma_after_the_reception_time(self):
        html = self.find(q="新桥村").content.decode()
        self.assertIn("</time>，<a", html)
        self.assertNotRegex(html, r"</time>\s+，")
        response = self.find(area=self.xinqiao.pk)
        self.assertNotRegex(response.content.decode(), r"</time>\s+，")


class HomeFinderTests(FinderData):
    def test_home_page_has_the_village_box_leading_to_the_finder(self):
        html = parse(self.client.get("/"))
        form = html.select_one("form.finder-form")
        self.assertIsNotNone(form, "no village box on the home page")
        self.assertEqual(form["action"], FIND)
        self.assertEqual(form["method"], "get")
        field = form.select_one("input[name=q]")
        self.assertEqual(
            html.select_one(f'label[for="{field["id"]}"]').get_text(), "村（社区）名称"
        )
        self.assertIsNotNone(form.select_one("[data-area-autocomplete]"))
        response = self.client.get(form["action"], {"q": "xqc"})
        self.assertIn("新桥镇新桥村", parse(response).find(id="finder-area-heading").get_text())
