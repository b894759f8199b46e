"""接收登记 and the electronic receipt (回执): POST-only registration that numbers 备审〔年度〕N号
once, in sequence per year; the printable receipt with the 30-day filing check; permissions; and
registrations that no revision can undo."""

import datetime
from unittest import mock

from django.contrib.auth.models import Permission
from django.db import IntegrityError
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.factories import DocumentFactory
from core.models import SiteSettings
from documents.admin_views import REGISTER_ACTION, STAGE_ACTION, filing_status
from documents.factories import DocumentFileFactory, NormativeDocumentFactory, ReviewFactory
from documents.models import NormativeDocument, Review
from tests.admin_helpers import make_user, text, url
from tests.helpers import default_home, h1_texts, parse

from .admin_helpers import STAFF, denied, edit_form, resubmission

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def register_url(document):
    return url(NormativeDocument, "register", document.pk)


def receipt_url(document):
    return url(NormativeDocument, "receipt", document.pk)


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


class ReceiptTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = make_user("fagongwei", STAFF, first_name="张法工")
        cls.document = NormativeDocumentFactory(
            title="关于规范城区停车收费的通知",
            number="县政发〔2026〕7号",
            date_issued=datetime.date(2026, 3, 1),
            date_filed=datetime.date(2026, 3, 31),
        )
        cls.main_text = DocumentFileFactory(
            document=cls.document, label="正文", file=DocumentFactory(title="停车收费通知正文")
        )
        DocumentFileFactory(
            document=cls.document, label="起草说明", file=DocumentFactory(title="起草说明")
        )

    def setUp(self):
        self.client.force_login(self.staff)

    def register(self, document=None):
        return self.client.post(register_url(document or self.document))

    def refreshed(self, document=None):
        return NormativeDocument.objects.get(pk=(document or self.document).pk)


class TestRegistering(ReceiptTestCase):
    def test_post_registers_logs_and_goes_to_the_receipt(self):
        response = self.register()
        self.assertRedirects(response, receipt_url(self.document), fetch_redirect_response=False)
        document = self.refreshed()
        year = timezone.localdate().year
        self.assertEqual(document.receipt_number, f"备审〔{year}〕1号")
        self.assertEqual(document.registered_by, self.staff)
        self.assertIsNotNone(document.registered_at)
        entry = ModelLogEntry.objects.for_instance(document).get(action=REGISTER_ACTION)
        self.assertEqual(entry.user, self.staff)
        self.assertEqual(entry.message, f"接收登记，回执编号 备审〔{year}〕1号")

    def test_registering_opens_an_active_review(self):
        self.register()
        review = Review.objects.get(document=self.document)
        self.assertEqual((review.kind, review.stage), (Review.ACTIVE, Review.RECEIVED))
        self.assertEqual(review.received_date, timezone.localdate())
        entry = ModelLogEntry.objects.for_instance(review).get(action=STAGE_ACTION)
        self.assertEqual(entry.user, self.staff)

    def test_a_document_with_a_review_gets_no_second_one(self):
        existing = ReviewFactory(document=self.document, kind=Review.ON_REQUEST)
        self.register()
        self.assertEqual(list(Review.objects.filter(document=self.document)), [existing])

    def test_registering_twice_keeps_the_number(self):
        self.register()
        first = self.refreshed()
        response = self.register()
        self.assertRedirects(response, receipt_url(self.document), fetch_redirect_response=False)
        again = self.refreshed()
        self.assertEqual(again.receipt_number, first.receipt_number)
        self.assertEqual(again.registered_at, first.registered_at)
        self.assertEqual(
            ModelLogEntry.objects.for_instance(again).filter(action=REGISTER_ACTION).count(), 1
        )

    def test_get_asks_to_confirm_and_registers_nothing(self):
        response = self.client.get(register_url(self.document))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "登记并出具回执")
        self.assertContains(response, 'method="post"')
        self.assertContains(response, "按时报备")  # 2026-03-01 → 2026-03-31: the 30th day
        self.assertIsNone(self.refreshed().receipt_number)

    def test_get_of_a_registered_document_goes_to_its_receipt(self):
        self.register()
        response = self.client.get(register_url(self.document))
        self.assertRedirects(response, receipt_url(self.document), fetch_redirect_response=False)

    def test_post_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.staff)
        response = client.post(register_url(self.document))
        self.assertEqual(response.status_code, 403)
        self.assertIsNone(self.refreshed().receipt_number)

    def test_a_document_without_its_filing_date_is_not_registered(self):
        unfiled = NormativeDocumentFactory(date_filed=None)
        response = self.client.get(register_url(unfiled))
        self.assertContains(response, "登记前请先填写报备日期")
        self.assertNotContains(response, "登记并出具回执")
        response = self.register(unfiled)
        self.assertRedirects(response, register_url(unfiled), fetch_redirect_response=False)
        self.assertIn(
            "登记前请先填写报备日期（收到报送备案材料的日期）并发布，回执要写明报备日期。",
            [str(m) for m in response.wsgi_request._messages],
        )
        self.assertIsNone(self.refreshed(unfiled).receipt_number)
        self.assertFalse(Review.objects.filter(document=unfiled).exists())

    def test_an_unknown_document_is_404(self):
        self.assertEqual(
            self.client.post(register_url(NormativeDocument(pk=999999))).status_code, 404
        )


class TestNumbering(ReceiptTestCase):
    def register_at(self, document, when):
        with mock.patch("django.utils.timezone.now", return_value=when):
            self.assertEqual(self.register(document).status_code, 302)
        return self.refreshed(document).receipt_number

    def test_numbers_run_in_sequence_per_year(self):
        documents = [NormativeDocumentFactory() for _ in range(4)]
        numbers = [
            self.register_at(documents[0], at(2025, 12, 30)),
            self.register_at(documents[1], at(2025, 12, 31, 23)),  # 23:00 in Shanghai: still 2025
            self.register_at(documents[2], at(2026, 1, 1, 0)),
            self.register_at(documents[3], at(2026, 1, 2)),
        ]
        self.assertEqual(
            numbers, ["备审〔2025〕1号", "备审〔2025〕2号", "备审〔2026〕1号", "备审〔2026〕2号"]
        )
        self.assertEqual(len(set(numbers)), 4)

    def test_a_collision_is_retried(self):
        """Two registrations at once can compute the same number: the unique constraint refuses
        the second, which tries again (and then counts the colleague's number)."""
        real_register = NormativeDocument.register
        attempts = []

        def collide_once(document, user=None, when=None):
            attempts.append(document.pk)
            if len(attempts) == 1:
                raise IntegrityError("UNIQUE constraint failed: receipt_number")
            return real_register(document, user, when)

        with mock.patch.object(NormativeDocument, "register", collide_once):
            response = self.register()
        self.assertRedirects(response, receipt_url(self.document), fetch_redirect_response=False)
        self.assertEqual(len(attempts), 2)
        year = timezone.localdate().year
        self.assertEqual(self.refreshed().receipt_number, f"备审〔{year}〕1号")
        self.assertEqual(Review.objects.filter(document=self.document).count(), 1)

    def test_a_collision_that_persists_is_reported_and_changes_nothing(self):
        with mock.patch.object(NormativeDocument, "register", side_effect=IntegrityError):
            response = self.register()
        self.assertRedirects(response, register_url(self.document), fetch_redirect_response=False)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertIn("登记编号冲突，未能登记，请稍后重试。", messages)
        self.assertIsNone(self.refreshed().receipt_number)
        self.assertFalse(Review.objects.filter(document=self.document).exists())

    def test_numbering_survives_a_deleted_registration(self):
        first, second, third = (NormativeDocumentFactory() for _ in range(3))
        for document in (first, second):
            self.register(document)
        self.refreshed(first).delete()
        self.register(third)
        year = timezone.localdate().year
        self.assertEqual(self.refreshed(third).receipt_number, f"备审〔{year}〕3号")


class TestReceiptPage(ReceiptTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        settings = SiteSettings.for_site(default_home().get_site())
        settings.organisation = "某某县人大常委会办公室"
        settings.save()

    def test_the_receipt_says_what_was_registered(self):
        self.register()
        response = self.client.get(receipt_url(self.document))
        self.assertEqual(response.status_code, 200)
        page = parse(response)
        self.assertEqual(h1_texts(response), ["规范性文件备案登记回执"])
        self.assertEqual(page.html["lang"], "zh-Hans")
        self.assertIsNotNone(page.find("main"))
        rows = {
            row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
            for row in page.select("table.receipt-table tr")
        }
        year = timezone.localdate().year
        self.assertEqual(rows["回执编号"], f"备审〔{year}〕1号")
        self.assertEqual(rows["文件名称"], "关于规范城区停车收费的通知")
        self.assertEqual(rows["文号"], "县政发〔2026〕7号")
        self.assertEqual(rows["制定机关"], str(self.document.issuing_body))
        self.assertEqual(rows["公布日期"], "2026年3月1日")
        self.assertEqual(rows["报备日期"], "2026年3月31日")
        self.assertEqual(rows["报备时限"], "公布之日起30日内（至2026年3月31日）")
        self.assertEqual(rows["报备情况"], "按时报备")
        self.assertIn("正文：停车收费通知正文", rows["收到的备案材料"])
        self.assertIn("起草说明：起草说明", rows["收到的备案材料"])
        self.assertEqual(rows["登记人"], "张法工")
        self.assertIn(f"{year}年", rows["登记时间"])
        self.assertEqual(
            page.select_one(".receipt-office").get_text(strip=True), "某某县人大常委会办公室"
        )
        self.assertIn("@page { size: A4", text(response))

    def test_a_late_filing_says_by_how_many_days(self):
        late = NormativeDocumentFactory(
            date_issued=datetime.date(2026, 3, 1), date_filed=datetime.date(2026, 4, 17)
        )
        self.register(late)
        response = self.client.get(receipt_url(late))
        self.assertContains(response, "逾期报备 17 天")

    def test_an_unregistered_document_has_no_receipt_yet(self):
        response = self.client.get(receipt_url(self.document))
        self.assertRedirects(response, register_url(self.document), fetch_redirect_response=False)

    def test_edit_view_offers_registration_then_the_receipt(self):
        content = text(self.client.get(url(NormativeDocument, "edit", self.document.pk)))
        self.assertIn(register_url(self.document), content)
        self.assertIn("尚未登记", content)
        self.register()
        content = text(self.client.get(url(NormativeDocument, "edit", self.document.pk)))
        self.assertIn(receipt_url(self.document), content)
        self.assertIn(self.refreshed().receipt_number, content)

    def test_the_listing_links_each_row_to_its_registration_or_receipt(self):
        other = NormativeDocumentFactory()
        self.register()
        content = text(self.client.get(url(NormativeDocument, "list")))
        self.assertIn(receipt_url(self.document), content)
        self.assertIn(register_url(other), content)


class TestFilingStatus(TestCase):
    def status(self, issued, filed):
        return filing_status(NormativeDocument(date_issued=issued, date_filed=filed))

    def test_thirty_days_is_on_time_thirty_one_is_late(self):
        issued = datetime.date(2026, 3, 1)
        self.assertEqual(self.status(issued, datetime.date(2026, 3, 1)), "按时报备")
        self.assertEqual(self.status(issued, datetime.date(2026, 3, 31)), "按时报备")
        self.assertEqual(self.status(issued, datetime.date(2026, 4, 1)), "逾期报备 1 天")

    def test_missing_dates_are_named(self):
        self.assertEqual(
            self.status(datetime.date(2026, 3, 1), None), "未填写公布日期或报备日期，无法计算"
        )
        self.assertEqual(
            self.status(None, datetime.date(2026, 3, 1)), "未填写公布日期或报备日期，无法计算"
        )


class TestPermissions(ReceiptTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = make_user("editor")
        cls.editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
        cls.registered = NormativeDocumentFactory()
        cls.registered.register(cls.staff)

    def test_anonymous_users_go_to_the_login(self):
        self.client.logout()
        for address in (receipt_url(self.registered), register_url(self.document)):
            response = self.client.get(address)
            self.assertEqual(response.status_code, 302, address)
            self.assertIn(reverse("wagtailadmin_login"), response["Location"])

    def test_admin_users_outside_the_staff_can_neither_register_nor_read_receipts(self):
        self.client.force_login(self.editor)
        self.assertTrue(denied(self.client.get(receipt_url(self.registered))))
        self.assertTrue(denied(self.client.get(register_url(self.document))))
        self.assertTrue(denied(self.register()))
        self.assertIsNone(self.refreshed().receipt_number)

    def test_view_permission_reads_receipts_but_does_not_register(self):
        self.editor.user_permissions.add(Permission.objects.get(codename="view_normativedocument"))
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(receipt_url(self.registered)).status_code, 200)
        self.assertTrue(denied(self.register()))
        self.assertEqual(self.client.get(receipt_url(self.document)).status_code, 404)
        self.assertIsNone(self.refreshed().receipt_number)


class TestRevisionsKeepTheRegistration(ReceiptTestCase):
    """A revision holds every field: publishing or reverting to one saved before the
    registration must not bring back an unregistered document."""

    def draft_then_register(self):
        document = self.refreshed()
        document.save_revision(user=self.staff)  # the published state, before registration
        document.title = "关于规范城区停车收费的通知（修订稿）"
        draft = document.save_revision(user=self.staff)
        self.register()
        return draft

    def publish_from_edit_view(self, **changes):
        form = edit_form(self.client, NormativeDocument, self.document.pk)
        data = resubmission(form, **changes)
        data["action-publish"] = "action-publish"
        response = self.client.post(url(NormativeDocument, "edit", self.document.pk), data)
        self.assertEqual(response.status_code, 302, response.content[:2000])

    def test_publishing_a_draft_saved_before_registering(self):
        self.draft_then_register()
        number = self.refreshed().receipt_number
        self.publish_from_edit_view()
        document = self.refreshed()
        self.assertEqual(document.title, "关于规范城区停车收费的通知（修订稿）")
        self.assertEqual(document.receipt_number, number)
        self.assertEqual(document.registered_by, self.staff)

    def test_scheduled_publishing_of_that_draft(self):
        draft = self.draft_then_register()
        number = self.refreshed().receipt_number
        draft.refresh_from_db()
        draft.publish(user=self.staff)
        self.assertEqual(self.refreshed().receipt_number, number)

    def test_reverting_to_a_revision_from_before(self):
        self.draft_then_register()
        number = self.refreshed().receipt_number
        first = self.refreshed().revisions.order_by("created_at", "id").first()
        revert = url(NormativeDocument, "revisions_revert", self.document.pk, first.pk)
        form = self.client.get(revert).context["form"]
        data = resubmission(form)
        data["action-publish"] = "action-publish"
        self.assertEqual(self.client.post(revert, data).status_code, 302)
        document = self.refreshed()
        self.assertEqual(document.title, "关于规范城区停车收费的通知")
        self.assertEqual(document.receipt_number, number)
