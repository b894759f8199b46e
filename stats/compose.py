"""The statistics page's sections, composed from each domain's stats.py (deputies, stations, news,
documents). Nothing is computed here that a domain module already computes; this module only
turns their results into key figures, charts and tables (docs/statistics.md)."""

from dataclasses import dataclass, field

from django.db.models.functions import Coalesce
from django.utils import timezone

from core.periods import ALL, Period
from deputies.models import Term
from deputies.stats import checkin_statistics, training_statistics
from documents import stats as document_stats
from documents.models import DocumentRegistryPage, NormativeDocument, Review
from news.stats import appraisal_statistics, initiative_statistics
from stations.stats import activity_statistics, network_statistics, reception_statistics

from .charts import Chart, Column, format_value


@dataclass
class Figure:
    """A key figure: 场次 12 (场)."""

    label: str
    value: str
    unit: str = ""


@dataclass
class Table:
    """A table without a chart (e.g. department × year): caption, column headings, rows."""

    id: str
    caption: str
    label_heading: str
    headings: list
    rows: list  # {"label", "cells"}


@dataclass
class Section:
    id: str
    heading: str
    intro: str = ""
    figures: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    empty: str = ""  # the empty-state text; set when there is nothing to count
    links: list = field(default_factory=list)  # (text, url)


# -- Filters -------------------------------------------------------------------------------------


@dataclass
class Filters:
    period: Period = ALL
    term: Term | None = None
    year: int | None = None
    notices: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    years: list = field(default_factory=list)  # the year options, newest first


def parse_year(value):
    value = (value or "").strip()
    if not value:
        return None, False
    # isdecimal, not isdigit: "²⁰²⁵" is four digits that int() refuses (found by fuzzing).
    if len(value) == 4 and value.isdecimal() and 1949 <= int(value) <= 2100:
        return int(value), False
    return None, True


def parse_filters(params, today=None):
    """The period from ?term=<届次 number>&year=<YYYY>. Missing values mean all; bad values are
    dropped with a notice in Chinese (never an error page). With both, the year must lie within
    the term, else the year is dropped."""
    today = today or timezone.localdate()
    filters = Filters(terms=list(Term.objects.order_by("-number")))
    first_year = min((t.start_date.year for t in filters.terms), default=today.year - 4)
    filters.years = list(range(today.year, min(first_year, today.year) - 1, -1))

    term_value = (params.get("term") or "").strip()
    if term_value:
        by_number = {str(t.number): t for t in filters.terms}
        filters.term = by_number.get(term_value)
        if filters.term is None:
            filters.notices.append("所选届次无效，已显示全部届次。")
    year, bad_year = parse_year(params.get("year"))
    if bad_year:
        filters.notices.append("年度应为四位数字的年份，如 2026，已显示全部年度。")
    if year is not None and year not in filters.years:
        filters.years = sorted({*filters.years, year}, reverse=True)

    if filters.term is not None:
        period = Period(filters.term.start_date, filters.term.end_date, filters.term.name)
        if year is not None:
            start = max(period.start, Period.year(year).start)
            end = min(period.end or Period.year(year).end, Period.year(year).end)
            if start > end:
                filters.notices.append(
                    f"{year}年不在{filters.term.name}任期内，已显示{filters.term.name}全部年度。"
                )
                year = None
            else:
                period = Period(start, end, f"{filters.term.name} {year}年")
    elif year is not None:
        period = Period.year(year)
    else:
        period = ALL
    filters.year = year
    filters.period = period
    return filters


# -- Sections ------------------------------------------------------------------------------------


def _training_section(period, today):
    stats = training_statistics(period, today=today)
    columns = [Column("场次", unit="场"), Column("人次", unit="人次")]
    section = Section(
        "trainings",
        "代表培训",
        intro="按培训开始日期计入年度；场次为培训记录数，人次为参训登记数。",
        figures=[
            Figure("培训场次", str(stats.total.sessions), "场"),
            Figure("参训人次", str(stats.total.attendances), "人次"),
        ],
    )
    if not stats.total.sessions:
        section.empty = "所选期间暂无培训记录。"
        return section
    section.charts = [
        Chart(
            "chart-trainings-years",
            "各年度代表培训场次",
            "年度",
            columns,
            [(row.label, [row.sessions, row.attendances]) for row in stats.years],
        ),
        Chart(
            "chart-trainings-levels",
            "按组织层级统计的培训场次",
            "组织层级",
            columns,
            [(row.label, [row.sessions, row.attendances]) for row in stats.by_level],
        ),
        Chart(
            "chart-trainings-forms",
            "按培训形式统计的培训场次",
            "培训形式",
            columns,
            [(row.label, [row.sessions, row.attendances]) for row in stats.by_form],
        ),
    ]
    return section


def _stations_section(period, now):
    network = network_statistics()
    receptions = reception_statistics(period, now=now)
    activities = activity_statistics(period, today=now.date())
    total = network.total
    rate = format_value(total.rate, "percent")
    section = Section(
        "stations",
        "代表工作站",
        intro="站点数和村（社区）覆盖情况为当前已发布站点的情况，不随年度和届次变化；"
        "接待日按日期计入年度，只计已发布且已结束的接待日；活动记录只计已发布的记录（公开和不公开的都计数）。",
        figures=[
            Figure("代表工作站（含代表之家、联络点）", str(network.stations), "个"),
            Figure("覆盖村（社区）", f"{total.covered}/{total.total}", "个"),
            Figure("村（社区）覆盖率", rate, "%" if total.rate is not None else ""),
            Figure("举行代表接待日", str(receptions.total), "次"),
            Figure("活动记录", str(activities.total), "条"),
        ],
    )
    if not (network.stations or total.total or receptions.total or activities.total):
        section.empty = "暂无代表工作站、接待日和活动记录。"
        return section
    if network.townships:
        section.charts.append(
            Chart(
                "chart-stations-coverage",
                "各乡镇（街道）村（社区）覆盖率",
                "乡镇（街道）",
                [
                    Column("覆盖率", "percent", "%"),
                    Column("已覆盖村（社区）", unit="个"),
                    Column("村（社区）总数", unit="个"),
                ],
                [(row.name, [row.rate, row.covered, row.total]) for row in network.townships],
            )
        )
    if network.stations:
        section.charts.append(
            Chart(
                "chart-stations-kinds",
                "按类型统计的站点",
                "站点类型",
                [Column("站点数", unit="个")],
                [(label, [count]) for _key, label, count in network.by_kind],
            )
        )
    if receptions.total:
        section.charts.append(
            Chart(
                "chart-receptions-years",
                "各年度举行的代表接待日",
                "年度",
                [Column("接待日", unit="次"), Column("值班代表人次", unit="人次")],
                [(row.label, [row.count, row.extra]) for row in receptions.years],
            )
        )
    if activities.total:
        section.charts += [
            Chart(
                "chart-activities-years",
                "各年度活动记录",
                "年度",
                [Column("活动记录", unit="条"), Column("其中不公开", unit="条")],
                [(row.label, [row.count, row.extra]) for row in activities.years],
            ),
            Chart(
                "chart-activities-kinds",
                "按类型统计的活动记录",
                "活动类型",
                [Column("活动记录", unit="条")],
                [(label, [count]) for _key, label, count in activities.by_kind],
            ),
        ]
    return section


def _checkin_section(period, today):
    stats = checkin_statistics(period, today=today)
    section = Section(
        "checkins",
        "双联系、双报到",
        intro="代表每季度至少报到一次（向代表小组或向选区选民）。应报到代表为季度最后一天"
        "（本季度为今天）在任的已发布代表；未报到代表为其中本季度没有任何报到记录的代表；"
        "未报到小组为本季度没有代表向其报到的代表小组。",
    )
    latest = stats.latest
    if latest is None or not any(
        row.checkins or row.deputies_expected or row.groups_expected for row in stats.quarters
    ):
        section.empty = "所选期间暂无报到记录。"
        return section
    suffix = "（截至今日）" if latest.current else ""
    section.figures = [
        Figure(f"{latest.label}{suffix}报到", str(latest.checkins), "次"),
        Figure(f"{latest.label}未报到代表", str(latest.deputies_overdue), "名"),
        Figure(f"{latest.label}未报到代表小组", str(latest.groups_overdue), "个"),
        Figure("期间报到合计", str(stats.total), "次"),
    ]
    rows = [
        (
            f"{row.label}{'（截至今日）' if row.current else ''}",
            [
                row.checkins,
                row.to_group,
                row.to_voters,
                row.deputies_expected,
                row.deputies_reporting,
                row.deputies_overdue,
                row.groups_expected,
                row.groups_overdue,
            ],
        )
        for row in stats.quarters
    ]
    columns = [
        Column("报到次数", unit="次"),
        Column("向代表小组", unit="次"),
        Column("向选区选民", unit="次"),
        Column("应报到代表", unit="名"),
        Column("已报到代表", unit="名"),
        Column("未报到代表", unit="名"),
        Column("代表小组", unit="个"),
        Column("未报到小组", unit="个"),
    ]
    section.charts = [
        Chart("chart-checkins-quarters", "各季度报到次数", "季度", columns, rows, charted=0),
        Chart(
            "chart-checkins-overdue",
            "各季度未报到代表",
            "季度",
            [columns[5], columns[3]],
            [(label, [values[5], values[3]]) for label, values in rows],
        ),
    ]
    return section


def _initiative_section(period, today, request):
    stats = initiative_statistics(period, today=today)
    total = stats.total
    section = Section(
        "initiatives",
        "倡议书响应",
        intro="按倡议书发布日期计入年度；参与代表按人计（名册中的代表按名册，名册外的按姓名），"
        "投入资金和帮扶户数为各响应记录之和。只计已发布的倡议书。",
        figures=[
            Figure("倡议书", str(total.initiatives), "件"),
            Figure("参与代表", str(total.deputies), "人"),
            Figure("投入资金", format_value(total.funds, "money"), "元"),
            Figure("帮扶户数", str(total.households), "户"),
        ],
    )
    if not total.initiatives:
        section.empty = "所选期间暂无倡议书。"
        return section
    columns = [
        Column("参与代表", unit="人"),
        Column("投入资金（元）", "money", "元"),
        Column("帮扶户数", unit="户"),
    ]
    section.charts = [
        Chart(
            "chart-initiatives-pages",
            "各倡议书投入资金",
            "倡议书",
            columns,
            [
                (row.label, [row.deputies, row.funds, row.households], row.page.get_url(request))
                for row in stats.initiatives
            ],
            charted=1,
        ),
        Chart(
            "chart-initiatives-years",
            "各年度倡议书响应情况",
            "年度",
            [Column("倡议书", unit="件"), *columns],
            [
                (row.label, [row.initiatives, row.deputies, row.funds, row.households])
                for row in stats.years
            ],
            charted=2,
        ),
    ]
    return section


def _appraisal_section(period, today):
    stats = appraisal_statistics(period, today=today)
    section = Section(
        "appraisals",
        "部门评议",
        intro="按评议年度统计；平均满意率为有总体满意率的评议的算术平均。只计已发布的评议。",
    )
    if not stats.total:
        section.empty = "所选期间暂无部门评议。"
        return section
    latest = next(row for row in reversed(stats.years) if row.year == stats.latest_year)
    section.figures = [
        Figure(f"{latest.label}评议部门", str(latest.departments), "个"),
        Figure(
            f"{latest.label}平均满意率",
            format_value(latest.average, "percent"),
            "%" if latest.average is not None else "",
        ),
        Figure("评议合计", str(stats.total), "次"),
    ]
    ratings = list(latest.ratings)
    section.charts = [
        Chart(
            "chart-appraisals-years",
            "各年度平均总体满意率",
            "年度",
            [
                Column("平均满意率（%）", "percent", "%"),
                Column("评议部门", unit="个"),
                *[Column(rating, unit="个") for rating in ratings],
            ],
            [
                (row.label, [row.average, row.departments, *[row.ratings[r] for r in ratings]])
                for row in stats.years
            ],
        ),
        Chart(
            "chart-appraisals-latest",
            f"{stats.latest_year}年各部门总体满意率",
            "被评议部门",
            [Column("总体满意率（%）", "percent", "%")],
            [(name, [value]) for name, value in stats.latest],
        ),
    ]
    section.tables = [
        Table(
            "table-appraisals-comparison",
            "各被评议部门历年总体满意率（%）",
            "被评议部门",
            [f"{year}年" for year in stats.comparison_years],
            [
                {
                    "label": row["name"],
                    "cells": [format_value(value, "percent") for value in row["cells"]],
                }
                for row in stats.departments
            ],
        )
    ]
    return section


def document_querysets(period):
    """Public documents filed (else issued) within `period`, and the reviews of public documents
    concluded within it: the inputs of documents.stats.annual_statistics for a period."""
    public = NormativeDocument.objects.public()
    documents = public.alias(stat_date=Coalesce("date_filed", "date_issued")).filter(
        period.q("stat_date")
    )
    reviews = Review.objects.filter(document__in=public.order_by().values("pk")).filter(
        period.q("concluded_date")
    )
    return documents, reviews


def _document_section(period, today, request):
    documents, reviews = document_querysets(period)
    years = document_stats.annual_statistics(documents=documents, reviews=reviews)
    total = document_stats.totals(years)
    section = Section(
        "documents",
        "规范性文件备案审查",
        intro="按报备日期计入年度（未报备的按公布日期）；审结数按审结日期计；"
        "“纠正”包括建议修改、已纠正和已撤销。只计已发布的文件。",
        figures=[
            Figure("报备文件", str(total.filed), "件"),
            Figure("审结", str(total.reviewed), "件"),
            Figure("纠正", str(total.corrected), "件"),
        ],
    )
    registry = DocumentRegistryPage.objects.live().public().first()
    if registry is not None:
        section.links.append(("备案审查统计详表", registry.get_url(request) + "statistics/"))
    if not years:
        section.empty = "所选期间暂无备案审查记录。"
        return section
    by_year = {stats.year: stats for stats in years}
    year_list = period.year_list(by_year.keys(), today)
    columns = [Column("报备", unit="件"), Column("审结", unit="件"), Column("纠正", unit="件")]
    empty_row = document_stats.Row()
    section.charts.append(
        Chart(
            "chart-documents-years",
            "各年度报备的规范性文件",
            "年度",
            columns,
            [
                (
                    f"{year}年",
                    [
                        by_year.get(year, empty_row).filed,
                        by_year.get(year, empty_row).reviewed,
                        by_year.get(year, empty_row).corrected,
                    ],
                )
                for year in year_list
            ],
        )
    )
    bodies = {}
    for stats in years:
        for row in stats.bodies:
            key = row.body_id
            if key not in bodies:
                bodies[key] = [row.sort_order, row.name, 0, 0, 0]
            bodies[key][2] += row.filed
            bodies[key][3] += row.reviewed
            bodies[key][4] += row.corrected
    ordered = sorted(bodies.items(), key=lambda item: (item[0] is None, item[1][0], item[1][1]))
    section.charts.append(
        Chart(
            "chart-documents-bodies",
            "按制定机关统计的报备文件",
            "制定机关",
            columns,
            [(name, counts) for _key, (_order, name, *counts) in ordered],
        )
    )
    return section


def sections(filters, request=None, now=None):
    now = timezone.localtime(now)
    today = now.date()
    period = filters.period
    return [
        _training_section(period, today),
        _checkin_section(period, today),
        _stations_section(period, now),
        _initiative_section(period, today, request),
        _appraisal_section(period, today),
        _document_section(period, today, request),
    ]
