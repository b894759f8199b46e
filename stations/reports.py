"""The rule checks of stations/checks.py in the Wagtail admin: a report (报告 → 工作站规范化检查)
with a row per station, exportable as CSV/XLSX, and a dashboard panel summarising the problems.

Who sees what: users holding `stations.view_station` (工作站管理员, 代表工委, superusers); a
station administrator sees his own stations only, 代表工委 and superusers every station
(checks.stations_for). Wired up in stations/wagtail_hooks.py (`register_admin_urls`,
`register_reports_menu_item`, `construct_homepage_panels`).
"""

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from core.admin_views import EMPTY, chinese_date

from . import checks
from .models import Station

VIEW_PERMISSION = "stations.view_station"
TITLE = "工作站规范化检查"
URL_NAME = "stations_checks"
RESULTS_URL_NAME = "stations_checks_results"


def can_view(user):
    return bool(user and user.is_active and user.has_perm(VIEW_PERMISSION))


def _idle_text(row):
    last = f"最后值班{chinese_date(row.last_duty)}" if row.last_duty else "从未值班"
    return f"{row.deputy.name}（{last}）"


def _late_text(row):
    hours = row.notice_hours
    when = f"提前{hours}小时" if hours >= 0 else f"开始后{-hours}小时"
    return f"{chinese_date(row.reception.date)}接待日（{when}发布）"


def check_rows(stations, user, now=None):
    """The stations (a list) with every check's result set on each: check_score,
    check_missing, check_upcoming, check_idle, check_late (texts) and edit_url."""
    now = timezone.localtime(now)
    stations = list(stations)
    queryset = Station.objects.filter(pk__in=[station.pk for station in stations])
    without = {station.pk for station in checks.stations_without_upcoming_reception(queryset, now)}
    idle, late = {}, {}
    for row in checks.idle_resident_deputies(queryset, now.date()):
        idle.setdefault(row.station.pk, []).append(_idle_text(row))
    for row in checks.late_receptions(queryset, now.date()):
        late.setdefault(row.reception.station_id, []).append(_late_text(row))
    scores = {station.pk: result for station, result in checks.completeness_rows(queryset)}
    finder = AdminURLFinder(user)
    for station in stations:
        result = scores[station.pk]
        station.check_score = result.score
        station.check_missing = "；".join(result.missing) or EMPTY
        if not station.live:
            station.check_upcoming = "未发布"
        else:
            station.check_upcoming = "无" if station.pk in without else "有"
        station.check_idle = "；".join(idle.get(station.pk, [])) or EMPTY
        station.check_late = "；".join(late.get(station.pk, [])) or EMPTY
        station.edit_url = finder.get_edit_url(station)
    return stations


class StationChecksView(ReportView):
    """A row per station the user may see: completeness score and missing items, whether a
    reception day is published for the coming week, resident deputies idle for 12 months,
    reception days published less than 2 days ahead (last 90 days and upcoming)."""

    page_title = TITLE
    header_icon = "warning"
    index_url_name = URL_NAME
    index_results_url_name = RESULTS_URL_NAME
    paginate_by = 50
    verbose_name = "工作站"
    verbose_name_plural = "工作站"

    columns = [
        TitleColumn("name", label="工作站", get_url=lambda station: station.edit_url),
        Column("township", label="所在乡镇（街道）"),
        Column("check_score", label="完整度（满分100）"),
        Column("check_missing", label="缺项"),
        Column("check_upcoming", label="未来一周接待日"),
        Column("check_idle", label="12个月未到站值班的进站代表"),
        Column("check_late", label="提前不足2天发布的接待日"),
    ]
    list_export = [
        "name",
        "township",
        "check_score",
        "check_missing",
        "check_upcoming",
        "check_idle",
        "check_late",
    ]
    export_headings = {
        "name": "工作站",
        "township": "所在乡镇（街道）",
        "check_score": "完整度",
        "check_missing": "缺项",
        "check_upcoming": "未来一周接待日",
        "check_idle": "12个月未到站值班的进站代表",
        "check_late": "提前不足2天发布的接待日",
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return f"工作站规范化检查-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = checks.stations_for(self.request.user).select_related("township")
        return super().get_queryset()

    def decorate_paginated_queryset(self, object_list):
        return check_rows(object_list, self.request.user)


def register_admin_urls():
    """URL patterns for the hook `register_admin_urls`."""
    return [
        path("reports/stations/", StationChecksView.as_view(), name=URL_NAME),
        path(
            "reports/stations/results/",
            StationChecksView.as_view(results_only=True),
            name=RESULTS_URL_NAME,
        ),
    ]


class StationChecksMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view(request.user)


def checks_menu_item():
    """The 报告 menu's entry, for the hook `register_reports_menu_item`."""
    return StationChecksMenuItem(
        TITLE, reverse(URL_NAME), name="station-checks", icon_name="warning", order=900
    )


class StationChecksPanel(Component):
    """Dashboard panel: how many problems each check finds over the user's stations, with a link
    to the report. Renders nothing for users without `stations.view_station` or stations."""

    order = 160

    def __init__(self, request, now=None):
        self.request = request
        self.now = now

    def render_html(self, parent_context=None):
        user = self.request.user
        if not can_view(user):
            return ""
        stations = checks.stations_for(user)
        result = checks.summary(stations, self.now)
        if not result.stations:
            return ""
        lines = [
            (result.without_upcoming, "个站点未来一周没有安排代表接待日"),
            (result.idle_deputies, "名进站代表12个月未到站值班"),
            (result.late_receptions, "个接待日提前不足2天才发布"),
            (result.incomplete, f"个站点上墙信息不完整（平均完整度 {result.average_score}）"),
        ]
        problems = [(count, text) for count, text in lines if count]
        if problems:
            body = format_html(
                '<ul class="station-checks">{}</ul>',
                format_html_join("", "<li><strong>{}</strong> {}</li>", problems),
            )
        else:
            body = format_html("<p>{} 个站点的各项检查均未发现问题。</p>", result.stations)
        children = format_html(
            '{}<p><a class="button button-small button-secondary" href="{}">查看检查详情</a></p>',
            body,
            reverse(URL_NAME),
        )
        return render_to_string(
            "wagtailadmin/shared/panel.html",
            {
                "id": "station-checks",
                "heading": TITLE,
                "icon": "warning",
                "classname": "w-panel--dashboard",
                "children": children,
            },
        )


def dashboard_panel(request, now=None):
    """The panel for the hook `construct_homepage_panels` (always a component: it renders
    nothing for users who may not see it)."""
    return StationChecksPanel(request, now)
