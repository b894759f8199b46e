"""The CSV download of the station directory (<stations>/csv/): live stations in the directory's
order, the public facts of their walls, published serving resident deputies; BOM, neutralised
formulas, constant queries."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deputies.factories import CountyFactory, DeputyFactory, TownshipFactory, VillageFactory
from deputies.models import Deputy
from stations import factories
from stations.factories import StationDeputyFactory, StationIndexPageFactory
from stations.views import CSV_HEADER
from tests.helpers import default_home, parse, read_csv

# Queries of the whole download, measured 9: Wagtail's 6 (site, route, view restrictions), the
# stations and one per prefetched relation (areas, resident deputies). Constant in the number of
# rows.
MAX_CSV_QUERIES = 10


class StationFactory(factories.StationFactory):
    """Saves after the post-generation hooks (see tests/stations/test_public.py)."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class TestStationsCsv(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = StationIndexPageFactory(
            parent=default_home(), title="代表工作站", slug="stations"
        )
        county = CountyFactory()
        cls.chengguan = TownshipFactory(name="城关镇", parent=county, sort_order=1)
        cls.xinqiao = TownshipFactory(name="新桥镇", parent=county, sort_order=2)
        dongguan = VillageFactory(
            name="东关社区", kind="community", parent=cls.chengguan, sort_order=1
        )
        xiguan = VillageFactory(name="西关村", parent=cls.chengguan, sort_order=2)
        wang = DeputyFactory(name="王建国")
        li = DeputyFactory(name="李丽")
        draft = DeputyFactory(name="草稿代表", live=False)
        former = DeputyFactory(
            name="钱离任",
            status=Deputy.TERMINATED,
            status_date=datetime.date(2025, 3, 1),
            status_reason="transferred",
        )
        cls.manager = get_user_model().objects.create_user(
            "zhanguan-marker", email="zhanguan-marker@example.cn", password="x"
        )
        cls.station = StationFactory(
            name="东关社区代表工作站",
            township=cls.chengguan,
            areas=[xiguan, dongguan],
            address="城关镇东关街18号",
            latitude=Decimal("38.041234"),
            longitude=Decimal("114.512345"),
            opening_hours="每周一至周五 8:30—17:30",
            phone="0311-80001111",
            equipment="设备标记：投影仪",
            managers=[cls.manager],
        )
        StationDeputyFactory(station=cls.station, deputy=li, sort_order=2)
        StationDeputyFactory(station=cls.station, deputy=wang, role="站长", sort_order=1)
        StationDeputyFactory(station=cls.station, deputy=draft, sort_order=3)
        StationDeputyFactory(station=cls.station, deputy=former, sort_order=4)
        cls.home_station = StationFactory(
            name="新桥镇人大代表之家",
            kind="home",
            township=cls.xinqiao,
            address="@新桥镇政府院内",
            latitude=None,
            longitude=None,
            opening_hours="",
            phone="",
        )
        cls.draft_station = StationFactory(name="草稿工作站", township=cls.chengguan, live=False)

    def download(self):
        response = self.client.get("/stations/csv/")
        self.assertEqual(response.status_code, 200)
        return response

    def test_header_and_rows(self):
        raw, rows = read_csv(self.download())
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual(
            rows[1:],
            [
                [
                    "东关社区代表工作站",
                    "人大代表工作站",
                    "城关镇",
                    "东关社区、西关村",
                    "城关镇东关街18号",
                    "38.041234",
                    "114.512345",
                    "每周一至周五 8:30—17:30",
                    "0311-80001111",
                    "王建国、李丽",
                    f"http://localhost/stations/{self.station.pk}/",
                ],
                [
                    "新桥镇人大代表之家",
                    "人大代表之家",
                    "新桥镇",
                    "",
                    "'@新桥镇政府院内",  # neutralised: @ starts a formula in Excel
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"http://localhost/stations/{self.home_station.pk}/",
                ],
            ],
        )

    def test_attachment_filename(self):
        response = self.download()
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="stations-{timezone.localdate().isoformat()}.csv"',
        )

    def test_no_draft_station_no_hidden_deputy_no_admin_accounts(self):
        raw, _rows = read_csv(self.download())
        text = raw.decode("utf-8-sig")
        for marker in ("草稿工作站", "草稿代表", "钱离任", "zhanguan-marker", "设备标记"):
            with self.subTest(marker=marker):
                self.assertNotIn(marker, text)

    def test_directory_links_to_the_download(self):
        soup = parse(self.client.get("/stations/"))
        link = soup.select_one(".station-links a[download]")
        self.assertEqual(link["href"], "/stations/csv/")
        self.assertTrue(link.get_text(strip=True).startswith("下载CSV"))

    def test_queries_do_not_grow_with_the_number_of_stations(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                _raw, rows = read_csv(self.download())
            return len(queries), len(rows) - 1

        once, rows_once = count()
        for _n in range(4):
            station = StationFactory(
                township=self.xinqiao,
                areas=[VillageFactory(parent=self.xinqiao)],
            )
            StationDeputyFactory(station=station, deputy=DeputyFactory())
        thrice, rows_thrice = count()
        self.assertEqual((rows_once, rows_thrice), (2, 6))
        self.assertEqual(once, thrice)
        self.assertLessEqual(once, MAX_CSV_QUERIES)
