"""The 备案审查 admin: listings, filters, Chinese search, CSV/XLSX export and inspect views of
documents, reviews and suggestions; the manual-entry notice; re-extraction when files change;
suggestion handling (content kept, 答复时间 stamped, contact details for 法工委 only); the
dashboard panel; and who may open what."""

import datetime
import io
import sys
from unittest import mock

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu
from wagtail.documents import get_document_model
from wagtail.models import Collection

from core.factories import DocumentFactory, register_collection
from core.models import FileCollection
from documents.factories import (
    ConcludedReviewFactory,
    DocumentFileFactory,
    IssuingBodyFactory,
    NormativeDocumentFactory,
    ReviewFactory,
    ReviewSuggestionFactory,
)
from documents.models import IssuingBody, NormativeDocument, Review, ReviewSuggestion
from tests.admin_helpers import ListingAssertions, csv_rows, listed, make_user, text, url, xlsx_rows

from .admin_helpers import STAFF, denied, edit_form, resubmission

MENU = "备案审查"
CONTACT = "13800001234"
NAME = "周建议"
OTHER_CONTACT = "wu-jianyi@example.com"
OTHER_NAME = "吴建议"
SCANNED_NOTICE = "需人工录入全文"


class RegistryData:
    """Four documents of two issuing bodies over 2025–2026, their reviews, two suggestions."""

    @classmethod
    def create_registry(cls):
        cls.gov = IssuingBodyFactory(name="县人民政府")
        cls.edu = IssuingBodyFactory(name="县教育局")

        cls.parking = NormativeDocumentFactory(
            title="关于规范城区停车收费的通知",
            number="县政发〔2025〕12号",
            issuing_body=cls.gov,
            date_issued=datetime.date(2025, 5, 1),
            date_filed=datetime.date(2025, 5, 20),
        )
        cls.parking.register()
        cls.parking_review = ConcludedReviewFactory(
            document=cls.parking,
            received_date=datetime.date(2025, 5, 21),
            started_date=datetime.date(2025, 5, 25),
            concluded_date=datetime.date(2025, 6, 20),
        )

        cls.uniforms = NormativeDocumentFactory(
            title="关于中小学校服管理的规定",
            number="县教发〔2026〕3号",
            issuing_body=cls.edu,
            date_issued=datetime.date(2026, 2, 1),
            date_filed=datetime.date(2026, 3, 20),  # 47 days: 17 days late
            validity=NormativeDocument.REPEALED,
            text_status=NormativeDocument.TEXT_NO_LAYER,
            text_note="扫描件，第1—3页没有文字层",
        )
        cls.uniforms_review = ReviewFactory(
            document=cls.uniforms,
            kind=Review.ON_REQUEST,
            stage=Review.REVIEWING,
            received_date=datetime.date(2026, 3, 21),
            started_date=datetime.date(2026, 3, 25),
        )

        cls.draft = NormativeDocumentFactory(
            title="关于农村人居环境整治的实施意见（征求意见稿）",
            number="",
            issuing_body=cls.gov,
            date_issued=datetime.date(2026, 1, 10),
            date_filed=None,
            text_status=NormativeDocument.TEXT_FAILED,
            live=False,
        )

        # Issued in 2025, filed in 2026: a 2026 document.
        cls.insurance = NormativeDocumentFactory(
            title="关于调整城乡居民医疗保险缴费标准的通知",
            number="县政办发〔2025〕30号",
            issuing_body=cls.gov,
            date_issued=datetime.date(2025, 12, 20),
            date_filed=datetime.date(2026, 1, 10),
        )
        cls.insurance_old_review = ConcludedReviewFactory(
            document=cls.insurance,
            conclusion=Review.SUGGEST_CHANGE,
            received_date=datetime.date(2026, 1, 11),
            started_date=datetime.date(2026, 1, 12),
            concluded_date=datetime.date(2026, 1, 30),
        )
        cls.insurance_review = ReviewFactory(
            document=cls.insurance, kind=Review.SPECIAL, received_date=datetime.date(2026, 2, 1)
        )

        cls.suggestion = ReviewSuggestionFactory(document=cls.parking, name=NAME, contact=CONTACT)
        ReviewSuggestion.objects.filter(pk=cls.suggestion.pk).update(
            submitted_at=datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC)
        )
        cls.answered = ReviewSuggestionFactory(
            document=None,
            document_title="关于某某收费的规定",
            name=OTHER_NAME,
            contact=OTHER_CONTACT,
            status=ReviewSuggestion.REPLIED,
            reply="经研究，该文件已于2025年12月废止。",
            replied_at=datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC),
        )
        ReviewSuggestion.objects.filter(pk=cls.answered.pk).update(
            submitted_at=datetime.datetime(2025, 11, 20, 9, tzinfo=datetime.UTC)
        )
        cls.suggestion.refresh_from_db()
        cls.answered.refresh_from_db()

    def assertNoPrivateData(self, content, what=""):
        for private in (NAME, CONTACT, OTHER_NAME, OTHER_CONTACT):
            self.assertNotIn(private, content, what)
        for suggestion in (self.suggestion, self.answered):
            self.assertNotIn(suggestion.check_code, content, what)


class AdminTestCase(ListingAssertions, RegistryData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.create_registry()
        cls.staff = make_user("fagongwei", STAFF, first_name="张法工")

    def setUp(self):
        self.client.force_login(self.staff)


class TestDocumentListing(AdminTestCase):
    def test_columns(self):
        response = self.client.get(url(NormativeDocument, "list"))
        self.assertCountEqual(
            listed(response), [self.parking, self.uniforms, self.draft, self.insurance]
        )
        content = text(response)
        for heading in ("标题", "文号", "制定机关", "公布日期", "报备日期", "效力", "全文提取"):
            self.assertIn(heading, content)
        for value in ("县教发〔2026〕3号", "县教育局", "已废止", "扫描件无文字层，需人工录入"):
            self.assertIn(value, content)
        rows = {doc.pk: doc for doc in listed(response)}
        self.assertEqual(rows[self.parking.pk].latest_stage, Review.CONCLUDED)
        self.assertEqual(rows[self.parking.pk].latest_conclusion, Review.NO_PROBLEM)
        self.assertEqual(rows[self.insurance.pk].latest_stage, Review.RECEIVED)
        self.assertIsNone(rows[self.draft.pk].latest_stage)

    def test_filter_by_issuing_body_validity_and_publication(self):
        self.assertListed(NormativeDocument, {"issuing_body": self.edu.pk}, [self.uniforms])
        self.assertListed(NormativeDocument, {"validity": "repealed"}, [self.uniforms])
        self.assertListed(NormativeDocument, {"live": "no"}, [self.draft])
        self.assertNotIn(self.draft, self.listing(NormativeDocument, live="yes"))

    def test_year_is_the_filing_year_else_the_publication_year(self):
        self.assertListed(
            NormativeDocument, {"year": "2026"}, [self.uniforms, self.draft, self.insurance]
        )
        self.assertListed(NormativeDocument, {"year": "2025"}, [self.parking])

    def test_filter_by_latest_review(self):
        self.assertListed(NormativeDocument, {"review_stage": "concluded"}, [self.parking])
        self.assertListed(NormativeDocument, {"review_stage": "reviewing"}, [self.uniforms])
        self.assertListed(NormativeDocument, {"review_stage": "received"}, [self.insurance])
        self.assertListed(NormativeDocument, {"review_stage": "none"}, [self.draft])
        self.assertListed(NormativeDocument, {"review_conclusion": "no_problem"}, [self.parking])
        # The insurance notice's *earlier* review suggested changes; its latest is still open.
        self.assertListed(NormativeDocument, {"review_conclusion": "suggest_change"}, [])

    def test_filter_by_registration(self):
        self.assertListed(NormativeDocument, {"registered": "yes"}, [self.parking])
        self.assertListed(
            NormativeDocument, {"registered": "no"}, [self.uniforms, self.draft, self.insurance]
        )

    def test_filter_needing_manual_entry(self):
        self.assertListed(NormativeDocument, {"manual": "yes"}, [self.uniforms, self.draft])
        self.assertListed(NormativeDocument, {"manual": "no"}, [self.parking, self.insurance])
        self.assertListed(NormativeDocument, {"text_status": "failed"}, [self.draft])

    def test_filters_combine(self):
        self.assertListed(
            NormativeDocument,
            {"year": "2026", "issuing_body": self.gov.pk, "live": "yes"},
            [self.insurance],
        )

    def test_search_in_chinese(self):
        self.assertListed(NormativeDocument, {"q": "停车"}, [self.parking])
        self.assertListed(NormativeDocument, {"q": "县教发"}, [self.uniforms])
        self.assertListed(NormativeDocument, {"q": "教育局"}, [self.uniforms])
        self.assertListed(NormativeDocument, {"q": self.parking.receipt_number}, [self.parking])
        self.assertListed(NormativeDocument, {"q": "不存在的文件"}, [])

    def test_query_count_does_not_grow_with_the_rows(self):
        def queries(**params):
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(
                    self.client.get(url(NormativeDocument, "list"), params).status_code, 200
                )
            return len(captured.captured_queries)

        DocumentFileFactory(document=self.parking)
        before, before_csv = queries(), queries(export="csv")
        for _ in range(5):
            document = NormativeDocumentFactory(issuing_body=IssuingBodyFactory(name="县财政局"))
            ReviewFactory(document=document)
            DocumentFileFactory(document=document)
        self.assertEqual(queries(), before)
        self.assertEqual(queries(export="csv"), before_csv)


class TestDocumentExport(AdminTestCase):
    HEADINGS = ["标题", "文号", "制定机关", "公布日期", "报备日期", "报备情况", "效力"]

    def test_csv(self):
        response = self.client.get(url(NormativeDocument, "list"), {"export": "csv"})
        self.assertIn(".csv", response["Content-Disposition"])
        header, *rows = csv_rows(response)
        for heading in [*self.HEADINGS, "登记回执编号", "审查阶段", "审查结论", "已发布"]:
            self.assertIn(heading, header)
        by_title = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
        uniforms = by_title["关于中小学校服管理的规定"]
        self.assertEqual(uniforms["报备情况"], "逾期报备 17 天")
        self.assertEqual(uniforms["效力"], "已废止")
        self.assertEqual(uniforms["审查阶段"], "审查中")
        self.assertEqual(uniforms["全文提取"], "扫描件无文字层，需人工录入")
        parking = by_title["关于规范城区停车收费的通知"]
        self.assertEqual(parking["报备情况"], "按时报备")
        self.assertEqual(parking["登记回执编号"], self.parking.receipt_number)
        self.assertRegex(parking["登记时间"], r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
        self.assertEqual(parking["审查结论"], "未发现问题")
        draft = by_title["关于农村人居环境整治的实施意见（征求意见稿）"]
        self.assertEqual(draft["已发布"], "否")
        self.assertEqual(draft["审查阶段"], "未审查")
        self.assertEqual(draft["报备情况"], "未填写公布日期或报备日期，无法计算")

    def test_csv_follows_the_filters(self):
        response = self.client.get(
            url(NormativeDocument, "list"), {"export": "csv", "manual": "yes"}
        )
        _header, *rows = csv_rows(response)
        self.assertCountEqual(
            [row[0] for row in rows],
            ["关于中小学校服管理的规定", "关于农村人居环境整治的实施意见（征求意见稿）"],
        )

    def test_xlsx(self):
        response = self.client.get(url(NormativeDocument, "list"), {"export": "xlsx"})
        self.assertIn(".xlsx", response["Content-Disposition"])
        header, *rows = xlsx_rows(response)
        for heading in self.HEADINGS:
            self.assertIn(heading, header)
        self.assertEqual(len(rows), 4)


class TestDocumentInspect(AdminTestCase):
    def test_inspect_shows_filing_registration_files_and_reviews(self):
        DocumentFileFactory(
            document=self.parking, label="正文", file=DocumentFactory(title="停车收费通知正文")
        )
        response = self.client.get(url(NormativeDocument, "inspect", self.parking.pk))
        self.assertEqual(response.status_code, 200)
        for value in (
            "按时报备",
            self.parking.receipt_number,
            "正文：停车收费通知正文",
            "2025-05-21 主动审查，已审结，未发现问题",
            "已发布",
        ):
            self.assertContains(response, value)


class TestManualEntryNotice(AdminTestCase):
    def test_the_edit_view_warns_about_scans_and_failed_extractions(self):
        for document in (self.uniforms, self.draft):
            with self.subTest(document.title):
                response = self.client.get(url(NormativeDocument, "edit", document.pk))
                self.assertContains(response, SCANNED_NOTICE)
        response = self.client.get(url(NormativeDocument, "edit", self.uniforms.pk))
        self.assertContains(response, "扫描件，第1—3页没有文字层")

    def test_no_notice_when_the_text_was_extracted(self):
        response = self.client.get(url(NormativeDocument, "edit", self.parking.pk))
        self.assertNotContains(response, SCANNED_NOTICE)


def text_file(content, name="notice.txt"):
    """A file 法工委 uploaded: into the normative documents' collection, the one they add to."""
    return DocumentFactory(
        title=name,
        file__data=content.encode("utf-8"),
        file__filename=name,
        collection=register_collection(FileCollection.DOCUMENTS),
    )


def with_new_file(data, wagtail_document, label="正文"):
    """Add a row to the `files` inline of a document's POST data."""
    number = int(data["files-TOTAL_FORMS"])
    data.update(
        {
            "files-TOTAL_FORMS": str(number + 1),
            f"files-{number}-id": "",
            f"files-{number}-file": str(wagtail_document.pk),
            f"files-{number}-label": label,
            f"files-{number}-ORDER": str(number),
            f"files-{number}-DELETE": "",
        }
    )
    return data


class TestReExtraction(AdminTestCase):
    TEXT = "第一条　为规范城区道路停车收费，制定本通知。\n第二条　本通知自发布之日起施行。"

    def post_edit(self, document, publish=True, new_file=None, **changes):
        data = resubmission(edit_form(self.client, NormativeDocument, document.pk), **changes)
        if new_file is not None:
            with_new_file(data, new_file)
        if publish:
            data["action-publish"] = "action-publish"
        response = self.client.post(url(NormativeDocument, "edit", document.pk), data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        return NormativeDocument.objects.get(pk=document.pk)

    def test_publishing_a_new_file_extracts_its_text(self):
        document = self.post_edit(self.parking, new_file=text_file(self.TEXT))
        self.assertEqual(document.files.count(), 1)
        self.assertEqual(document.text_status, NormativeDocument.TEXT_OK)
        self.assertIn("为规范城区道路停车收费", document.full_text)
        # The revision the edit form starts from holds the new text too.
        self.assertEqual(document.latest_revision.content["full_text"], document.full_text)
        form = edit_form(self.client, NormativeDocument, document.pk)
        self.assertIn("为规范城区道路停车收费", form["full_text"].value())

    def test_a_scan_is_flagged(self):
        with mock.patch(
            "documents.extract.extract_text",
            return_value=mock.Mock(text="", status="no_text_layer", note="扫描件，需人工录入"),
        ):
            document = self.post_edit(self.parking, new_file=text_file("x", "scan.pdf"))
        self.assertEqual(document.text_status, NormativeDocument.TEXT_NO_LAYER)
        response = self.client.get(url(NormativeDocument, "edit", document.pk))
        self.assertContains(response, SCANNED_NOTICE)

    def test_saving_without_new_files_keeps_the_text_as_corrected(self):
        document = self.post_edit(self.parking, full_text="人工校对后的全文")
        self.assertEqual(document.full_text, "人工校对后的全文")
        with mock.patch("documents.extract.refresh_full_text") as refresh:
            self.post_edit(document, summary="摘要")
        refresh.assert_not_called()

    def test_a_draft_of_a_published_document_extracts_when_published(self):
        new_file = text_file(self.TEXT)
        document = self.post_edit(self.parking, publish=False, new_file=new_file)
        self.assertEqual(document.files.count(), 0)  # the live row is unchanged until publishing
        self.assertNotIn("停车收费", document.full_text)
        document = self.post_edit(document)
        self.assertEqual(document.files.count(), 1)
        self.assertIn("为规范城区道路停车收费", document.full_text)

    def test_a_new_document_with_a_file(self):
        data = resubmission(
            self.client.get(url(NormativeDocument, "add")).context["form"],
            title="关于加强城市养犬管理的通告",
            number="县政通〔2026〕1号",
            issuing_body=self.gov.pk,
            date_issued="2026-04-01",
            date_filed="2026-04-10",
            validity="valid",
        )
        with_new_file(data, text_file("第一条　为加强城市养犬管理，制定本通告。"))
        data["action-publish"] = "action-publish"
        response = self.client.post(url(NormativeDocument, "add"), data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        document = NormativeDocument.objects.get(number="县政通〔2026〕1号")
        self.assertIn("为加强城市养犬管理", document.full_text)

    def test_without_the_extractor_the_save_still_succeeds(self):
        with mock.patch.dict(sys.modules, {"documents.extract": None}):
            document = self.post_edit(self.parking, new_file=text_file(self.TEXT))
        self.assertEqual(document.files.count(), 1)
        self.assertEqual(document.text_status, NormativeDocument.TEXT_OK)  # unchanged

    def test_a_failing_extractor_does_not_lose_the_save(self):
        with mock.patch("documents.extract.refresh_full_text", side_effect=RuntimeError("坏文件")):
            document = self.post_edit(self.parking, new_file=text_file(self.TEXT))
        self.assertEqual(document.files.count(), 1)


def word_file(paragraphs, name="通告.docx"):
    """A real Word file (python-docx), uploaded the way staff upload it: Wagtail's document
    form."""
    import docx

    word = docx.Document()
    for paragraph in paragraphs:
        word.add_paragraph(paragraph)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


class TestAutosavedWordFile(AdminTestCase):
    """The 备案审查 form is autosaved in the background (Wagtail 8): attaching a .docx to a new
    document creates a draft, whose files are extracted then; the autosaves and the publish that
    follow post the form as the browser holds it."""

    PARAGRAPHS = ["关于加强城市养犬管理的通告", "第一条　为加强城市养犬管理，制定本通告。"]
    JSON = {"HTTP_ACCEPT": "application/json"}

    def upload(self):
        response = self.client.post(
            reverse("wagtaildocs:add"),
            {
                "title": "养犬管理通告",
                "file": SimpleUploadedFile("通告.docx", word_file(self.PARAGRAPHS)),
                "collection": str(Collection.get_first_root_node().pk),
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return get_document_model().objects.get(title="养犬管理通告")

    @staticmethod
    def apply(data, result):
        """What Wagtail's autosave JavaScript does with a successful save's answer."""
        for name, value in result.get("field_updates", {}).items():
            data[name] = value
        if "revision_id" in result:
            data["overwrite_revision_id"] = str(result["revision_id"])

    def test_the_text_survives_autosaves_and_publishing(self):
        data = resubmission(
            self.client.get(url(NormativeDocument, "add")).context["form"],
            title="关于加强城市养犬管理的通告",
            number="县政通〔2026〕7号",
            issuing_body=self.gov.pk,
            date_issued="2026-04-01",
            validity="valid",
        )
        with_new_file(data, self.upload())
        response = self.client.post(url(NormativeDocument, "add"), data, **self.JSON)
        self.assertEqual(response.status_code, 200, response.content[:2000])
        created = response.json()
        document = NormativeDocument.objects.get(pk=created["pk"])
        self.assertIn("为加强城市养犬管理", document.full_text)
        self.assertIn("为加强城市养犬管理", created["field_updates"]["full_text"])
        self.apply(data, created)

        edit = url(NormativeDocument, "edit", document.pk)
        data["summary"] = "城区养犬登记"  # typing on: the next autosave
        response = self.client.post(edit, data, **self.JSON)
        self.assertEqual(response.status_code, 200, response.content[:2000])
        self.apply(data, response.json())
        document.refresh_from_db()
        self.assertIn("为加强城市养犬管理", document.full_text)

        data["action-publish"] = "action-publish"
        response = self.client.post(edit, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        document.refresh_from_db()
        self.assertTrue(document.live)
        self.assertEqual(document.text_status, NormativeDocument.TEXT_OK)
        self.assertIn("第一条", document.full_text)
        self.assertIn("为加强城市养犬管理", document.full_text)

    def test_a_document_that_lost_its_text_gets_it_back_on_the_next_save(self):
        wagtail_document = self.upload()
        DocumentFileFactory(document=self.parking, file=wagtail_document, label="正文")
        NormativeDocument.objects.filter(pk=self.parking.pk).update(
            full_text="", text_status=NormativeDocument.TEXT_OK
        )
        data = resubmission(edit_form(self.client, NormativeDocument, self.parking.pk))
        data["action-publish"] = "action-publish"
        response = self.client.post(url(NormativeDocument, "edit", self.parking.pk), data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.parking.refresh_from_db()
        self.assertIn("为加强城市养犬管理", self.parking.full_text)


class TestNumberAlreadyRegistered(AdminTestCase):
    def add(self, number):
        data = resubmission(
            self.client.get(url(NormativeDocument, "add")).context["form"],
            title="关于规范城区停车收费的补充通知",
            number=number,
            issuing_body=self.gov.pk,
            date_issued="2026-04-01",
            validity="valid",
        )
        data["action-publish"] = "action-publish"
        return self.client.post(url(NormativeDocument, "add"), data, follow=True)

    def test_a_number_in_the_registry_is_warned_about(self):
        for number in ("县政发〔2025〕12号", "县政发[2025]12号", "县政发（2025）12号"):
            with self.subTest(number):
                response = self.add(number)
                shown = [str(message) for message in response.context["messages"]]
                self.assertTrue(
                    any(
                        f"文号“{number}”已在备案目录中" in message
                        and "《关于规范城区停车收费的通知》" in message
                        for message in shown
                    ),
                    shown,
                )

    def test_a_new_number_is_not(self):
        response = self.add("县政发〔2026〕99号")
        shown = " ".join(str(message) for message in response.context["messages"])
        self.assertNotIn("已在备案目录中", shown)
        self.assertTrue(NormativeDocument.objects.filter(number="县政发〔2026〕99号").exists())


class TestReviewListing(AdminTestCase):
    def test_columns_and_filters(self):
        response = self.client.get(url(Review, "list"))
        self.assertEqual(len(listed(response)), 4)
        self.assertContains(response, "关于中小学校服管理的规定")
        self.assertListed(Review, {"kind": "on_request"}, [self.uniforms_review])
        self.assertListed(Review, {"stage": "received"}, [self.insurance_review])
        self.assertListed(Review, {"conclusion": "suggest_change"}, [self.insurance_old_review])
        self.assertListed(Review, {"year": "2025"}, [self.parking_review])
        self.assertListed(Review, {"issuing_body": self.edu.pk}, [self.uniforms_review])
        self.assertListed(
            Review,
            {"issuing_body": self.gov.pk, "stage": "concluded"},
            [self.parking_review, self.insurance_old_review],
        )

    def test_search_by_document(self):
        self.assertListed(Review, {"q": "停车"}, [self.parking_review])
        self.assertListed(Review, {"q": "县教发〔2026〕3号"}, [self.uniforms_review])

    def test_export(self):
        header, *rows = csv_rows(self.client.get(url(Review, "list"), {"export": "csv"}))
        for heading in (
            "规范性文件",
            "文号",
            "制定机关",
            "审查方式",
            "阶段",
            "审查结论",
            "审查意见",
        ):
            self.assertIn(heading, header)
        self.assertEqual(len(rows), 4)
        row = next(
            dict(zip(header, r, strict=True)) for r in rows if r[0] == "关于规范城区停车收费的通知"
        )
        self.assertEqual(row["阶段"], "已审结")
        self.assertEqual(row["审查结论"], "未发现问题")
        self.assertEqual(
            len(xlsx_rows(self.client.get(url(Review, "list"), {"export": "xlsx"}))), 5
        )


class TestSuggestions(AdminTestCase):
    def test_listing_filters_and_search_hold_no_private_data(self):
        response = self.client.get(url(ReviewSuggestion, "list"))
        self.assertCountEqual(listed(response), [self.suggestion, self.answered])
        content = text(response)
        self.assertIn(self.suggestion.tracking_number, content)
        self.assertIn("关于某某收费的规定", content)
        self.assertNoPrivateData(content)
        self.assertListed(ReviewSuggestion, {"status": "replied"}, [self.answered])
        self.assertListed(ReviewSuggestion, {"year": "2025"}, [self.answered])
        self.assertListed(ReviewSuggestion, {"year": "2026"}, [self.suggestion])
        self.assertListed(ReviewSuggestion, {"q": self.answered.tracking_number}, [self.answered])
        self.assertListed(ReviewSuggestion, {"q": "停车"}, [self.suggestion])
        # Contact details are not searchable: the search would tell who wrote in.
        self.assertListed(ReviewSuggestion, {"q": CONTACT}, [])
        self.assertListed(ReviewSuggestion, {"q": NAME}, [])

    def test_exports_hold_no_private_data(self):
        response = self.client.get(url(ReviewSuggestion, "list"), {"export": "csv"})
        header, *rows = csv_rows(response)
        self.assertEqual(header[:4], ["受理编号", "建议审查的文件", "提交时间", "办理状态"])
        self.assertEqual(len(rows), 2)
        self.assertNoPrivateData(text(response))
        response = self.client.get(url(ReviewSuggestion, "list"), {"export": "xlsx"})
        cells = " ".join(str(c) for row in xlsx_rows(response) for c in row if c is not None)
        self.assertNoPrivateData(cells)

    def test_staff_see_the_contact_when_handling_a_suggestion(self):
        for view in ("edit", "inspect"):
            with self.subTest(view):
                response = self.client.get(url(ReviewSuggestion, view, self.suggestion.pk))
                self.assertContains(response, CONTACT)
                self.assertContains(response, NAME)
                self.assertContains(response, self.suggestion.check_code)

    def reply(self, suggestion, **changes):
        form = edit_form(self.client, ReviewSuggestion, suggestion.pk)
        return self.client.post(
            url(ReviewSuggestion, "edit", suggestion.pk), resubmission(form, **changes)
        )

    def test_replying_stamps_the_reply_time(self):
        before = timezone.now()
        response = self.reply(
            self.suggestion, status="replied", reply="经审查，该通知第五条已由制定机关修改。"
        )
        self.assertEqual(response.status_code, 302)
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.status, ReviewSuggestion.REPLIED)
        self.assertGreaterEqual(self.suggestion.replied_at, before)

    def test_declining_stamps_it_too_and_needs_a_reply(self):
        response = self.reply(self.suggestion, status="declined", reply="")
        self.assertEqual(response.status_code, 200)
        self.assertIn("答复或不予受理时，请填写答复内容", str(response.context["form"].errors))
        self.suggestion.refresh_from_db()
        self.assertIsNone(self.suggestion.replied_at)
        response = self.reply(self.suggestion, status="declined", reply="不属于本级审查范围。")
        self.assertEqual(response.status_code, 302)
        self.suggestion.refresh_from_db()
        self.assertIsNotNone(self.suggestion.replied_at)

    def test_editing_a_reply_keeps_its_time_reopening_clears_it(self):
        replied_at = self.answered.replied_at
        self.assertEqual(self.reply(self.answered, reply="经研究，该文件已废止。").status_code, 302)
        self.answered.refresh_from_db()
        self.assertEqual(self.answered.replied_at, replied_at)
        self.assertEqual(self.reply(self.answered, status="processing").status_code, 302)
        self.answered.refresh_from_db()
        self.assertIsNone(self.answered.replied_at)

    def test_what_the_citizen_wrote_cannot_be_changed(self):
        form = edit_form(self.client, ReviewSuggestion, self.suggestion.pk)
        data = resubmission(form, status="processing")
        data.update({"issues": "改过的问题", "contact": "10000", "document": str(self.uniforms.pk)})
        response = self.client.post(url(ReviewSuggestion, "edit", self.suggestion.pk), data)
        self.assertEqual(response.status_code, 302)
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.status, ReviewSuggestion.PROCESSING)
        self.assertEqual(self.suggestion.contact, CONTACT)
        self.assertEqual(self.suggestion.issues, ReviewSuggestionFactory.issues)
        self.assertEqual(self.suggestion.document, self.parking)

    def test_a_suggestion_received_on_paper_is_entered_in_the_admin(self):
        response = self.client.post(
            url(ReviewSuggestion, "add"),
            {
                "document": str(self.uniforms.pk),
                "document_title": "",
                "issues": "第三条要求统一购买校服，增加了家长负担。",
                "reasons": "违反自愿原则。",
                "name": "郑来信",
                "contact": "县城关镇东风村",
                "status": "received",
                "reply": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        suggestion = ReviewSuggestion.objects.get(name="郑来信")
        self.assertRegex(suggestion.tracking_number, r"^JY\d{14}$")
        self.assertEqual(suggestion.document, self.uniforms)


class TestDashboard(AdminTestCase):
    def test_panel_counts_what_awaits_staff(self):
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        panel = response.content.decode()
        start = panel.index('id="documents-review')
        panel = panel[start : panel.index("</table>", start)]
        # Filed but not registered: the uniforms rules and the insurance notice, both long ago.
        self.assertRegex(panel, r"已报备、待登记的文件</a>\s*</th>\s*<td>2</td>")
        self.assertIn("报备超过10日未登记（形式审查超期）：2", panel)
        self.assertRegex(panel, r"需人工录入全文的文件</a>\s*</th>\s*<td>2</td>")
        self.assertRegex(panel, r"已登记、待审查</a>\s*</th>\s*<td>1</td>")
        self.assertIn("登记超过10日仍未开始审查：1", panel)
        self.assertRegex(panel, r"审查中</a>\s*</th>\s*<td>1</td>")
        self.assertRegex(panel, r"待答复的审查建议</a>\s*</th>\s*<td>1</td>")
        self.assertIn(url(NormativeDocument, "list") + "?registered=no", panel)

    def test_links_open_the_filtered_listings(self):
        self.assertListed(
            NormativeDocument, {"registered": "no"}, [self.uniforms, self.draft, self.insurance]
        )
        self.assertListed(Review, {"stage": "received"}, [self.insurance_review])


def menu_labels(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    for item in admin_menu.menu_items_for_request(request):
        if item.label == MENU:
            return [sub.label for sub in item.menu.menu_items_for_request(request)]
    return []


def chooser_url(model, view, *args):
    name = f"wagtailsnippetchoosers_{model._meta.app_label}_{model._meta.model_name}:{view}"
    return reverse(name, args=args)


class TestPermissions(AdminTestCase):
    """法工委 keep the registry; other admin users reach none of it, by any URL; a user who may
    only view suggestions never sees who sent them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outsider = make_user("editor")
        cls.outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
        cls.viewer = make_user("viewer")
        cls.viewer.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["access_admin", "view_reviewsuggestion", "view_normativedocument"]
            )
        )

    def urls(self):
        objects = {
            NormativeDocument: self.parking,
            Review: self.parking_review,
            ReviewSuggestion: self.suggestion,
            IssuingBody: self.gov,
        }
        for model, obj in objects.items():
            yield from (
                url(model, "list"),
                url(model, "list_results"),
                url(model, "list") + "?export=csv",
                url(model, "list") + "?export=xlsx",
                url(model, "add"),
                url(model, "edit", obj.pk),
                url(model, "delete", obj.pk),
                url(model, "history", obj.pk),
                url(model, "usage", obj.pk),
                chooser_url(model, "choose"),
                chooser_url(model, "choose_results"),
                chooser_url(model, "chosen", obj.pk),
            )
            if model is not IssuingBody:
                yield url(model, "inspect", obj.pk)
            bulk = ("documents", model._meta.model_name, "delete")
            yield reverse("wagtail_bulk_action", args=bulk) + f"?id={obj.pk}"
        yield url(NormativeDocument, "register", self.insurance.pk)
        yield url(NormativeDocument, "receipt", self.parking.pk)

    def test_outsiders_reach_no_documents_admin_url(self):
        self.client.force_login(self.outsider)
        for address in self.urls():
            with self.subTest(address):
                response = self.client.get(address)
                self.assertTrue(denied(response), (address, response.status_code))
                self.assertNoPrivateData(text(response), address)
        for address in (
            url(NormativeDocument, "register", self.insurance.pk),
            url(ReviewSuggestion, "edit", self.suggestion.pk),
            url(ReviewSuggestion, "delete", self.suggestion.pk),
        ):
            with self.subTest(f"POST {address}"):
                self.assertTrue(denied(self.client.post(address, {"status": "declined"})))
        self.insurance.refresh_from_db()
        self.assertIsNone(self.insurance.receipt_number)
        self.assertTrue(ReviewSuggestion.objects.filter(pk=self.suggestion.pk, status="received"))

    def test_outsiders_have_no_menu_and_no_dashboard_panel(self):
        self.assertEqual(menu_labels(self.outsider), [])
        self.assertEqual(menu_labels(self.staff), ["规范性文件", "审查", "审查建议", "制定机关"])
        self.client.force_login(self.outsider)
        self.assertNotContains(self.client.get(reverse("wagtailadmin_home")), "documents-review")

    def test_staff_reach_every_view(self):
        for address in self.urls():
            with self.subTest(address):
                self.assertEqual(self.client.get(address).status_code, 200, address)

    def test_viewers_of_suggestions_do_not_see_who_sent_them(self):
        self.client.force_login(self.viewer)
        response = self.client.get(url(ReviewSuggestion, "inspect", self.suggestion.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.suggestion.tracking_number)
        self.assertContains(response, ReviewSuggestionFactory.issues)
        self.assertNoPrivateData(text(response))
        self.assertTrue(denied(self.client.get(url(ReviewSuggestion, "edit", self.suggestion.pk))))
        self.assertNoPrivateData(text(self.client.get(url(ReviewSuggestion, "list"))))
