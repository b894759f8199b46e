"""GET /open-data/popolo.json: valid against the official Popolo JSON schemas, the right persons,
organizations, memberships (roles and dates), posts and areas, nothing private, a constant number
of queries, and cacheable.

The schemas are read from ../shared/popolo (the project root's sibling). Without them the
validation tests are skipped locally with a message, and fail when $CI is set."""

import datetime
import json
import os
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from core.factories import ImageFactory
from deputies.factories import (
    CheckInFactory,
    CommitteeMemberFactory,
    ConstituencyFactory,
    CountyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DeputyIndexPageFactory,
    DutyReportFactory,
    ElectionFactory,
    GroupMembershipFactory,
    TermFactory,
    TownshipFactory,
    VillageFactory,
    VoterContactFactory,
    VoterContactPersonFactory,
    level,
)
from deputies.models import Deputy, Level
from documents.factories import ReviewSuggestionFactory
from stations import factories as station_factories
from stations.factories import (
    ActivityFactory,
    ReceptionFactory,
    StationDeputyFactory,
    StationIndexPageFactory,
)
from tests.helpers import default_home

URL = "/open-data/popolo.json"
POPOLO_SCHEMAS = Path(settings.BASE_DIR).parent / "shared" / "popolo"
# Which schema each top-level list is checked against.
SCHEMA_OF = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "posts": "post",
    "areas": "area",
    "events": "event",
}
# Measured 21 (areas, terms, groups, committee, constituencies and their areas, stations with
# areas and photos, residents, deputies with photos, elections, group memberships, the two
# register pages and the site); the test asserts it does not grow with the data.
MAX_QUERIES = 22


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@cache
def _load_validators():
    resources = []
    schemas = {}
    for path in sorted(POPOLO_SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (schema["id"], Resource.from_contents(schema, default_specification=DRAFT3))
        )
        schemas[path.stem] = schema
    registry = Registry().with_resources(resources)
    return {
        name: Draft3Validator(
            schema, registry=registry, format_checker=Draft3Validator.FORMAT_CHECKER
        )
        for name, schema in schemas.items()
    }


def popolo_validators():
    """{"person": Draft3Validator, …} over ../shared/popolo, every file registered under its id.
    Skips the test when the folder is missing, fails instead under CI."""
    if not (POPOLO_SCHEMAS / "person.json").is_file():
        message = (
            f"The Popolo JSON schemas are missing: expected {POPOLO_SCHEMAS} (../shared/popolo "
            "next to the project, from popolo-project/popolo-spec, schemas/)."
        )
        if in_ci():
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return _load_validators()


def schema_errors(data):
    """Every validation error of the export, as readable lines (empty when valid)."""
    validators = popolo_validators()
    errors = []
    for key, schema in SCHEMA_OF.items():
        for item in data.get(key, []):
            for error in validators[schema].iter_errors(item):
                errors.append(f"{key} {item.get('id')}: {error.message} at {list(error.path)}")
    return errors


class StationFactory(station_factories.StationFactory):
    """Saves after the post-generation hooks, so that `areas` (a ParentalManyToManyField) is
    written (see tests/stations/test_public.py)."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def by_id(items):
    return {item["id"]: item for item in items}


class PopoloData(TestCase):
    """A county with a township and two villages, two terms, a county constituency and a
    township-level one, published deputies (one with a compound surname, one terminated), a
    draft deputy, a deputy group, committee posts, a live and a draft station, and private
    records carrying marker strings (秘密) that must never reach the export."""

    @classmethod
    def setUpTestData(cls):
        home = default_home()
        DeputyIndexPageFactory(parent=home, slug="deputies")
        StationIndexPageFactory(parent=home, slug="stations")
        cls.county = CountyFactory(name="演示县", code="130100000000")
        cls.township = TownshipFactory(
            name="城关镇", parent=cls.county, code="130100001000", sort_order=1
        )
        cls.dongguan = VillageFactory(name="东关社区", kind="community", parent=cls.township)
        cls.xiguan = VillageFactory(name="西关村", parent=cls.township)

        cls.term17 = TermFactory(
            number=17,
            name="第十七届",
            start_date=datetime.date(2016, 12, 1),
            end_date=datetime.date(2021, 11, 30),
        )
        cls.term = TermFactory()  # 第十八届, 2021-12-01 – 2026-12-31
        cls.constituency = ConstituencyFactory(
            term=cls.term, name="第一选区", areas=[cls.dongguan, cls.xiguan]
        )
        cls.township_constituency = ConstituencyFactory(
            term=cls.term, name="镇级第九选区", level=level(Level.TOWNSHIP)
        )

        cls.wang = DeputyFactory(
            name="王建国",
            register_number="REGNO-SECRET-7",
            gender="male",
            birth_year=1975,
            ethnicity="汉族",
            post="东关社区党支部书记",
            phone="0311-86001234",
            email="wangjianguo@example.cn",
            biography="长期从事社区工作。",
            photo=ImageFactory(title="王建国照片", file__width=300, file__height=400),
        )
        cls.ouyang = DeputyFactory(
            name="欧阳明", surname_length=2, gender="female", birth_year=None, phone="", email=""
        )
        cls.former = DeputyFactory(
            name="钱离任",
            status=Deputy.TERMINATED,
            status_date=datetime.date(2025, 3, 1),
            status_reason="transferred",
        )
        cls.draft = DeputyFactory(name="草稿秘密代表", live=False, phone="13511112222")

        cls.wang_election = ElectionFactory(
            deputy=cls.wang, constituency=cls.constituency, elected_date=datetime.date(2021, 11, 20)
        )
        cls.former_election = ElectionFactory(deputy=cls.former, constituency=cls.constituency)
        ElectionFactory(deputy=cls.draft, constituency=cls.constituency)
        cls.township_election = ElectionFactory(
            deputy=cls.ouyang, constituency=cls.township_constituency
        )

        cls.group = DeputyGroupFactory(term=cls.term, name="城关镇代表小组", township=cls.township)
        cls.leader = GroupMembershipFactory(group=cls.group, deputy=cls.wang, role="leader")
        cls.left_group = GroupMembershipFactory(
            group=cls.group, deputy=cls.ouyang, end_date=datetime.date(2024, 6, 30)
        )
        GroupMembershipFactory(group=cls.group, deputy=cls.draft)

        cls.vice_chair = CommitteeMemberFactory(deputy=cls.wang, term=cls.term, post="vice_chair")
        cls.old_member = CommitteeMemberFactory(
            deputy=cls.ouyang,
            term=cls.term17,
            post="member",
            start_date=datetime.date(2016, 12, 1),
            end_date=datetime.date(2021, 11, 30),
        )
        CommitteeMemberFactory(deputy=cls.draft, term=cls.term, post="secretary_general")

        cls.station = StationFactory(
            name="东关社区代表工作站",
            township=cls.township,
            areas=[cls.dongguan],
            address="城关镇东关街18号",
            opening_hours="每周一至周五 8:30—17:30",
            phone="0311-80001111",
            person_in_charge="赵秘密负责人",
            administrator_name="孙秘密管理员",
            administrator_phone="13999990000",
            introduction="<p>服务<b>东关社区</b>。</p>",
            photo=ImageFactory(title="工作站外景"),
        )
        cls.resident = StationDeputyFactory(
            station=cls.station, deputy=cls.wang, role="站长", start_date=datetime.date(2022, 1, 1)
        )
        StationDeputyFactory(station=cls.station, deputy=cls.former)
        StationDeputyFactory(station=cls.station, deputy=cls.draft)
        cls.draft_station = StationFactory(
            name="未发布秘密工作站", township=cls.township, live=False
        )
        StationDeputyFactory(station=cls.draft_station, deputy=cls.ouyang)

        # Private records, each with a marker that must not appear anywhere in the export.
        contact = VoterContactFactory(deputy=cls.wang, summary="联系摘要秘密")
        VoterContactPersonFactory(
            contact=contact,
            name="选民秘密甲",
            phone="13700001234",
            address="秘密住址1号",
            concern="秘密诉求内容",
        )
        ReviewSuggestionFactory(
            name="建议人秘密乙", contact="13600005678", issues="秘密问题", reasons="秘密理由"
        )
        ActivityFactory(station=cls.station, title="内部秘密活动", is_public=False)
        ReceptionFactory(station=cls.station, topic="接待秘密主题")
        CheckInFactory(deputy=cls.wang, group=cls.group, content="报到秘密内容")
        DutyReportFactory(deputy=cls.wang, text="述职秘密全文")

    def get(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return response

    def export(self):
        return json.loads(self.get().content)


class PopoloSchemaTests(PopoloData):
    def test_every_object_validates_against_its_popolo_schema(self):
        data = self.export()
        self.assertEqual(set(data), set(SCHEMA_OF))
        self.assertEqual(schema_errors(data), [])
        self.assertTrue(all(data[key] for key in SCHEMA_OF), "every list has something to check")

    def test_schemas_catch_a_broken_export(self):
        """The validation has teeth: a bad date and a contact without a value are reported."""
        data = self.export()
        data["persons"][0]["birth_date"] = "75年"
        data["persons"][0]["contact_details"] = [{"type": "voice"}]
        self.assertEqual(len(schema_errors(data)), 2)

    def test_no_published_deputy_still_gives_a_valid_export(self):
        Deputy.objects.update(live=False)
        data = self.export()
        self.assertEqual(data["persons"], [])
        self.assertEqual(schema_errors(data), [])


class PopoloContentTests(PopoloData):
    def test_persons_are_the_published_deputies_with_their_public_profile(self):
        persons = by_id(self.export()["persons"])
        self.assertEqual(
            set(persons),
            {f"person/{d.pk}" for d in (self.wang, self.ouyang, self.former)},
        )
        wang = persons[f"person/{self.wang.pk}"]
        self.assertEqual(wang["name"], "王建国")
        self.assertEqual((wang["family_name"], wang["given_name"]), ("王", "建国"))
        self.assertEqual(wang["gender"], "male")
        self.assertEqual(wang["birth_date"], "1975")
        self.assertEqual(wang["summary"], "东关社区党支部书记")
        self.assertEqual(wang["biography"], "长期从事社区工作。")
        self.assertEqual(wang["email"], "wangjianguo@example.cn")
        self.assertEqual(
            [(c["type"], c["value"]) for c in wang["contact_details"]],
            [("voice", "0311-86001234"), ("email", "wangjianguo@example.cn")],
        )
        self.assertEqual(wang["links"][0]["url"], f"http://localhost/deputies/{self.wang.pk}/")
        self.assertTrue(wang["image"].startswith("http://localhost/media/images/"))
        self.assertIn(".fill-360x480.format-webp", wang["image"])

        ouyang = persons[f"person/{self.ouyang.pk}"]
        self.assertEqual((ouyang["family_name"], ouyang["given_name"]), ("欧阳", "明"))
        self.assertNotIn("birth_date", ouyang)
        self.assertNotIn("contact_details", ouyang)
        self.assertNotIn("image", ouyang)
        self.assertNotIn("identifiers", wang, "代表编号 is not on the public profile")

    def test_organizations(self):
        organizations = by_id(self.export()["organizations"])
        congress = organizations["organization/congress"]
        self.assertEqual(congress["name"], "演示县人民代表大会")
        self.assertEqual(congress["classification"], "legislature")
        self.assertEqual(congress["area_id"], f"area/{self.county.pk}")
        committee = organizations["organization/standing-committee"]
        self.assertEqual(committee["name"], "演示县人民代表大会常务委员会")
        self.assertEqual(committee["parent_id"], "organization/congress")

        group = organizations[f"organization/group-{self.group.pk}"]
        self.assertEqual(group["name"], "城关镇代表小组")
        self.assertEqual(group["classification"], "deputy-group")
        self.assertEqual(group["area_id"], f"area/{self.township.pk}")
        self.assertEqual(group["legislative_period_id"], "event/term-18")

        station = organizations[f"organization/station-{self.station.pk}"]
        self.assertEqual(station["classification"], "deputy-station")
        self.assertEqual(station["area_id"], f"area/{self.township.pk}")
        self.assertEqual(station["served_area_ids"], [f"area/{self.dongguan.pk}"])
        self.assertEqual(station["description"], "服务东关社区。")
        self.assertEqual(
            [(c["type"], c["value"]) for c in station["contact_details"]],
            [("address", "城关镇东关街18号"), ("voice", "0311-80001111")],
        )
        self.assertEqual(station["contact_details"][0]["note"], "开放时间：每周一至周五 8:30—17:30")
        self.assertEqual(
            station["links"][0]["url"], f"http://localhost/stations/{self.station.pk}/"
        )
        self.assertNotIn(f"organization/station-{self.draft_station.pk}", organizations)

    def test_memberships_with_roles_and_dates(self):
        memberships = by_id(self.export()["memberships"])
        congress = memberships[f"membership/election-{self.wang_election.pk}"]
        self.assertEqual(
            {key: congress[key] for key in congress if key != "label"},
            {
                "id": f"membership/election-{self.wang_election.pk}",
                "role": "代表",
                "person_id": f"person/{self.wang.pk}",
                "organization_id": "organization/congress",
                "post_id": f"post/constituency-{self.constituency.pk}",
                "area_id": f"area/constituency-{self.constituency.pk}",
                "legislative_period_id": "event/term-18",
                "start_date": "2021-11-20",
                "end_date": "2026-12-31",
            },
        )
        former = memberships[f"membership/election-{self.former_election.pk}"]
        self.assertEqual(former["end_date"], "2025-03-01", "ends when the deputyship ended")
        self.assertNotIn(
            f"membership/election-{self.township_election.pk}",
            memberships,
            "a township congress election is not a membership of the county congress",
        )

        vice_chair = memberships[f"membership/committee-{self.vice_chair.pk}"]
        self.assertEqual(vice_chair["role"], "副主任")
        self.assertEqual(vice_chair["organization_id"], "organization/standing-committee")
        self.assertEqual(vice_chair["post_id"], "post/committee-18-vice-chair")
        self.assertEqual(vice_chair["start_date"], "2021-12-01")
        self.assertNotIn("end_date", vice_chair)
        old = memberships[f"membership/committee-{self.old_member.pk}"]
        self.assertEqual((old["role"], old["end_date"]), ("委员", "2021-11-30"))

        leader = memberships[f"membership/group-{self.leader.pk}"]
        self.assertEqual(leader["role"], "组长")
        self.assertEqual(leader["organization_id"], f"organization/group-{self.group.pk}")
        left = memberships[f"membership/group-{self.left_group.pk}"]
        self.assertEqual((left["role"], left["end_date"]), ("成员", "2024-06-30"))

        resident = memberships[f"membership/station-{self.resident.pk}"]
        self.assertEqual(
            (resident["role"], resident["start_date"], resident["organization_id"]),
            ("站长", "2022-01-01", f"organization/station-{self.station.pk}"),
        )
        stations = [m for m in memberships.values() if m["id"].startswith("membership/station-")]
        self.assertEqual(
            [m["person_id"] for m in stations],
            [f"person/{self.wang.pk}"],
            "only serving, published deputies at live stations, as on the station's wall",
        )

    def test_every_reference_points_into_the_export(self):
        data = self.export()
        ids = {item["id"] for key in SCHEMA_OF for item in data[key]}
        references = [
            value
            for key in SCHEMA_OF
            for item in data[key]
            for name, value in item.items()
            if name.endswith("_id") and name != "id"
        ]
        references += [
            area
            for key in ("organizations", "areas")
            for item in data[key]
            for area in item.get("served_area_ids", []) + item.get("covered_area_ids", [])
        ]
        self.assertTrue(references)
        self.assertEqual([ref for ref in references if ref not in ids], [])

    def test_posts_and_areas(self):
        data = self.export()
        posts = by_id(data["posts"])
        self.assertEqual(
            sorted(posts),
            sorted(
                [
                    "post/committee-17-member",
                    "post/committee-18-vice-chair",
                    f"post/constituency-{self.constituency.pk}",
                ]
            ),
            "posts held by published deputies, and county constituencies only",
        )
        self.assertEqual(posts["post/committee-18-vice-chair"]["role"], "副主任")
        self.assertEqual(posts["post/committee-18-vice-chair"]["end_date"], "2026-12-31")

        areas = by_id(data["areas"])
        county = areas[f"area/{self.county.pk}"]
        self.assertEqual(
            (county["classification"], county["identifier"]), ("county", "130100000000")
        )
        self.assertNotIn("parent_id", county)
        self.assertEqual(areas[f"area/{self.township.pk}"]["parent_id"], f"area/{self.county.pk}")
        self.assertEqual(
            areas[f"area/{self.xiguan.pk}"],
            {
                "id": f"area/{self.xiguan.pk}",
                "name": "西关村",
                "classification": "village",
                "parent_id": f"area/{self.township.pk}",
            },
        )
        constituency = areas[f"area/constituency-{self.constituency.pk}"]
        self.assertEqual(constituency["classification"], "constituency")
        self.assertEqual(
            constituency["covered_area_ids"], [f"area/{self.dongguan.pk}", f"area/{self.xiguan.pk}"]
        )
        events = by_id(data["events"])
        self.assertEqual(
            events["event/term-18"],
            {
                "id": "event/term-18",
                "name": "第十八届演示县人民代表大会",
                "classification": "legislative period",
                "organization_id": "organization/congress",
                "start_date": "2021-12-01",
                "end_date": "2026-12-31",
            },
        )


class PopoloPrivacyTests(PopoloData):
    def test_nothing_private_anywhere_in_the_file(self):
        raw = self.get().content.decode("utf-8")
        self.assertIn("王建国", raw)
        for marker in (
            "秘密",  # voters, suggestion, internal activity, reception, check-in, draft records
            "13700001234",  # a voter's phone
            "13600005678",  # a citizen's contact in a review suggestion
            "13511112222",  # a draft deputy's phone
            "13999990000",  # the station administrator's phone
            "REGNO-SECRET-7",  # 代表编号, not on the public profile
        ):
            self.assertNotIn(marker, raw)
        for pk in (self.draft.pk,):
            self.assertNotIn(f'"person/{pk}"', raw)

    def test_unpublishing_a_deputy_removes_him_and_his_memberships(self):
        Deputy.objects.filter(pk=self.wang.pk).update(live=False)
        raw = self.get().content.decode("utf-8")
        self.assertNotIn("王建国", raw)
        self.assertNotIn(f'"person/{self.wang.pk}"', raw)
        self.assertNotIn("post/committee-18-vice-chair", raw)


class PopoloResponseTests(PopoloData):
    def test_json_in_utf8_cacheable_and_open_to_other_sites(self):
        response = self.get()
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        self.assertEqual(cache_control, {"public", "max-age=300"})
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        body = response.content.decode("utf-8")
        self.assertIn("人民代表大会", body)
        self.assertNotIn("\\u", body, "Chinese is written as UTF-8, not escaped")

    def test_read_only(self):
        self.assertEqual(self.client.head(URL).status_code, 200)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_query_count_does_not_grow_with_the_registers(self):
        def count():
            self.get()  # the first request makes the photo renditions
            with CaptureQueriesContext(connection) as queries:
                self.get()
            return len(queries)

        before = count()
        for n in range(4):
            deputy = DeputyFactory(photo=ImageFactory())
            ElectionFactory(deputy=deputy, constituency=self.constituency)
            group = DeputyGroupFactory(term=self.term, township=self.township)
            GroupMembershipFactory(group=group, deputy=deputy)
            CommitteeMemberFactory(deputy=deputy, term=self.term)
            station = StationFactory(
                township=self.township, areas=[self.xiguan], photo=ImageFactory()
            )
            StationDeputyFactory(station=station, deputy=deputy, role=f"联络员{n}")
            ConstituencyFactory(term=self.term, areas=[self.dongguan])
        after = count()
        self.assertEqual(len(self.export()["persons"]), 7)
        self.assertEqual(before, after)
        self.assertLessEqual(after, MAX_QUERIES)
