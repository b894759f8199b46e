"""/sitemap.xml across the site: the routable registers' sub-pages (deputies' profiles and the
committee, stations and the map, documents, statistics and catalogue years) are listed, and
nothing hidden is: no draft or terminated-but-unpublished records, no private or draft pages, no
feeds, downloads, calendars or forms."""

import datetime
import xml.etree.ElementTree as ET

from django.test import TestCase

from deputies.factories import DeputyFactory, DeputyIndexPageFactory, TownshipFactory
from deputies.models import Deputy
from documents.factories import DocumentRegistryPageFactory, NormativeDocumentFactory
from news.factories import (
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)
from stations.factories import StationFactory, StationIndexPageFactory
from tests.helpers import create_hidden, default_home, make_private

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class TestSitemap(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.deputies = DeputyIndexPageFactory(parent=home, slug="deputies")
        cls.public_deputies = [
            DeputyFactory(name="王建国"),
            DeputyFactory(
                name="钱离任",  # left office, still published: his profile stays public
                status=Deputy.TERMINATED,
                status_date=datetime.date(2025, 3, 1),
                status_reason="transferred",
            ),
        ]
        cls.draft_deputy = DeputyFactory(name="草稿代表", live=False)

        cls.stations = StationIndexPageFactory(parent=home, slug="stations")
        township = TownshipFactory(name="城关镇")
        cls.public_stations = [
            StationFactory(name="东关社区代表工作站", township=township),
            StationFactory(name="西关村代表联络点", township=township, kind="point"),
        ]
        cls.draft_station = StationFactory(name="草稿工作站", township=township, live=False)

        cls.registry = DocumentRegistryPageFactory(parent=home)
        cls.public_documents = [
            NormativeDocumentFactory(date_filed=datetime.date(2025, 5, 1)),
            NormativeDocumentFactory(date_filed=datetime.date(2026, 3, 20)),
        ]
        cls.draft_document = NormativeDocumentFactory(
            date_filed=datetime.date(2024, 2, 1), live=False
        )

        cls.news = NewsIndexPageFactory(parent=home, title="新闻动态", slug="news")
        cls.news_item = NewsPageFactory(parent=cls.news, slug="meeting")
        create_hidden(NewsPageFactory, cls.news, "新闻")
        cls.initiatives = InitiativeIndexPageFactory(parent=home, slug="initiatives")
        cls.initiative = InitiativePageFactory(parent=cls.initiatives, slug="zhenxing")
        private_index = NewsIndexPageFactory(parent=home, slug="internal-news")
        NewsPageFactory(parent=private_index, slug="internal-item")
        make_private(private_index)

    def setUp(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
        self.paths = [
            "/" + loc.text.split("://", 1)[1].split("/", 1)[1]
            for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)
        ]

    def under(self, prefix):
        return [path for path in self.paths if path.startswith(prefix)]

    def test_every_public_profile_and_the_committee(self):
        self.assertEqual(
            sorted(self.under("/deputies/")),
            sorted(
                [
                    "/deputies/",
                    "/deputies/committee/",
                    *(f"/deputies/{d.pk}/" for d in self.public_deputies),
                ]
            ),
        )
        self.assertNotIn(f"/deputies/{self.draft_deputy.pk}/", self.paths)

    def test_every_live_station_the_map_and_the_finder(self):
        self.assertEqual(
            sorted(self.under("/stations/")),
            sorted(
                [
                    "/stations/",
                    "/stations/map/",
                    "/stations/find/",
                    *(f"/stations/{s.pk}/" for s in self.public_stations),
                ]
            ),
        )

    def test_every_live_document_statistics_and_catalogue_years(self):
        self.assertEqual(
            sorted(self.under("/normative-documents/")),
            sorted(
                [
                    "/normative-documents/",
                    "/normative-documents/statistics/",
                    "/normative-documents/catalogue/",
                    "/normative-documents/catalogue/2026/",
                    "/normative-documents/catalogue/2025/",
                    *(f"/normative-documents/{d.pk}/" for d in self.public_documents),
                ]
            ),
        )
        # The draft is the only document of 2024: no catalogue year for it either.
        self.assertNotIn("/normative-documents/catalogue/2024/", self.paths)

    def test_listings_and_their_live_public_pages_only(self):
        self.assertEqual(self.under("/news/"), ["/news/", "/news/meeting/"])
        self.assertEqual(self.under("/initiatives/"), ["/initiatives/", "/initiatives/zhenxing/"])
        self.assertEqual(self.under("/internal-news/"), [])

    def test_no_feeds_downloads_calendars_or_forms(self):
        for fragment in ("/feed/", "/csv/", ".ics", "/print/", "/suggest/", "/track/"):
            with self.subTest(fragment=fragment):
                self.assertEqual([path for path in self.paths if fragment in path], [])
