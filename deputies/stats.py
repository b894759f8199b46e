"""Statistics of the duty record, computed from the records (never typed in) with a constant
number of aggregate queries. Pure functions over querysets (docs/statistics.md):

    training_statistics(period)       培训: 场次 and 人次 per year, by organiser level, by form
    checkin_statistics(period, today) 双报到: check-ins per quarter, deputies and groups overdue

`period` is a core.periods.Period (all records by default)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from core.periods import ALL

from .models import CheckIn, Deputy, DeputyGroup, Training
from .models.base import quarter_bounds, quarter_of


@dataclass
class TrainingRow:
    key: object
    label: str
    sessions: int = 0  # 场次
    attendances: int = 0  # 人次


@dataclass
class TrainingStatistics:
    years: list = field(default_factory=list)  # TrainingRow per year, oldest first
    by_level: list = field(default_factory=list)  # TrainingRow per organiser level, choice order
    by_form: list = field(default_factory=list)  # TrainingRow per form, choice order
    total: TrainingRow = field(default_factory=lambda: TrainingRow("total", "合计"))


def training_statistics(period=ALL, trainings=None, today=None):
    """场次 (trainings) and 人次 (attendance rows) in `period`, a training counting on its start
    date. One aggregate query."""
    today = today or timezone.localdate()
    if trainings is None:
        trainings = Training.objects.all()
    rows = (
        trainings.filter(period.q("start_date"))
        .order_by()
        .annotate(stat_year=ExtractYear("start_date"))
        .values("stat_year", "organiser_level", "form")
        .annotate(sessions=Count("pk", distinct=True), attendances=Count("attendances"))
    )
    years = defaultdict(lambda: [0, 0])
    levels = defaultdict(lambda: [0, 0])
    forms = defaultdict(lambda: [0, 0])
    result = TrainingStatistics()
    for row in rows:
        for bucket in (years[row["stat_year"]], levels[row["organiser_level"]], forms[row["form"]]):
            bucket[0] += row["sessions"]
            bucket[1] += row["attendances"]
        result.total.sessions += row["sessions"]
        result.total.attendances += row["attendances"]
    result.years = [
        TrainingRow(year, f"{year}年", *years.get(year, (0, 0)))
        for year in period.year_list(years.keys(), today)
    ]
    result.by_level = [
        TrainingRow(key, label, *levels.get(key, (0, 0))) for key, label in Training.LEVEL_CHOICES
    ]
    result.by_form = [
        TrainingRow(key, label, *forms.get(key, (0, 0))) for key, label in Training.FORM_CHOICES
    ]
    return result


@dataclass
class QuarterRow:
    year: int
    quarter: int
    current: bool = False  # the quarter holding today: counted to date
    checkins: int = 0  # 报到次数
    to_group: int = 0  # of which 向代表小组报到
    to_voters: int = 0  # of which 向选区选民报到
    deputies_reporting: int = 0  # expected deputies with at least one check-in
    deputies_expected: int = 0  # published deputies serving on the reference day
    deputies_overdue: int = 0  # expected deputies without any check-in in the quarter
    groups_expected: int = 0  # deputy groups whose term is in force on the reference day
    groups_overdue: int = 0  # expected groups no deputy reported to in the quarter

    @property
    def label(self):
        return f"{self.year}年第{self.quarter}季度"

    @property
    def short_label(self):
        return f"{self.year}年Q{self.quarter}"


@dataclass
class CheckInStatistics:
    quarters: list = field(default_factory=list)  # QuarterRow, oldest first
    total: int = 0

    @property
    def latest(self):
        return self.quarters[-1] if self.quarters else None


def _quarters(start, end):
    """(year, quarter) from the quarter holding `start` to the one holding `end`."""
    year, quarter = quarter_of(start)
    last = quarter_of(end)
    while (year, quarter) <= last:
        yield year, quarter
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def _term_in_force(start, end, day):
    return start <= day and (end is None or end >= day)


def checkin_statistics(period=ALL, today=None):
    """双报到 per quarter in `period` (quarters that have begun, up to today's).

    A deputy is *expected* to check in during a quarter when he is published and serving on the
    quarter's reference day: its last day, or today for the quarter under way. He is *overdue*
    when expected and without any check-in (to his group or to his voters) dated in the quarter;
    this is CheckIn.overdue() applied to every quarter. A deputy group is expected when its term
    is in force on the reference day, and overdue when no published deputy checked in to it
    (向代表小组报到 naming the group) in the quarter. Check-ins of unpublished deputies are not
    counted. Three queries, whatever the number of records."""
    today = today or timezone.localdate()
    checkins = (
        CheckIn.objects.filter(period.q("date"), deputy__live=True, date__lte=today)
        .order_by()
        .annotate(stat_year=ExtractYear("date"), stat_quarter=ExtractQuarter("date"))
        .values("stat_year", "stat_quarter", "deputy_id", "kind", "group_id")
        .annotate(n=Count("pk"))
    )
    counts = defaultdict(lambda: {"group": 0, "voters": 0})
    reporting = defaultdict(set)  # (year, quarter) -> deputy ids
    groups_reported = defaultdict(set)  # (year, quarter) -> group ids
    first_date = None
    for row in checkins:
        key = (row["stat_year"], row["stat_quarter"])
        counts[key][row["kind"]] += row["n"]
        reporting[key].add(row["deputy_id"])
        if row["kind"] == CheckIn.TO_GROUP and row["group_id"]:
            groups_reported[key].add(row["group_id"])
        quarter_start = quarter_bounds(*key)[0]
        first_date = quarter_start if first_date is None else min(first_date, quarter_start)

    start = period.start or first_date or today
    end = min(period.end or today, today)
    if start > end:
        return CheckInStatistics()

    deputies = list(
        Deputy.objects.public()
        .order_by()
        .only("pk", "status", "status_date", "elected_date", "live")
    )
    groups = list(
        DeputyGroup.objects.order_by().values_list("pk", "term__start_date", "term__end_date")
    )

    result = CheckInStatistics()
    current = quarter_of(today)
    for key in _quarters(start, end):
        quarter_end = quarter_bounds(*key)[1]
        day = min(quarter_end, today)
        row = QuarterRow(year=key[0], quarter=key[1], current=key == current)
        row.to_group = counts.get(key, {}).get("group", 0)
        row.to_voters = counts.get(key, {}).get("voters", 0)
        row.checkins = row.to_group + row.to_voters
        expected = {deputy.pk for deputy in deputies if deputy.is_serving(day)}
        row.deputies_expected = len(expected)
        row.deputies_reporting = len(expected & reporting.get(key, set()))
        row.deputies_overdue = row.deputies_expected - row.deputies_reporting
        expected_groups = {
            pk for pk, term_start, term_end in groups if _term_in_force(term_start, term_end, day)
        }
        row.groups_expected = len(expected_groups)
        row.groups_overdue = len(expected_groups - groups_reported.get(key, set()))
        result.quarters.append(row)
        result.total += row.checkins
    return result


def current_quarter_label(today=None):
    today = today or timezone.localdate()
    year, quarter = quarter_of(today)
    return f"{year}年第{quarter}季度"
