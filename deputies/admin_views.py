"""Admin views of the register, on Wagtail's generic views (registered in wagtail_hooks.py).

- `RegisterIndexView`: the snippet listing plus computed export columns, a CSV that opens in Excel
  with its Chinese intact (UTF-8 with a byte-order mark) and dated file names;
  `DraftStateIndexView` for draftable models, without a query per row for the 发布状态 column.
- `RegisterInspectView`: the inspect view plus computed rows (场次/人次, 满意率, …).
- `PermissionCheckedChooserViewSet`: a snippet chooser that, unlike Wagtail's default one, refuses
  users without any permission on the model (used for the private VoterContactPerson).
- `OverdueCheckInIndexView` / `OverdueCheckInViewSet`: 本季度未报到代表.
"""

import datetime
from collections import OrderedDict

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.coreutils import multigetattr
from wagtail.models import Revision
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from .models import Area, CheckIn, Deputy, Election, GroupMembership
from .models.base import quarter_of

SEPARATOR = "、"
EMPTY = "—"


# -- Display helpers (they read the relations deputy_prefetch() prefetches) --------------------


def chinese_date(value):
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def deputy_levels(deputy):
    return SEPARATOR.join(level.name for level in deputy.levels.all())


def deputy_constituencies(deputy):
    return SEPARATOR.join(str(election.constituency) for election in deputy.elections.all())


def deputy_groups(deputy):
    names = []
    for membership in deputy.group_memberships.all():
        if membership.group.name not in names:
            names.append(membership.group.name)
    return SEPARATOR.join(names)


def deputy_townships(deputy):
    """The townships/streets of the deputy's constituencies and deputy groups (as the filter)."""
    names = []
    for election in deputy.elections.all():
        for area in election.constituency.areas.all():
            township = area.township
            if township is not None and township.name not in names:
                names.append(township.name)
    for membership in deputy.group_memberships.all():
        township = membership.group.township
        if township is not None and township.name not in names:
            names.append(township.name)
    return SEPARATOR.join(names)


def deputy_prefetch(memberships=None):
    """Prefetches for the helpers above; `memberships` narrows the group memberships read."""
    memberships = memberships if memberships is not None else GroupMembership.objects.all()
    return [
        "levels",
        Prefetch(
            "elections",
            queryset=Election.objects.select_related(
                "constituency__term", "constituency__level"
            ).prefetch_related(
                Prefetch("constituency__areas", queryset=Area.objects.select_related("parent"))
            ),
        ),
        Prefetch(
            "group_memberships",
            queryset=memberships.select_related("group__township", "group__term"),
        ),
    ]


def quarter_label(date: datetime.date):
    year, quarter = quarter_of(date)
    return f"{year}年第{quarter}季度"


def yes_no(value):
    return "是" if value else "否"


# -- Listing and inspect views -----------------------------------------------------------------


class ChineseSpreadsheetExportMixin:
    """Computed export columns, Chinese yes/no, a CSV Excel reads as UTF-8, dated file names.

    `export_accessors` maps a `list_export` entry to a function of the row's object, for values
    the model does not have as an attribute (levels joined, townships, counts …)."""

    export_accessors = {}

    custom_value_preprocess = {
        **generic.IndexView.custom_value_preprocess,
        bool: {"csv": yes_no, "xlsx": yes_no},
    }

    def to_row_dict(self, item):
        return OrderedDict(
            (
                field,
                self.export_accessors[field](item)
                if field in self.export_accessors
                else multigetattr(item, field),
            )
            for field in self.list_export
        )

    def get_filename(self):
        return f"{super().get_filename()}-{timezone.localdate():%Y%m%d}"

    def write_csv_response(self, queryset):
        def rows():
            yield "\ufeff"  # byte-order mark: Excel then reads the file as UTF-8, not GBK
            yield from self.stream_csv(queryset)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{self.get_filename()}.csv"
        )
        return response


class RegisterIndexView(ChineseSpreadsheetExportMixin, snippet_views.IndexView):
    pass


def attach_scheduled_revisions(objects):
    """Fill the `scheduled_revision` cached property of draftable objects in one query.

    The listing's 发布状态 column reads `status_string`, which asks for the scheduled revision: a
    query per row otherwise."""
    if not objects:
        return
    model = type(objects[0])
    scheduled = {}
    revisions = Revision.objects.filter(
        base_content_type=model.get_base_content_type(),
        object_id__in=[str(obj.pk) for obj in objects],
        approved_go_live_at__isnull=False,
    ).order_by("pk")  # as `scheduled_revision`'s `.first()` on the unordered revisions
    for revision in revisions:
        scheduled.setdefault(revision.object_id, revision)
    for obj in objects:
        obj.__dict__["scheduled_revision"] = scheduled.get(str(obj.pk))


class DraftStateIndexView(RegisterIndexView):
    """The listing of a draftable register (deputies), without a query per row for its status."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = rows = list(object_list)
        attach_scheduled_revisions(rows)
        return paginator, page, rows, is_paginated


class RegisterInspectView(snippet_views.InspectView):
    """`extra_fields` maps a row name to (label, function of the object) for computed rows."""

    extra_fields = {}

    def get_field_label(self, field_name, field):
        if field_name in self.extra_fields:
            return self.extra_fields[field_name][0]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name in self.extra_fields:
            value = self.extra_fields[field_name][1](self.object)
        else:
            value = super().get_field_display_value(field_name, field)
        return EMPTY if value is None or value == "" else value


# -- A chooser that checks model permissions -------------------------------------------------


class ModelPermissionRequiredMixin:
    """Wagtail's choosers list any model for any admin user; this one asks for at least one of the
    model's permissions, as the model's own admin views do."""

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission(request.user, ["add", "change", "delete", "view"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PermissionCheckedChooserViewSet(SnippetChooserViewSet):
    choose_view_class = type(
        "ChooseView", (ModelPermissionRequiredMixin, snippet_chooser.ChooseView), {}
    )
    choose_results_view_class = type(
        "ChooseResultsView", (ModelPermissionRequiredMixin, snippet_chooser.ChooseResultsView), {}
    )
    chosen_view_class = type(
        "ChosenView", (ModelPermissionRequiredMixin, snippet_chooser.SnippetChosenView), {}
    )
    chosen_multiple_view_class = type(
        "ChosenMultipleView",
        (ModelPermissionRequiredMixin, snippet_chooser.SnippetChosenMultipleView),
        {},
    )
    create_view_class = type(
        "CreateView", (ModelPermissionRequiredMixin, snippet_chooser.SnippetCreateView), {}
    )


# -- 本季度未报到代表 ------------------------------------------------------------------------


class OverdueCheckInIndexView(ChineseSpreadsheetExportMixin, generic.IndexView):
    """Published, serving deputies without a check-in (双报到) in the current quarter, with their
    township, deputy group and last check-in date. Needs the view_checkin permission."""

    model = Deputy
    page_title = "本季度未报到代表"
    header_icon = "warning"
    permission_required = "view"
    any_permission_required = None
    paginate_by = 50
    default_ordering = Deputy._meta.ordering  # 按姓氏笔画 (the aggregate drops Meta.ordering)
    search_fields = ["name", "register_number"]
    search_backend_name = None
    list_export = [
        "register_number",
        "name",
        "townships",
        "groups",
        "phone",
        "last_checkin",
    ]
    export_headings = {
        "register_number": "代表编号",
        "name": "姓名",
        "townships": "乡镇（街道）",
        "groups": "代表小组",
        "phone": "公开联系电话",
        "last_checkin": "最近报到日期",
    }
    export_accessors = {"townships": deputy_townships, "groups": deputy_groups}
    export_filename = "本季度未报到代表"

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(CheckIn)

    @cached_property
    def today(self):
        return timezone.localdate()

    def get_page_subtitle(self):
        return quarter_label(self.today)

    def get_base_queryset(self):
        current = GroupMembership.objects.as_of(self.today)
        return (
            CheckIn.overdue(self.today)
            .annotate(last_checkin=Max("checkins__date"))
            .prefetch_related(*deputy_prefetch(memberships=current))
        )

    def deputy_url(self, deputy):
        viewset = Deputy.snippet_viewset
        policy = policy_registry.get_by_type(Deputy)
        if policy.user_has_permission(self.request.user, "change"):
            return reverse(viewset.get_url_name("edit"), args=[deputy.pk])
        if policy.user_has_any_permission(self.request.user, ["add", "delete", "view"]):
            return reverse(viewset.get_url_name("inspect"), args=[deputy.pk])
        return None

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label="姓名", sort_key="sort_key", get_url=self.deputy_url),
            Column("register_number", label="代表编号", sort_key="register_number"),
            Column("townships", label="乡镇（街道）", accessor=deputy_townships),
            Column("groups", label="代表小组", accessor=deputy_groups),
            Column(
                "last_checkin",
                label="最近报到日期",
                sort_key="last_checkin",
                accessor=lambda deputy: chinese_date(deputy.last_checkin) or "从未报到",
            ),
        ]

    @cached_property
    def add_url(self):
        if policy_registry.get_by_type(CheckIn).user_has_permission(self.request.user, "add"):
            return reverse(CheckIn.snippet_viewset.get_url_name("add"))
        return None

    @cached_property
    def header_buttons(self):
        if not self.add_url:
            return []
        return [HeaderButton("登记报到", url=self.add_url, icon_name="plus")]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["can_add"] = bool(self.add_url)
        context.pop("header_action_url", None)
        context.pop("header_action_label", None)
        return context


class OverdueCheckInViewSet(ViewSet):
    name = "deputies_overdue_checkins"
    url_prefix = "deputies/overdue-checkins"
    icon = "warning"
    menu_label = "本季度未报到代表"
    menu_name = "overdue-checkins"

    @cached_property
    def menu_item_class(self):
        def is_shown(_self, request):
            return policy_registry.get_by_type(CheckIn).user_has_permission(request.user, "view")

        return type("OverdueCheckInMenuItem", (MenuItem,), {"is_shown": is_shown})

    def index_view_kwargs(self):
        return {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }

    def get_urlpatterns(self):
        return [
            path("", OverdueCheckInIndexView.as_view(**self.index_view_kwargs()), name="index"),
            path(
                "results/",
                OverdueCheckInIndexView.as_view(**self.index_view_kwargs(), results_only=True),
                name="index_results",
            ),
        ]
