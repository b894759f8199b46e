"""Admin views of the register, on Wagtail's generic views (registered in wagtail_hooks.py).

The listing, export, inspect and chooser scaffolding every register shares is core/admin_views.py
(`RegisterIndexView`, `DraftStateIndexView`, `RegisterInspectView`,
`PermissionCheckedChooserViewSet`, used for the private VoterContactPerson). Here:

- display helpers reading the relations `deputy_prefetch()` prefetches (levels, constituencies,
  deputy groups, townships);
- `OverdueCheckInIndexView` / `OverdueCheckInViewSet`: 本季度未报到代表.
"""

import datetime

from django.db.models import Max, Prefetch
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import policy_registry

from core.admin_views import SEPARATOR, ChineseSpreadsheetExportMixin, chinese_date

from .models import Area, CheckIn, Deputy, Election, GroupMembership
from .models.base import quarter_of

# -- Display helpers (they read the relations deputy_prefetch() prefetches) --------------------


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
