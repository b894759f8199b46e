"""Admin of the deputies register (menu 代表管理): one snippet viewset per register, the
本季度未报到代表 report, each with list filters, ORM search (Chinese-safe), CSV/XLSX export and,
where staff need it, an inspect view.

Who sees what is Wagtail's model permission policy over the groups made by
deputies/migrations/0002: 代表工委 keep the register and duty record; only 选民信息管理 reach
VoterContactPerson (voters' personal data), whose chooser checks permissions too and which stays
out of the reference index, so no other view lists its rows. See docs/deputies.md, 后台管理.
"""

from django.db.models import Count
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.admin_views import (
    SEPARATOR,
    DraftStateIndexView,
    RegisterViewSet,
    publication,
)

from .admin_filters import (
    AreaFilterSet,
    CheckInFilterSet,
    CommitteeMemberFilterSet,
    ConstituencyFilterSet,
    DeputyFilterSet,
    DeputyGroupFilterSet,
    DutyReportFilterSet,
    TrainingFilterSet,
    VoterContactFilterSet,
)
from .admin_views import (
    OverdueCheckInViewSet,
    deputy_constituencies,
    deputy_groups,
    deputy_levels,
    deputy_prefetch,
    deputy_townships,
)
from .models import (
    Area,
    CheckIn,
    CommitteeMember,
    Constituency,
    Deputy,
    DeputyGroup,
    DutyReport,
    Term,
    Training,
    VoterContact,
    VoterContactPerson,
)

# -- Deputies --------------------------------------------------------------------------------


def duty_record(deputy):
    voters = sum(contact.voters_count for contact in deputy.voter_contacts.all())
    return (
        f"报到 {deputy.checkins.count()} 次，参加培训 {deputy.training_attendances.count()} 次，"
        f"述职 {deputy.duty_reports.count()} 次，联系选民 {voters} 人次"
    )


def group_roles(deputy):
    memberships = deputy.group_memberships.select_related("group__term")
    return SEPARATOR.join(
        f"{m.group.name}（{m.group.term}，{m.get_role_display()}）" for m in memberships
    )


def committee_posts(deputy):
    posts = deputy.committee_posts.select_related("term")
    return SEPARATOR.join(f"{post.term}{post.get_post_display()}" for post in posts)


def supervision_roles(deputy):
    return SEPARATOR.join(str(role) for role in deputy.supervision_roles.all())


class DeputyViewSet(RegisterViewSet):
    model = Deputy
    index_view_class = DraftStateIndexView
    # Editors (initiative responses, appraisal teams) and station administrators (resident
    # deputies) choose deputies too: published ones only, found by name (not by 代表编号).
    chooser_public_choice = staticmethod(lambda user: Deputy.objects.public())
    chooser_search_fields = ["name"]
    icon = "user"
    menu_label = "人大代表"
    copy_view_enabled = False  # the register number is unique: a copy could never be saved
    list_display = [
        "name",
        "register_number",
        Column("levels", label="代表层级", accessor=deputy_levels),
        Column("constituencies", label="选区", accessor=deputy_constituencies),
        Column("townships", label="乡镇（街道）", accessor=deputy_townships),
        Column("status", label="任职状态", accessor="get_status_display", sort_key="status"),
        LiveStatusTagColumn(label="发布状态"),
    ]
    filterset_class = DeputyFilterSet
    search_fields = ["name", "register_number", "post"]
    export_filename = "人大代表名册"
    # Deputies' own, public data only: voters' personal data is not on Deputy and never exported.
    list_export = [
        "register_number",
        "name",
        "get_gender_display",
        "ethnicity",
        "birth_year",
        "party",
        "education",
        "post",
        "levels",
        "constituencies",
        "townships",
        "groups",
        "phone",
        "email",
        "elected_date",
        "get_status_display",
        "status_date",
        "get_status_reason_display",
        "live",
    ]
    export_headings = {
        "get_gender_display": "性别",
        "levels": "代表层级",
        "constituencies": "选区",
        "townships": "乡镇（街道）",
        "groups": "代表小组",
        "get_status_display": "状态",
        "get_status_reason_display": "终止原因",
        "live": "已发布",
    }
    export_accessors = {
        "levels": deputy_levels,
        "constituencies": deputy_constituencies,
        "townships": deputy_townships,
        "groups": deputy_groups,
    }
    inspect_view_enabled = True
    inspect_view_fields = [
        "register_number",
        "name",
        "photo",
        "gender",
        "ethnicity",
        "birth_year",
        "party",
        "education",
        "post",
        "levels",
        "constituencies",
        "groups",
        "committee_posts",
        "supervision_roles",
        "phone",
        "email",
        "biography",
        "elected_date",
        "status",
        "status_date",
        "status_reason",
        "duty_record",
        "publication",
    ]
    inspect_extra_fields = {
        "constituencies": ("选区", deputy_constituencies),
        "groups": ("代表小组", group_roles),
        "committee_posts": ("常委会职务", committee_posts),
        "supervision_roles": ("社会监督职务", supervision_roles),
        "duty_record": ("履职记录", duty_record),
        "publication": ("发布状态", publication),
    }

    def get_queryset(self, request):
        return Deputy.objects.prefetch_related(*deputy_prefetch())


def group_members(group):
    return SEPARATOR.join(str(m) for m in group.memberships.all())


def group_contacts(group):
    return SEPARATOR.join(str(c.committee_member) for c in group.contacts.all())


class DeputyGroupViewSet(RegisterViewSet):
    model = DeputyGroup
    icon = "group"
    menu_label = "代表小组"
    list_display = [
        "name",
        "term",
        "township",
        Column("member_count", label="成员数", sort_key="member_count"),
    ]
    # Listings with a count annotation lose the model's ordering (GROUP BY): restate it.
    ordering = DeputyGroup._meta.ordering
    filterset_class = DeputyGroupFilterSet
    search_fields = ["name"]
    export_filename = "代表小组"
    list_export = ["term", "name", "township", "member_count", "members", "contacts"]
    export_headings = {
        "member_count": "成员数",
        "members": "成员",
        "contacts": "联系的常委会组成人员",
    }
    export_accessors = {"members": group_members, "contacts": group_contacts}
    inspect_view_enabled = True
    inspect_view_fields = ["term", "name", "township", "members", "contacts"]
    inspect_extra_fields = {
        "members": ("成员", group_members),
        "contacts": ("联系的常委会组成人员（双联系）", group_contacts),
    }

    def get_queryset(self, request):
        return (
            DeputyGroup.objects.select_related("term", "township")
            .annotate(member_count=Count("memberships"))
            .prefetch_related("memberships__deputy", "contacts__committee_member__deputy")
        )


def contacted_groups(member):
    return SEPARATOR.join(contact.group.name for contact in member.group_contacts.all())


class CommitteeMemberViewSet(RegisterViewSet):
    model = CommitteeMember
    icon = "crosshairs"
    menu_label = "常委会组成人员"
    list_display = [
        "deputy",
        "post",
        "term",
        "start_date",
        "end_date",
        Column("groups", label="联系的代表小组", accessor=contacted_groups),
    ]
    filterset_class = CommitteeMemberFilterSet
    search_fields = ["deputy__name", "deputy__register_number"]
    export_filename = "常委会组成人员"
    list_export = [
        "term",
        "get_post_display",
        "deputy",
        "deputy.register_number",
        "start_date",
        "end_date",
        "groups",
    ]
    export_headings = {
        "get_post_display": "职务",
        "deputy.register_number": "代表编号",
        "groups": "联系的代表小组",
    }
    export_accessors = {"groups": contacted_groups}

    def get_queryset(self, request):
        return CommitteeMember.objects.select_related("deputy", "term").prefetch_related(
            "group_contacts__group"
        )


# -- Duty record -----------------------------------------------------------------------------


def attendees(training):
    return SEPARATOR.join(a.deputy.name for a in training.attendances.all())


def year_totals(training):
    year = training.start_date.year
    counts = Training.yearly_counts(year)
    return f"{year}年共 {counts['sessions']} 场、{counts['attendances']} 人次"


class TrainingViewSet(RegisterViewSet):
    model = Training
    icon = "doc-full"
    menu_label = "代表培训"
    list_display = [
        "title",
        "organiser_level",
        "form",
        "start_date",
        "location",
        Column("attendance_count", label="参训人次", sort_key="attendance_count"),
    ]
    ordering = Training._meta.ordering
    filterset_class = TrainingFilterSet
    search_fields = ["title", "topics", "location"]
    export_filename = "代表培训"
    list_export = [
        "title",
        "get_organiser_level_display",
        "get_form_display",
        "start_date",
        "end_date",
        "location",
        "topics",
        "attendance_count",
        "attendees",
    ]
    export_headings = {
        "get_organiser_level_display": "组织层级",
        "get_form_display": "培训形式",
        "attendance_count": "参训人次",
        "attendees": "参训代表",
    }
    export_accessors = {"attendees": attendees}
    inspect_view_enabled = True
    inspect_view_fields = [
        "title",
        "organiser_level",
        "form",
        "start_date",
        "end_date",
        "location",
        "topics",
        "description",
        "sessions",
        "attendance_count",
        "attendees",
        "year_totals",
    ]
    inspect_extra_fields = {
        "sessions": ("场次", lambda training: 1),
        "attendance_count": ("参训人次", lambda training: training.attendances.count()),
        "attendees": ("参训代表", attendees),
        "year_totals": ("本年度合计", year_totals),
    }

    def get_queryset(self, request):
        return Training.objects.annotate(attendance_count=Count("attendances")).prefetch_related(
            "attendances__deputy"
        )


class CheckInViewSet(RegisterViewSet):
    model = CheckIn
    icon = "tick-inverse"
    menu_label = "报到记录"
    list_display = [
        "deputy",
        "kind",
        "group",
        "date",
        Column("quarter", label="季度", sort_key="date"),
    ]
    filterset_class = CheckInFilterSet
    search_fields = ["deputy__name", "content"]
    export_filename = "代表报到记录"
    list_export = [
        "date",
        "quarter",
        "deputy",
        "deputy.register_number",
        "get_kind_display",
        "group",
        "content",
    ]
    export_headings = {
        "quarter": "季度",
        "deputy.register_number": "代表编号",
        "get_kind_display": "报到对象",
    }

    def get_queryset(self, request):
        return CheckIn.objects.select_related("deputy", "group__term")


def satisfaction(report):
    rate = report.satisfaction_rate
    return "无测评票" if rate is None else f"{rate}%"


class DutyReportViewSet(RegisterViewSet):
    model = DutyReport
    icon = "clipboard-list"
    menu_label = "述职报告"
    list_display = [
        "__str__",
        "deputy",
        "date",
        Column("votes", label="测评票数"),
        Column("satisfaction_rate", label="满意率", accessor=satisfaction),
    ]
    filterset_class = DutyReportFilterSet
    search_fields = ["deputy__name", "title", "venue"]
    export_filename = "代表述职"
    list_export = [
        "date",
        "deputy",
        "title",
        "venue",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "votes",
        "satisfaction_rate",
    ]
    export_headings = {"votes": "测评票数", "satisfaction_rate": "满意率（%）"}
    inspect_view_enabled = True
    inspect_view_fields = [
        "deputy",
        "date",
        "title",
        "venue",
        "text",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "votes",
        "satisfaction_rate",
    ]
    inspect_extra_fields = {
        "votes": ("测评总票数", lambda report: report.votes),
        "satisfaction_rate": ("满意率（满意＋基本满意）", satisfaction),
    }

    def get_queryset(self, request):
        return DutyReport.objects.select_related("deputy")


class VoterContactViewSet(RegisterViewSet):
    """The counts of voter contact; no voter's name or number is on this model."""

    model = VoterContact
    icon = "mail"
    menu_label = "联系选民记录"
    list_display = ["deputy", "start_date", "end_date", "method", "voters_count"]
    filterset_class = VoterContactFilterSet
    search_fields = ["deputy__name", "summary"]
    export_filename = "联系选民记录"
    list_export = [
        "deputy",
        "deputy.register_number",
        "start_date",
        "end_date",
        "get_method_display",
        "voters_count",
        "summary",
    ]
    export_headings = {"deputy.register_number": "代表编号", "get_method_display": "方式"}
    inspect_view_enabled = True
    inspect_view_fields = [
        "deputy",
        "start_date",
        "end_date",
        "method",
        "voters_count",
        "summary",
    ]

    def get_queryset(self, request):
        return VoterContact.objects.select_related("deputy")


class VoterContactPersonViewSet(RegisterViewSet):
    """Voters' personal data: only users with this model's permissions (group 选民信息管理) see
    the menu item or reach any of these views, the chooser included."""

    model = VoterContactPerson
    icon = "lock"
    menu_label = "选民个人信息"
    # Not in the reference index: the usage view of a VoterContact or Deputy would list these rows.
    add_to_reference_index = False
    list_display = ["name", "contact", "phone", "address"]
    search_fields = ["name", "phone", "address", "concern", "contact__deputy__name"]
    export_filename = "选民个人信息"
    list_export = ["name", "phone", "address", "concern", "contact"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return VoterContactPerson.objects.select_related("contact__deputy")


# -- Terms, areas, constituencies ------------------------------------------------------------


class TermViewSet(RegisterViewSet):
    model = Term
    icon = "date"
    menu_label = "届次"
    list_display = ["name", "number", "start_date", "end_date"]
    search_fields = ["name"]
    export_filename = "届次"
    list_export = ["number", "name", "start_date", "end_date"]


class AreaViewSet(RegisterViewSet):
    model = Area
    icon = "site"
    # Station administrators choose their station's township; the areas are public in full
    # (/api/areas/ lists them to anyone).
    chooser_public_choice = staticmethod(lambda user: Area.objects.all())
    chooser_search_fields = ["name"]
    menu_label = "行政区划"
    list_display = ["name", "kind", "parent", "code", "sort_order"]
    filterset_class = AreaFilterSet
    search_fields = ["name", "code"]
    export_filename = "行政区划"
    list_export = ["name", "get_kind_display", "parent", "code", "sort_order"]
    export_headings = {"get_kind_display": "类型"}

    def get_queryset(self, request):
        return Area.objects.select_related("parent__parent")


def constituency_areas(constituency):
    return SEPARATOR.join(area.full_name for area in constituency.areas.all())


class ConstituencyViewSet(RegisterViewSet):
    model = Constituency
    icon = "placeholder"
    menu_label = "选区"
    list_display = [
        "name",
        "term",
        "level",
        Column("areas", label="覆盖区划", accessor=constituency_areas),
        "seats",
        Column("deputy_count", label="当选代表数", sort_key="deputy_count"),
    ]
    ordering = Constituency._meta.ordering
    filterset_class = ConstituencyFilterSet
    search_fields = ["name"]
    export_filename = "选区"
    list_export = ["term", "level", "name", "areas", "seats", "deputy_count"]
    export_headings = {"areas": "覆盖区划", "deputy_count": "当选代表数"}
    export_accessors = {"areas": constituency_areas}

    def get_queryset(self, request):
        return (
            Constituency.objects.select_related("term", "level")
            .annotate(deputy_count=Count("elections"))
            .prefetch_related("areas__parent")
        )


class DeputiesAdminGroup(SnippetViewSetGroup):
    menu_label = "代表管理"
    menu_icon = "group"
    menu_order = 200
    items = (
        DeputyViewSet,
        DeputyGroupViewSet,
        CommitteeMemberViewSet,
        CheckInViewSet,
        OverdueCheckInViewSet,
        TrainingViewSet,
        DutyReportViewSet,
        VoterContactViewSet,
        VoterContactPersonViewSet,
        TermViewSet,
        AreaViewSet,
        ConstituencyViewSet,
    )


register_snippet(DeputiesAdminGroup)
