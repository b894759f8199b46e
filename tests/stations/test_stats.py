"""Statistics of the station network (stations/stats.py) against hand-counted records."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.periods import ALL, Period
from deputies.factories import CountyFactory, DeputyFactory, TownshipFactory, VillageFactory
from deputies.models import Area
from stations import stats
from stations.factories import ActivityFactory, ReceptionFactory, StationFactory

D = datetime.date
T = datetime.time
NOW = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0))


class StationStatisticsTest(TestCase):
    """Two townships with five villages/communities; three live stations and a draft; seven
    reception days of which three have been held; five activities of which three count."""

    @classmethod
    def setUpTestData(cls):
        county = CountyFactory()
        t1 = TownshipFactory(parent=county, name="东镇", sort_order=0)
        t2 = TownshipFactory(parent=county, name="西乡", sort_order=1)
        v1 = VillageFactory(parent=t1, name="一村")
        VillageFactory(parent=t1, name="二村")
        c1 = VillageFactory(parent=t1, name="东社区", kind=Area.COMMUNITY)
        v3 = VillageFactory(parent=t2, name="三村")
        VillageFactory(parent=t2, name="四村")
        cls.s1 = StationFactory(township=t1, kind="station", areas=[v1, c1])
        cls.s2 = StationFactory(township=t1, kind="home", areas=[c1])  # overlaps s1
        cls.s3 = StationFactory(township=t2, kind="station", areas=[v3], live=False)  # draft
        StationFactory(township=t2, kind="point")  # serves no village

        d1, d2 = DeputyFactory(), DeputyFactory()
        ReceptionFactory(station=cls.s1, date=D(2025, 12, 31), deputies=[d1, d2])
        ReceptionFactory(station=cls.s1, date=D(2026, 1, 1), deputies=[d1])
        ReceptionFactory(station=cls.s1, date=D(2026, 11, 25), start_time=T(9), end_time=T(9, 30))
        ReceptionFactory(station=cls.s1, date=D(2026, 11, 25), start_time=T(9), end_time=T(11, 30))
        ReceptionFactory(station=cls.s1, date=D(2026, 3, 1), live=False)
        ReceptionFactory(station=cls.s3, date=D(2026, 3, 1))  # of the draft station
        ReceptionFactory(station=cls.s1, date=D(2026, 12, 10))  # ahead

        ActivityFactory(station=cls.s1, kind="training", date=D(2025, 12, 31))
        ActivityFactory(station=cls.s1, kind="training", date=D(2026, 1, 1), is_public=False)
        ActivityFactory(station=cls.s2, kind="voters", date=D(2026, 5, 1))
        ActivityFactory(station=cls.s1, kind="voters", date=D(2026, 5, 2), live=False)
        ActivityFactory(station=cls.s3, kind="inspection", date=D(2026, 5, 3))

    def test_network_counts_live_stations_and_covered_villages(self):
        result = stats.network_statistics()
        assert result.stations == 3
        assert [(key, n) for key, _label, n in result.by_kind] == [
            ("station", 1),
            ("home", 1),
            ("point", 1),
        ]
        assert [(t.name, t.total, t.covered, t.rate) for t in result.townships] == [
            ("东镇", 3, 2, 66.7),
            ("西乡", 2, 0, 0.0),
        ]
        assert (result.total.total, result.total.covered, result.total.rate) == (5, 2, 40.0)

    def test_receptions_held_per_year(self):
        result = stats.reception_statistics(now=NOW)
        assert [(y.year, y.count, y.extra) for y in result.years] == [(2025, 1, 2), (2026, 2, 1)]
        assert (result.total, result.duty_deputies) == (2 + 1, 3)

    def test_receptions_of_one_year(self):
        result = stats.reception_statistics(Period.year(2026), now=NOW)
        assert [(y.year, y.count) for y in result.years] == [(2026, 2)]
        assert result.total == 2

    def test_activities_per_year_and_type(self):
        result = stats.activity_statistics(today=NOW.date())
        assert (result.total, result.public, result.internal) == (3, 2, 1)
        assert [(y.year, y.count, y.extra) for y in result.years] == [(2025, 1, 0), (2026, 2, 1)]
        kinds = {key: n for key, _label, n in result.by_kind}
        assert kinds == {
            "training": 2,
            "voters": 1,
            "reception": 0,
            "inspection": 0,
            "group": 0,
            "initiative": 0,
            "other": 0,
        }

    def test_activities_of_a_period(self):
        result = stats.activity_statistics(Period(D(2026, 1, 1), D(2026, 4, 30)), today=NOW.date())
        assert (result.total, result.internal) == (1, 1)

    def test_empty_period(self):
        assert stats.reception_statistics(Period.year(2020), now=NOW).total == 0
        assert stats.activity_statistics(Period.year(2020), today=NOW.date()).total == 0

    def test_queries_do_not_grow_with_the_records(self):
        def run():
            with CaptureQueriesContext(connection) as queries:
                stats.network_statistics()
                stats.reception_statistics(ALL, now=NOW)
                stats.activity_statistics(ALL, today=NOW.date())
            return len(queries)

        before = run()
        township = TownshipFactory(parent=Area.objects.get(kind=Area.COUNTY), name="南镇")
        villages = VillageFactory.create_batch(4, parent=township)
        for station in StationFactory.create_batch(4, township=township, areas=villages):
            ReceptionFactory.create_batch(2, station=station, date=D(2026, 2, 2))
            ActivityFactory.create_batch(2, station=station, date=D(2026, 2, 2))
        assert run() == before == 4
        assert stats.network_statistics().stations == 7
