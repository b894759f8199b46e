"""The statistics page (stats.StatisticsPage): page tree, empty states, figures from hand-counted
records, filters and bad input, charts with their tables, query counts, the dashboard panel and
the demo page."""

import datetime
import re
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from deputies.factories import (
    CheckInFactory,
    DeputyFactory,
    DeputyGroupFactory,
    TermFactory,
    TrainingAttendanceFactory,
    TrainingFactory,
    VillageFactory,
)
from documents.factories import ConcludedReviewFactory, NormativeDocumentFactory
from documents.models import Review
from home.models import HomePage
from news.factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    DepartmentFactory,
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    InitiativeResponseFactory,
)
from stations.factories import ActivityFactory, ReceptionFactory, StationFactory
from stats import demo
from stats.models import StatisticsPage
from tests.helpers import default_home, h1_texts, main_text, parse

D = datetime.date
NOW = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0))
EMPTY_STATES = [
    "所选期间暂无培训记录。",
    "所选期间暂无报到记录。",
    "暂无代表工作站、接待日和活动记录。",
    "所选期间暂无倡议书。",
    "所选期间暂无部门评议。",
    "所选期间暂无备案审查记录。",
]


def frozen_now():
    """The page reads the clock once (stats.models.current_time); fix it to NOW."""
    return mock.patch("stats.models.current_time", return_value=timezone.localtime(NOW))


def make_page(**kwargs):
    return StatisticsPage(title="数据统计", slug="statistics", **kwargs)


def add_page():
    page = make_page()
    default_home().add_child(instance=page)
    return page


def figures(soup, section_id):
    """{label: "value unit"} of a section's key figures."""
    section = soup.find("section", id=section_id)
    return {
        item.find("dt").get_text(strip=True): item.find("dd").get_text(" ", strip=True)
        for item in section.select(".stats-figure")
    }


def chart_table(figure):
    """(bars, column): the chart's [(label, value)] and the table's [(label, cell)] of the
    charted column."""
    bars = [
        (
            row.select_one(".stats-chart__label").get_text(),
            row.select_one(".stats-chart__value")["data-value"],
        )
        for row in figure.select("svg .stats-chart__row")
    ]
    table = figure.find("table")
    headings = table.find("thead").find_all("th")
    charted = next(i for i, th in enumerate(headings) if th.has_attr("data-charted"))
    column = []
    for tr in table.find("tbody").find_all("tr"):
        cells = [tr.find("th"), *tr.find_all("td")]
        column.append((cells[0].get_text(strip=True), cells[charted].get_text(strip=True)))
    return bars, column


class StatisticsPageTreeTest(WagtailPageTestCase):
    def test_child_of_the_home_page_only_and_at_most_one(self):
        self.assertAllowedParentPageTypes(StatisticsPage, {HomePage})
        self.assertAllowedSubpageTypes(StatisticsPage, set())
        self.assertEqual(StatisticsPage.max_count, 1)
        self.assertCanCreateAt(HomePage, StatisticsPage)
        add_page()
        self.assertFalse(StatisticsPage.can_create_at(default_home()))


class EmptyStatisticsPageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = add_page()

    def test_renders_every_empty_state_in_chinese(self):
        with frozen_now():
            response = self.client.get("/statistics/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["数据统计"])
        text = main_text(response)
        for empty in EMPTY_STATES:
            self.assertIn(empty, text)
        self.assertFalse(parse(response).find("svg"))


class StatisticsPageTest(TestCase):
    """One small record set per domain; every expected number is counted by hand."""

    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.page = add_page()
        cls.term = TermFactory(number=18, start_date=D(2021, 12, 1), end_date=D(2026, 12, 31))
        TermFactory(number=17, name="第十七届", start_date=D(2016, 12, 1), end_date=D(2021, 11, 30))

        # Deputies A, B, C in one group; only A reported in 2026 Q4, so B and C are overdue.
        group = DeputyGroupFactory(term=cls.term)
        deputies = DeputyFactory.create_batch(3)
        CheckInFactory(deputy=deputies[0], group=group, date=D(2026, 10, 8))

        # Trainings: 2025 one (2 attendances), 2026 two (3 + 1).
        for start, level, attendees in [
            (D(2025, 12, 31), "city", 2),
            (D(2026, 1, 1), "county", 3),
            (D(2026, 5, 1), "county", 1),
        ]:
            training = TrainingFactory(start_date=start, end_date=None, organiser_level=level)
            for deputy in deputies[:attendees]:
                TrainingAttendanceFactory(training=training, deputy=deputy)

        # Stations: one live station serving one of its township's two villages.
        station = StationFactory()
        village = VillageFactory(parent=station.township)
        VillageFactory(parent=station.township)
        station.areas.set([village])
        station.save()
        ReceptionFactory(station=station, date=D(2026, 3, 3))
        ReceptionFactory(station=station, date=D(2026, 12, 3))  # ahead: not held
        ActivityFactory(station=station, kind="voters", date=D(2026, 3, 3))
        ActivityFactory(station=station, kind="voters", date=D(2026, 4, 3), is_public=False)
        ActivityFactory(station=station, kind="training", date=D(2026, 4, 4), live=False)

        # Initiatives: 2026 one with 12,345.60 yuan from two deputies, 5 households.
        initiatives = InitiativeIndexPageFactory(parent=home)
        cls.initiative = InitiativePageFactory(
            parent=initiatives, title="振兴乡村倡议书", issued_date=D(2026, 2, 1)
        )
        InitiativeResponseFactory(
            page=cls.initiative, deputy_name="张三", funds=Decimal("12000.60"), households=2
        )
        InitiativeResponseFactory(
            page=cls.initiative, deputy_name="李四", funds=Decimal("345"), households=3
        )

        # Appraisals: 2025 one department at 92.5 %.
        cls.appraisals = AppraisalIndexPageFactory(parent=home)
        AppraisalPageFactory(
            parent=cls.appraisals,
            year=2025,
            department=DepartmentFactory(name="县民政局"),
            overall_satisfaction=Decimal("92.50"),
        )

        # Documents: 2025 two filed, one concluded with a correction; a draft not counted.
        d1 = NormativeDocumentFactory(date_issued=D(2025, 3, 1), date_filed=D(2025, 3, 10))
        NormativeDocumentFactory(date_issued=D(2025, 4, 1), date_filed=D(2025, 4, 10))
        NormativeDocumentFactory(date_issued=D(2025, 5, 1), date_filed=D(2025, 5, 10), live=False)
        ConcludedReviewFactory(
            document=d1, concluded_date=D(2025, 6, 1), conclusion=Review.CORRECTED
        )

    def get(self, **params):
        with frozen_now():
            return self.client.get("/statistics/", params)

    def test_figures_of_all_years(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        soup = parse(response)
        self.assertEqual(figures(soup, "trainings"), {"培训场次": "3 场", "参训人次": "6 人次"})
        checkins = figures(soup, "checkins")
        self.assertEqual(checkins["2026年第4季度（截至今日）报到"], "1 次")
        self.assertEqual(checkins["2026年第4季度未报到代表"], "2 名")
        self.assertEqual(checkins["2026年第4季度未报到代表小组"], "0 个")
        stations = figures(soup, "stations")
        self.assertEqual(stations["代表工作站（含代表之家、联络点）"], "1 个")
        self.assertEqual(stations["覆盖村（社区）"], "1/2 个")
        self.assertEqual(stations["村（社区）覆盖率"], "50 %")
        self.assertEqual(stations["举行代表接待日"], "1 次")
        self.assertEqual(stations["活动记录"], "2 条")
        self.assertEqual(
            figures(soup, "initiatives"),
            {"倡议书": "1 件", "参与代表": "2 人", "投入资金": "12,345.60 元", "帮扶户数": "5 户"},
        )
        appraisals = figures(soup, "appraisals")
        self.assertEqual(appraisals["2025年评议部门"], "1 个")
        self.assertEqual(appraisals["2025年平均满意率"], "92.5 %")
        self.assertEqual(
            figures(soup, "documents"), {"报备文件": "2 件", "审结": "1 件", "纠正": "1 件"}
        )

    def test_a_year_narrows_every_figure(self):
        soup = parse(self.get(year="2025"))
        self.assertIn("2025年", soup.select_one(".stats-period").get_text())
        self.assertEqual(figures(soup, "trainings"), {"培训场次": "1 场", "参训人次": "2 人次"})
        text = soup.find("main").get_text(" ", strip=True)
        self.assertIn("所选期间暂无倡议书。", text)
        # Nobody reported in 2025: all three deputies and the group were overdue every quarter.
        checkins = figures(soup, "checkins")
        self.assertEqual(checkins["2025年第4季度未报到代表"], "3 名")
        self.assertEqual(checkins["2025年第4季度未报到代表小组"], "1 个")
        self.assertEqual(figures(soup, "documents")["报备文件"], "2 件")
        soup = parse(self.get(year="2026"))
        self.assertEqual(figures(soup, "trainings"), {"培训场次": "2 场", "参训人次": "4 人次"})
        self.assertIn("所选期间暂无备案审查记录。", soup.find("main").get_text(" ", strip=True))

    def test_a_term_and_a_year_within_it(self):
        soup = parse(self.get(term="18"))
        self.assertEqual(soup.select_one("#stats-term option[selected]")["value"], "18")
        self.assertIn("第十八届", soup.select_one(".stats-period").get_text())
        self.assertEqual(figures(soup, "trainings")["培训场次"], "3 场")
        soup = parse(self.get(term="17"))
        self.assertIn("所选期间暂无培训记录。", soup.find("main").get_text(" ", strip=True))
        soup = parse(self.get(term="18", year="2026"))
        self.assertEqual(figures(soup, "trainings")["培训场次"], "2 场")
        self.assertFalse(soup.select(".notice"))

    def test_bad_filters_fall_back_to_the_default_with_a_notice(self):
        cases = [
            ({"year": "abc"}, "年度应为四位数字的年份"),
            ({"year": "99999999999999999999"}, "年度应为四位数字的年份"),
            ({"year": "1800"}, "年度应为四位数字的年份"),
            # Four digits that int() refuses: a 500 before (found by tests/security/test_fuzz.py).
            ({"year": "²⁰²⁵"}, "年度应为四位数字的年份"),
            ({"term": "x"}, "所选届次无效"),
            ({"term": "99"}, "所选届次无效"),
            ({"term": "18", "year": "2010"}, "2010年不在第十八届任期内"),
        ]
        for params, notice in cases:
            with self.subTest(params=params):
                response = self.get(**params)
                self.assertEqual(response.status_code, 200)
                soup = parse(response)
                self.assertIn(notice, soup.select_one(".notice").get_text())
                if "term" not in params or params["term"] != "18":
                    self.assertEqual(figures(soup, "trainings")["培训场次"], "3 场")
                    self.assertIn("全部年度", soup.select_one(".stats-period").get_text())

    def test_every_chart_has_a_table_with_the_same_numbers(self):
        for params in ({}, {"year": "2026"}, {"term": "18"}):
            soup = parse(self.get(**params))
            charts = soup.select("figure.stats-chart")
            self.assertGreaterEqual(len(charts), 10 if not params else 5)
            for figure in charts:
                with self.subTest(params=params, chart=figure["id"]):
                    bars, column = chart_table(figure)
                    self.assertTrue(bars)
                    self.assertEqual([value for _l, value in bars], [v for _l, v in column])
                    for (bar_label, _v), (row_label, _c) in zip(bars, column, strict=True):
                        self.assertTrue(row_label.startswith(bar_label.rstrip("…")))

    def test_charts_and_tables_are_accessible(self):
        soup = parse(self.get())
        for figure in soup.select("figure.stats-chart"):
            with self.subTest(chart=figure["id"]):
                svg = figure.find("svg")
                self.assertEqual(svg["role"], "img")
                for ref in svg["aria-labelledby"].split():
                    self.assertTrue(svg.find(id=ref).get_text(strip=True))
                # Every bar writes its value: nothing is told by colour alone.
                values = [t.get_text() for t in svg.select(".stats-chart__value")]
                self.assertTrue(all(re.search(r"\d|无数据", value) for value in values))
                table = figure.find("table")
                self.assertTrue(table.find("caption").get_text(strip=True))
                self.assertTrue(
                    all(th.get("scope") in ("col", "row") for th in table.find_all("th"))
                )
        labels = {label["for"] for label in soup.select("form.stats-filters label")}
        self.assertEqual(labels, {"stats-term", "stats-year"})

    def test_the_initiative_table_links_to_the_initiative(self):
        soup = parse(self.get())
        link = soup.select_one("#chart-initiatives-pages table a")
        self.assertEqual(link.get_text(), "振兴乡村倡议书")
        self.assertEqual(link["href"], self.initiative.url)

    def test_query_count_does_not_grow_with_the_records(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                self.get()
            self.last_queries = [q["sql"] for q in queries.captured_queries]
            return len(queries)

        self.get()  # the first request of a test creates the site settings
        before = count()
        # Twice the records of every kind.
        for training in TrainingFactory.create_batch(3, start_date=D(2024, 6, 1)):
            TrainingAttendanceFactory.create_batch(2, training=training)
        CheckInFactory.create_batch(3, date=D(2026, 7, 7))
        station = StationFactory()
        ReceptionFactory.create_batch(2, station=station, date=D(2026, 2, 2))
        ActivityFactory.create_batch(3, station=station, date=D(2026, 2, 2))
        other = InitiativePageFactory(
            parent=self.initiative.get_parent(), issued_date=D(2025, 1, 1)
        )
        InitiativeResponseFactory.create_batch(2, page=other)
        AppraisalPageFactory(parent=self.appraisals, year=2026)
        for document in NormativeDocumentFactory.create_batch(3, date_filed=D(2026, 2, 2)):
            ConcludedReviewFactory(document=document, concluded_date=D(2026, 3, 3))
        self.assertEqual(count(), before)


class DashboardPanelTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = add_page()
        TrainingFactory(start_date=timezone.localdate())
        User = get_user_model()
        cls.admin = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def test_staff_see_this_years_figures_with_links(self):
        self.client.force_login(self.admin)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        soup = parse(response)
        panel = soup.find(id="statistics-section")
        self.assertIsNotNone(panel, "the 本年度数据 panel is on the dashboard")
        self.assertIn("本年度数据", panel.get_text())
        rows = {
            tr.find("th").get_text(strip=True): tr.find("td").get_text(" ", strip=True)
            for tr in panel.select("tbody tr")
        }
        self.assertEqual(rows["培训场次"], "1 场")
        self.assertEqual(rows["参训人次"], "0 人次")
        hrefs = [a["href"] for a in panel.find_all("a")]
        self.assertIn(f"/statistics/?year={timezone.localdate().year}", hrefs)
        self.assertIn("/admin/deputies/overdue-checkins/", hrefs)

    def test_not_on_the_public_site(self):
        self.assertNotIn("本年度数据", self.client.get("/statistics/").content.decode())


class DemoTest(TestCase):
    def test_adds_the_page_in_the_menu_once(self):
        self.assertEqual(demo.load(None), 1)
        self.assertEqual(demo.load(None), 0)
        page = StatisticsPage.objects.get()
        self.assertTrue(page.live and page.show_in_menus)
        self.assertEqual(page.url, "/statistics/")
        menu = [
            a.get_text(strip=True) for a in parse(self.client.get("/")).select("nav.main-nav a")
        ]
        self.assertIn("数据统计", menu)
