"""Initiative responses and appraisal teams linked to the deputies register."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from deputies.factories import DeputyFactory, DeputyIndexPageFactory
from news.factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    InitiativeResponseFactory,
)
from news.models import AppraisalTeamMember, InitiativeResponse
from tests.helpers import default_home, parse


class DeputyLinkData(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.register = DeputyIndexPageFactory(parent=home)
        cls.wang = DeputyFactory(name="王建华", post="某村党支部书记")
        cls.draft = DeputyFactory(name="李未发", live=False)
        initiatives = InitiativeIndexPageFactory(parent=home, slug="initiatives")
        cls.initiative = InitiativePageFactory(
            parent=initiatives, slug="zhenxing", title="振兴乡村倡议书"
        )
        for deputy, name, funds in [
            (cls.wang, "王建华", Decimal("1000")),
            (cls.wang, "王建华", Decimal("500")),
            (None, "王建华", Decimal("10")),  # a namesake outside the register
            (cls.draft, "李未发", None),
        ]:
            InitiativeResponseFactory(
                page=cls.initiative, deputy=deputy, deputy_name=name, funds=funds
            )
        appraisals = AppraisalIndexPageFactory(parent=home, slug="appraisals")
        cls.appraisal = AppraisalPageFactory(parent=appraisals, slug="a-2026", year=2026)
        AppraisalTeamMember.objects.create(
            page=cls.appraisal, deputy=cls.wang, name="王建华", role="组长"
        )
        AppraisalTeamMember.objects.create(page=cls.appraisal, name="赵外聘", role="成员")

    def profile_url(self, deputy):
        return f"/deputies/{deputy.pk}/"


class TestInitiativeLinks(DeputyLinkData):
    def test_totals_count_register_entries_and_names_apart(self):
        totals = self.initiative.totals()
        # 王建华 in the register (twice), a namesake without a record, and 李未发.
        self.assertEqual(totals["deputies"], 3)
        self.assertEqual(totals["responses"], 4)
        self.assertEqual(totals["funds"], Decimal("1510"))

    def test_published_deputies_link_to_their_profile(self):
        response = self.client.get("/initiatives/zhenxing/")
        rows = parse(response).select("table tbody tr th")
        links = [(th.get_text(" ", strip=True), th.find("a")) for th in rows]
        self.assertEqual(links[0][1]["href"], self.profile_url(self.wang))
        self.assertEqual(links[1][1]["href"], self.profile_url(self.wang))
        self.assertIsNone(links[2][1], "a name outside the register is not linked")
        self.assertIsNone(links[3][1], "a draft deputy is not linked")

    def test_no_register_page_means_no_links(self):
        self.register.unpublish()
        response = self.client.get("/initiatives/zhenxing/")
        self.assertEqual(parse(response).select("table tbody tr th a"), [])

    def test_query_count_does_not_grow_with_responses(self):
        self.client.get("/initiatives/zhenxing/")  # warm caches (site, settings)
        before = self._count_queries("/initiatives/zhenxing/")
        for _ in range(5):
            InitiativeResponseFactory(page=self.initiative, deputy=DeputyFactory())
        self.assertEqual(self._count_queries("/initiatives/zhenxing/"), before)

    def _count_queries(self, url):
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_a_chosen_deputy_fills_the_name(self):
        response = InitiativeResponse(page=self.initiative, deputy=self.wang, action="捐资")
        response.full_clean()
        self.assertEqual(response.deputy_name, "王建华")

    def test_neither_deputy_nor_name_is_refused(self):
        response = InitiativeResponse(page=self.initiative, action="捐资")
        with self.assertRaises(ValidationError) as caught:
            response.full_clean()
        self.assertEqual(
            caught.exception.message_dict["deputy_name"], ["请选择代表或填写代表姓名。"]
        )


class TestAppraisalTeamLinks(DeputyLinkData):
    def test_team_members_in_the_register_link_to_their_profile(self):
        response = self.client.get("/appraisals/a-2026/")
        team = parse(response).find("ul", class_="team")
        self.assertEqual(team.find("a", string="王建华")["href"], self.profile_url(self.wang))
        self.assertIsNone(team.find("a", string="赵外聘"))
        self.assertIn("赵外聘", team.get_text())

    def test_neither_deputy_nor_name_is_refused(self):
        member = AppraisalTeamMember(page=self.appraisal, role="成员")
        with self.assertRaises(ValidationError) as caught:
            member.full_clean()
        self.assertEqual(caught.exception.message_dict["name"], ["请选择代表或填写姓名。"])


class TestProfileSections(DeputyLinkData):
    def test_profile_lists_initiatives_and_appraisals(self):
        response = self.client.get(self.profile_url(self.wang))
        self.assertEqual(response.status_code, 200)
        soup = parse(response)
        headings = [h.get_text(strip=True) for h in soup.find_all("h3")]
        self.assertIn("响应倡议", headings)
        self.assertIn("参加部门评议", headings)
        self.assertIsNotNone(soup.find("a", href="/initiatives/zhenxing/"))
        self.assertIsNotNone(soup.find("a", href="/appraisals/a-2026/"))

    def test_unpublished_initiatives_are_not_listed(self):
        self.initiative.unpublish()
        response = self.client.get(self.profile_url(self.wang))
        headings = [h.get_text(strip=True) for h in parse(response).find_all("h3")]
        self.assertNotIn("响应倡议", headings)
        self.assertIsNone(parse(response).find("a", href="/initiatives/zhenxing/"))
