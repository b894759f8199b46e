"""The iCal feeds of reception days (代表接待日): the county's (<index>/receptions.ics) and one per
station (<index>/<pk>/receptions.ics). Parsed back with icalendar, as a calendar app reads them."""

import datetime
from zoneinfo import ZoneInfo

from django.test import TestCase
from django.utils import timezone
from icalendar import Calendar

from core.models import SiteSettings
from deputies.factories import DeputyFactory, TownshipFactory
from stations import factories
from stations.factories import ReceptionFactory, StationIndexPageFactory
from stations.models import Reception
from tests.helpers import default_home, make_private, parse

SHANGHAI = ZoneInfo("Asia/Shanghai")


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


class CalendarData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = StationIndexPageFactory(parent=default_home(), slug="stations")
        township = TownshipFactory(name="城关镇")
        cls.station = factories.StationFactory(
            name="东关社区代表工作站",
            township=township,
            address="城关镇东关街18号",
            latitude=38.041234,
            longitude=114.512345,
            phone="0311-80001111",
        )
        cls.other = factories.StationFactory(
            name="新桥镇人大代表之家",
            township=township,
            address="新桥镇政府院内",
            latitude=None,
            longitude=None,
        )
        cls.draft_station = factories.StationFactory(name="草稿工作站", live=False)
        cls.wang = DeputyFactory(name="王建国")
        cls.li = DeputyFactory(name="李丽")
        hidden_deputy = DeputyFactory(name="草稿代表", live=False)

        cls.upcoming = ReceptionFactory(
            station=cls.station,
            date=days(3),
            start_time=datetime.time(9, 0),
            end_time=datetime.time(11, 30),
            topic="乡村振兴",
            notes="请携带身份证",
            deputies=[cls.wang, cls.li, hidden_deputy],
        )
        cls.recent = ReceptionFactory(
            station=cls.station,
            date=days(-10),
            start_time=datetime.time(14, 30),
            end_time=datetime.time(17, 0),
            topic="",
            deputies=[],
        )
        cls.old = ReceptionFactory(station=cls.station, date=days(-200), topic="很久以前")
        cls.draft = ReceptionFactory(station=cls.station, date=days(5), topic="草稿", live=False)
        cls.at_other = ReceptionFactory(station=cls.other, date=days(7), topic="营商环境")
        ReceptionFactory(station=cls.draft_station, date=days(4), topic="草稿站点")

    def fetch(self, url, **extra):
        response = self.client.get(url, **extra)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        return Calendar.from_ical(response.content)

    def events_by_uid(self, calendar):
        return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


class TestCountyFeed(CalendarData):
    def test_a_valid_calendar_of_the_live_reception_days(self):
        calendar = self.fetch("/stations/receptions.ics")
        self.assertEqual(calendar.name, "VCALENDAR")
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertIn("县人大常委会", str(calendar["PRODID"]))
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "县人大常委会·代表接待日")
        self.assertEqual(str(calendar["X-WR-TIMEZONE"]), "Asia/Shanghai")
        timezones = calendar.walk("VTIMEZONE")
        self.assertEqual([str(tz["TZID"]) for tz in timezones], ["Asia/Shanghai"])
        uids = set(self.events_by_uid(calendar))
        self.assertEqual(
            uids,
            {
                f"reception-{self.upcoming.pk}@localhost",
                f"reception-{self.recent.pk}@localhost",
                f"reception-{self.at_other.pk}@localhost",
            },
        )
        # Drafts, receptions of draft stations and those older than 90 days are left out.
        text = self.client.get("/stations/receptions.ics").content.decode()
        for hidden in ("草稿", "很久以前"):
            self.assertNotIn(hidden, text)

    def test_an_event_has_time_place_and_the_deputies_on_duty(self):
        event = self.events_by_uid(self.fetch("/stations/receptions.ics"))[
            f"reception-{self.upcoming.pk}@localhost"
        ]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        self.assertEqual(start, datetime.datetime.combine(days(3), datetime.time(9), SHANGHAI))
        self.assertEqual(end, datetime.datetime.combine(days(3), datetime.time(11, 30), SHANGHAI))
        self.assertEqual(event["DTSTART"].params["TZID"], "Asia/Shanghai")
        self.assertIsNotNone(event.decoded("DTSTAMP").tzinfo)
        self.assertEqual(str(event["SUMMARY"]), "代表接待日：东关社区代表工作站（乡村振兴）")
        self.assertEqual(str(event["LOCATION"]), "东关社区代表工作站（城关镇东关街18号）")
        description = str(event["DESCRIPTION"])
        self.assertIn("值班代表：王建国、李丽", description)
        self.assertNotIn("草稿代表", description)
        self.assertIn("接待主题：乡村振兴", description)
        self.assertIn("说明：请携带身份证", description)
        self.assertIn("联系电话：0311-80001111", description)
        self.assertEqual(str(event["URL"]), f"http://localhost/stations/{self.station.pk}/")
        latitude, longitude = event.decoded("GEO")
        self.assertAlmostEqual(latitude, 38.041234)
        self.assertAlmostEqual(longitude, 114.512345)

    def test_deputies_not_yet_named(self):
        event = self.events_by_uid(self.fetch("/stations/receptions.ics"))[
            f"reception-{self.recent.pk}@localhost"
        ]
        self.assertEqual(str(event["SUMMARY"]), "代表接待日：东关社区代表工作站")
        self.assertIn("值班代表：待定", str(event["DESCRIPTION"]))

    def test_the_calendar_is_named_after_the_site(self):
        settings = SiteSettings.for_site(default_home().get_site())
        settings.site_name = "演示县人大常委会"
        settings.save()
        calendar = self.fetch("/stations/receptions.ics")
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "演示县人大常委会·代表接待日")

    def test_uids_are_stable_whatever_the_host_asked(self):
        first = set(self.events_by_uid(self.fetch("/stations/receptions.ics")))
        again = set(
            self.events_by_uid(
                self.fetch("/stations/receptions.ics", HTTP_HOST="rd.example.gov.cn")
            )
        )
        self.assertEqual(first, again)

    def test_an_unpublished_reception_leaves_the_feed(self):
        Reception.objects.filter(pk=self.upcoming.pk).update(live=False)
        uids = set(self.events_by_uid(self.fetch("/stations/receptions.ics")))
        self.assertNotIn(f"reception-{self.upcoming.pk}@localhost", uids)

    def test_a_password_protected_index_protects_its_feeds(self):
        make_private(self.index)
        for url in ("/stations/receptions.ics", f"/stations/{self.station.pk}/receptions.ics"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertTemplateUsed(response, "wagtailcore/password_required.html")
                self.assertNotIn(b"BEGIN:VCALENDAR", response.content)

    def test_other_paths_ending_in_the_feed_name_are_not_found(self):
        for url in (
            "/stations/find/receptions.ics",
            "/stations/map/receptions.ics",
            "/stations/1/print/receptions.ics",
            "/receptions.ics",
            "/nowhere/receptions.ics",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_empty_feed_is_still_a_valid_calendar(self):
        Reception.objects.update(live=False)
        calendar = self.fetch("/stations/receptions.ics")
        self.assertEqual(calendar.walk("VEVENT"), [])
        self.assertEqual(str(calendar["VERSION"]), "2.0")


class TestStationFeed(CalendarData):
    def test_only_that_stations_reception_days(self):
        calendar = self.fetch(f"/stations/{self.station.pk}/receptions.ics")
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "东关社区代表工作站·代表接待日")
        self.assertEqual(
            set(self.events_by_uid(calendar)),
            {f"reception-{self.upcoming.pk}@localhost", f"reception-{self.recent.pk}@localhost"},
        )
        other = self.fetch(f"/stations/{self.other.pk}/receptions.ics")
        self.assertEqual(
            set(self.events_by_uid(other)), {f"reception-{self.at_other.pk}@localhost"}
        )
        event = other.walk("VEVENT")[0]
        self.assertNotIn("GEO", event)
        self.assertEqual(str(event["LOCATION"]), "新桥镇人大代表之家（新桥镇政府院内）")

    def test_draft_and_unknown_stations_have_no_feed(self):
        for url in (
            f"/stations/{self.draft_station.pk}/receptions.ics",
            "/stations/99999999/receptions.ics",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_station_page_links_to_its_feed(self):
        response = self.client.get(f"/stations/{self.station.pk}/")
        link = parse(response).find("link", attrs={"type": "text/calendar"})
        self.assertEqual(link["href"], f"/stations/{self.station.pk}/receptions.ics")
        self.assertEqual(link["title"], "东关社区代表工作站代表接待日（iCal）")
