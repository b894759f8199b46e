"""Rule checks of the station network (代表工作站规范化检查), shown to staff by stations/reports.py.

Plain functions over the ORM: each takes the stations to look at (a queryset: all of them for
代表工委, a station administrator's own for him, see `stations_for`) and returns rows.

- `stations_without_upcoming_reception`: live stations with no published reception day (代表接待日)
  in the coming week;
- `idle_resident_deputies`: serving resident deputies (进站代表) not on duty at their station's
  published reception days for 12 months (resident for at least that long);
- `late_receptions`: reception days first published less than 2 days before they start
  (Reception.first_published_at against starts_at), over the last 90 days and the future;
- `completeness`: what the station's wall lacks (the six working systems, 负责人, 管理员, resident
  deputies with photo, post and public contact), as a score 0–100 and the list of missing items.
"""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from deputies.models import Deputy

from .models import SYSTEM_CHOICES, Reception, StationDeputy
from .permissions import station_choices

UPCOMING_DAYS = 7
IDLE_MONTHS = 12
MIN_NOTICE = datetime.timedelta(days=2)
LATE_LOOKBACK_DAYS = 90
SEPARATOR = "、"


def stations_for(user):
    """The stations whose checks `user` sees: every station for superusers and holders of
    manage_all_stations (代表工委), otherwise the stations he administers."""
    return station_choices(user)


def months_before(date, months):
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    month_index = date.year * 12 + date.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(date.day, 27, -1):
        try:
            return date.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return date.replace(year=year, month=month, day=min(date.day, 28))


# -- reception days ------------------------------------------------------------------------------


def stations_without_upcoming_reception(stations, now=None, days=UPCOMING_DAYS):
    """Live stations with no published reception day between now and `days` days ahead."""
    now = timezone.localtime(now)
    until = now.date() + datetime.timedelta(days=days)
    upcoming = Reception.objects.filter(live=True).upcoming(now).filter(date__lte=until)
    return list(
        stations.filter(live=True)
        .exclude(pk__in=upcoming.values("station_id"))
        .select_related("township")
    )


@dataclass
class IdleDeputy:
    """A resident deputy not on duty at his station since `last_duty` (None: never)."""

    station: object
    deputy: Deputy
    last_duty: datetime.date | None
    resident_since: datetime.date | None


def idle_resident_deputies(stations, today=None, months=IDLE_MONTHS):
    """Serving resident deputies with no published reception day on duty at their station in
    the last `months` months, among those resident for at least as long (or since an unknown
    date). Oldest duty first, never-on-duty first of all."""
    today = today or timezone.localdate()
    cutoff = months_before(today, months)
    last_duty = (
        Reception.objects.filter(
            live=True,
            station=OuterRef("station"),
            deputies=OuterRef("deputy"),
            date__lte=today,
        )
        .order_by("-date")
        .values("date")[:1]
    )
    residents = (
        StationDeputy.objects.filter(station__in=stations, deputy__in=Deputy.objects.serving(today))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=cutoff))
        .annotate(last_duty=Subquery(last_duty))
        .filter(Q(last_duty__isnull=True) | Q(last_duty__lt=cutoff))
        .select_related("station", "deputy")
    )
    rows = [
        IdleDeputy(resident.station, resident.deputy, resident.last_duty, resident.start_date)
        for resident in residents
    ]
    rows.sort(
        key=lambda row: (
            row.last_duty or datetime.date.min,
            row.station.name,
            row.deputy.sort_key,
            row.deputy.pk,
        )
    )
    return rows


@dataclass
class LateReception:
    """A reception day first published `notice` before it started (negative: after)."""

    reception: Reception
    published_at: datetime.datetime
    notice: datetime.timedelta

    @property
    def notice_hours(self):
        return int(self.notice.total_seconds() // 3600)


def late_receptions(stations, today=None, notice=MIN_NOTICE, lookback_days=LATE_LOOKBACK_DAYS):
    """Reception days (from `lookback_days` ago on) first published less than `notice` before
    they start, most recent first."""
    today = today or timezone.localdate()
    receptions = Reception.objects.filter(
        station__in=stations,
        first_published_at__isnull=False,
        date__gte=today - datetime.timedelta(days=lookback_days),
    ).select_related("station")
    rows = []
    for reception in receptions:
        lead = reception.starts_at - reception.first_published_at
        if lead < notice:
            rows.append(LateReception(reception, reception.first_published_at, lead))
    rows.sort(key=lambda row: (row.reception.date, row.reception.start_time), reverse=True)
    return rows


# -- what hangs on the wall ----------------------------------------------------------------------


class Completeness(NamedTuple):
    score: int  # 0–100
    missing: list  # what is missing, in Chinese, one item per entry


def _names(deputies):
    return SEPARATOR.join(deputy.name for deputy in deputies)


def completeness(station):
    """How complete the station's wall is: the six working systems, 负责人, 管理员, at least one
    resident deputy and, for the resident deputies, photo, post and public contact (phone or
    email). Twelve items of equal weight; the deputies' three count by the share of deputies
    that have them. Reads station.systems and station.resident_deputies (prefetch them, with
    the deputy, for many stations: see `completeness_rows`)."""
    missing = []
    earned = 0.0
    systems = {system.kind: system for system in station.systems.all()}
    for code, label in SYSTEM_CHOICES:
        system = systems.get(code)
        if system is not None and system.is_complete:
            earned += 1
        else:
            missing.append(f"缺少{label}")
    for value, label in (
        (station.person_in_charge, "负责人"),
        (station.administrator_name, "管理员"),
    ):
        if (value or "").strip():
            earned += 1
        else:
            missing.append(f"未填写{label}")

    deputies = [resident.deputy for resident in station.resident_deputies.all()]
    if deputies:
        earned += 1
        for has, label in (
            (lambda d: d.photo_id is not None, "照片"),
            (lambda d: bool(d.post.strip()), "工作单位及职务"),
            (lambda d: bool(d.phone.strip() or d.email.strip()), "公开联系方式"),
        ):
            lacking = [deputy for deputy in deputies if not has(deputy)]
            earned += 1 - len(lacking) / len(deputies)
            if lacking:
                missing.append(f"进站代表缺少{label}：{_names(lacking)}")
    else:
        missing.append("没有进站代表")
    total = len(SYSTEM_CHOICES) + 2 + 1 + 3
    score = round(100 * earned / total)
    if missing and score == 100:
        score = 99  # never show a full score while something is missing
    return Completeness(score, missing)


def with_wall_data(stations):
    """`stations` with what `completeness` reads prefetched."""
    return stations.prefetch_related(
        "systems",
        Prefetch(
            "resident_deputies",
            queryset=StationDeputy.objects.select_related("deputy").order_by("sort_order", "pk"),
        ),
    )


def completeness_rows(stations):
    """[(station, Completeness)] for the stations, least complete first."""
    rows = [(station, completeness(station)) for station in with_wall_data(stations)]
    rows.sort(key=lambda row: (row[1].score, row[0].name))
    return rows


# -- all checks at once --------------------------------------------------------------------------


@dataclass
class Summary:
    stations: int
    without_upcoming: int
    idle_deputies: int
    late_receptions: int
    incomplete: int
    average_score: int

    @property
    def problems(self):
        return self.without_upcoming + self.idle_deputies + self.late_receptions + self.incomplete


def summary(stations, now=None):
    """Counts of every check over `stations`, for the dashboard panel."""
    now = timezone.localtime(now)
    rows = completeness_rows(stations)
    scores = [row[1].score for row in rows]
    return Summary(
        stations=len(rows),
        without_upcoming=len(stations_without_upcoming_reception(stations, now)),
        idle_deputies=len(idle_resident_deputies(stations, now.date())),
        late_receptions=len(late_receptions(stations, now.date())),
        incomplete=sum(1 for row in rows if row[1].missing),
        average_score=round(sum(scores) / len(scores)) if scores else 100,
    )
