"""The public pages of the register: the deputies list (filters, pagination, official order), a
profile per deputy with the duty record, the standing committee by post, the sitemap entries and
the home page's quick entry. Voters' personal data must never reach any of them."""

import datetime
import itertools
import xml.etree.ElementTree as ET

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail import hooks
from wagtail.test.utils import WagtailPageTestCase

from core.factories import ImageFactory
from deputies.factories import (
    CheckInFactory,
    CommitteeMemberFactory,
    ConstituencyFactory,
    CountyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DeputyIndexPageFactory,
    DutyReportFactory,
    ElectionFactory,
    GroupContactFactory,
    GroupMembershipFactory,
    SupervisionRoleFactory,
    TermFactory,
    TownshipFactory,
    TrainingAttendanceFactory,
    TrainingFactory,
    VillageFactory,
    VoterContactFactory,
    VoterContactPersonFactory,
    level,
)
from deputies.models import CheckIn, Deputy, DeputyIndexPage, Level, Term, VoterContactPerson
from deputies.views import PROFILE_SECTIONS_HOOK, ProfileSection
from home.models import HomePage
from tests.helpers import breadcrumbs, default_home, h1_texts, main_text, parse

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# The list page's queries: about half are Wagtail's (site, page route, view restrictions, menu,
# breadcrumbs, settings), the rest the register's (filters' choices, count, deputies and one
# query per prefetched relation). Measured 22 with photos and filters.
MAX_LIST_QUERIES = 24
TERM_START = datetime.date(2021, 12, 1)
ELECTED = datetime.date(2021, 11, 20)

# Voters' personal data: distinctive strings that must not appear on any public page.
PRIVATE_PERSONS = [
    {"name": "隐私甲某某", "phone": "13912340001", "address": "幸福路隐私小区1号楼"},
    {"name": "隐私乙某某", "phone": "13912340002", "address": "团结街隐私胡同2号"},
    {"name": "隐私丙某某", "phone": "13912340003", "address": "和平村隐私组3号"},
]
PRIVATE_CONCERN = "隐私问题：邻居宅基地纠纷详情"


def names_in_list(response):
    return [
        a.get_text(strip=True) for a in parse(response).select(".deputy-list .deputy-card__name a")
    ]


def notices(response):
    return [p.get_text(strip=True) for p in parse(response).select(".notice p")]


def official_order_deputies(deputies):
    return sorted(deputies, key=lambda d: (d.sort_key, d.name, d.pk))


def official_order(deputies):
    return [d.name for d in official_order_deputies(deputies)]


class RegisterData(TestCase):
    """A term, two townships with a village each, two groups, seven deputies (five serving and
    public, one terminated, one draft) and the standing committee."""

    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.home = default_home()
        cls.index = DeputyIndexPageFactory(
            parent=cls.home, title="人大代表", slug="deputies", summary="全县人大代表名录。"
        )
        cls.term = TermFactory(number=18, name="第十八届", start_date=TERM_START, end_date=None)
        cls.old_term = TermFactory(
            number=17,
            name="第十七届",
            start_date=datetime.date(2016, 12, 1),
            end_date=datetime.date(2021, 11, 30),
        )
        county = CountyFactory()
        cls.chengguan = TownshipFactory(name="城关镇", parent=county, sort_order=1)
        cls.xinqiao = TownshipFactory(name="新桥镇", parent=county, sort_order=2)
        cls.dongguan = VillageFactory(name="东关社区", kind="community", parent=cls.chengguan)
        cls.hekou = VillageFactory(name="河口村", parent=cls.xinqiao)
        cls.c1 = ConstituencyFactory(term=cls.term, name="第一选区", areas=[cls.dongguan])
        cls.c2 = ConstituencyFactory(term=cls.term, name="第二选区", areas=[cls.hekou])
        cls.old_c = ConstituencyFactory(term=cls.old_term, name="第九选区", areas=[cls.hekou])
        cls.g1 = DeputyGroupFactory(
            term=cls.term, name="城关镇代表小组", township=cls.chengguan, sort_order=1
        )
        cls.g2 = DeputyGroupFactory(
            term=cls.term, name="新桥镇代表小组", township=cls.xinqiao, sort_order=2
        )
        cls.old_group = DeputyGroupFactory(
            term=cls.old_term, name="往届代表小组", township=cls.xinqiao
        )

        county_level, township_level, city_level = (
            level(Level.COUNTY),
            level(Level.TOWNSHIP),
            level(Level.CITY),
        )

        def deputy(name, constituency, group, levels=(county_level,), role="member", **kwargs):
            person = DeputyFactory(name=name, levels=list(levels), elected_date=ELECTED, **kwargs)
            if constituency is not None:
                ElectionFactory(deputy=person, constituency=constituency, elected_date=ELECTED)
            if group is not None:
                GroupMembershipFactory(group=group, deputy=person, role=role, start_date=TERM_START)
            return person

        cls.wang = deputy(
            "王建国",
            cls.c1,
            cls.g1,
            role="leader",
            photo=ImageFactory(title="王建国照片", file__width=300, file__height=400),
            phone="0311-86001234",
            email="wangjianguo@example.cn",
            post="城关镇东关社区党支部书记",
            biography="长期从事基层社区工作。",
            gender="male",
            party="中共党员",
        )
        cls.li = deputy("李丽", cls.c2, cls.g2, levels=(county_level, township_level))
        cls.zhang = deputy("张伟", cls.c1, cls.g1)
        cls.ouyang = deputy(
            "欧阳明华", cls.c2, cls.g2, levels=(county_level, city_level), surname_length=2
        )
        cls.zhao = deputy("赵红梅", cls.c2, cls.g2)
        cls.qian = deputy(
            "钱终止",
            cls.c1,
            cls.g1,
            status=Deputy.TERMINATED,
            status_date=datetime.date(2025, 3, 1),
            status_reason="transferred",
        )
        cls.draft = deputy("草稿代表", cls.c1, cls.g1, live=False)
        cls.public_serving = [cls.wang, cls.li, cls.zhang, cls.ouyang, cls.zhao]
        cls.public = [*cls.public_serving, cls.qian]

        # A former group membership and an election of the previous term: shown on the profile
        # as history, ignored by the filters.
        ElectionFactory(deputy=cls.zhang, constituency=cls.old_c, elected_date=ELECTED)
        GroupMembershipFactory(
            group=cls.old_group,
            deputy=cls.zhang,
            start_date=datetime.date(2017, 1, 1),
            end_date=datetime.date(2021, 11, 30),
        )

        # The standing committee: in POST_ORDER, vice-chairs by sort_order.
        cls.chair = CommitteeMemberFactory(
            deputy=cls.wang, term=cls.term, post="chair", start_date=TERM_START
        )
        GroupContactFactory(committee_member=cls.chair, group=cls.g2, start_date=TERM_START)
        CommitteeMemberFactory(
            deputy=cls.zhao, term=cls.term, post="vice_chair", sort_order=1, start_date=TERM_START
        )
        CommitteeMemberFactory(
            deputy=cls.li, term=cls.term, post="vice_chair", sort_order=2, start_date=TERM_START
        )
        CommitteeMemberFactory(
            deputy=cls.ouyang, term=cls.term, post="secretary_general", start_date=TERM_START
        )
        CommitteeMemberFactory(
            deputy=cls.zhang, term=cls.term, post="member", start_date=TERM_START
        )
        # Not on the page: a draft deputy's post, a post that has ended, the previous term.
        CommitteeMemberFactory(deputy=cls.draft, term=cls.term, post="member")
        CommitteeMemberFactory(
            deputy=cls.qian,
            term=cls.term,
            post="member",
            start_date=TERM_START,
            end_date=datetime.date(2025, 3, 1),
        )
        CommitteeMemberFactory(
            deputy=cls.li,
            term=cls.old_term,
            post="member",
            start_date=datetime.date(2016, 12, 1),
            end_date=datetime.date(2021, 11, 30),
        )

        # Wang's duty record.
        SupervisionRoleFactory(
            deputy=cls.wang,
            role="juror",
            organisation="县人民法院",
            start_date=datetime.date(2022, 3, 1),
        )
        cls.training = TrainingFactory(
            title="宪法宣誓专题培训",
            organiser_level="provincial",
            form="video",
            start_date=datetime.date(2026, 5, 12),
            end_date=datetime.date(2026, 5, 13),
        )
        TrainingAttendanceFactory(training=cls.training, deputy=cls.wang)
        TrainingAttendanceFactory(training=TrainingFactory(title="别人参加的培训"), deputy=cls.li)
        CheckInFactory(
            deputy=cls.wang,
            kind=CheckIn.TO_GROUP,
            group=cls.g1,
            date=datetime.date(2026, 10, 15),
            content="向代表小组报告第三季度走访情况。",
        )
        CheckInFactory(
            deputy=cls.wang,
            kind=CheckIn.TO_VOTERS,
            group=None,
            date=datetime.date(2026, 7, 8),
            content="到选区听取选民对道路硬化的意见。",
        )
        DutyReportFactory(
            deputy=cls.wang,
            date=datetime.date(2026, 1, 10),
            title="王建国代表2025年度述职报告",
            satisfied=45,
            basically_satisfied=8,
            dissatisfied=1,
        )
        contacts = [
            VoterContactFactory(
                deputy=cls.wang,
                start_date=datetime.date(2026, 7, 1),
                end_date=datetime.date(2026, 9, 30),
                method="visit",
                voters_count=12,
                summary="走访选民。",
            ),
            VoterContactFactory(
                deputy=cls.wang,
                start_date=datetime.date(2026, 4, 1),
                end_date=datetime.date(2026, 6, 30),
                method="forum",
                voters_count=30,
            ),
            VoterContactFactory(deputy=cls.li, voters_count=7),
            VoterContactFactory(deputy=cls.qian, voters_count=5),
        ]
        for contact, person in zip(contacts, PRIVATE_PERSONS, strict=False):
            VoterContactPersonFactory(contact=contact, concern=PRIVATE_CONCERN, **person)
        VoterContactPersonFactory(contact=contacts[-1], concern=PRIVATE_CONCERN)

    def profile_url(self, deputy):
        return f"{self.index.url}{deputy.pk}/"


class TestPageType(WagtailPageTestCase):
    def test_sits_under_home_and_has_no_children(self):
        self.assertAllowedParentPageTypes(DeputyIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(DeputyIndexPage, {})

    def test_routes(self):
        page = DeputyIndexPage(title="人大代表", slug="deputies")
        self.assertEqual(page.reverse_subpage("index"), "")
        self.assertEqual(page.reverse_subpage("profile", args=[7]), "7/")
        self.assertEqual(page.reverse_subpage("committee"), "committee/")


class TestDeputyList(RegisterData):
    def test_lists_serving_public_deputies_in_the_official_order(self):
        response = self.client.get("/deputies/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/deputy_index_page.html")
        self.assertEqual(h1_texts(response), ["人大代表"])
        self.assertEqual(names_in_list(response), official_order(self.public_serving))
        self.assertEqual(
            names_in_list(response),
            list(Deputy.objects.public().serving().values_list("name", flat=True)),
        )
        self.assertIn("共 5 名", main_text(response))
        self.assertIn("按姓氏笔画排序", main_text(response))
        self.assertEqual(breadcrumbs(response), [("首页", "/"), ("人大代表", None)])

    def test_drafts_and_terminated_deputies_are_not_listed(self):
        text = main_text(self.client.get("/deputies/"))
        self.assertNotIn("草稿代表", text)
        self.assertNotIn("钱终止", text)

    def test_cards_link_to_profiles_and_show_levels_constituency_and_group(self):
        soup = parse(self.client.get("/deputies/"))
        link = soup.find("a", string="王建国")
        self.assertEqual(link["href"], self.profile_url(self.wang))
        card = link.find_parent("li")
        text = card.get_text(" ", strip=True)
        self.assertIn("城关镇东关社区党支部书记", text)
        self.assertIn("县级第一选区", text)
        self.assertIn("城关镇代表小组（组长）", text)
        self.assertEqual(card.find("img")["alt"], "王建国代表照片")
        li_card = soup.find("a", string="李丽").find_parent("li")
        self.assertEqual(
            [tag.get_text(strip=True) for tag in li_card.select(".tag")], ["县", "乡镇"]
        )
        # Elections and groups of the previous term are not current.
        zhang_card = soup.find("a", string="张伟").find_parent("li").get_text(" ", strip=True)
        self.assertNotIn("第九选区", zhang_card)
        self.assertNotIn("往届代表小组", zhang_card)

    def test_filter_form_works_without_javascript(self):
        soup = parse(self.client.get("/deputies/"))
        form = soup.find("form", class_="filters")
        self.assertEqual(form["method"], "get")
        self.assertEqual(form["action"], "/deputies/")
        for select in form.find_all("select"):
            self.assertIsNotNone(form.find("label", attrs={"for": select["id"]}), select["name"])
        self.assertEqual(
            [select["name"] for select in form.find_all("select")], ["level", "township", "group"]
        )
        self.assertIsNotNone(form.find("button", type="submit"))
        townships = [o.get_text() for o in form.find("select", id="filter-township")("option")]
        self.assertEqual(townships, ["全部乡镇（街道）", "城关镇", "新桥镇"])
        groups = [o.get_text() for o in form.find("select", id="filter-group")("option")]
        self.assertEqual(groups, ["全部代表小组", "城关镇代表小组", "新桥镇代表小组"])

    def test_filter_by_level(self):
        for code, expected in [
            ("city", [self.ouyang]),
            ("township", [self.li]),
            ("county", self.public_serving),
            ("national", []),
        ]:
            with self.subTest(code=code):
                response = self.client.get("/deputies/", {"level": code})
                self.assertEqual(names_in_list(response), official_order(expected))
                self.assertEqual(notices(response), [])
                selected = parse(response).select_one("#filter-level option[selected]")
                self.assertEqual(selected["value"], code)

    def test_filter_by_township_follows_the_constituency_areas(self):
        response = self.client.get("/deputies/", {"township": self.chengguan.pk})
        self.assertEqual(names_in_list(response), official_order([self.wang, self.zhang]))
        # Zhang's previous-term election in 新桥镇 does not count.
        response = self.client.get("/deputies/", {"township": self.xinqiao.pk})
        self.assertEqual(names_in_list(response), official_order([self.li, self.ouyang, self.zhao]))
        self.assertIn("符合条件的共 3 名", main_text(response))

    def test_filter_by_township_includes_the_townships_group(self):
        # A deputy to the provincial congress has no county constituency but sits in a group.
        provincial = DeputyFactory(name="孙省代", levels=[level(Level.PROVINCIAL)])
        GroupMembershipFactory(group=self.g1, deputy=provincial, start_date=TERM_START)
        response = self.client.get("/deputies/", {"township": self.chengguan.pk})
        self.assertEqual(
            names_in_list(response), official_order([self.wang, self.zhang, provincial])
        )
        # A former membership of a group based in the township does not count.
        response = self.client.get("/deputies/", {"township": self.xinqiao.pk})
        self.assertNotIn("张伟", names_in_list(response))

    def test_filter_by_group(self):
        response = self.client.get("/deputies/", {"group": self.g2.pk})
        self.assertEqual(names_in_list(response), official_order([self.li, self.ouyang, self.zhao]))
        selected = parse(response).select_one("#filter-group option[selected]")
        self.assertEqual(selected.get_text(), "新桥镇代表小组")

    def test_filters_combine(self):
        response = self.client.get("/deputies/", {"level": "city", "group": self.g2.pk})
        self.assertEqual(names_in_list(response), ["欧阳明华"])
        response = self.client.get("/deputies/", {"level": "city", "township": self.chengguan.pk})
        self.assertEqual(names_in_list(response), [])
        text = main_text(response)
        self.assertIn("没有符合筛选条件的代表。", text)
        self.assertIsNotNone(parse(response).find("a", string="查看全部代表"))

    def test_bad_filter_values_are_ignored_with_a_notice(self):
        cases = [
            ({"level": "mayor"}, "未找到所选代表层级，已显示全部层级。"),
            ({"township": "abc"}, "未找到所选乡镇（街道），已显示全部乡镇（街道）。"),
            # A village is not a township.
            ({"township": self.dongguan.pk}, "未找到所选乡镇（街道），已显示全部乡镇（街道）。"),
            ({"township": "99999999"}, "未找到所选乡镇（街道），已显示全部乡镇（街道）。"),
            ({"group": "1 OR 1=1"}, "未找到所选代表小组，已显示全部代表小组。"),
            # A group of another term.
            ({"group": self.old_group.pk}, "未找到所选代表小组，已显示全部代表小组。"),
            ({"date": "2026-13-45"}, "日期应写成 2026-01-31 这样的格式，已显示当前名单。"),
            ({"date": "2999-01-01"}, "日期应在1949年10月1日至今天之间，已显示当前名单。"),
            ({"date": "1900-01-01"}, "日期应在1949年10月1日至今天之间，已显示当前名单。"),
        ]
        for params, notice in cases:
            with self.subTest(params=params):
                response = self.client.get("/deputies/", params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(notices(response), [notice])
                self.assertEqual(names_in_list(response), official_order(self.public_serving))

    def test_a_bad_value_does_not_drop_the_good_ones(self):
        response = self.client.get("/deputies/", {"level": "city", "group": "x"})
        self.assertEqual(names_in_list(response), ["欧阳明华"])
        self.assertEqual(notices(response), ["未找到所选代表小组，已显示全部代表小组。"])

    def test_as_of_date_shows_who_was_serving_then(self):
        response = self.client.get("/deputies/", {"date": "2024-06-30"})
        self.assertEqual(names_in_list(response), official_order(self.public))
        self.assertIn("2024年6月30日 在任代表", main_text(response))
        hidden = parse(response).find("input", attrs={"name": "date"})
        self.assertEqual(hidden["value"], "2024-06-30")

    def test_pagination_follows_page_size_and_keeps_filters(self):
        DeputyIndexPage.objects.filter(pk=self.index.pk).update(page_size=2)
        order = official_order(self.public_serving)
        response = self.client.get("/deputies/")
        self.assertEqual(names_in_list(response), order[:2])
        nav = parse(response).find("nav", class_="pagination")
        self.assertEqual(nav["aria-label"], "代表名单分页")
        self.assertIn("第 1 / 3 页，共 5 条", nav.get_text(" ", strip=True))
        self.assertEqual(names_in_list(self.client.get("/deputies/?page=2")), order[2:4])
        # Out of range or malformed: the last or the first page, never an error.
        self.assertEqual(names_in_list(self.client.get("/deputies/?page=99")), order[4:])
        self.assertEqual(names_in_list(self.client.get("/deputies/?page=abc")), order[:2])
        response = self.client.get("/deputies/", {"group": self.g2.pk})
        next_link = parse(response).find("a", rel="next")
        self.assertIn(f"group={self.g2.pk}", next_link["href"])
        self.assertIn("page=2", next_link["href"])

    def test_empty_register(self):
        Deputy.objects.update(live=False)
        response = self.client.get("/deputies/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("暂无代表信息。", main_text(response))
        self.assertIsNone(parse(response).find("nav", class_="pagination"))

    def test_links_to_the_committee_page(self):
        link = parse(self.client.get("/deputies/")).find("a", string="查看常委会组成人员")
        self.assertEqual(link["href"], "/deputies/committee/")


class TestQueryCount(TestCase):
    """The list page's queries do not grow with the number of deputies."""

    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.index = DeputyIndexPageFactory(parent=home, page_size=100)
        cls.term = TermFactory(start_date=TERM_START, end_date=None)
        cls.township = TownshipFactory(name="城关镇", parent=CountyFactory())
        cls.village = VillageFactory(parent=cls.township)
        cls.constituency = ConstituencyFactory(term=cls.term, areas=[cls.village])
        cls.group = DeputyGroupFactory(term=cls.term, township=cls.township)

    def add_deputies(self, count):
        for _ in range(count):
            deputy = DeputyFactory(
                levels=[level(Level.COUNTY), level(Level.TOWNSHIP)],
                photo=ImageFactory(file__width=60, file__height=80),
            )
            ElectionFactory(deputy=deputy, constituency=self.constituency)
            GroupMembershipFactory(group=self.group, deputy=deputy)

    def count_queries(self, url):
        self.client.get(url)  # renders the photos' renditions once, as the first visitor does
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), len(names_in_list(response))

    def test_5_and_50_deputies_take_the_same_number_of_queries(self):
        for url in ("/deputies/", f"/deputies/?township={self.township.pk}&group={self.group.pk}"):
            with self.subTest(url=url):
                Deputy.objects.all().delete()
                self.add_deputies(5)
                few, shown = self.count_queries(url)
                self.assertEqual(shown, 5)
                self.add_deputies(45)
                many, shown = self.count_queries(url)
                self.assertEqual(shown, 50)
                self.assertEqual(few, many)
                with self.assertNumQueries(many):
                    self.client.get(url)
                self.assertLessEqual(many, MAX_LIST_QUERIES)


class TestProfile(RegisterData):
    def test_renders_the_deputy(self):
        response = self.client.get(self.profile_url(self.wang))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/deputy_profile.html")
        self.assertEqual(h1_texts(response), ["王建国"])
        self.assertEqual(parse(response).title.get_text(), "王建国代表 - 人大代表 - 县人大常委会")
        self.assertEqual(
            breadcrumbs(response),
            [("首页", "/"), ("人大代表", "/deputies/"), ("王建国", None)],
        )
        text = main_text(response)
        for expected in (
            "城关镇东关社区党支部书记",
            "县人大代表",
            "县级第一选区（城关镇东关社区）",
            "城关镇代表小组（组长）",
            "中共党员",
            "当选日期 2021年11月20日",
            "长期从事基层社区工作。",
        ):
            self.assertIn(expected, text)
        photo = parse(response).find("img", class_="deputy-photo")
        self.assertEqual(photo["alt"], "王建国代表照片")

    def test_public_contact_details(self):
        soup = parse(self.client.get(self.profile_url(self.wang)))
        self.assertEqual(soup.find("a", string="0311-86001234")["href"], "tel:0311-86001234")
        self.assertEqual(
            soup.find("a", string="wangjianguo@example.cn")["href"],
            "mailto:wangjianguo@example.cn",
        )
        text = main_text(self.client.get(self.profile_url(self.zhang)))
        self.assertIn("本代表未公开个人联系方式", text)

    def test_groups_committee_posts_and_supervision_roles(self):
        soup = parse(self.client.get(self.profile_url(self.wang)))
        committee = soup.find("section", attrs={"aria-labelledby": "committee-heading"})
        self.assertIn("第十八届县人大常委会主任 现任", committee.get_text(" ", strip=True))
        self.assertIn("2021年12月1日 至今", committee.get_text(" ", strip=True))
        supervision = soup.find("section", attrs={"aria-labelledby": "supervision-heading"})
        self.assertIn("县人民法院人民陪审员", supervision.get_text(" ", strip=True))
        self.assertIn("2022年3月1日 至今", supervision.get_text(" ", strip=True))

        soup = parse(self.client.get(self.profile_url(self.zhang)))
        groups = soup.find("section", attrs={"aria-labelledby": "groups-heading"})
        text = groups.get_text(" ", strip=True)
        self.assertIn("城关镇代表小组（第十八届）· 成员 现任", text)
        self.assertIn("往届代表小组（第十七届）· 成员", text)
        self.assertIn("2017年1月1日 至 2021年11月30日", text)
        # The current constituency only, in the facts.
        facts = soup.find("dl", class_="facts").get_text(" ", strip=True)
        self.assertIn("第一选区", facts)
        self.assertNotIn("第九选区", facts)

    def test_duty_record(self):
        soup = parse(self.client.get(self.profile_url(self.wang)))
        tables = {table.caption.get_text(strip=True): table for table in soup.find_all("table")}
        self.assertEqual(
            list(tables),
            [
                "王建国参加的培训（共 1 场）",
                "王建国的报到记录",
                "王建国联系选民人数（选民个人信息不公开）",
                "王建国的述职及选民测评",
            ],
        )
        for table in tables.values():
            self.assertTrue(all(th.get("scope") for th in table.find_all("th")))

        def rows(caption):
            return [
                [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
                for row in tables[caption].find_all("tr")
            ]

        self.assertEqual(
            rows("王建国参加的培训（共 1 场）")[1],
            ["宪法宣誓专题培训", "2026年5月12日 至 2026年5月13日", "省级", "远程视频"],
        )
        checkins = rows("王建国的报到记录")[1:]
        self.assertEqual(
            checkins,
            [
                [
                    "2026年10月15日",
                    "向代表小组报到 城关镇代表小组",
                    "向代表小组报告第三季度走访情况。",
                ],
                ["2026年7月8日", "向选区选民报到", "到选区听取选民对道路硬化的意见。"],
            ],
        )
        voters = rows("王建国联系选民人数（选民个人信息不公开）")
        self.assertEqual(voters[1], ["2026年7月1日 至 2026年9月30日", "走访", "12"])
        self.assertEqual(voters[2], ["2026年4月1日 至 2026年6月30日", "座谈", "30"])
        self.assertEqual(voters[-1], ["合计", "42"])
        report = rows("王建国的述职及选民测评")[1]
        self.assertEqual(report[0], "2026年1月10日")
        self.assertIn("王建国代表2025年度述职报告", report[1])
        self.assertEqual(report[2:], ["45", "8", "1", "98.1%"])
        self.assertNotIn("别人参加的培训", main_text(self.client.get(self.profile_url(self.wang))))

    def test_empty_duty_record_says_so(self):
        text = main_text(self.client.get(self.profile_url(self.zhao)))
        for expected in (
            "暂无参加培训的记录。",
            "暂无报到记录。",
            "暂无联系选民记录。",
            "暂无述职记录。",
        ):
            self.assertIn(expected, text)

    def test_one_h1_and_headings_in_order(self):
        soup = parse(self.client.get(self.profile_url(self.wang)))
        self.assertEqual(len(soup.find_all("h1")), 1)
        levels = [int(h.name[1]) for h in soup.find("main").find_all(["h1", "h2", "h3", "h4"])]
        self.assertEqual(levels[0], 1)
        self.assertTrue(all(b - a <= 1 for a, b in itertools.pairwise(levels)))

    def test_terminated_deputy_shows_with_status(self):
        response = self.client.get(self.profile_url(self.qian))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["钱终止 代表资格已终止"])
        text = main_text(response)
        self.assertIn("钱终止的代表资格于 2025年3月1日 终止（调离）", text)
        # Nothing is "current" any more; the group held at the end is still named.
        self.assertNotIn("现任", text)
        facts = parse(response).find("dl", class_="facts").get_text(" ", strip=True)
        self.assertIn("代表小组 城关镇代表小组", facts)
        self.assertIn("县级第一选区", facts)

    def test_draft_and_unknown_deputies_are_not_found(self):
        self.assertEqual(self.client.get(self.profile_url(self.draft)).status_code, 404)
        self.assertEqual(self.client.get("/deputies/99999999/").status_code, 404)
        self.assertEqual(self.client.get("/deputies/abc/").status_code, 404)

    def test_unpublished_deputy_disappears(self):
        self.assertEqual(self.client.get(self.profile_url(self.zhao)).status_code, 200)
        Deputy.objects.filter(pk=self.zhao.pk).update(live=False)
        self.assertEqual(self.client.get(self.profile_url(self.zhao)).status_code, 404)
        self.assertNotIn("赵红梅", names_in_list(self.client.get("/deputies/")))

    def test_other_apps_add_sections_through_the_hook(self):
        def stations_sections(request, deputy, date):
            if deputy.pk != self.wang.pk:
                return []
            return [
                ProfileSection(
                    slug="receptions",
                    heading="代表接待日",
                    template_name="components/notices.html",
                    context={"notices": [f"{deputy.name}于每月15日在东关社区工作站接待选民"]},
                )
            ]

        with hooks.register_temporarily(PROFILE_SECTIONS_HOOK, stations_sections):
            soup = parse(self.client.get(self.profile_url(self.wang)))
            other = parse(self.client.get(self.profile_url(self.li)))
        section = soup.find("section", attrs={"aria-labelledby": "receptions-heading"})
        self.assertEqual(section.h3.get_text(), "代表接待日")
        self.assertIn("王建国于每月15日在东关社区工作站接待选民", section.get_text())
        self.assertIsNone(other.find("section", attrs={"aria-labelledby": "receptions-heading"}))


class TestCommittee(RegisterData):
    def test_members_grouped_by_post_in_post_order(self):
        response = self.client.get("/deputies/committee/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/deputy_committee.html")
        self.assertEqual(h1_texts(response), ["第十八届常委会组成人员"])
        self.assertEqual(
            breadcrumbs(response),
            [("首页", "/"), ("人大代表", "/deputies/"), ("常委会组成人员", None)],
        )
        soup = parse(response)
        posts = {}
        for section in soup.select("section.committee-post"):
            posts[section.h2.contents[0].strip()] = [
                a.get_text(strip=True) for a in section.select(".deputy-card__name a")
            ]
        self.assertEqual(
            posts,
            {
                "主任": ["王建国"],
                "副主任": ["赵红梅", "李丽"],
                "秘书长": ["欧阳明华"],
                "委员": ["张伟"],
            },
        )
        self.assertEqual(list(posts), ["主任", "副主任", "秘书长", "委员"])
        self.assertIn("共 5 人", main_text(response))

    def test_members_link_to_their_profiles_and_show_group_contacts(self):
        soup = parse(self.client.get("/deputies/committee/"))
        link = soup.find("a", string="王建国")
        self.assertEqual(link["href"], self.profile_url(self.wang))
        card = link.find_parent("li").get_text(" ", strip=True)
        self.assertIn("联系代表小组：新桥镇代表小组", card)
        self.assertIn("城关镇东关社区党支部书记", card)

    def test_drafts_ended_posts_and_other_terms_are_left_out(self):
        text = main_text(self.client.get("/deputies/committee/"))
        self.assertNotIn("草稿代表", text)
        self.assertNotIn("钱终止", text)
        soup = parse(self.client.get("/deputies/committee/"))
        self.assertEqual(len(soup.find_all("a", string="李丽")), 1)

    def test_without_a_current_term(self):
        Term.objects.filter(pk=self.term.pk).update(
            end_date=self.today - datetime.timedelta(days=1)
        )
        response = self.client.get("/deputies/committee/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["常委会组成人员"])
        self.assertIn("暂无常委会组成人员信息。", main_text(response))


class TestPrivacy(RegisterData):
    def test_voters_personal_data_appears_on_no_public_page(self):
        urls = [
            "/deputies/",
            f"/deputies/?group={self.g1.pk}",
            "/deputies/?date=2024-06-30",
            "/deputies/committee/",
            "/sitemap.xml",
            "/",
            *(self.profile_url(deputy) for deputy in self.public),
        ]
        private = [PRIVATE_CONCERN]
        for person in PRIVATE_PERSONS:
            private.extend(person.values())
        for person in VoterContactPerson.objects.all():
            private.extend([person.name, person.phone, person.address])
        # A random voter's name may be part of a deputy's (王建 in 王建国): that is not a leak.
        public_names = [deputy.name for deputy in self.public]
        private = [v for v in private if not any(v in name for name in public_names)]
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            html = response.content.decode()
            for value in private:
                with self.subTest(url=url, value=value):
                    self.assertNotIn(value, html)


class TestSitemap(RegisterData):
    def test_lists_the_committee_page_and_every_public_profile(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
        paths = [
            "/" + loc.text.split("://", 1)[1].split("/", 1)[1]
            for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)
        ]
        expected = [
            "/deputies/",
            "/deputies/committee/",
            *(f"/deputies/{d.pk}/" for d in official_order_deputies(self.public)),
        ]
        self.assertEqual([p for p in paths if p.startswith("/deputies/")], expected)
        self.assertNotIn(f"/deputies/{self.draft.pk}/", paths)

    def test_unpublished_index_page_takes_its_sub_pages_along(self):
        self.index.unpublish()
        response = self.client.get("/sitemap.xml")
        self.assertNotIn("/deputies/", response.content.decode())


class TestQuickEntry(RegisterData):
    def test_home_page_links_to_the_register_once_the_page_is_live(self):
        response = self.client.get("/")
        quick = parse(response).find("section", class_="quick-entries")
        entries = [(a["href"], a.strong.get_text()) for a in quick.find_all("a")]
        self.assertIn(("/deputies/", "人大代表名录"), entries)
        self.assertEqual(entries.count(("/deputies/", "人大代表名录")), 1)

        self.index.unpublish()
        self.assertNotContains(self.client.get("/"), "人大代表名录")
