"""Annual statistics of filing and review (备案审查统计), computed from the records with a few
aggregate queries. Pure functions over querysets, importable by any page or report:

    annual_statistics()               every year, public documents (live) only
    annual_statistics(documents=qs)   the same over any queryset of documents (all, for staff)
    document_year_counts(qs)          {year: documents filed that year}

A document's year is that of its filing date (报备日期), or of its issue date (公布日期) when it
has none. A review counts in the year it was concluded (审结日期). "Corrected" (纠正) counts the
conclusions that found a problem: 建议修改, 已纠正 and 已撤销."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Func, IntegerField
from django.db.models.functions import Coalesce

from .models import NormativeDocument, Review

PROBLEM_CONCLUSIONS = (Review.SUGGEST_CHANGE, Review.CORRECTED, Review.REVOKED)
NO_BODY = "未注明制定机关"


class Year(Func):
    """The year of a date as an integer. Django's ExtractYear calls a Python function per row on
    SQLite (twice as slow over the registry); there the ISO date text is cut instead."""

    template = "CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(SUBSTR(%(expressions)s, 1, 4) AS INTEGER)",
            **extra_context,
        )


def document_year():
    """The expression of a document's year: filed, else issued (NormativeDocument.year)."""
    return Year(Coalesce("date_filed", "date_issued"))


def _counts(conclusions):
    return {key: conclusions.get(key, 0) for key, _label in Review.CONCLUSION_CHOICES}


@dataclass
class Row:
    """Counts of one year, or of one issuing body in one year."""

    filed: int = 0
    reviewed: int = 0
    conclusions: dict = field(default_factory=dict)  # conclusion key -> reviews concluded

    @property
    def no_problem(self):
        return self.conclusions.get(Review.NO_PROBLEM, 0)

    @property
    def suggested(self):
        return self.conclusions.get(Review.SUGGEST_CHANGE, 0)

    @property
    def corrected_only(self):
        return self.conclusions.get(Review.CORRECTED, 0)

    @property
    def revoked(self):
        return self.conclusions.get(Review.REVOKED, 0)

    @property
    def corrected(self):
        """Reviews that found a problem: 建议修改 + 已纠正 + 已撤销."""
        return sum(self.conclusions.get(key, 0) for key in PROBLEM_CONCLUSIONS)


@dataclass
class BodyRow(Row):
    body_id: int | None = None
    name: str = NO_BODY
    sort_order: int = 0


@dataclass
class YearStatistics(Row):
    year: int = 0
    bodies: list = field(default_factory=list)  # BodyRow, in the bodies' own order


def document_year_counts(documents=None):
    """{year: number of documents} (one query); documents without any date are left out."""
    if documents is None:
        documents = NormativeDocument.objects.public()
    rows = (
        documents.order_by()
        .annotate(stat_year=document_year())
        .filter(stat_year__isnull=False)
        .values("stat_year")
        .annotate(n=Count("pk"))
        .values_list("stat_year", "n")
    )
    return dict(rows)


def annual_statistics(documents=None, reviews=None):
    """[YearStatistics], newest year first, with per-body rows. Two aggregate queries.

    `documents` defaults to the public (live) documents; `reviews` to the reviews of
    `documents`."""
    if documents is None:
        documents = NormativeDocument.objects.public()
    if reviews is None:
        reviews = Review.objects.filter(document__in=documents.order_by().values("pk"))

    years = {}
    bodies = defaultdict(dict)  # year -> body id -> BodyRow

    def body_row(year, body_id, name, sort_order):
        row = bodies[year].get(body_id)
        if row is None:
            row = bodies[year][body_id] = BodyRow(
                body_id=body_id,
                name=name or NO_BODY,
                sort_order=sort_order if sort_order is not None else 1 << 30,
            )
        return row

    def year_row(year):
        if year not in years:
            years[year] = YearStatistics(year=year)
        return years[year]

    filed = (
        documents.order_by()
        .annotate(stat_year=document_year())
        .filter(stat_year__isnull=False)
        .values("stat_year", "issuing_body", "issuing_body__name", "issuing_body__sort_order")
        .annotate(n=Count("pk"))
    )
    for item in filed:
        year = item["stat_year"]
        year_row(year).filed += item["n"]
        body_row(
            year, item["issuing_body"], item["issuing_body__name"], item["issuing_body__sort_order"]
        ).filed += item["n"]

    concluded = (
        reviews.order_by()
        .filter(stage=Review.CONCLUDED, concluded_date__isnull=False)
        .exclude(conclusion="")
        .annotate(stat_year=Year("concluded_date"))
        .values(
            "stat_year",
            "conclusion",
            "document__issuing_body",
            "document__issuing_body__name",
            "document__issuing_body__sort_order",
        )
        .annotate(n=Count("pk"))
    )
    for item in concluded:
        year = item["stat_year"]
        n = item["n"]
        for row in (
            year_row(year),
            body_row(
                year,
                item["document__issuing_body"],
                item["document__issuing_body__name"],
                item["document__issuing_body__sort_order"],
            ),
        ):
            row.reviewed += n
            row.conclusions[item["conclusion"]] = row.conclusions.get(item["conclusion"], 0) + n

    result = []
    for year in sorted(years, reverse=True):
        stats = years[year]
        stats.conclusions = _counts(stats.conclusions)
        stats.bodies = sorted(
            bodies[year].values(),
            key=lambda row: (row.body_id is None, row.sort_order, row.name),
        )
        for row in stats.bodies:
            row.conclusions = _counts(row.conclusions)
        result.append(stats)
    return result


def totals(statistics):
    """A Row summing a list of YearStatistics (all years)."""
    total = Row(conclusions=_counts({}))
    for stats in statistics:
        total.filed += stats.filed
        total.reviewed += stats.reviewed
        for key, n in stats.conclusions.items():
            total.conclusions[key] += n
    return total
