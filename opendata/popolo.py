"""The registers as Popolo JSON (http://www.popoloproject.com/), served at /open-data/popolo.json.

    persons        published deputies (Deputy.objects.public()), with what their profile shows
    organizations  the county people's congress, its standing committee, the deputy groups and
                   the live stations
    memberships    deputy → congress per term (constituency as post and area), deputy → group,
                   committee member → standing committee (主任/副主任/秘书长/委员), resident
                   deputy → station
    posts          the standing committee's posts per term and the county constituencies' seats
    areas          county → townships/streets → villages/communities (parent_id), and the county
                   constituencies
    events         the terms (届) as legislative periods

Only what the public pages show goes in: no voters (VoterContact, VoterContactPerson), no
check-ins or duty reports, no station activities, receptions or staff (负责人, 管理员), no
register number (代表编号), no draft deputies or stations. Ids are stable strings built from
primary keys ("person/12", "organization/group-3", "area/5"); see docs/open-data.md.

Two extensions Popolo leaves open, named after the EveryPolitician convention where one exists:
`legislative_period_id` on memberships and groups (the term's event), `served_area_ids` on
stations (the villages/communities a station serves) and `covered_area_ids` on constituencies.

The number of queries does not depend on the number of deputies, groups or stations: every
relation is fetched once, and photos with their renditions."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import Site

from deputies.models import (
    Area,
    CommitteeMember,
    Constituency,
    Deputy,
    DeputyGroup,
    DeputyIndexPage,
    Election,
    GroupMembership,
    Level,
    Term,
)
from deputies.views import PROFILE_PHOTO
from stations.models import Station, StationDeputy, StationIndexPage
from stations.views import STATION_PHOTO

CONGRESS_ID = "organization/congress"
COMMITTEE_ID = "organization/standing-committee"
DEFAULT_COUNTY_NAME = "县"

STATION_CLASSIFICATION = {
    "station": "deputy-station",
    "home": "deputy-home",
    "point": "deputy-liaison-point",
}
AREA_DEPTH = {
    Area.COUNTY: 0,
    Area.TOWNSHIP: 1,
    Area.STREET: 1,
    Area.VILLAGE: 2,
    Area.COMMUNITY: 2,
}
RESIDENT_ROLE = "进站代表"
DEPUTY_ROLE = "代表"


def _compact(data):
    """The object without empty values: Popolo treats a missing property as unknown."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _date(value):
    return value.isoformat() if value else None


def area_id(area_pk):
    return f"area/{area_pk}" if area_pk else None


def term_event_id(term):
    return f"event/term-{term.number}"


def _text(html):
    """Plain text of a rich text field, whitespace collapsed."""
    return " ".join(strip_tags(html or "").split())


class PopoloExport:
    """Builds the export for one request (absolute URLs are the request's host)."""

    def __init__(self, request):
        self.request = request
        self.today = timezone.localdate()
        self.areas = sorted(
            Area.objects.all(),
            key=lambda area: (AREA_DEPTH.get(area.kind, 3), area.sort_order, area.name, area.pk),
        )
        counties = [area for area in self.areas if area.kind == Area.COUNTY]
        self.county = counties[0] if len(counties) == 1 else None
        county_name = self.county.name if self.county else DEFAULT_COUNTY_NAME
        self.congress_name = f"{county_name}人民代表大会"
        self.committee_name = f"{county_name}人民代表大会常务委员会"
        self.short_name = f"{county_name}人大"
        self.profile_prefix = self._route_prefix(DeputyIndexPage, "profile")
        self.station_prefix = self._route_prefix(StationIndexPage, "station")

    # -- helpers -------------------------------------------------------------------------

    def _route_prefix(self, model, route):
        """The absolute URL of a live register page's <pk>/ route up to the pk, or None."""
        page = model.objects.live().public().first()
        if page is None:
            return None
        base = page.get_full_url(self.request)
        if not base:
            return None
        return base + page.reverse_subpage(route, args=[0]).removesuffix("0/")

    def _absolute(self, url):
        """An absolute URL on the site's own root (as the pages' URLs), for media files."""
        if url.startswith(("http://", "https://")):
            return url
        site = Site.find_for_request(self.request)
        if site is not None:
            return site.root_url + url
        return self.request.build_absolute_uri(url)

    def _image(self, image, spec):
        if image is None:
            return None
        return self._absolute(image.get_rendition(spec).url)

    def _photos(self, spec):
        return get_image_model().objects.prefetch_renditions(spec)

    # -- querysets ------------------------------------------------------------------------

    def deputies(self):
        return (
            Deputy.objects.public()
            .prefetch_related(Prefetch("photo", queryset=self._photos(PROFILE_PHOTO)))
            .order_by("sort_key", "name", "pk")
        )

    def elections(self):
        """Elections of published deputies in the county constituencies (the county congress)."""
        return (
            Election.objects.filter(deputy__live=True, constituency__level__code=Level.COUNTY)
            .select_related("deputy", "constituency__term")
            .order_by("constituency__term__number", "deputy__sort_key", "pk")
        )

    def constituencies(self):
        return (
            Constituency.objects.filter(level__code=Level.COUNTY)
            .select_related("term")
            .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("sort_order", "pk")))
            .order_by("term__number", "name", "pk")
        )

    def stations(self):
        return (
            Station.objects.public()
            .select_related("township")
            .prefetch_related(
                Prefetch("areas", queryset=Area.objects.order_by("sort_order", "name", "pk")),
                Prefetch("photo", queryset=self._photos(STATION_PHOTO)),
            )
        )

    def residents(self):
        """Resident deputies as on the station's wall: published and serving, at live stations."""
        serving = Deputy.objects.public().serving(self.today)
        return (
            StationDeputy.objects.filter(station__live=True, deputy__in=serving)
            .select_related("station")
            .order_by("station_id", "sort_order", "pk")
        )

    # -- the export -----------------------------------------------------------------------

    def build(self):
        terms = list(Term.objects.order_by("number"))
        groups = list(
            DeputyGroup.objects.select_related("term").order_by(
                "term__number", "sort_order", "name", "pk"
            )
        )
        committee = list(
            CommitteeMember.objects.filter(deputy__live=True)
            .select_related("term")
            .order_by("term__number", "sort_order", "pk")
        )
        constituencies = list(self.constituencies())
        stations = list(self.stations())
        memberships = [
            *self.congress_memberships(),
            *self.committee_memberships(committee),
            *self.group_memberships(),
            *self.station_memberships(),
        ]
        return {
            "persons": [self.person(deputy) for deputy in self.deputies()],
            "organizations": [
                *self.bodies(),
                *(self.group(group) for group in groups),
                *(self.station(station) for station in stations),
            ],
            "memberships": memberships,
            "posts": [
                *self.committee_posts(committee),
                *(self.constituency_post(item) for item in constituencies),
            ],
            "areas": [
                *(self.area(area) for area in self.areas),
                *(self.constituency_area(item) for item in constituencies),
            ],
            "events": [self.term(term) for term in terms],
        }

    # -- persons ----------------------------------------------------------------------------

    def person(self, deputy):
        contact_details = []
        if deputy.phone:
            contact_details.append({"type": "voice", "label": "联系电话", "value": deputy.phone})
        if deputy.email:
            contact_details.append({"type": "email", "label": "电子邮箱", "value": deputy.email})
        links = []
        if self.profile_prefix:
            links.append({"url": f"{self.profile_prefix}{deputy.pk}/", "note": "代表履职档案"})
        return _compact(
            {
                "id": f"person/{deputy.pk}",
                "name": deputy.name,
                "family_name": deputy.surname,
                "given_name": deputy.given_name,
                "gender": deputy.gender,
                "birth_date": str(deputy.birth_year) if deputy.birth_year else None,
                "national_identity": deputy.ethnicity,
                "email": deputy.email,
                "image": self._image(deputy.photo, PROFILE_PHOTO),
                "summary": deputy.post,
                "biography": deputy.biography,
                "contact_details": contact_details,
                "links": links,
            }
        )

    # -- organizations ----------------------------------------------------------------------

    def bodies(self):
        county = area_id(self.county.pk) if self.county else None
        return [
            _compact(
                {
                    "id": CONGRESS_ID,
                    "name": self.congress_name,
                    "other_names": [{"name": self.short_name}],
                    "classification": "legislature",
                    "area_id": county,
                }
            ),
            _compact(
                {
                    "id": COMMITTEE_ID,
                    "name": self.committee_name,
                    "other_names": [{"name": f"{self.short_name}常委会"}],
                    "classification": "committee",
                    "parent_id": CONGRESS_ID,
                    "area_id": county,
                }
            ),
        ]

    def group(self, group):
        return _compact(
            {
                "id": f"organization/group-{group.pk}",
                "name": group.name,
                "classification": "deputy-group",
                "description": f"{group.term.name}{self.congress_name}代表小组",
                "parent_id": CONGRESS_ID,
                "area_id": area_id(group.township_id),
                "legislative_period_id": term_event_id(group.term),
            }
        )

    def station(self, station):
        address = {"type": "address", "label": "地址", "value": station.address}
        if station.opening_hours:
            address["note"] = f"开放时间：{station.opening_hours}"
        contact_details = [address] if station.address else []
        if station.phone:
            contact_details.append({"type": "voice", "label": "联系电话", "value": station.phone})
        links = []
        if self.station_prefix:
            links.append({"url": f"{self.station_prefix}{station.pk}/", "note": "站点信息"})
        return _compact(
            {
                "id": f"organization/station-{station.pk}",
                "name": station.name,
                "other_names": [{"name": station.get_kind_display(), "note": "类型"}],
                "classification": STATION_CLASSIFICATION.get(station.kind, "deputy-station"),
                "description": _text(station.introduction),
                "area_id": area_id(station.township_id),
                "served_area_ids": [area_id(area.pk) for area in station.areas.all()],
                "image": self._image(station.photo, STATION_PHOTO),
                "contact_details": contact_details,
                "links": links,
            }
        )

    # -- memberships ------------------------------------------------------------------------

    def congress_memberships(self):
        for election in self.elections():
            deputy = election.deputy
            term = election.constituency.term
            end = term.end_date
            if deputy.status == Deputy.TERMINATED and deputy.status_date:
                end = min(end, deputy.status_date) if end else deputy.status_date
            yield _compact(
                {
                    "id": f"membership/election-{election.pk}",
                    "label": f"{term.name}{self.congress_name}代表",
                    "role": DEPUTY_ROLE,
                    "person_id": f"person/{deputy.pk}",
                    "organization_id": CONGRESS_ID,
                    "post_id": f"post/constituency-{election.constituency_id}",
                    "area_id": f"area/constituency-{election.constituency_id}",
                    "legislative_period_id": term_event_id(term),
                    "start_date": _date(
                        election.elected_date or deputy.elected_date or term.start_date
                    ),
                    "end_date": _date(end),
                }
            )

    def committee_memberships(self, committee):
        for member in committee:
            yield _compact(
                {
                    "id": f"membership/committee-{member.pk}",
                    "label": f"{member.term.name}{self.committee_name}{member.get_post_display()}",
                    "role": member.get_post_display(),
                    "person_id": f"person/{member.deputy_id}",
                    "organization_id": COMMITTEE_ID,
                    "post_id": self.committee_post_id(member.term, member.post),
                    "legislative_period_id": term_event_id(member.term),
                    "start_date": _date(member.start_date),
                    "end_date": _date(member.end_date),
                }
            )

    def group_memberships(self):
        memberships = GroupMembership.objects.filter(deputy__live=True).order_by(
            "group_id", "sort_order", "pk"
        )
        for membership in memberships:
            yield _compact(
                {
                    "id": f"membership/group-{membership.pk}",
                    "role": membership.get_role_display(),
                    "person_id": f"person/{membership.deputy_id}",
                    "organization_id": f"organization/group-{membership.group_id}",
                    "start_date": _date(membership.start_date),
                    "end_date": _date(membership.end_date),
                }
            )

    def station_memberships(self):
        for resident in self.residents():
            yield _compact(
                {
                    "id": f"membership/station-{resident.pk}",
                    "label": RESIDENT_ROLE,
                    "role": resident.role or RESIDENT_ROLE,
                    "person_id": f"person/{resident.deputy_id}",
                    "organization_id": f"organization/station-{resident.station_id}",
                    "start_date": _date(resident.start_date),
                }
            )

    # -- posts ------------------------------------------------------------------------------

    @staticmethod
    def committee_post_id(term, post):
        return f"post/committee-{term.number}-{post.replace('_', '-')}"

    def committee_posts(self, committee):
        """One post per term and 职务 held by a published deputy, in the official order."""
        labels = dict(CommitteeMember.POST_CHOICES)
        held = {(member.term.number, member.post): member.term for member in committee}
        ordered = sorted(
            held.items(),
            key=lambda item: (item[0][0], CommitteeMember.POST_ORDER.get(item[0][1], 99)),
        )
        return [
            _compact(
                {
                    "id": self.committee_post_id(term, post),
                    "label": f"{term.name}{self.committee_name}{labels.get(post, post)}",
                    "role": labels.get(post, post),
                    "organization_id": COMMITTEE_ID,
                    "start_date": _date(term.start_date),
                    "end_date": _date(term.end_date),
                }
            )
            for (_number, post), term in ordered
        ]

    def constituency_post(self, constituency):
        term = constituency.term
        return _compact(
            {
                "id": f"post/constituency-{constituency.pk}",
                "label": f"{term.name}{self.congress_name}代表（{constituency.name}）",
                "role": DEPUTY_ROLE,
                "organization_id": CONGRESS_ID,
                "area_id": f"area/constituency-{constituency.pk}",
                "start_date": _date(term.start_date),
                "end_date": _date(term.end_date),
            }
        )

    # -- areas and events -------------------------------------------------------------------

    def area(self, area):
        return _compact(
            {
                "id": area_id(area.pk),
                "name": area.name,
                "identifier": area.code,
                "classification": area.kind,
                "parent_id": area_id(area.parent_id),
            }
        )

    def constituency_area(self, constituency):
        covered = list(constituency.areas.all())
        return _compact(
            {
                "id": f"area/constituency-{constituency.pk}",
                "name": f"{constituency.term.name}{constituency.name}",
                "classification": "constituency",
                "parent_id": area_id(self.county.pk) if self.county else None,
                "covered_area_ids": [area_id(area.pk) for area in covered],
            }
        )

    def term(self, term):
        return _compact(
            {
                "id": term_event_id(term),
                "name": f"{term.name}{self.congress_name}",
                "classification": "legislative period",
                "organization_id": CONGRESS_ID,
                "start_date": _date(term.start_date),
                "end_date": _date(term.end_date),
            }
        )


def popolo(request):
    """The whole export as a dict (see the module docstring)."""
    return PopoloExport(request).build()
