"""A review's stage in the admin: 接收登记 → 审查中 → 已审结 one step at a time, corrections back
with a note, and every change in Wagtail's log (documents.review_stage) with who and when, shown
in the history view and on the review's edit and inspect pages."""

import datetime

from django.test import TestCase
from django.utils import timezone
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from documents.admin_views import STAGE_ACTION, stage_change_text
from documents.factories import ConcludedReviewFactory, NormativeDocumentFactory, ReviewFactory
from documents.models import Review
from tests.admin_helpers import make_user, text, url

from .admin_helpers import STAFF, edit_form, resubmission

RECEIVED, REVIEWING, CONCLUDED = Review.RECEIVED, Review.REVIEWING, Review.CONCLUDED


def stage_log(review):
    return list(
        ModelLogEntry.objects.for_instance(review)
        .filter(action=STAGE_ACTION)
        .order_by("timestamp", "pk")
    )


class StageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = make_user("fagongwei", STAFF, first_name="张法工")
        cls.document = NormativeDocumentFactory(title="关于规范城区停车收费的通知")

    def setUp(self):
        self.client.force_login(self.staff)

    def edit(self, review, **changes):
        form = edit_form(self.client, Review, review.pk)
        return self.client.post(url(Review, "edit", review.pk), resubmission(form, **changes))

    def assertSaved(self, response):
        if response.status_code != 302:
            self.fail(f"not saved: {response.context['form'].errors}")

    def assertRefused(self, response, field, message):
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, " ".join(response.context["form"].errors.get(field, [])))


class TestForward(StageTestCase):
    def test_receiving_to_reviewing_is_logged_with_user_and_time(self):
        review = ReviewFactory(document=self.document)
        before = timezone.now()
        self.assertSaved(self.edit(review, stage=REVIEWING))
        review.refresh_from_db()
        self.assertEqual(review.stage, REVIEWING)
        [entry] = stage_log(review)
        self.assertEqual(entry.data["from"], RECEIVED)
        self.assertEqual(entry.data["to"], REVIEWING)
        self.assertEqual(entry.user, self.staff)
        self.assertGreaterEqual(entry.timestamp, before)
        self.assertEqual(entry.message, "阶段：接收登记 → 审查中")

    def test_the_new_stages_date_defaults_to_today(self):
        review = ReviewFactory(document=self.document, received_date=datetime.date(2026, 1, 5))
        self.assertSaved(self.edit(review, stage=REVIEWING))
        review.refresh_from_db()
        self.assertEqual(review.started_date, timezone.localdate())

        self.assertSaved(self.edit(review, stage=CONCLUDED, conclusion=Review.SUGGEST_CHANGE))
        review.refresh_from_db()
        self.assertEqual(review.concluded_date, timezone.localdate())
        self.assertEqual(review.conclusion, Review.SUGGEST_CHANGE)
        self.assertEqual(
            [(e.data["from"], e.data["to"]) for e in stage_log(review)],
            [(RECEIVED, REVIEWING), (REVIEWING, CONCLUDED)],
        )

    def test_a_date_given_is_kept(self):
        review = ReviewFactory(document=self.document, received_date=datetime.date(2026, 3, 21))
        self.assertSaved(self.edit(review, stage=REVIEWING, started_date="2026-03-25"))
        review.refresh_from_db()
        self.assertEqual(review.started_date, datetime.date(2026, 3, 25))

    def test_concluding_still_needs_a_conclusion(self):
        review = ReviewFactory(
            document=self.document, stage=REVIEWING, started_date=datetime.date(2026, 3, 25)
        )
        response = self.edit(review, stage=CONCLUDED)
        self.assertRefused(response, "conclusion", "审结时请选择审查结论。")
        review.refresh_from_db()
        self.assertEqual(review.stage, REVIEWING)
        self.assertEqual(stage_log(review), [])

    def test_skipping_a_stage_is_refused_and_changes_nothing(self):
        review = ReviewFactory(document=self.document)
        response = self.edit(
            review,
            stage=CONCLUDED,
            started_date="2026-03-25",
            concluded_date="2026-04-20",
            conclusion=Review.NO_PROBLEM,
        )
        self.assertRefused(response, "stage", "阶段只能逐步推进：请先改为“审查中”并保存")
        review.refresh_from_db()
        self.assertEqual(review.stage, RECEIVED)
        self.assertIsNone(review.concluded_date)
        self.assertEqual(stage_log(review), [])

    def test_saving_without_a_stage_change_logs_no_stage_change(self):
        review = ReviewFactory(document=self.document)
        self.assertSaved(self.edit(review, opinion="初步意见：需征求县司法局意见。"))
        self.assertEqual(stage_log(review), [])
        self.assertTrue(ModelLogEntry.objects.for_instance(review).filter(action="wagtail.edit"))


class TestCorrection(StageTestCase):
    def test_going_back_needs_a_note(self):
        review = ConcludedReviewFactory(document=self.document)
        response = self.edit(review, stage=REVIEWING)
        self.assertRefused(
            response, "correction_note", "把阶段从“已审结”退回“审查中”属于更正，请写明更正的原因"
        )
        review.refresh_from_db()
        self.assertEqual(review.stage, CONCLUDED)
        self.assertEqual(stage_log(review), [])

    def test_a_correction_clears_the_later_stages_and_logs_what_it_cleared(self):
        review = ConcludedReviewFactory(document=self.document)
        note = "审查结论录入有误，重新审查"
        self.assertSaved(self.edit(review, stage=REVIEWING, correction_note=note))
        review.refresh_from_db()
        self.assertEqual(review.stage, REVIEWING)
        self.assertEqual(review.conclusion, "")
        self.assertIsNone(review.concluded_date)
        self.assertEqual(review.started_date, datetime.date(2026, 3, 25))
        self.assertEqual(review.opinion, ConcludedReviewFactory.opinion)
        [entry] = stage_log(review)
        self.assertTrue(entry.message.startswith("阶段：已审结 → 审查中（更正说明："))
        self.assertEqual(entry.data["note"], note)
        self.assertEqual(
            entry.data["cleared"], {"审结日期": "2026-04-20", "审查结论": "未发现问题"}
        )
        self.assertIn(f"更正说明：{note}", entry.comment)
        self.assertIn("审查结论“未发现问题”", entry.comment)

    def test_back_to_the_first_stage(self):
        review = ReviewFactory(
            document=self.document, stage=REVIEWING, started_date=datetime.date(2026, 3, 25)
        )
        self.assertSaved(self.edit(review, stage=RECEIVED, correction_note="误点了开始审查"))
        review.refresh_from_db()
        self.assertEqual(review.stage, RECEIVED)
        self.assertIsNone(review.started_date)
        self.assertEqual(
            stage_log(review)[0].message,
            "阶段：审查中 → 接收登记（更正说明：误点了开始审查。已清除：开始审查日期“2026-03-25”）",
        )


class TestCreate(StageTestCase):
    def create(self, **fields):
        data = {
            "document": str(self.document.pk),
            "kind": Review.ON_REQUEST,
            "stage": RECEIVED,
            "correction_note": "",
            "received_date": "2026-03-21",
            "started_date": "",
            "concluded_date": "",
            "conclusion": "",
            "opinion": "",
            "suggestion": "",
            **fields,
        }
        return self.client.post(url(Review, "add"), data)

    def test_a_new_review_logs_its_first_stage(self):
        self.assertEqual(self.create().status_code, 302)
        review = Review.objects.get(document=self.document)
        [entry] = stage_log(review)
        self.assertEqual((entry.data["from"], entry.data["to"]), ("", RECEIVED))
        self.assertEqual(entry.message, "阶段：接收登记（新建）")
        self.assertEqual(entry.user, self.staff)

    def test_a_review_kept_on_paper_is_entered_at_its_stage(self):
        response = self.create(
            stage=CONCLUDED,
            started_date="2026-03-25",
            concluded_date="2026-04-20",
            conclusion=Review.CORRECTED,
        )
        self.assertEqual(response.status_code, 302)
        review = Review.objects.get(document=self.document)
        self.assertEqual(review.conclusion, Review.CORRECTED)
        self.assertEqual(stage_log(review)[0].message, "阶段：已审结（新建）")


class TestHistoryDisplay(StageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.colleague = make_user("colleague", STAFF, first_name="李审查")
        cls.review = ReviewFactory(document=cls.document)

    def move(self, user, **changes):
        self.client.force_login(user)
        self.assertSaved(self.edit(self.review, **changes))

    def test_history_view_shows_each_change_with_user(self):
        self.move(self.staff, stage=REVIEWING)
        self.move(self.colleague, stage=CONCLUDED, conclusion=Review.NO_PROBLEM)
        response = self.client.get(url(Review, "history", self.review.pk))
        self.assertEqual(response.status_code, 200)
        content = text(response)
        self.assertIn("阶段：接收登记 → 审查中", content)
        self.assertIn("阶段：审查中 → 已审结", content)
        self.assertIn("张法工", content)
        self.assertIn("李审查", content)

    def test_history_view_shows_the_correction_note(self):
        self.move(self.staff, stage=REVIEWING)
        self.move(self.colleague, stage=RECEIVED, correction_note="尚缺起草说明，退回")
        content = text(self.client.get(url(Review, "history", self.review.pk)))
        self.assertIn("阶段：审查中 → 接收登记（更正说明：尚缺起草说明，退回。", content)

    def test_history_filter_knows_the_action(self):
        self.assertTrue(log_registry.action_exists(STAGE_ACTION))
        self.assertIn((STAGE_ACTION, "审查阶段变更"), log_registry.get_choices())

    def test_edit_and_inspect_pages_list_the_stage_history_in_order(self):
        self.move(self.staff, stage=REVIEWING)
        self.move(self.colleague, stage=RECEIVED, correction_note="尚缺起草说明，退回")
        for view in ("edit", "inspect"):
            with self.subTest(view):
                content = text(self.client.get(url(Review, view, self.review.pk)))
                first = content.index("阶段：接收登记 → 审查中")
                second = content.index("阶段：审查中 → 接收登记")
                self.assertLess(first, second)
                self.assertIn("张法工", content[first - 200 : first])
                self.assertIn("更正说明：尚缺起草说明，退回", content)

    def test_the_message_survives_unknown_stage_values(self):
        self.assertEqual(stage_change_text({"from": "old", "to": "new"}), "阶段：old → new")
