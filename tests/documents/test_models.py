import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase

from documents.factories import (
    ConcludedReviewFactory,
    NormativeDocumentFactory,
    ReviewFactory,
    ReviewSuggestionFactory,
)
from documents.models import NormativeDocument, Review, ReviewSuggestion


class NormativeDocumentTests(TestCase):
    def test_dates_must_follow_publication(self):
        document = NormativeDocumentFactory.build(
            date_issued=datetime.date(2026, 3, 1),
            date_filed=datetime.date(2026, 2, 1),
            date_effective=datetime.date(2026, 2, 1),
            issuing_body=None,
        )
        with self.assertRaises(ValidationError) as caught:
            document.clean()
        self.assertEqual(
            caught.exception.message_dict["date_filed"], ["报备日期不能早于公布日期。"]
        )
        self.assertEqual(
            caught.exception.message_dict["date_effective"], ["施行日期不能早于公布日期。"]
        )

    def test_a_superseded_document_is_not_valid(self):
        newer = NormativeDocumentFactory()
        older = NormativeDocumentFactory(superseded_by=newer)
        with self.assertRaises(ValidationError) as caught:
            older.clean()
        self.assertIn("validity", caught.exception.message_dict)
        older.validity = NormativeDocument.REPEALED
        older.clean()
        self.assertEqual(list(newer.supersedes.all()), [older])

    def test_a_document_cannot_supersede_itself(self):
        document = NormativeDocumentFactory(validity=NormativeDocument.AMENDED)
        document.superseded_by = document
        with self.assertRaises(ValidationError) as caught:
            document.clean()
        self.assertIn("superseded_by", caught.exception.message_dict)

    def test_public_is_live_only(self):
        live = NormativeDocumentFactory()
        NormativeDocumentFactory(live=False)
        self.assertEqual(list(NormativeDocument.objects.public()), [live])

    def test_register_numbers_once_and_in_sequence(self):
        user = get_user_model().objects.create_user("fagongwei", password="x")
        first, second = NormativeDocumentFactory(), NormativeDocumentFactory()
        number = first.register(user)
        self.assertRegex(number, r"^备审〔\d{4}〕1号$")
        self.assertEqual(first.register(user), number)
        self.assertRegex(second.register(), r"^备审〔\d{4}〕2号$")
        first.refresh_from_db()
        self.assertEqual(first.registered_by, user)
        self.assertIsNotNone(first.registered_at)

    def test_latest_review(self):
        document = NormativeDocumentFactory()
        self.assertIsNone(document.latest_review)
        ReviewFactory(document=document, received_date=datetime.date(2026, 1, 1))
        later = ConcludedReviewFactory(document=document, received_date=datetime.date(2026, 3, 1))
        self.assertEqual(document.latest_review, later)


class ReviewTests(TestCase):
    def test_concluding_needs_date_and_conclusion(self):
        review = ReviewFactory.build(
            document=NormativeDocumentFactory(),
            stage=Review.CONCLUDED,
            started_date=datetime.date(2026, 3, 22),
        )
        with self.assertRaises(ValidationError) as caught:
            review.clean()
        self.assertIn("concluded_date", caught.exception.message_dict)
        self.assertIn("conclusion", caught.exception.message_dict)

    def test_reviewing_needs_a_start_date(self):
        review = ReviewFactory.build(document=NormativeDocumentFactory(), stage=Review.REVIEWING)
        with self.assertRaises(ValidationError) as caught:
            review.clean()
        self.assertIn("started_date", caught.exception.message_dict)

    def test_a_conclusion_before_the_end_is_refused(self):
        review = ReviewFactory.build(
            document=NormativeDocumentFactory(), conclusion=Review.NO_PROBLEM
        )
        with self.assertRaises(ValidationError) as caught:
            review.clean()
        self.assertIn("stage", caught.exception.message_dict)

    def test_dates_in_order(self):
        review = ConcludedReviewFactory.build(
            document=NormativeDocumentFactory(),
            received_date=datetime.date(2026, 3, 21),
            started_date=datetime.date(2026, 3, 20),
            concluded_date=datetime.date(2026, 3, 19),
        )
        with self.assertRaises(ValidationError) as caught:
            review.clean()
        self.assertIn("started_date", caught.exception.message_dict)
        self.assertIn("concluded_date", caught.exception.message_dict)


class ReviewSuggestionTests(TestCase):
    def test_tracking_number_and_check_code_are_random(self):
        first, second = ReviewSuggestionFactory(), ReviewSuggestionFactory()
        self.assertRegex(first.tracking_number, r"^JY\d{14}$")
        self.assertNotEqual(first.tracking_number, second.tracking_number)
        self.assertRegex(first.check_code, r"^[A-HJ-NP-Z2-9]{8}$")
        self.assertNotEqual(first.check_code, second.check_code)

    def test_check_matches_case_and_space_insensitively(self):
        suggestion = ReviewSuggestionFactory()
        self.assertTrue(suggestion.check_matches(f" {suggestion.check_code.lower()} "))
        self.assertFalse(suggestion.check_matches("AAAAAAAA"))
        self.assertFalse(suggestion.check_matches(None))

    def test_check_matches_refuses_non_ascii_without_raising(self):
        suggestion = ReviewSuggestionFactory()
        self.assertFalse(suggestion.check_matches("查询码查询码查询"))
        self.assertFalse(suggestion.check_matches(suggestion.check_code[:7] + "é"))

    def test_a_document_or_its_title_is_needed(self):
        suggestion = ReviewSuggestionFactory.build(document=None, document_title=" ")
        with self.assertRaises(ValidationError) as caught:
            suggestion.clean()
        self.assertIn("document_title", caught.exception.message_dict)

    def test_a_reply_is_needed_to_close(self):
        suggestion = ReviewSuggestionFactory.build(
            document=NormativeDocumentFactory(), status=ReviewSuggestion.REPLIED
        )
        with self.assertRaises(ValidationError) as caught:
            suggestion.clean()
        self.assertIn("reply", caught.exception.message_dict)
