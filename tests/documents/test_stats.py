"""Annual statistics of filing and review (documents/stats.py), against hand-counted records."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from documents import stats
from documents.factories import (
    ConcludedReviewFactory,
    IssuingBodyFactory,
    NormativeDocumentFactory,
    ReviewFactory,
)
from documents.models import NormativeDocument, Review

D = datetime.date


def concluded(document, on, conclusion, kind=Review.ACTIVE):
    return ConcludedReviewFactory(
        document=document,
        kind=kind,
        received_date=on - datetime.timedelta(days=30),
        started_date=on - datetime.timedelta(days=20),
        concluded_date=on,
        conclusion=conclusion,
    )


class AnnualStatisticsTest(TestCase):
    """Seven documents and seven reviews; the expected numbers are counted by hand below."""

    @classmethod
    def setUpTestData(cls):
        cls.gov = IssuingBodyFactory(name="县人民政府", sort_order=1)
        cls.edu = IssuingBodyFactory(name="县教育局", sort_order=2)

        def doc(body, issued, filed, live=True):
            return NormativeDocumentFactory(
                issuing_body=body,
                date_issued=issued,
                date_filed=filed,
                date_effective=None,
                live=live,
            )

        d1 = doc(cls.gov, D(2024, 3, 1), D(2024, 3, 20))  # 2024
        d2 = doc(cls.gov, D(2024, 12, 20), D(2025, 1, 5))  # 2025: the filing date counts
        d3 = doc(cls.edu, D(2025, 2, 1), None)  # 2025: issue date as fallback
        d4 = doc(cls.edu, D(2025, 6, 1), D(2025, 6, 15))  # 2025
        doc(None, D(2025, 7, 1), None)  # 2025, no issuing body
        d6 = doc(cls.gov, D(2025, 8, 1), D(2025, 8, 10), live=False)  # draft: not public
        doc(cls.gov, None, None)  # no date: in no year

        concluded(d1, D(2024, 5, 1), Review.NO_PROBLEM)
        concluded(d1, D(2025, 4, 1), Review.NO_PROBLEM, kind=Review.ON_REQUEST)
        concluded(d2, D(2025, 2, 1), Review.SUGGEST_CHANGE)
        concluded(d3, D(2025, 3, 1), Review.CORRECTED)
        concluded(d4, D(2026, 1, 10), Review.REVOKED)  # concluded in a year with no filings
        ReviewFactory(document=d4, stage=Review.REVIEWING, started_date=D(2026, 2, 1))  # open
        concluded(d6, D(2025, 9, 1), Review.NO_PROBLEM)  # of a draft

    def test_years_newest_first_with_filed_reviewed_and_corrected(self):
        result = stats.annual_statistics()
        assert [y.year for y in result] == [2026, 2025, 2024]
        y2026, y2025, y2024 = result

        assert (y2026.filed, y2026.reviewed, y2026.revoked, y2026.corrected) == (0, 1, 1, 1)
        assert (y2025.filed, y2025.reviewed) == (4, 3)
        assert (y2025.no_problem, y2025.suggested, y2025.corrected_only, y2025.revoked) == (
            1,
            1,
            1,
            0,
        )
        assert y2025.corrected == 2  # 建议修改 + 已纠正
        assert (y2024.filed, y2024.reviewed, y2024.no_problem, y2024.corrected) == (1, 1, 1, 0)

    def test_rows_per_issuing_body(self):
        y2026, y2025, y2024 = stats.annual_statistics()
        rows = {row.name: (row.filed, row.reviewed, row.corrected) for row in y2025.bodies}
        assert rows == {
            "县人民政府": (1, 2, 1),
            "县教育局": (2, 1, 1),
            stats.NO_BODY: (1, 0, 0),
        }
        # In the bodies' own order, "no body" last.
        assert [row.name for row in y2025.bodies] == ["县人民政府", "县教育局", stats.NO_BODY]
        assert [(row.name, row.filed, row.reviewed) for row in y2026.bodies] == [("县教育局", 0, 1)]
        assert [(row.name, row.filed, row.reviewed) for row in y2024.bodies] == [
            ("县人民政府", 1, 1)
        ]

    def test_totals(self):
        total = stats.totals(stats.annual_statistics())
        assert (total.filed, total.reviewed, total.corrected, total.no_problem) == (5, 5, 3, 2)

    def test_two_aggregate_queries(self):
        with CaptureQueriesContext(connection) as queries:
            stats.annual_statistics()
        assert len(queries) == 2

    def test_document_year_counts(self):
        assert stats.document_year_counts() == {2024: 1, 2025: 4}

    def test_any_queryset_of_documents_for_staff_reports(self):
        y2025 = next(
            y
            for y in stats.annual_statistics(documents=NormativeDocument.objects.all())
            if y.year == 2025
        )
        assert (y2025.filed, y2025.reviewed) == (5, 4)  # the draft and its review count too

    def test_no_records(self):
        assert stats.annual_statistics(documents=NormativeDocument.objects.none()) == []
