"""Statistics of the station network, computed from the records with a constant number of
aggregate queries. Pure functions over querysets (docs/statistics.md):

    network_statistics()                  stations (live) by kind; villages/communities covered
    reception_statistics(period, now)     代表接待日 held (ended, published) per year
    activity_statistics(period)           活动记录 (published) per year and by type

`period` is a core.periods.Period (all records by default)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from core.periods import ALL
from deputies.models import Area

from .models import Activity, Reception, Station


@dataclass
class TownshipCoverage:
    name: str
    total: int = 0  # villages/communities of the township in the Area tree
    covered: int = 0  # of which served by at least one live station

    @property
    def rate(self):
        """Covered as a percentage (one decimal), None without villages."""
        return round(self.covered * 100 / self.total, 1) if self.total else None


@dataclass
class NetworkStatistics:
    stations: int = 0  # live stations
    by_kind: list = field(default_factory=list)  # (key, label, count), choice order
    townships: list = field(default_factory=list)  # TownshipCoverage, tree order
    total: TownshipCoverage = field(default_factory=lambda: TownshipCoverage("合计"))


def network_statistics(stations=None, areas=None):
    """Live stations by kind, and the villages/communities (村/社区) they serve against all of
    them, per township. As of now: a station carries no founding date. Two queries."""
    if stations is None:
        stations = Station.objects.public()
    if areas is None:
        areas = Area.objects.all()
    result = NetworkStatistics()
    kinds = dict(stations.order_by().values_list("kind").annotate(n=Count("pk")))
    result.by_kind = [(key, label, kinds.get(key, 0)) for key, label in Station.KIND_CHOICES]
    result.stations = sum(kinds.values())

    live_ids = stations.order_by().values("pk")
    rows = (
        areas.filter(kind__in=[Area.VILLAGE, Area.COMMUNITY])
        .order_by()
        .values("parent_id", "parent__name", "parent__sort_order")
        .annotate(
            total=Count("pk", distinct=True),
            covered=Count("pk", distinct=True, filter=Q(served_by_stations__in=live_ids)),
        )
    )
    for row in sorted(rows, key=lambda r: (r["parent__sort_order"] or 0, r["parent__name"] or "")):
        township = TownshipCoverage(
            row["parent__name"] or "未归属乡镇", row["total"], row["covered"]
        )
        result.townships.append(township)
        result.total.total += township.total
        result.total.covered += township.covered
    return result


@dataclass
class YearCount:
    year: int
    label: str
    count: int = 0
    extra: int = 0  # receptions: deputies on duty (人次); activities: internal records


@dataclass
class ReceptionStatistics:
    years: list = field(default_factory=list)  # YearCount, oldest first
    total: int = 0
    duty_deputies: int = 0  # 值班代表人次


def held_receptions(now=None):
    """Published reception days of live stations that have ended by `now`."""
    now = timezone.localtime(now)
    return Reception.objects.public().filter(
        Q(date__lt=now.date()) | Q(date=now.date(), end_time__lt=now.time())
    )


def reception_statistics(period=ALL, receptions=None, now=None):
    """代表接待日 held in `period` per year of their date, with the deputies on duty (人次). One
    query. `receptions` defaults to held_receptions(now)."""
    now = timezone.localtime(now)
    if receptions is None:
        receptions = held_receptions(now)
    rows = (
        receptions.filter(period.q("date"))
        .order_by()
        .annotate(stat_year=ExtractYear("date"))
        .values("stat_year")
        .annotate(n=Count("pk", distinct=True), duty=Count("deputies"))
    )
    by_year = {row["stat_year"]: (row["n"], row["duty"]) for row in rows}
    result = ReceptionStatistics()
    for year in period.year_list(by_year.keys(), now.date()):
        count, duty = by_year.get(year, (0, 0))
        result.years.append(YearCount(year, f"{year}年", count, duty))
        result.total += count
        result.duty_deputies += duty
    return result


@dataclass
class ActivityStatistics:
    years: list = field(default_factory=list)  # YearCount (extra: internal records)
    by_kind: list = field(default_factory=list)  # (key, label, count), choice order
    total: int = 0
    public: int = 0
    internal: int = 0


def activity_statistics(period=ALL, activities=None, today=None):
    """活动记录 in `period` per year of their date and by type. Published (live) records of live
    stations count, public and internal alike (a count reveals nothing of an internal record).
    One query."""
    today = today or timezone.localdate()
    if activities is None:
        activities = Activity.objects.filter(live=True, station__live=True)
    rows = (
        activities.filter(period.q("date"))
        .order_by()
        .annotate(stat_year=ExtractYear("date"))
        .values("stat_year", "kind", "is_public")
        .annotate(n=Count("pk"))
    )
    years = defaultdict(lambda: [0, 0])
    kinds = defaultdict(int)
    result = ActivityStatistics()
    for row in rows:
        years[row["stat_year"]][0] += row["n"]
        kinds[row["kind"]] += row["n"]
        result.total += row["n"]
        if row["is_public"]:
            result.public += row["n"]
        else:
            years[row["stat_year"]][1] += row["n"]
            result.internal += row["n"]
    result.years = [
        YearCount(year, f"{year}年", *years.get(year, (0, 0)))
        for year in period.year_list(years.keys(), today)
    ]
    result.by_kind = [(key, label, kinds.get(key, 0)) for key, label in Activity.KIND_CHOICES]
    return result
