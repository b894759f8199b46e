"""Rule checks of the station network (stations/checks.py) and how staff see them
(stations/reports.py): no reception day in the coming week, resident deputies idle for 12
months, reception days published less than 2 days ahead, the completeness of the station's
wall; a station administrator sees only his stations, users without view_station nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, TestCase
from django.utils import timezone

from core.factories import DocumentFactory, ImageFactory
from deputies.factories import DeputyFactory, TownshipFactory
from stations import checks, reports
from stations import factories as station_factories
from stations.factories import StationDeputyFactory, StationSystemFactory, add_all_systems
from stations.models import Reception, Station
from tests.helpers import parse

REPORT = "/admin/reports/stations/"  # registered by stations/wagtail_hooks.py


class SavesParentalManyToMany:
    """The app's factories set parental many-to-many fields in memory only; save them."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class StationFactory(SavesParentalManyToMany, station_factories.StationFactory):
    pass


class ReceptionFactory(SavesParentalManyToMany, station_factories.ReceptionFactory):
    pass


def aware(date, hour=9):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, 0)))


def published(reception, when):
    Reception.objects.filter(pk=reception.pk).update(first_published_at=when)
    reception.refresh_from_db()
    return reception


class MonthsBeforeTests(TestCase):
    def test_same_day_or_the_shorter_months_last(self):
        cases = [
            (datetime.date(2026, 11, 25), 12, datetime.date(2025, 11, 25)),
            (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
            (datetime.date(2024, 2, 29), 12, datetime.date(2023, 2, 28)),
            (datetime.date(2026, 1, 15), 1, datetime.date(2025, 12, 15)),
            (datetime.date(2026, 5, 31), 3, datetime.date(2026, 2, 28)),
        ]
        for date, months, expected in cases:
            with self.subTest(date=date, months=months):
                self.assertEqual(checks.months_before(date, months), expected)


class UpcomingReceptionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        today = cls.now.date()
        township = TownshipFactory(name="新桥镇")
        cls.soon = StationFactory(name="三天后有接待", township=township)
        ReceptionFactory(station=cls.soon, date=today + datetime.timedelta(days=3))
        cls.on_seventh_day = StationFactory(name="第七天有接待", township=township)
        ReceptionFactory(station=cls.on_seventh_day, date=today + datetime.timedelta(days=7))
        cls.later = StationFactory(name="十天后才有接待", township=township)
        ReceptionFactory(station=cls.later, date=today + datetime.timedelta(days=10))
        cls.draft_only = StationFactory(name="只有草稿接待", township=township)
        ReceptionFactory(
            station=cls.draft_only, date=today + datetime.timedelta(days=2), live=False
        )
        cls.ended_today = StationFactory(name="今天的接待已结束", township=township)
        ReceptionFactory(
            station=cls.ended_today,
            date=today,
            start_time=datetime.time(8, 0),
            end_time=datetime.time(9, 30),
        )
        cls.none = StationFactory(name="没有接待", township=township)
        cls.draft_station = StationFactory(name="草稿站点", township=township, live=False)

    def test_stations_without_a_published_reception_in_the_coming_week(self):
        rows = checks.stations_without_upcoming_reception(Station.objects.all(), self.now)
        self.assertEqual(
            {station.name for station in rows},
            {"十天后才有接待", "只有草稿接待", "今天的接待已结束", "没有接待"},
        )

    def test_scope_is_the_given_stations(self):
        rows = checks.stations_without_upcoming_reception(
            Station.objects.filter(pk__in=[self.soon.pk, self.none.pk]), self.now
        )
        self.assertEqual([station.name for station in rows], ["没有接待"])


class IdleDeputyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = datetime.date(2026, 11, 25)
        township = TownshipFactory(name="新桥镇")
        cls.station = StationFactory(name="新桥镇人大代表工作站", township=township)
        cls.other = StationFactory(name="城关镇人大代表工作站", township=township)
        long_ago = datetime.date(2022, 3, 1)

        def resident(name, start=long_ago, station=None, **kwargs):
            deputy = DeputyFactory(name=name, **kwargs)
            StationDeputyFactory(station=station or cls.station, deputy=deputy, start_date=start)
            return deputy

        cls.active = resident("近期值班")
        cls.stale = resident("一年多前值班")
        cls.never = resident("从未值班")
        cls.unknown_start = resident("进站日期未填", start=None)
        cls.newcomer = resident("新进站", start=datetime.date(2026, 8, 1))
        cls.elsewhere = resident("只在别站值班")
        cls.draft_duty = resident("只在草稿接待日值班")
        cls.terminated = resident(
            "已终止",
            status="terminated",
            status_date=datetime.date(2025, 1, 1),
            status_reason="resigned",
        )
        cls.future_only = resident("只有将来的值班")

        ReceptionFactory(
            station=cls.station, date=datetime.date(2026, 9, 10), deputies=[cls.active]
        )
        ReceptionFactory(
            station=cls.station, date=datetime.date(2025, 10, 20), deputies=[cls.stale]
        )
        ReceptionFactory(station=cls.station, date=datetime.date(2024, 5, 1), deputies=[cls.stale])
        ReceptionFactory(
            station=cls.other, date=datetime.date(2026, 10, 1), deputies=[cls.elsewhere]
        )
        ReceptionFactory(
            station=cls.station,
            date=datetime.date(2026, 10, 1),
            deputies=[cls.draft_duty],
            live=False,
        )
        ReceptionFactory(
            station=cls.station, date=datetime.date(2026, 12, 1), deputies=[cls.future_only]
        )

    def test_residents_not_on_duty_at_their_station_for_twelve_months(self):
        rows = checks.idle_resident_deputies(Station.objects.all(), self.today)
        found = {row.deputy.name: row.last_duty for row in rows}
        self.assertEqual(
            found,
            {
                "一年多前值班": datetime.date(2025, 10, 20),
                "从未值班": None,
                "进站日期未填": None,
                "只在别站值班": None,
                "只在草稿接待日值班": None,
                "只有将来的值班": None,
            },
        )
        # Never on duty first, then the longest idle.
        self.assertEqual(rows[-1].deputy.name, "一年多前值班")
        self.assertEqual({row.station.name for row in rows}, {"新桥镇人大代表工作站"})

    def test_exactly_twelve_months_ago_still_counts(self):
        deputy = DeputyFactory(name="整十二个月")
        StationDeputyFactory(
            station=self.station, deputy=deputy, start_date=datetime.date(2022, 1, 1)
        )
        ReceptionFactory(station=self.station, date=datetime.date(2025, 11, 25), deputies=[deputy])
        names = {
            row.deputy.name
            for row in checks.idle_resident_deputies(Station.objects.all(), self.today)
        }
        self.assertNotIn("整十二个月", names)


class LateReceptionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        township = TownshipFactory(name="新桥镇")
        cls.station = StationFactory(name="新桥镇人大代表工作站", township=township)
        other = StationFactory(name="城关镇人大代表工作站", township=township)

        def reception(days, published_days_before=None, published_hours_before=None, **kwargs):
            date = cls.today + datetime.timedelta(days=days)
            item = ReceptionFactory(station=kwargs.pop("station", cls.station), date=date, **kwargs)
            starts = aware(date)
            if published_days_before is not None:
                return published(item, starts - datetime.timedelta(days=published_days_before))
            if published_hours_before is not None:
                return published(item, starts - datetime.timedelta(hours=published_hours_before))
            return item

        cls.late = reception(5, published_hours_before=20, topic="提前20小时")
        cls.after = reception(-3, published_hours_before=-2, topic="开始后才发布")
        cls.in_time = reception(8, published_days_before=7, topic="提前一周")
        cls.edge = reception(9, published_hours_before=48, topic="刚好两天")
        cls.never = reception(4, topic="从未发布")
        Reception.objects.filter(pk=cls.never.pk).update(first_published_at=None, live=False)
        cls.old = reception(-200, published_hours_before=1, topic="很久以前")
        reception(6, published_hours_before=3, topic="别的站点", station=other)

    def test_published_less_than_two_days_ahead(self):
        rows = checks.late_receptions(Station.objects.filter(pk=self.station.pk), self.today)
        self.assertEqual([row.reception.topic for row in rows], ["提前20小时", "开始后才发布"])
        self.assertEqual(rows[0].notice_hours, 20)
        self.assertEqual(rows[1].notice_hours, -2)

    def test_report_text_says_how_late(self):
        rows = checks.late_receptions(Station.objects.filter(pk=self.station.pk), self.today)
        date = rows[0].reception.date
        self.assertEqual(
            reports._late_text(rows[0]),
            f"{date.year}年{date.month}月{date.day}日接待日（提前20小时发布）",
        )
        self.assertIn("开始后2小时发布", reports._late_text(rows[1]))


class CompletenessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        township = TownshipFactory(name="新桥镇")
        cls.complete = StationFactory(name="完整的站", township=township)
        add_all_systems(cls.complete)
        for _ in range(2):
            StationDeputyFactory(
                station=cls.complete,
                deputy=DeputyFactory(photo=ImageFactory(), phone="0311-1234567", post="教师"),
            )
        cls.empty = StationFactory(
            name="空白的站", township=township, person_in_charge="", administrator_name=""
        )

    def test_complete_station_scores_100_with_nothing_missing(self):
        self.assertEqual(checks.completeness(self.complete), (100, []))

    def test_empty_station_lists_every_missing_item(self):
        score, missing = checks.completeness(self.empty)
        self.assertEqual(score, 0)
        self.assertEqual(
            missing,
            [
                "缺少活动制度",
                "缺少学习培训制度",
                "缺少联系选民制度",
                "缺少接待群众制度",
                "缺少视察调查制度",
                "缺少代表接待日制度",
                "未填写负责人",
                "未填写管理员",
                "没有进站代表",
            ],
        )

    def test_partial_station(self):
        township = TownshipFactory(name="石岭乡")
        station = StationFactory(name="部分完整", township=township, administrator_name="")
        for kind in ("activity", "training", "voters", "reception"):
            StationSystemFactory(station=station, kind=kind)
        StationSystemFactory(station=station, kind="inspection", text="  ")  # blank: missing
        StationSystemFactory(
            station=station, kind="reception_day", text="", document=DocumentFactory()
        )  # a file is enough
        StationDeputyFactory(
            station=station,
            deputy=DeputyFactory(name="有照片", photo=ImageFactory(), phone="1", post="医生"),
        )
        StationDeputyFactory(
            station=station, deputy=DeputyFactory(name="没照片", phone="", email="", post="")
        )
        score, missing = checks.completeness(station)
        self.assertEqual(
            missing,
            [
                "缺少视察调查制度",
                "未填写管理员",
                "进站代表缺少照片：没照片",
                "进站代表缺少工作单位及职务：没照片",
                "进站代表缺少公开联系方式：没照片",
            ],
        )
        # 5 systems + 负责人 + resident deputies + half of each of photo, post and contact: 8.5/12
        self.assertEqual(score, 71)

    def test_completeness_rows_least_complete_first_in_few_queries(self):
        stations = Station.objects.filter(pk__in=[self.complete.pk, self.empty.pk])
        with self.assertNumQueries(3):  # stations, systems, residents with their deputies
            rows = checks.completeness_rows(stations)
        self.assertEqual([(s.name, c.score) for s, c in rows], [("空白的站", 0), ("完整的站", 100)])


def user_with(username, groups=(), superuser=False):
    user = get_user_model().objects.create_user(
        username=username, password="x", is_superuser=superuser
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


class ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        today = timezone.localdate()
        township = TownshipFactory(name="新桥镇")
        cls.mine = StationFactory(
            name="新桥镇人大代表工作站", township=township, administrator_name=""
        )
        cls.theirs = StationFactory(name="城关镇人大代表工作站", township=township)
        add_all_systems(cls.theirs)
        ReceptionFactory(station=cls.theirs, date=today + datetime.timedelta(days=2))
        cls.idle = DeputyFactory(name="没来值班")
        StationDeputyFactory(
            station=cls.mine, deputy=cls.idle, start_date=datetime.date(2022, 1, 1)
        )

        cls.admin = user_with("admin", superuser=True)
        cls.staff = user_with("staff", groups=["代表工委"])
        cls.station_admin = user_with("station", groups=["工作站管理员"])
        cls.mine.managers.add(cls.station_admin)
        cls.editor = user_with("editor", groups=["编辑"])
        cls.nobody = user_with("nobody")
        cls.nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))

    def report(self, user, **params):
        request = RequestFactory().get(REPORT, params)
        request.user = user
        response = reports.StationChecksView.as_view()(request)
        if hasattr(response, "render"):
            response.render()
        return response

    def rows(self, response):
        return {
            row.select_one("td").get_text(" ", strip=True): [
                cell.get_text(" ", strip=True) for cell in row.select("td")
            ]
            for row in parse(response).select("table tbody tr")
        }

    def test_staff_see_every_station_with_the_checks(self):
        for user in (self.admin, self.staff):
            with self.subTest(user=user.username):
                response = self.report(user)
                self.assertEqual(response.status_code, 200)
                rows = self.rows(response)
                self.assertEqual(set(rows), {"新桥镇人大代表工作站", "城关镇人大代表工作站"})
                mine = rows["新桥镇人大代表工作站"]
                self.assertIn("缺少活动制度", " ".join(mine))
                self.assertIn("未填写管理员", " ".join(mine))
                self.assertIn("没来值班（从未值班）", mine)
                self.assertIn("无", mine)
                theirs = rows["城关镇人大代表工作站"]
                self.assertIn("有", theirs)
                self.assertIn("没有进站代表", " ".join(theirs))

    def test_station_administrator_sees_only_his_station(self):
        response = self.report(self.station_admin)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(self.rows(response)), {"新桥镇人大代表工作站"})

    def test_users_without_view_station_are_refused(self):
        for user in (self.editor, self.nobody):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.report(user)

    def test_through_the_admin(self):
        self.assertEqual(self.client.get(REPORT).status_code, 302)  # to the login page
        self.client.force_login(self.editor)
        self.assertNotEqual(self.client.get(REPORT).status_code, 200)
        self.client.force_login(self.station_admin)
        response = self.client.get(REPORT)
        self.assertEqual(response.status_code, 200)
        self.assertIn("新桥镇人大代表工作站", response.content.decode())
        self.assertNotIn("城关镇人大代表工作站", response.content.decode())

    def test_dashboard_shows_the_panel_to_those_who_may_see_the_report(self):
        self.client.force_login(self.station_admin)
        panel = parse(self.client.get("/admin/")).find(id="station-checks-section")
        self.assertIsNotNone(panel)
        self.assertIn("名进站代表12个月未到站值班", panel.get_text())
        self.client.force_login(self.editor)
        self.assertIsNone(parse(self.client.get("/admin/")).find(id="station-checks-section"))

    def test_csv_export(self):
        response = self.report(self.staff, export="csv")
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        header = content.splitlines()[0]
        self.assertIn("完整度", header)
        self.assertIn("12个月未到站值班的进站代表", header)
        self.assertIn("没来值班（从未值班）", content)

    def test_dashboard_panel(self):
        request = RequestFactory().get("/admin/")
        request.user = self.station_admin
        html = reports.dashboard_panel(request).render_html()
        self.assertIn("工作站规范化检查", html)
        self.assertIn("名进站代表12个月未到站值班", html)
        self.assertIn(REPORT, html)
        self.assertIn("个站点未来一周没有安排代表接待日", html)

        request.user = self.editor
        self.assertEqual(reports.dashboard_panel(request).render_html(), "")

    def test_dashboard_panel_without_problems(self):
        request = RequestFactory().get("/admin/")
        request.user = user_with("clean", groups=["工作站管理员"])
        self.theirs.managers.add(request.user)
        StationDeputyFactory(
            station=self.theirs,
            deputy=DeputyFactory(photo=ImageFactory(), phone="1", post="教师"),
            start_date=timezone.localdate(),
        )
        self.assertIn("各项检查均未发现问题", reports.dashboard_panel(request).render_html())

    def test_menu_item_is_shown_only_to_those_who_may_see_the_report(self):
        item = reports.checks_menu_item()
        for user, shown in ((self.staff, True), (self.station_admin, True), (self.editor, False)):
            request = RequestFactory().get("/admin/")
            request.user = user
            with self.subTest(user=user.username):
                self.assertEqual(item.is_shown(request), shown)
