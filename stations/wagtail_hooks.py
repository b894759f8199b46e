"""Admin of the station network (menu 代表工作站): stations, reception days and activity records,
each with list filters, ORM search (Chinese-safe), CSV/XLSX export and an inspect view.

Who reaches which station is stations/permissions.py, registered with Wagtail first thing below
so that no fallback policy is created for these models. Every view, chooser and bulk action of
these viewsets is narrowed to the user's stations (stations/admin_views.py); see
docs/stations-admin.md.
"""

from django.db.models import Count
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.rich_text import expand_db_html
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.admin_views import SEPARATOR, RegisterViewSet, publication, yes_no

from . import admin_views, reports
from .admin_filters import ActivityFilterSet, ReceptionFilterSet, StationFilterSet
from .forms import ActivityAdminForm, ReceptionAdminForm, StationAdminForm
from .models import Activity, Reception, Station, StationLogEntry
from .permissions import collections_out_of_reach, register_policies

register_policies()


class StationScopedViewSet(RegisterViewSet):
    """What the three viewsets share: the register's (ORM search, computed export columns and
    inspect rows, 50 rows a page: core/admin_views.py), every view narrowed to the user's
    stations, an inspect view. `chooser_search_fields`: what the chooser's search looks in."""

    index_view_class = admin_views.StationScopedIndexView
    edit_view_class = admin_views.EditView
    copy_view_class = admin_views.CopyView
    delete_view_class = admin_views.DeleteView
    usage_view_class = admin_views.UsageView
    history_view_class = admin_views.HistoryView
    inspect_view_class = admin_views.InspectView
    revisions_view_class = admin_views.PreviewRevisionView
    preview_on_edit_view_class = admin_views.PreviewOnEditView
    revisions_compare_view_class = admin_views.RevisionsCompareView
    revisions_unschedule_view_class = admin_views.RevisionsUnscheduleView
    unpublish_view_class = admin_views.UnpublishView
    lock_view_class = admin_views.LockView
    unlock_view_class = admin_views.UnlockView

    inspect_view_enabled = True
    chooser_search_fields = ()

    @property
    def chooser_viewset_class(self):
        return admin_views.chooser_viewset_class(self.chooser_search_fields)

    def get_urlpatterns(self):
        # Every URL naming an object is guarded, views added in later Wagtail versions too.
        return admin_views.guard_urlpatterns(super().get_urlpatterns(), self.model)


def names(deputies):
    return SEPARATOR.join(deputy.name for deputy in deputies)


def rich_text(value):
    return mark_safe(expand_db_html(value)) if value else ""  # noqa: S308 - editor's rich text


# -- Stations --------------------------------------------------------------------------------


def station_areas(station):
    return SEPARATOR.join(area.name for area in station.areas.all())


def resident_deputies(station):
    return SEPARATOR.join(
        f"{resident.deputy.name}（{resident.role}）" if resident.role else resident.deputy.name
        for resident in station.resident_deputies.all()
    )


def station_systems(station):
    systems = {system.kind: system for system in station.systems.all()}
    complete = [system for system in systems.values() if system.is_complete]
    return f"{len(complete)}/6：" + SEPARATOR.join(str(system) for system in complete)


def station_managers(station):
    return SEPARATOR.join(user.get_username() for user in station.managers.all())


class StationViewSet(StationScopedViewSet):
    model = Station
    icon = "home"
    menu_label = "工作站"
    edit_handler = ObjectList(Station.panels, base_form_class=StationAdminForm)
    list_display = [
        "name",
        Column("kind", label="类型", accessor="get_kind_display", sort_key="kind"),
        "township",
        Column("resident_count", label="进站代表数", sort_key="resident_count"),
        LiveStatusTagColumn(label="发布状态"),
    ]
    ordering = Station._meta.ordering
    filterset_class = StationFilterSet
    search_fields = ["name", "address", "township__name"]
    chooser_search_fields = ["name", "address", "township__name"]
    export_filename = "代表工作站"
    list_export = [
        "name",
        "get_kind_display",
        "township",
        "areas",
        "address",
        "latitude",
        "longitude",
        "opening_hours",
        "phone",
        "person_in_charge",
        "person_in_charge_post",
        "administrator_name",
        "administrator_phone",
        "resident_deputies",
        "equipment",
        "systems",
        "live",
    ]
    export_headings = {
        "get_kind_display": "类型",
        "areas": "服务村（社区）",
        "resident_deputies": "进站代表",
        "systems": "工作制度",
        "live": "已发布",
    }
    export_accessors = {
        "areas": station_areas,
        "resident_deputies": resident_deputies,
        "systems": station_systems,
    }
    inspect_view_fields = [
        "name",
        "kind",
        "township",
        "areas",
        "address",
        "latitude",
        "longitude",
        "opening_hours",
        "phone",
        "person_in_charge",
        "person_in_charge_post",
        "administrator_name",
        "administrator_phone",
        "resident_deputies",
        "equipment",
        "systems",
        "managers",
        "publication",
    ]
    inspect_extra_fields = {
        "areas": ("服务村（社区）", station_areas),
        "resident_deputies": ("进站代表", resident_deputies),
        "systems": ("工作制度（已具备/应具备）", station_systems),
        "managers": ("后台管理账号", station_managers),
        "publication": ("发布状态", publication),
    }

    def get_queryset(self, request):
        return (
            Station.objects.select_related("township")
            .annotate(resident_count=Count("resident_deputies", distinct=True))
            .prefetch_related("areas", "resident_deputies__deputy", "systems")
        )


# -- Reception days --------------------------------------------------------------------------


def reception_time(reception):
    return f"{reception.start_time:%H:%M}—{reception.end_time:%H:%M}"


def reception_deputies(reception):
    return names(reception.deputies.all())


def non_resident(reception):
    deputies = reception.non_resident_deputies()
    return names(deputies) if deputies else "无"


class ReceptionViewSet(StationScopedViewSet):
    model = Reception
    icon = "date"
    menu_label = "代表接待日"
    edit_handler = ObjectList(Reception.panels, base_form_class=ReceptionAdminForm)
    add_view_class = admin_views.ReceptionCreateView
    edit_view_class = admin_views.ReceptionEditView
    copy_view_class = admin_views.ReceptionCopyView
    list_display = [
        "date",
        "station",
        Column("time", label="时间", accessor=reception_time, sort_key="start_time"),
        Column("deputies", label="值班代表", accessor=reception_deputies),
        "topic",
        LiveStatusTagColumn(label="发布状态"),
    ]
    filterset_class = ReceptionFilterSet
    search_fields = ["topic", "notes", "station__name"]
    chooser_search_fields = ["topic", "station__name"]
    export_filename = "代表接待日"
    list_export = [
        "station",
        "date",
        "start_time",
        "end_time",
        "deputies",
        "topic",
        "notes",
        "live",
    ]
    export_headings = {"deputies": "值班代表", "live": "已发布"}
    export_accessors = {"deputies": reception_deputies}
    inspect_view_fields = [
        "station",
        "date",
        "start_time",
        "end_time",
        "deputies",
        "non_resident",
        "topic",
        "notes",
        "publication",
    ]
    inspect_extra_fields = {
        "deputies": ("值班代表", reception_deputies),
        "non_resident": ("非本站进站代表的值班代表", non_resident),
        "publication": ("发布状态", publication),
    }

    def get_queryset(self, request):
        return Reception.objects.select_related("station").prefetch_related("deputies")


# -- Activity records ------------------------------------------------------------------------


def activity_deputies(activity):
    return names(activity.deputies.all())


def activity_photos(activity):
    photos = activity.photos.all()
    return f"{len(photos)} 张" + (
        "：" + SEPARATOR.join(photo.caption for photo in photos if photo.caption)
        if any(photo.caption for photo in photos)
        else ""
    )


def activity_files(activity):
    return SEPARATOR.join(file.title or file.document.title for file in activity.files.all())


class ActivityViewSet(StationScopedViewSet):
    model = Activity
    icon = "clipboard-list"
    menu_label = "活动记录"
    edit_handler = ObjectList(Activity.panels, base_form_class=ActivityAdminForm)
    list_display = [
        "title",
        "station",
        Column("kind", label="活动类型", accessor="get_kind_display", sort_key="kind"),
        "date",
        Column("is_public", label="公开", accessor=lambda a: yes_no(a.is_public)),
        LiveStatusTagColumn(label="发布状态"),
    ]
    filterset_class = ActivityFilterSet
    search_fields = ["title", "body", "station__name"]
    chooser_search_fields = ["title", "station__name"]
    export_filename = "活动记录"
    list_export = [
        "station",
        "get_kind_display",
        "title",
        "date",
        "deputies",
        "participants_count",
        "photos",
        "files",
        "is_public",
        "live",
    ]
    export_headings = {
        "get_kind_display": "活动类型",
        "deputies": "参加代表",
        "photos": "活动照片",
        "files": "活动资料",
        "is_public": "公开",
        "live": "已发布",
    }
    export_accessors = {
        "deputies": activity_deputies,
        "photos": activity_photos,
        "files": activity_files,
    }
    inspect_view_fields = [
        "station",
        "kind",
        "title",
        "date",
        "deputies",
        "participants_count",
        "body",
        "photos",
        "files",
        "is_public",
        "publication",
    ]
    inspect_extra_fields = {
        "deputies": ("参加代表", activity_deputies),
        "body": ("活动内容", lambda activity: rich_text(activity.body)),
        "photos": ("活动照片", activity_photos),
        "files": ("活动资料", activity_files),
        "publication": ("发布状态", publication),
    }

    def get_queryset(self, request):
        return Activity.objects.select_related("station").prefetch_related(
            "deputies", "photos", "files__document"
        )


class StationsAdminGroup(SnippetViewSetGroup):
    menu_label = "代表工作站"
    menu_icon = "home"
    menu_order = 210
    items = (
        StationViewSet,
        ReceptionViewSet,
        ActivityViewSet,
    )


register_snippet(StationsAdminGroup)

# Snippet bulk delete for these models: refuse a request naming another station's records.
# Registered after Wagtail's own (order) so that it replaces it for these three models.
hooks.register("register_bulk_action", admin_views.StationScopedDeleteBulkAction, order=100)


# The audit log of station records goes to StationLogEntry, whose manager narrows what a
# station administrator reads in Wagtail's site history report to his own stations.
@hooks.register("register_log_actions")
def register_station_log_model(actions):
    for model in (Station, Reception, Activity):
        actions.register_model(model, StationLogEntry)


# The rule checks (stations/checks.py) as an admin report and a dashboard panel.
@hooks.register("register_admin_urls")
def station_check_urls():
    return reports.register_admin_urls()


hooks.register("register_reports_menu_item", reports.checks_menu_item)


@hooks.register("construct_homepage_panels")
def station_checks_panel(request, panels):
    panel = reports.dashboard_panel(request)
    if panel is not None:
        panels.append(panel)


# Files by collection (core/file_collections.py): a station administrator reaches his own
# stations' collections only, whatever his group's grant on 代表工作站.
hooks.register("file_collections_out_of_reach", collections_out_of_reach)
