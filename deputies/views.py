"""Queries and context of the public register pages, routed by DeputyIndexPage (models/pages.py):

""            the serving deputies, filterable by level, township and group, paginated
<int:pk>/     a deputy's profile with the duty record
committee/    the standing committee of the current term, by post
csv/          the list as a CSV download, same filters (core/csv_export.py)

Only published deputies (Deputy.objects.public()) are shown. Voters' personal data
(VoterContactPerson) is never queried here: the duty record carries voter contact counts only.

Other apps add blocks to a profile's duty record through the Wagtail hook
PROFILE_SECTIONS_HOOK (stations: activities and reception days), so that this app does not
import them (dependencies run stations → deputies)."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, Sum
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail import hooks
from wagtail.images import get_image_model

from core.csv_export import csv_response, iterate
from core.utils import paginate, parse_int

from .models import (
    Area,
    CheckIn,
    CommitteeMember,
    Deputy,
    DeputyGroup,
    DutyReport,
    Election,
    GroupContact,
    GroupMembership,
    Level,
    SupervisionRole,
    Term,
    TrainingAttendance,
    VoterContact,
)

# Rendition filters used by the templates: prefetched with the deputies, so keep them in step
# with components/deputy_photo.html and pages/deputy_profile.html.
CARD_PHOTO = "fill-240x320|format-webp"
PROFILE_PHOTO = "fill-360x480|format-webp"

PROFILE_SECTIONS_HOOK = "deputy_profile_sections"
COMMITTEE_TITLE = "常委会组成人员"
EARLIEST_DATE = datetime.date(1949, 10, 1)


@dataclass
class ProfileSection:
    """A block another app adds to the duty record on a deputy's profile.

    A function registered with `@hooks.register("deputy_profile_sections")` takes
    (request, deputy, date) and returns an iterable of these; the template is rendered with
    `context` plus `deputy` and `request`. Sections are shown by `order`, then heading."""

    slug: str
    heading: str
    template_name: str
    context: dict
    order: int = 100


def _photos():
    # Prefetched rather than select_related: Django skips a prefetch on a relation that
    # select_related has already filled, and the renditions would then be fetched one by one.
    return get_image_model().objects.prefetch_renditions(CARD_PHOTO, PROFILE_PHOTO)


def _elections(term):
    elections = Election.objects.select_related("constituency__level", "constituency__term")
    if term is not None:
        elections = elections.filter(constituency__term=term)
    return elections.prefetch_related(
        Prefetch("constituency__areas", queryset=Area.objects.select_related("parent"))
    )


def _memberships(date, term):
    memberships = GroupMembership.objects.as_of(date).select_related("group__township")
    if term is not None:
        memberships = memberships.filter(group__term=term)
    return memberships.order_by("group__sort_order", "group__name")


def deputies_for_listing(date, term, photos=True):
    """Serving, published deputies in the official order (按姓氏笔画), with everything a card
    shows prefetched: the number of queries does not grow with the number of deputies."""
    prefetches = [
        "levels",
        Prefetch("elections", queryset=_elections(term), to_attr="current_elections"),
        Prefetch(
            "group_memberships",
            queryset=_memberships(date, term),
            to_attr="current_memberships",
        ),
    ]
    if photos:
        prefetches.append(Prefetch("photo", queryset=_photos()))
    return (
        Deputy.objects.public()
        .serving(date)
        .prefetch_related(*prefetches)
        .order_by("sort_key", "name", "pk")
    )


def parse_date(request, notices):
    """The ?date= of an "as of" view (not in the future), or today."""
    today = timezone.localdate()
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today, False
    try:
        date = datetime.date.fromisoformat(raw)
    except ValueError:
        notices.append("日期应写成 2026-01-31 这样的格式，已显示当前名单。")
        return today, False
    if date > today or date < EARLIEST_DATE:
        notices.append("日期应在1949年10月1日至今天之间，已显示当前名单。")
        return today, False
    return date, date != today


def _choice(request, name, choices, notice, notices, key=parse_int):
    """The object picked by ?name=, looked up in `choices` ({key: object}), or None with a
    notice when the value is malformed or unknown."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    picked = choices.get(key(raw))
    if picked is None:
        notices.append(notice)
    return picked


def in_township(township, date, term):
    """A filter (Q) for the deputies of a township (乡镇/街道), counted as the admin's filter
    does: elected in a constituency covering the township or one of its villages/communities,
    or a member of a deputy group based there (deputies to the city or provincial congress have
    no county constituency but take part in a township's group). Current term and memberships
    only."""
    elected = Election.objects.filter(
        Q(constituency__areas=township) | Q(constituency__areas__parent=township)
    )
    members = GroupMembership.objects.as_of(date).filter(group__township=township)
    if term is not None:
        elected = elected.filter(constituency__term=term)
        members = members.filter(group__term=term)
    return Q(pk__in=elected.values("deputy")) | Q(pk__in=members.values("deputy"))


def parse_list_filters(request):
    """The list's filters from the query string (?level=, ?township=, ?group=, ?date=), with the
    choices they are picked from; a malformed or unknown value is ignored with a notice. Shared
    by the list and its CSV download, so both show the same deputies."""
    notices = []
    date, as_of = parse_date(request, notices)
    term = Term.current(date)
    levels = list(Level.objects.all())
    townships = list(
        Area.objects.filter(kind__in=[Area.TOWNSHIP, Area.STREET]).order_by("sort_order", "name")
    )
    groups = DeputyGroup.objects.select_related("township")
    if term is not None:
        groups = groups.filter(term=term)
    groups = list(groups)

    level = _choice(
        request,
        "level",
        {item.code: item for item in levels},
        "未找到所选代表层级，已显示全部层级。",
        notices,
        key=str,
    )
    township = _choice(
        request,
        "township",
        {item.pk: item for item in townships},
        "未找到所选乡镇（街道），已显示全部乡镇（街道）。",
        notices,
    )
    group = _choice(
        request,
        "group",
        {item.pk: item for item in groups},
        "未找到所选代表小组，已显示全部代表小组。",
        notices,
    )
    return {
        "date": date,
        "as_of": as_of,
        "term": term,
        "levels": levels,
        "townships": townships,
        "groups": groups,
        "level": level,
        "township": township,
        "group": group,
        "notices": notices,
    }


def filter_deputies(deputies, filters):
    """`deputies` narrowed by the filters of parse_list_filters()."""
    date, term = filters["date"], filters["term"]
    if filters["level"] is not None:
        deputies = deputies.filter(levels=filters["level"])
    if filters["township"] is not None:
        deputies = deputies.filter(in_township(filters["township"], date, term))
    if filters["group"] is not None:
        members = GroupMembership.objects.as_of(date).filter(group=filters["group"])
        deputies = deputies.filter(pk__in=members.values("deputy"))
    return deputies


def list_query(filters):
    """The list's query string of the active filters (no page), for the CSV link."""
    params = {
        "level": filters["level"].code if filters["level"] else None,
        "township": filters["township"].pk if filters["township"] else None,
        "group": filters["group"].pk if filters["group"] else None,
        "date": filters["date"].isoformat() if filters["as_of"] else None,
    }
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"?{query}" if query else ""


def list_context(page, request):
    filters = parse_list_filters(request)
    date, term = filters["date"], filters["term"]
    level, township, group = filters["level"], filters["township"], filters["group"]
    deputies = filter_deputies(deputies_for_listing(date, term), filters)
    return {
        "deputies_page": paginate(request, deputies, page.page_size or 40),
        "levels": filters["levels"],
        "townships": filters["townships"],
        "groups": filters["groups"],
        "selected_level": level,
        "selected_township": township,
        "selected_group": group,
        "filtered": any(item is not None for item in (level, township, group)),
        "as_of": date if filters["as_of"] else None,
        "term": term,
        "notices": filters["notices"],
        "csv_url": page.get_url(request) + page.reverse_subpage("csv") + list_query(filters),
    }


# The columns of the CSV download: what the list's cards and the profile's facts show, no more
# (no 代表编号, no status notes; voters' data is never queried here).
CSV_HEADER = [
    "姓名",
    "性别",
    "民族",
    "出生年份",
    "政治面貌",
    "学历",
    "工作单位及职务",
    "代表层级",
    "选区",
    "代表小组",
    "当选日期",
    "公开联系电话",
    "公开电子邮箱",
    "网页",
]


def csv_rows(page, request, filters):
    date, term = filters["date"], filters["term"]
    deputies = filter_deputies(deputies_for_listing(date, term, photos=False), filters)
    prefix = page.get_full_url(request) + page.reverse_subpage("profile", args=[0]).removesuffix(
        "0/"
    )
    for deputy in iterate(deputies):
        yield [
            deputy.name,
            deputy.get_gender_display(),
            deputy.ethnicity,
            deputy.birth_year,
            deputy.party,
            deputy.education,
            deputy.post,
            [f"{level.name}人大代表" for level in deputy.levels.all()],
            [
                f"{election.constituency.level.name}级{election.constituency.name}"
                for election in deputy.current_elections
            ],
            [
                membership.group.name
                if membership.role == "member"
                else f"{membership.group.name}（{membership.get_role_display()}）"
                for membership in deputy.current_memberships
            ],
            deputy.elected_date,
            deputy.phone,
            deputy.email,
            f"{prefix}{deputy.pk}/",
        ]


def csv_download(page, request):
    """The list as a CSV file (csv/): the same deputies as the list with the same filters, all
    pages, in the official order."""
    filters = parse_list_filters(request)
    date = filters["date"]
    return csv_response(
        f"deputies-{date.isoformat()}.csv", CSV_HEADER, csv_rows(page, request, filters)
    )


def profile_context(page, request, pk):
    today = timezone.localdate()
    deputy = (
        Deputy.objects.public()
        .prefetch_related(
            "levels",
            Prefetch(
                "elections",
                queryset=_elections(None).order_by("-constituency__term__number", "sort_order"),
            ),
            Prefetch("photo", queryset=_photos()),
        )
        .filter(pk=pk)
        .first()
    )
    if deputy is None:
        raise Http404("没有这名代表")
    is_serving = deputy.is_serving(today)
    # A terminated deputy's facts are those of his last day in office; nothing is "current".
    last_day = today
    if not is_serving and deputy.status == Deputy.TERMINATED and deputy.status_date:
        last_day = min(today, deputy.status_date - datetime.timedelta(days=1))
    term = Term.current(last_day)

    memberships = list(
        GroupMembership.objects.filter(deputy=deputy)
        .select_related("group__term", "group__township")
        .order_by("-group__term__number", "-start_date", "group__sort_order")
    )
    committee_posts = (
        CommitteeMember.objects.filter(deputy=deputy)
        .select_related("term")
        .order_by("-term__number", "-start_date")
    )
    trainings = (
        TrainingAttendance.objects.filter(deputy=deputy)
        .select_related("training")
        .order_by("-training__start_date", "-training__pk")
    )
    voter_contacts = (
        VoterContact.objects.filter(deputy=deputy)
        .only("start_date", "end_date", "method", "voters_count")
        .order_by("-start_date", "-end_date", "method")
    )
    return {
        "deputy": deputy,
        "is_serving": is_serving,
        "current_elections": [
            e for e in deputy.elections.all() if term is None or e.constituency.term_id == term.pk
        ],
        "current_groups": [m for m in memberships if m.in_force(last_day)],
        "memberships": [(m, is_serving and m.in_force(today)) for m in memberships],
        "committee_posts": [(c, is_serving and c.in_force(today)) for c in committee_posts],
        "supervision_roles": [
            (r, is_serving and r.in_force(today))
            for r in SupervisionRole.objects.filter(deputy=deputy).order_by("-start_date", "pk")
        ],
        "trainings": [attendance.training for attendance in trainings],
        "checkins": CheckIn.objects.filter(deputy=deputy)
        .select_related("group")
        .order_by("-date", "-pk"),
        "duty_reports": DutyReport.objects.filter(deputy=deputy).order_by("-date", "-pk"),
        "voter_contacts": list(voter_contacts),
        "voters_total": voter_contacts.aggregate(total=Sum("voters_count"))["total"] or 0,
        "extra_sections": extra_sections(request, deputy, today),
        "profile_title": f"{deputy.name}代表",
        "breadcrumbs_extra": [
            (deputy.name, page.get_url(request) + page.reverse_subpage("profile", args=[pk]))
        ],
    }


def extra_sections(request, deputy, date):
    """Sections other apps add to the duty record (see ProfileSection), rendered to HTML."""
    sections = []
    for hook in hooks.get_hooks(PROFILE_SECTIONS_HOOK):
        sections.extend(hook(request, deputy, date) or [])
    sections.sort(key=lambda section: (section.order, section.heading))
    return [
        {
            "slug": section.slug,
            "heading": section.heading,
            "html": render_to_string(
                section.template_name,
                {**section.context, "deputy": deputy},
                request=request,
            ),
        }
        for section in sections
    ]


def committee_context(page, request):
    today = timezone.localdate()
    term = Term.current(today)
    members = []
    if term is not None:
        members = (
            CommitteeMember.objects.as_of(today)
            .filter(term=term, deputy__live=True)
            .select_related("deputy")
            .prefetch_related(
                Prefetch("deputy__photo", queryset=_photos()),
                Prefetch(
                    "group_contacts",
                    queryset=GroupContact.objects.as_of(today)
                    .select_related("group")
                    .order_by("group__sort_order", "group__name"),
                    to_attr="current_contacts",
                ),
            )
        )
    members = sorted(
        members,
        key=lambda m: (
            CommitteeMember.POST_ORDER.get(m.post, len(CommitteeMember.POST_ORDER)),
            m.sort_order,
            m.deputy.sort_key,
            m.deputy.name,
        ),
    )
    by_post = []
    for key, label in CommitteeMember.POST_CHOICES:
        in_post = [m for m in members if m.post == key]
        if in_post:
            by_post.append({"key": key, "label": label, "members": in_post})
    return {
        "term": term,
        "posts": by_post,
        "member_count": len(members),
        "committee_title": COMMITTEE_TITLE,
        "breadcrumbs_extra": [
            (COMMITTEE_TITLE, page.get_url(request) + page.reverse_subpage("committee"))
        ],
    }


def sitemap_entries(page, request=None):
    """Sitemap rows for the routable sub-pages: the committee page and every public profile."""
    base = page.get_full_url(request)
    if not base:
        return []
    entries = [
        {
            "location": base + page.reverse_subpage("committee"),
            "lastmod": page.last_published_at,
        }
    ]
    for pk, published in (
        Deputy.objects.public()
        .order_by("sort_key", "name", "pk")
        .values_list("pk", "last_published_at")
    ):
        entries.append(
            {
                "location": base + page.reverse_subpage("profile", args=[pk]),
                "lastmod": published,
            }
        )
    return entries
