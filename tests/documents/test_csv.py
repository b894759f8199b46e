"""The CSV download of the registry (<registry>/csv/): the list's documents with the list's
filters, the public facts and the public review status only; BOM, neutralised formulas,
constant queries."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.factories import (
    ConcludedReviewFactory,
    DocumentRegistryPageFactory,
    IssuingBodyFactory,
    NormativeDocumentFactory,
    ReviewFactory,
    ReviewSuggestionFactory,
)
from documents.models import NormativeDocument, Review
from documents.views import CSV_HEADER
from tests.helpers import default_home, parse, read_csv

# Never public: an open review's draft opinion, a suggestion's sender, the registration receipt,
# the import's source path, the extracted full text.
PRIVATE_MARKERS = [
    "草拟意见标记：尚未审结",
    "建议人隐私姓名",
    "13700007777",
    "HZ-MARKER-2026-0001",
    "/srv/import/marker.docx",
    "全文标记第一条",
]

# Queries of the whole download, measured 7: Wagtail's 6 (site, route, view restrictions) and one
# for the documents with their review status. Constant in the number of rows.
MAX_CSV_QUERIES = 8


class TestDocumentsCsv(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = DocumentRegistryPageFactory(parent=default_home())
        cls.government = IssuingBodyFactory(name="县人民政府", sort_order=1)
        cls.education = IssuingBodyFactory(name="县教育局", sort_order=2)
        cls.reviewed = NormativeDocumentFactory(
            title="关于加强农村人居环境整治的实施意见",
            number="县政发〔2026〕3号",
            issuing_body=cls.government,
            category="规范性文件",
            date_issued=datetime.date(2026, 3, 1),
            date_filed=datetime.date(2026, 3, 20),
            date_effective=datetime.date(2026, 4, 1),
            receipt_number=PRIVATE_MARKERS[3],
            source_path=PRIVATE_MARKERS[4],
            full_text=PRIVATE_MARKERS[5],
        )
        ConcludedReviewFactory(
            document=cls.reviewed,
            conclusion=Review.NO_PROBLEM,
            started_date=datetime.date(2026, 3, 25),
            concluded_date=datetime.date(2026, 4, 20),
        )
        # The later conclusion is the one shown, as on the list.
        ConcludedReviewFactory(
            document=cls.reviewed,
            kind=Review.ON_REQUEST,
            conclusion=Review.SUGGEST_CHANGE,
            received_date=datetime.date(2026, 5, 1),
            started_date=datetime.date(2026, 5, 2),
            concluded_date=datetime.date(2026, 6, 10),
        )
        cls.repealed = NormativeDocumentFactory(
            title="县中小学校车管理办法",
            number="县教发〔2025〕8号",
            issuing_body=cls.education,
            category="",
            date_issued=datetime.date(2025, 9, 1),
            date_filed=None,
            date_effective=None,
            validity=NormativeDocument.REPEALED,
        )
        ReviewFactory(document=cls.repealed, opinion=PRIVATE_MARKERS[0])  # open: 审查中
        ReviewSuggestionFactory(
            document=cls.repealed, name=PRIVATE_MARKERS[1], contact=PRIVATE_MARKERS[2]
        )
        cls.formula = NormativeDocumentFactory(
            title="=CMD|' /C calc'!A0 关于收费的通知",
            number="-县政办〔2026〕1号",
            issuing_body=cls.government,
            date_issued=datetime.date(2026, 1, 5),
            date_filed=datetime.date(2026, 1, 10),
            date_effective=None,
        )
        cls.draft = NormativeDocumentFactory(
            title="草稿文件不应公开", issuing_body=cls.government, live=False
        )

    def download(self, query=""):
        response = self.client.get(f"/normative-documents/csv/{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def url(self, document):
        return f"http://localhost/normative-documents/{document.pk}/"

    def test_header_and_rows_in_the_list_order(self):
        raw, rows = read_csv(self.download())
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual(
            rows[1:],
            [
                [
                    "关于加强农村人居环境整治的实施意见",
                    "县政发〔2026〕3号",
                    "县人民政府",
                    "规范性文件",
                    "2026-03-01",
                    "2026-03-20",
                    "2026-04-01",
                    "有效",
                    "建议修改",
                    "2026-06-10",
                    self.url(self.reviewed),
                ],
                [
                    "'=CMD|' /C calc'!A0 关于收费的通知",
                    "'-县政办〔2026〕1号",
                    "县人民政府",
                    "规范性文件",
                    "2026-01-05",
                    "2026-01-10",
                    "",
                    "有效",
                    "未审查",
                    "",
                    self.url(self.formula),
                ],
                [
                    "县中小学校车管理办法",
                    "县教发〔2025〕8号",
                    "县教育局",
                    "",
                    "2025-09-01",
                    "",
                    "",
                    "已废止",
                    "审查中",
                    "",
                    self.url(self.repealed),
                ],
            ],
        )

    def test_attachment_filename(self):
        self.assertEqual(
            self.download()["Content-Disposition"],
            f'attachment; filename="documents-{timezone.localdate().isoformat()}.csv"',
        )

    def test_nothing_private_and_no_draft(self):
        raw, _rows = read_csv(self.download())
        text = raw.decode("utf-8-sig")
        for marker in [*PRIVATE_MARKERS, "草稿文件不应公开"]:
            with self.subTest(marker=marker):
                self.assertNotIn(marker, text)

    def test_filters_of_the_list_are_honoured(self):
        cases = {
            f"?body={self.education.pk}": [self.repealed],
            "?year=2026": [self.reviewed, self.formula],
            "?validity=repealed": [self.repealed],
            "?conclusion=suggest_change": [self.reviewed],
            "?conclusion=reviewing": [self.repealed],
            "?conclusion=none": [self.formula],
            "?q=人居环境": [self.reviewed],
            "?q=县教发": [self.repealed],
            f"?year=2026&body={self.government.pk}&conclusion=none": [self.formula],
            "?year=abc": [self.reviewed, self.formula, self.repealed],  # ignored, as on the list
        }
        for query, documents in cases.items():
            with self.subTest(query=query):
                _raw, rows = read_csv(self.download(query))
                self.assertEqual([row[-1] for row in rows[1:]], [self.url(d) for d in documents])

    def test_list_links_to_the_download_with_its_filters(self):
        response = self.client.get(f"/normative-documents/?year=2026&body={self.government.pk}")
        link = parse(response).select_one(".csv-link a")
        self.assertEqual(
            link["href"], f"/normative-documents/csv/?body={self.government.pk}&year=2026"
        )
        self.assertEqual(link.get_text(strip=True), "下载CSV：符合当前条件的文件目录")

    def test_queries_do_not_grow_with_the_number_of_documents(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                _raw, rows = read_csv(self.download("?year=2026"))
            return len(queries), len(rows) - 1

        once, rows_once = count()
        for n in range(4):
            document = NormativeDocumentFactory(
                issuing_body=self.education if n % 2 else self.government,
                date_filed=datetime.date(2026, 7, 1),
            )
            ConcludedReviewFactory(document=document)
        thrice, rows_thrice = count()
        self.assertEqual((rows_once, rows_thrice), (2, 6))
        self.assertEqual(once, thrice)
        self.assertLessEqual(once, MAX_CSV_QUERIES)
