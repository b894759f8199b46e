"""The station network's demo content (stations/demo.py) on top of the deputies demo: a station per
demo township plus a 代表之家, resident deputies elected there, reception days over the coming
month, activities with photos, one incomplete station for the checks to show, the "station"
login; repeatable without duplicates, and the finder works on it in one step."""

import datetime

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone
from wagtail.images import get_image_model

from deputies import demo as deputies_demo
from deputies.models import Area, Deputy, Election
from stations import checks
from stations import demo as stations_demo
from stations.models import Activity, ActivityPhoto, Reception, Station, StationIndexPage
from tests.helpers import parse


def counts():
    return {
        "stations": Station.objects.count(),
        "receptions": Reception.objects.count(),
        "activities": Activity.objects.count(),
        "images": get_image_model().objects.count(),
        "index pages": StationIndexPage.objects.count(),
        "users": get_user_model().objects.count(),
    }


class StationsDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        deputies_demo.load(None)
        cls.created = stations_demo.load(None)
        cls.after_first = counts()
        cls.created_again = stations_demo.load(None)
        cls.after_second = counts()

    def test_second_run_changes_nothing(self):
        self.assertGreater(self.created, 0)
        self.assertEqual(self.created_again, 0)
        self.assertEqual(self.after_second, self.after_first)

    def test_index_page_is_published_under_home(self):
        page = StationIndexPage.objects.get()
        self.assertTrue(page.live)
        self.assertEqual((page.title, page.slug), ("代表工作站", "stations"))
        self.assertEqual(self.client.get("/stations/").status_code, 200)

    def test_a_station_per_township_and_a_home_in_chengguan(self):
        stations = Station.objects.public()
        townships = set(Area.objects.filter(kind=Area.TOWNSHIP).values_list("name", flat=True))
        self.assertEqual(townships, {"城关镇", "新桥镇", "石岭乡"})
        self.assertEqual({station.township.name for station in stations}, townships)
        home = stations.get(kind="home")
        self.assertEqual(home.township.name, "城关镇")

    def test_stations_serve_the_villages_and_one_is_left_for_the_fallback(self):
        served = set(
            Area.objects.filter(served_by_stations__live=True).values_list("name", flat=True)
        )
        villages = set(
            Area.objects.filter(kind__in=[Area.VILLAGE, Area.COMMUNITY]).values_list(
                "name", flat=True
            )
        )
        self.assertEqual(villages - served, {"柳树沟村"})
        for station in Station.objects.all():
            self.assertTrue(
                all(area.parent_id == station.township_id for area in station.areas.all())
            )

    def test_resident_deputies_were_elected_in_the_township(self):
        for station in Station.objects.all():
            residents = [r.deputy for r in station.resident_deputies.all()]
            self.assertGreaterEqual(len(residents), 3, station.name)
            for deputy in residents:
                self.assertTrue(deputy.live and deputy.is_serving())
                self.assertTrue(
                    Election.objects.filter(
                        deputy=deputy, constituency__areas__parent=station.township
                    ).exists(),
                    f"{deputy} at {station} was not elected in {station.township}",
                )

    def test_reception_days_over_the_coming_month(self):
        month = self.today + datetime.timedelta(days=31)
        for station in Station.objects.all():
            upcoming = (
                Reception.objects.public().upcoming().filter(station=station, date__lte=month)
            )
            self.assertGreaterEqual(upcoming.count(), 3, station.name)
            for reception in upcoming:
                self.assertTrue(reception.deputies.exists())
                self.assertIsNotNone(reception.first_published_at)
                self.assertLessEqual(reception.first_published_at, timezone.now())

    def test_activities_with_photos_in_the_past(self):
        for station in Station.objects.all():
            activities = Activity.objects.public().filter(station=station)
            self.assertGreaterEqual(activities.count(), 3, station.name)
            self.assertTrue(all(activity.date < self.today for activity in activities))
            self.assertTrue(ActivityPhoto.objects.filter(activity__station=station).exists())
        self.assertTrue(Activity.objects.filter(is_public=False).exists())

    def test_checks_find_something_at_the_incomplete_station_only(self):
        stations = Station.objects.all()
        incomplete = {
            station.name for station, result in checks.completeness_rows(stations) if result.missing
        }
        self.assertEqual(incomplete, {stations_demo.INCOMPLETE})
        without = checks.stations_without_upcoming_reception(stations)
        self.assertEqual([station.name for station in without], [stations_demo.INCOMPLETE])
        idle = checks.idle_resident_deputies(stations)
        self.assertEqual({row.station.name for row in idle}, {stations_demo.INCOMPLETE})
        late = checks.late_receptions(stations)
        self.assertEqual([row.reception.station.name for row in late], ["新桥镇人大代表工作站"])

    def test_station_login(self):
        user = get_user_model().objects.get(username="station")
        self.assertTrue(user.check_password("demo-password-2026"))
        self.assertEqual(list(user.groups.values_list("name", flat=True)), ["工作站管理员"])
        self.assertEqual(
            list(user.managed_stations.values_list("name", flat=True)), ["新桥镇人大代表工作站"]
        )
        self.assertTrue(user.has_perm("stations.view_station"))

    def test_finder_in_one_step_on_the_demo(self):
        response = self.client.get("/stations/find/", {"q": "xqc"})
        self.assertEqual(response.status_code, 200)
        soup = parse(response)
        self.assertIn("新桥镇新桥村", soup.find(id="finder-area-heading").get_text())
        stations = soup.find(id="finder-stations-heading").find_parent("section").get_text()
        self.assertIn("新桥镇人大代表工作站", stations)
        residents = Station.objects.get(name="新桥镇人大代表工作站").resident_deputies.all()
        text = soup.find("main").get_text()
        for resident in residents:
            self.assertIn(resident.deputy.name, text)
        self.assertTrue(Deputy.objects.filter(photo__isnull=False).exists())
