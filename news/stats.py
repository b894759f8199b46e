"""Statistics of initiatives (倡议书) and appraisals (部门评议), computed from the pages' records
with a constant number of aggregate queries. Pure functions over querysets (docs/statistics.md):

    initiative_statistics(period)  deputies taking part, funds, households per initiative and year
    appraisal_statistics(period)   departments appraised and satisfaction per year, year on year

Only live, public pages count. `period` is a core.periods.Period (all records by default)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from core.periods import ALL

from .models import AppraisalPage, InitiativePage, InitiativeResponse
from .models.appraisals import RATING_CHOICES

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass
class InitiativeRow:
    """Sums over the responses of one initiative, or of the initiatives of one year."""

    label: str
    page: object = None  # the InitiativePage (per-initiative rows)
    year: int | None = None
    initiatives: int = 0
    responses: int = 0
    deputies: int = 0  # distinct deputies: register entry, else the name (InitiativePage.totals)
    funds: Decimal = ZERO
    households: int = 0


@dataclass
class InitiativeStatistics:
    initiatives: list = field(default_factory=list)  # InitiativeRow per page, newest first
    years: list = field(default_factory=list)  # InitiativeRow per year, oldest first
    total: InitiativeRow = field(default_factory=lambda: InitiativeRow("合计"))


def _deputy_counts():
    """Distinct deputies among responses: register entries plus names without an entry."""
    return {
        "registered": Count("deputy", distinct=True),
        "named": Count(
            "deputy_name", distinct=True, filter=Q(deputy__isnull=True) & ~Q(deputy_name="")
        ),
    }


def initiative_statistics(period=ALL, pages=None, today=None):
    """倡议书 in `period` (by 发布日期, issued_date): per initiative and per year, the responses,
    the deputies taking part, funds raised (投入资金) and households helped (帮扶户数). The same
    sums as InitiativePage.totals(). Three queries (one of them Wagtail's view restrictions)."""
    today = today or timezone.localdate()
    if pages is None:
        pages = InitiativePage.objects.live().public()
    pages = pages.filter(period.q("issued_date"))
    result = InitiativeStatistics()
    annotated = (
        pages.order_by("-issued_date", "-pk")
        .defer_streamfields()
        .annotate(
            n_responses=Count("responses"),
            n_registered=Count("responses__deputy", distinct=True),
            n_named=Count(
                "responses__deputy_name",
                distinct=True,
                filter=Q(responses__deputy__isnull=True) & ~Q(responses__deputy_name=""),
            ),
            sum_funds=Coalesce(Sum("responses__funds"), ZERO),
            sum_households=Coalesce(Sum("responses__households"), 0),
        )
    )
    initiatives_per_year = defaultdict(int)
    for page in annotated:
        initiatives_per_year[page.issued_date.year] += 1
        result.initiatives.append(
            InitiativeRow(
                label=page.title,
                page=page,
                year=page.issued_date.year,
                initiatives=1,
                responses=page.n_responses,
                deputies=page.n_registered + page.n_named,
                funds=page.sum_funds,
                households=page.sum_households,
            )
        )

    yearly = (
        InitiativeResponse.objects.filter(page__in=pages.order_by().values("pk"))
        .order_by()
        .annotate(stat_year=ExtractYear("page__issued_date"))
        .values("stat_year")
        .annotate(
            n=Count("pk"),
            funds=Coalesce(Sum("funds"), ZERO),
            households=Coalesce(Sum("households"), 0),
            **_deputy_counts(),
        )
    )
    by_year = {row["stat_year"]: row for row in yearly}
    for year in period.year_list([*initiatives_per_year, *by_year], today):
        row = by_year.get(year, {})
        result.years.append(
            InitiativeRow(
                label=f"{year}年",
                year=year,
                initiatives=initiatives_per_year.get(year, 0),
                responses=row.get("n", 0),
                deputies=row.get("registered", 0) + row.get("named", 0),
                funds=row.get("funds", ZERO),
                households=row.get("households", 0),
            )
        )

    everything = InitiativeResponse.objects.filter(
        page__in=pages.order_by().values("pk")
    ).aggregate(**_deputy_counts())
    total = result.total
    total.initiatives = len(result.initiatives)
    total.responses = sum(row.responses for row in result.initiatives)
    total.funds = sum((row.funds for row in result.initiatives), ZERO)
    total.households = sum(row.households for row in result.initiatives)
    total.deputies = everything["registered"] + everything["named"]
    return result


@dataclass
class AppraisalYear:
    year: int
    label: str
    departments: int = 0  # departments appraised (one appraisal per department and year)
    rated: int = 0  # appraisals with an overall satisfaction rate
    average: Decimal | None = None  # mean of the overall satisfaction rates (%), 2 decimals
    ratings: dict = field(default_factory=dict)  # 满意/基本满意/不满意 -> appraisals


@dataclass
class AppraisalStatistics:
    years: list = field(default_factory=list)  # AppraisalYear, oldest first
    departments: list = field(default_factory=list)  # rows {name, cells: [satisfaction|None]}
    comparison_years: list = field(default_factory=list)  # years of the department table
    latest: list = field(default_factory=list)  # (department, satisfaction) of the newest year
    latest_year: int | None = None
    total: int = 0


def appraisal_statistics(period=ALL, pages=None, today=None):
    """部门评议 whose 评议年度 falls in `period` (a year belongs to the term in force on its
    31 December): per year the departments appraised, the mean overall satisfaction
    (总体满意率) and the ratings (测评结果); per department, its satisfaction year on year.
    Two queries (one of them Wagtail's view restrictions)."""
    today = today or timezone.localdate()
    if pages is None:
        pages = AppraisalPage.objects.live().public()
    rows = [
        row
        for row in pages.order_by().values_list(
            "year",
            "department_id",
            "department__name",
            "department__sort_order",
            "overall_satisfaction",
            "overall_rating",
        )
        if period.contains_year(row[0])
    ]
    result = AppraisalStatistics(total=len(rows))
    per_year = defaultdict(list)
    departments = {}
    cells = defaultdict(dict)
    for year, dept_id, name, sort_order, satisfaction, rating in rows:
        per_year[year].append((dept_id, satisfaction, rating))
        departments[dept_id] = (sort_order, name)
        cells[dept_id][year] = satisfaction

    years = [y for y in period.year_list(per_year.keys(), today) if period.contains_year(y)]
    for year in sorted({*years, *per_year}):
        items = per_year.get(year, [])
        rates = [s for _d, s, _r in items if s is not None]
        stats = AppraisalYear(
            year=year,
            label=f"{year}年",
            departments=len({d for d, _s, _r in items}),
            rated=len(rates),
            average=(sum(rates) / len(rates)).quantize(CENT, ROUND_HALF_UP) if rates else None,
            ratings={key: 0 for key, _label in RATING_CHOICES},
        )
        for _d, _s, rating in items:
            if rating:
                stats.ratings[rating] = stats.ratings.get(rating, 0) + 1
        result.years.append(stats)

    result.comparison_years = sorted(per_year)
    for dept_id, (_order, name) in sorted(departments.items(), key=lambda item: item[1]):
        result.departments.append(
            {"name": name, "cells": [cells[dept_id].get(y) for y in result.comparison_years]}
        )
    if per_year:
        result.latest_year = max(per_year)
        result.latest = [
            (name, cells[dept_id][result.latest_year])
            for dept_id, (_order, name) in sorted(departments.items(), key=lambda item: item[1])
            if result.latest_year in cells[dept_id]
        ]
    return result
