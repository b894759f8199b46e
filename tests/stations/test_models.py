import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from deputies.factories import DeputyFactory, TownshipFactory, VillageFactory
from stations.factories import (
    ActivityFactory,
    ReceptionFactory,
    StationDeputyFactory,
    StationFactory,
    StationSystemFactory,
)
from stations.models import Activity, Reception, Station


class StationValidationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.township = TownshipFactory(name="新桥镇")

    def station(self, **kwargs):
        return StationFactory.build(township=self.township, **kwargs)

    def test_coordinates_out_of_range_are_refused(self):
        station = self.station(latitude=Decimal("91"), longitude=Decimal("181"))
        with self.assertRaises(ValidationError) as caught:
            station.full_clean()
        self.assertIn("latitude", caught.exception.message_dict)
        self.assertIn("longitude", caught.exception.message_dict)

    def test_latitude_without_longitude_is_refused(self):
        station = self.station(latitude=Decimal("38.1"), longitude=None)
        with self.assertRaises(ValidationError) as caught:
            station.full_clean()
        self.assertEqual(
            caught.exception.message_dict["longitude"], ["经度和纬度应同时填写或同时留空。"]
        )

    def test_no_coordinates_is_fine(self):
        station = self.station(latitude=None, longitude=None)
        station.full_clean()
        self.assertFalse(station.has_coordinates)

    def test_township_must_be_a_township(self):
        village = VillageFactory(parent=self.township)
        station = StationFactory.build(township=village)
        with self.assertRaises(ValidationError) as caught:
            station.full_clean()
        self.assertIn("township", caught.exception.message_dict)

    def test_managed_by(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("zhan", password="x")
        mine = StationFactory(township=self.township, managers=[user])
        StationFactory(township=self.township)
        self.assertEqual(list(Station.objects.managed_by(user)), [mine])


class StationSystemTests(TestCase):
    def test_a_system_needs_text_or_a_file(self):
        system = StationSystemFactory.build(station=StationFactory(), kind="activity", text="  ")
        with self.assertRaises(ValidationError) as caught:
            system.clean()
        self.assertIn("text", caught.exception.message_dict)
        self.assertFalse(system.is_complete)


class ReceptionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.station = StationFactory()
        cls.resident = DeputyFactory()
        cls.visitor = DeputyFactory()
        StationDeputyFactory(station=cls.station, deputy=cls.resident)

    def test_end_time_after_start(self):
        reception = ReceptionFactory.build(
            station=self.station, start_time=datetime.time(10), end_time=datetime.time(9)
        )
        with self.assertRaises(ValidationError) as caught:
            reception.clean()
        self.assertIn("end_time", caught.exception.message_dict)

    def test_non_resident_deputies(self):
        reception = ReceptionFactory(station=self.station, deputies=[self.resident, self.visitor])
        self.assertEqual(reception.non_resident_deputies(), [self.visitor])

    def test_upcoming_and_public(self):
        now = timezone.localtime()
        today = now.date()
        future = ReceptionFactory(station=self.station, date=today + datetime.timedelta(days=3))
        ReceptionFactory(station=self.station, date=today - datetime.timedelta(days=3))
        ReceptionFactory(station=self.station, date=today + datetime.timedelta(days=1), live=False)
        hidden_station = StationFactory(live=False)
        ReceptionFactory(station=hidden_station, date=today + datetime.timedelta(days=2))
        self.assertEqual(list(Reception.objects.public().upcoming(now)), [future])

    def test_reception_of_today_is_upcoming_until_it_ends(self):
        today = timezone.localdate()
        reception = ReceptionFactory(
            station=self.station,
            date=today,
            start_time=datetime.time(9),
            end_time=datetime.time(11, 30),
        )
        before_end = timezone.make_aware(datetime.datetime.combine(today, datetime.time(11)))
        after_end = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
        self.assertIn(reception, Reception.objects.upcoming(before_end))
        self.assertNotIn(reception, Reception.objects.upcoming(after_end))


class ActivityTests(TestCase):
    def test_public_excludes_internal_drafts_and_hidden_stations(self):
        station = StationFactory()
        public = ActivityFactory(station=station)
        ActivityFactory(station=station, is_public=False)
        ActivityFactory(station=station, live=False)
        ActivityFactory(station=StationFactory(live=False))
        self.assertEqual(list(Activity.objects.public()), [public])

    def test_date_in_the_future_is_refused(self):
        activity = ActivityFactory.build(
            station=StationFactory(), date=timezone.localdate() + datetime.timedelta(days=5)
        )
        with self.assertRaises(ValidationError) as caught:
            activity.clean()
        self.assertIn("date", caught.exception.message_dict)
