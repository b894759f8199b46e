"""Every public page type on the demo content: one meta description, one absolute canonical URL,
distinctly named search landmarks, the 长辈版 switch in the header (issue 16 items 11 and 12)."""

from io import StringIO
from urllib.parse import quote

from django.core.management import call_command
from django.test import TestCase

from stations.models import Station, StationIndexPage
from tests.helpers import parse
from tests.page_types import PAGE_TYPES, resolve


class PageMetaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_data", force=True, stdout=StringIO())

    def get(self, path):
        response = self.client.get(quote(path, safe="/?=&"))
        self.assertIn(response.status_code, (200, 404), path)
        return response

    def paths(self):
        stations = StationIndexPage.objects.live().first().url
        station = Station.objects.public().order_by("pk").first()
        return [(name, resolve(name)) for name in PAGE_TYPES] + [
            ("station-print", f"{stations}{station.pk}/print/")
        ]

    def test_one_non_empty_description_and_one_absolute_canonical_per_page_type(self):
        for name, path in self.paths():
            with self.subTest(page_type=name, path=path):
                html = parse(self.get(path))
                descriptions = html.select('meta[name="description"]')
                self.assertEqual(len(descriptions), 1, [str(d) for d in descriptions])
                self.assertGreater(len(descriptions[0]["content"].strip()), 5)
                canonicals = html.select('link[rel="canonical"]')
                if name == "not-found":
                    self.assertEqual(canonicals, [])  # see the test below
                    continue
                self.assertEqual(len(canonicals), 1)
                self.assertTrue(
                    canonicals[0]["href"].startswith("http://testserver/"), canonicals[0]["href"]
                )

    def test_detail_pages_describe_themselves_not_their_index(self):
        for name in ("deputy-profile", "station-page", "document-page"):
            with self.subTest(page_type=name):
                path = resolve(name)
                html = parse(self.get(path))
                index = parse(self.get(path.rstrip("/").rsplit("/", 1)[0] + "/"))
                own = html.select_one('meta[name="description"]')["content"]
                self.assertNotEqual(own, index.select_one('meta[name="description"]')["content"])
                self.assertEqual(
                    html.select_one('link[rel="canonical"]')["href"], f"http://testserver{path}"
                )

    def test_home_search_and_print_views_have_a_description(self):
        for path in ("/", "/search/?q=代表", "/search/"):
            with self.subTest(path=path):
                html = parse(self.get(path))
                self.assertEqual(len(html.select('meta[name="description"]')), 1)

    def test_search_landmarks_have_distinct_names(self):
        for name, path in self.paths():
            if name == "station-print":
                continue
            with self.subTest(page_type=name):
                html = parse(self.get(path))
                landmarks = html.select('[role="search"], search')
                names = [landmark.get("aria-label") for landmark in landmarks]
                self.assertTrue(all(names), names)
                self.assertEqual(len(names), len(set(names)), names)
                self.assertEqual(len(html.select("header.site-header a.mode-switch")), 1)

    def test_the_404_page_does_not_repeat_the_requested_path(self):
        """A guessed URL may name something private (a file name): neither the canonical link
        nor the 长辈版 switch's way back echo it (tests/security/test_privacy_crawl.py)."""
        response = self.get("/documents/8/secret-file-name.txt/x/")
        self.assertEqual(response.status_code, 404)
        body = response.content.decode()
        self.assertNotIn("secret-file-name", body)
        self.assertNotIn("secret%2Dfile", body)
        switch = parse(response).select_one("a.mode-switch")
        self.assertEqual(switch["href"], "/mode/?to=elder&next=%2F")
