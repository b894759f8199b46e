"""The registry's demo content (documents/demo.py, run by `manage.py load_demo_data`)."""

from io import StringIO
from types import SimpleNamespace

from django.core.cache import cache
from django.test import TestCase

from documents import demo
from documents.models import (
    DocumentRegistryPage,
    NormativeDocument,
    Review,
    ReviewSuggestion,
)
from tests.helpers import default_home, main_text, parse


def command():
    return SimpleNamespace(stdout=StringIO())


class TestDemo(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.command = command()
        cls.created = demo.load(cls.command)
        cls.page = DocumentRegistryPage.objects.get()

    def test_registry_page_under_home(self):
        self.assertTrue(self.page.live)
        self.assertEqual(self.page.slug, demo.SLUG)
        self.assertEqual(self.page.get_parent().pk, default_home().pk)
        self.assertEqual(self.page.title, "规范性文件备案审查")

    def test_documents_and_reviews_in_every_state(self):
        documents = NormativeDocument.objects.all()
        self.assertEqual(documents.count(), 25)
        self.assertEqual(documents.filter(live=True).count(), 25)
        years = {d.date_issued.year for d in documents}
        self.assertEqual(years, {2024, 2025, 2026})
        self.assertTrue(all(d.receipt_number for d in documents))
        self.assertTrue(all("第一章" in d.full_text and "第十条" in d.full_text for d in documents))
        concluded = Review.objects.filter(stage=Review.CONCLUDED)
        self.assertEqual(concluded.count(), 19)
        self.assertEqual(
            set(concluded.values_list("conclusion", flat=True)),
            {key for key, _label in Review.CONCLUSION_CHOICES},
        )
        self.assertEqual(
            set(Review.objects.values_list("stage", flat=True)),
            {Review.RECEIVED, Review.REVIEWING, Review.CONCLUDED},
        )
        for review in Review.objects.all():
            review.full_clean()

    def test_one_amended_and_one_repealed_with_links(self):
        amended = NormativeDocument.objects.get(validity=NormativeDocument.AMENDED)
        repealed = NormativeDocument.objects.get(validity=NormativeDocument.REPEALED)
        self.assertEqual(amended.superseded_by.title, "县城区停车场管理办法（2025年修订）")
        self.assertIn("废止", repealed.superseded_by.title)
        self.assertEqual(repealed.reviews.get().conclusion, Review.REVOKED)

    def test_suggestions_one_replied_and_linked_to_its_review(self):
        self.assertEqual(ReviewSuggestion.objects.count(), 3)
        replied = ReviewSuggestion.objects.get(status=ReviewSuggestion.REPLIED)
        self.assertTrue(replied.reply)
        self.assertEqual(replied.reviews.get().kind, Review.ON_REQUEST)
        self.assertIn(replied.tracking_number, self.command.stdout.getvalue())
        self.assertIn(replied.check_code, self.command.stdout.getvalue())

    def test_loading_again_changes_nothing(self):
        self.assertGreater(self.created, 25)
        self.assertEqual(demo.load(command()), 0)
        self.assertEqual(NormativeDocument.objects.count(), 25)
        self.assertEqual(DocumentRegistryPage.objects.count(), 1)
        self.assertEqual(ReviewSuggestion.objects.count(), 3)

    def test_public_pages_render(self):
        cache.clear()
        url = self.page.url
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("共 25 件", main_text(response))
        for path in ("statistics/", "catalogue/", "catalogue/2025/", "suggest/", "track/"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(url + path).status_code, 200)
        amended = NormativeDocument.objects.get(validity=NormativeDocument.AMENDED)
        response = self.client.get(f"{url}{amended.pk}/")
        self.assertEqual(response.status_code, 200)
        articles = [line for line in amended.full_text.splitlines() if "条　" in line[:6]]
        self.assertGreaterEqual(len(articles), 10)
        self.assertEqual(len(parse(response).select(".fulltext__article")), len(articles))
        replied = ReviewSuggestion.objects.get(status=ReviewSuggestion.REPLIED)
        # Tracking is a POST (issue 15: the check code never in a URL).
        response = self.client.post(
            f"{url}track/",
            {"tracking_number": replied.tracking_number, "check_code": replied.check_code},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("已答复", main_text(response))
        self.assertNotIn(replied.contact, response.content.decode())
