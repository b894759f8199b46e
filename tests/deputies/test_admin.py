"""The register's admin (menu 代表管理) as a superuser: listings, filters, Chinese search, CSV and
XLSX export, inspect views, create/edit with inline rows, drafts and revisions, form rules, and the
本季度未报到代表 report."""

import datetime

from django import forms
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from deputies.factories import (
    CheckInFactory,
    ConstituencyFactory,
    DeputyFactory,
    ElectionFactory,
    GroupMembershipFactory,
)
from deputies.models import (
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
from deputies.models.base import quarter_bounds, quarter_of
from tests.admin_helpers import ListingAssertions, body, csv_rows, listed, make_user, url, xlsx_rows

from .admin_helpers import VOTER_ADDRESS, VOTER_NAME, VOTER_PHONE, RegisterData

END_BEFORE_START = "结束日期不能早于开始日期。"
OVERDUE_URL = "deputies_overdue_checkins:index"


class AdminTestCase(ListingAssertions, RegisterData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.create_register()
        cls.superuser = make_user("admin", superuser=True)

    def setUp(self):
        self.client.force_login(self.superuser)


def deputy_form_data(elections=(), initial=0, levels=None, **fields):
    """POST data of the deputy form (what the edit page submits), with inline elections."""
    data = nested_form_data(
        {
            "register_number": "D-100",
            "name": "钱学军",
            "surname_length": "1",
            "photo": "",
            "gender": "male",
            "ethnicity": "汉族",
            "birth_year": "1975",
            "party": "中共党员",
            "education": "大学本科",
            "post": "河口乡农业服务中心主任",
            "phone": "",
            "email": "",
            "biography": "",
            "elected_date": "2021-11-20",
            "status": Deputy.SERVING,
            "status_date": "",
            "status_reason": "",
            "elections": inline_formset(list(elections), initial=initial),
            "supervision_roles": inline_formset([]),
        }
    )
    data.update(fields)
    data["levels"] = [str(level.pk) for level in levels] if levels is not None else []
    return data


class TestDeputyListing(AdminTestCase):
    def test_lists_every_deputy_with_its_columns(self):
        response = self.client.get(url(Deputy, "list"))
        self.assertCountEqual(
            listed(response), [self.wang, self.li, self.zhao, self.ouyang, self.draft]
        )
        html = response.content.decode()
        for text in ("王建国", "D-001", "县", "第十八届县级第一选区", "城关镇", "终止"):
            self.assertIn(text, html)

    def test_query_count_does_not_grow_with_the_rows(self):
        def queries(**params):
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url(Deputy, "list"), params).status_code, 200)
            return len(captured.captured_queries)

        before = queries()
        for number in range(10):
            deputy = DeputyFactory(register_number=f"Q{number}")
            ElectionFactory(deputy=deputy, constituency=self.second)
            GroupMembershipFactory(group=self.hekou_group, deputy=deputy)
        self.assertEqual(queries(), before)
        self.assertEqual(queries(export="csv"), queries(export="csv", status="serving"))

    def test_status_column_knows_scheduled_revisions(self):
        revision = self.wang.save_revision()
        revision.approved_go_live_at = timezone.now() + datetime.timedelta(days=3)
        revision.save()
        rows = {deputy.pk: deputy for deputy in self.listing(Deputy)}
        self.assertEqual(rows[self.wang.pk].scheduled_revision, revision)
        self.assertTrue(rows[self.wang.pk].approved_schedule)
        self.assertIsNone(rows[self.li.pk].scheduled_revision)

    def test_filter_by_term_goes_through_the_constituencies(self):
        self.assertListed(Deputy, {"term": self.term.pk}, [self.wang, self.li])
        self.assertListed(Deputy, {"term": self.old_term.pk}, [self.ouyang])

    def test_filter_by_level(self):
        self.assertListed(
            Deputy,
            {"level": self.county_level.pk},
            [self.wang, self.li, self.ouyang, self.draft],
        )
        self.assertListed(Deputy, {"level": self.township_level.pk}, [self.li])
        self.assertListed(Deputy, {"level": self.city_level.pk}, [self.zhao])

    def test_filter_by_township_covers_constituency_areas_and_groups(self):
        # 王建国: elected in a constituency covering 东风村 (in 城关镇); 欧阳明月: an old
        # constituency covering 城关镇 itself.
        self.assertListed(Deputy, {"township": self.chengguan.pk}, [self.wang, self.ouyang])
        # 李秀英: constituency and group; 赵卫东 (city deputy): only the 河口乡 group.
        self.assertListed(Deputy, {"township": self.hekou.pk}, [self.li, self.zhao])

    def test_township_with_a_term_counts_that_terms_constituencies_only(self):
        # Elected in 城关镇 this term, in 河口乡 the term before.
        moved = DeputyFactory(name="孙二届", register_number="D-010")
        ElectionFactory(deputy=moved, constituency=self.first)
        old_second = ConstituencyFactory(term=self.old_term, name="第二选区", areas=[self.hekou])
        ElectionFactory(deputy=moved, constituency=old_second)
        self.assertIn(moved, self.listing(Deputy, township=self.hekou.pk))
        self.assertNotIn(moved, self.listing(Deputy, township=self.hekou.pk, term=self.term.pk))
        self.assertListed(Deputy, {"township": self.hekou.pk, "term": self.old_term.pk}, [moved])
        self.assertListed(
            Deputy, {"township": self.chengguan.pk, "term": self.term.pk}, [self.wang, moved]
        )

    def test_filter_by_group(self):
        self.assertListed(Deputy, {"group": self.hekou_group.pk}, [self.li, self.zhao])
        self.assertListed(Deputy, {"group": self.chengguan_group.pk}, [self.wang])

    def test_filter_by_status(self):
        self.assertListed(Deputy, {"status": Deputy.TERMINATED}, [self.li])
        self.assertNotIn(self.li, self.listing(Deputy, status=Deputy.SERVING))

    def test_filters_combine_and_list_each_deputy_once(self):
        # 李秀英 is elected in two constituencies of the term: listed once.
        self.assertListed(Deputy, {"term": self.term.pk, "township": self.hekou.pk}, [self.li])
        self.assertListed(Deputy, {"term": self.term.pk, "status": Deputy.SERVING}, [self.wang])

    def test_search_in_chinese_by_surname_given_name_and_post(self):
        self.assertListed(Deputy, {"q": "王"}, [self.wang])
        self.assertListed(Deputy, {"q": "建国"}, [self.wang])
        self.assertListed(Deputy, {"q": "秀英"}, [self.li])
        self.assertListed(Deputy, {"q": "欧阳"}, [self.ouyang])
        self.assertListed(Deputy, {"q": "支部书记"}, [self.wang])
        self.assertListed(Deputy, {"q": "D-003"}, [self.zhao])
        self.assertListed(Deputy, {"q": "不存在的人"}, [])

    def test_search_results_fragment(self):
        response = self.client.get(url(Deputy, "list_results"), {"q": "建国"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "王建国")
        self.assertNotContains(response, "李秀英")


class TestDeputyExport(AdminTestCase):
    HEADINGS = ["代表编号", "姓名", "性别", "代表层级", "选区", "乡镇（街道）", "代表小组", "状态"]

    def assertNoVoterData(self, content):
        for private in (VOTER_NAME, VOTER_PHONE, VOTER_ADDRESS):
            self.assertNotIn(private, content)

    def test_csv(self):
        response = self.client.get(url(Deputy, "list"), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn(".csv", response["Content-Disposition"])
        header, *rows = csv_rows(response)
        for heading in self.HEADINGS:
            self.assertIn(heading, header)
        self.assertEqual(len(rows), Deputy.objects.count())
        by_number = {
            row[header.index("代表编号")]: dict(zip(header, row, strict=True)) for row in rows
        }
        wang = by_number["D-001"]
        self.assertEqual(wang["姓名"], "王建国")
        self.assertEqual(wang["代表层级"], "县")
        self.assertEqual(wang["选区"], "第十八届县级第一选区")
        self.assertEqual(wang["乡镇（街道）"], "城关镇")
        self.assertEqual(wang["代表小组"], "城关镇代表小组")
        self.assertEqual(wang["状态"], "在任")
        self.assertEqual(by_number["D-002"]["代表层级"], "县、乡镇")
        self.assertEqual(by_number["D-002"]["终止原因"], "调离")
        self.assertEqual(by_number["D-005"]["已发布"], "否")
        self.assertNoVoterData(body(response).decode("utf-8"))

    def test_csv_follows_the_filters(self):
        response = self.client.get(url(Deputy, "list"), {"export": "csv", "status": "terminated"})
        header, *rows = csv_rows(response)
        self.assertEqual([row[header.index("姓名")] for row in rows], ["李秀英"])

    def test_xlsx(self):
        response = self.client.get(url(Deputy, "list"), {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(".xlsx", response["Content-Disposition"])
        header, *rows = xlsx_rows(response)
        for heading in self.HEADINGS:
            self.assertIn(heading, header)
        self.assertEqual(len(rows), Deputy.objects.count())
        wang = next(dict(zip(header, row, strict=True)) for row in rows if row[0] == "D-001")
        self.assertEqual(wang["姓名"], "王建国")
        self.assertEqual(wang["乡镇（街道）"], "城关镇")
        elected = wang["当选日期"]
        if isinstance(elected, datetime.datetime):
            elected = elected.date()
        self.assertEqual(elected, datetime.date(2021, 11, 20))
        cells = " ".join(str(cell) for row in rows for cell in row if cell is not None)
        self.assertNoVoterData(cells)

    def test_export_columns_are_the_deputys_own_fields_or_listed_summaries(self):
        viewset = Deputy.snippet_viewset
        own = {f.name for f in Deputy._meta.concrete_fields}
        for column in viewset.list_export:
            with self.subTest(column=column):
                self.assertNotIn(".", column, "no column reaches into another model")
                if column in viewset.export_accessors:
                    self.assertIn(column, {"levels", "constituencies", "townships", "groups"})
                else:
                    name = column.removeprefix("get_").removesuffix("_display")
                    self.assertIn(name, own)


class TestDeputyInspect(AdminTestCase):
    def test_inspect_shows_the_record(self):
        response = self.client.get(url(Deputy, "inspect", self.wang.pk))
        self.assertEqual(response.status_code, 200)
        for text in (
            "王建国",
            "D-001",
            "第十八届县级第一选区",
            "城关镇代表小组（第十八届，组长）",
            "第十八届副主任",
            "履职记录",
            "报到 1 次，参加培训 2 次，述职 1 次，联系选民 15 人次",
            "已发布",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, VOTER_NAME)
        self.assertNotContains(response, VOTER_PHONE)


class TestDeputyCreateAndEdit(AdminTestCase):
    def test_create_with_an_election_and_publish(self):
        data = deputy_form_data(
            elections=[{"constituency": self.second.pk, "elected_date": "2021-11-20"}],
            levels=[self.county_level],
        )
        data["action-publish"] = "action-publish"
        response = self.client.post(url(Deputy, "add"), data)
        self.assertEqual(response.status_code, 302)
        deputy = Deputy.objects.get(register_number="D-100")
        self.assertTrue(deputy.live)
        self.assertEqual([e.constituency for e in deputy.elections.all()], [self.second])
        self.assertEqual(list(deputy.levels.all()), [self.county_level])

    def test_create_without_publishing_makes_a_draft(self):
        data = deputy_form_data(levels=[self.county_level])
        response = self.client.post(url(Deputy, "add"), data)
        self.assertEqual(response.status_code, 302)
        deputy = Deputy.objects.get(register_number="D-100")
        self.assertFalse(deputy.live)
        self.assertIsNotNone(deputy.latest_revision)

    def edit_wang(self, publish=False, **fields):
        election = self.wang.elections.get()
        data = deputy_form_data(
            elections=[
                {
                    "id": str(election.pk),
                    "constituency": self.first.pk,
                    "elected_date": "2021-11-20",
                }
            ],
            initial=1,
            levels=[self.county_level],
            register_number="D-001",
            name="王建国",
            **{"post": self.wang.post, **fields},
        )
        if publish:
            data["action-publish"] = "action-publish"
        return self.client.post(url(Deputy, "edit", self.wang.pk), data)

    def test_saving_a_draft_keeps_the_live_version_and_publishing_changes_it(self):
        response = self.edit_wang(post="县农业农村局局长")
        self.assertEqual(response.status_code, 302)
        wang = Deputy.objects.get(pk=self.wang.pk)
        self.assertEqual(wang.post, "城关镇东风村党支部书记", "live record unchanged")
        self.assertTrue(wang.live)
        self.assertTrue(wang.has_unpublished_changes)
        self.assertEqual(wang.latest_revision.as_object().post, "县农业农村局局长")
        # The public list still reads the live record.
        self.assertTrue(Deputy.objects.public().filter(post="城关镇东风村党支部书记").exists())

        response = self.edit_wang(post="县农业农村局局长", publish=True)
        self.assertEqual(response.status_code, 302)
        wang.refresh_from_db()
        self.assertEqual(wang.post, "县农业农村局局长")
        self.assertFalse(wang.has_unpublished_changes)
        self.assertEqual(wang.revisions.count(), 2)

    def test_edit_page_and_history_render(self):
        for view in ("edit", "history", "usage"):
            with self.subTest(view=view):
                response = self.client.get(url(Deputy, view, self.wang.pk))
                self.assertEqual(response.status_code, 200)

    def test_two_constituencies_of_one_term_and_level_are_rejected(self):
        data = deputy_form_data(
            elections=[
                {"constituency": self.first.pk, "elected_date": ""},
                {"constituency": self.second.pk, "elected_date": ""},
            ],
            levels=[self.county_level],
        )
        response = self.client.post(url(Deputy, "add"), data)
        self.assertEqual(response.status_code, 200)
        forms = response.context["form"].formsets["elections"].forms
        self.assertFalse(forms[0].errors)
        [message] = forms[1].errors["constituency"]
        self.assertIn("同一届次、同一层级的代表只能在一个选区当选", message)
        self.assertIn("第十八届县级第一选区", message)
        self.assertContains(response, "同一届次、同一层级的代表只能在一个选区当选")
        self.assertFalse(Deputy.objects.filter(register_number="D-100").exists())

    def test_other_levels_terms_and_deleted_rows_do_not_clash(self):
        cases = {
            "county and township level": [
                {"constituency": self.first.pk},
                {"constituency": self.town_first.pk},
            ],
            "two terms": [{"constituency": self.first.pk}, {"constituency": self.old_first.pk}],
            "row marked for deletion": [
                {"constituency": self.first.pk},
                {"constituency": self.second.pk, "DELETE": "1"},
            ],
        }
        for number, (case, elections) in enumerate(cases.items()):
            with self.subTest(case):
                data = deputy_form_data(
                    elections=elections, levels=[self.county_level], register_number=f"X{number}"
                )
                response = self.client.post(url(Deputy, "add"), data)
                self.assertEqual(response.status_code, 302, case)
        self.assertEqual(
            list(
                Deputy.objects.get(register_number="X2").elections.values_list(
                    "constituency", flat=True
                )
            ),
            [self.first.pk],
        )

    def test_terminated_deputy_needs_date_and_reason(self):
        data = deputy_form_data(levels=[self.county_level], status=Deputy.TERMINATED)
        response = self.client.post(url(Deputy, "add"), data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["status_date"], ["代表资格终止时请填写终止日期。"])
        self.assertEqual(errors["status_reason"], ["代表资格终止时请选择终止原因。"])
        self.assertFalse(Deputy.objects.filter(register_number="D-100").exists())

        data.update(status_date="2025-03-01", status_reason="resigned")
        self.assertEqual(self.client.post(url(Deputy, "add"), data).status_code, 302)


class TestIncompleteRowsAndGroups(AdminTestCase):
    """Issue 16 item 10: an incomplete constituency row names the field; a new deputy is put in
    his deputy group from his own form."""

    def test_an_incomplete_constituency_row_names_the_field(self):
        data = deputy_form_data(
            elections=[{"constituency": "", "elected_date": "2021-11-20"}],
            levels=[self.county_level],
        )
        data["action-publish"] = "action-publish"
        response = self.client.post(url(Deputy, "add"), data)
        self.assertEqual(response.status_code, 200)
        shown = " ".join(str(message) for message in response.context["messages"])
        self.assertIn("选区第 1 行 · 选区：请选择选区（或删除这一行）。", shown)
        self.assertContains(response, "请选择选区（或删除这一行）。")
        self.assertNotContains(response, "必需字段")
        self.assertFalse(Deputy.objects.filter(register_number="D-100").exists())

    def test_errors_of_the_main_form_are_named_too(self):
        data = deputy_form_data(levels=[self.county_level], name="", gender="")
        data["action-publish"] = "action-publish"
        response = self.client.post(url(Deputy, "add"), data)
        shown = " ".join(str(message) for message in response.context["messages"])
        self.assertIn("姓名：", shown)
        self.assertIn("性别：", shown)

    def test_a_new_deputy_joins_a_group_from_his_form(self):
        response = self.client.get(url(Deputy, "add"))
        choices = list(response.context["form"].fields["deputy_groups"].queryset)
        self.assertCountEqual(choices, [self.chengguan_group, self.hekou_group])  # this term's
        data = deputy_form_data(
            elections=[{"constituency": self.second.pk, "elected_date": "2021-11-20"}],
            levels=[self.county_level],
        )
        data["deputy_groups"] = [str(self.hekou_group.pk)]
        data["action-publish"] = "action-publish"
        response = self.client.post(url(Deputy, "add"), data)
        self.assertEqual(response.status_code, 302)
        deputy = Deputy.objects.get(register_number="D-100")
        membership = deputy.group_memberships.get()
        self.assertEqual(membership.group, self.hekou_group)
        self.assertEqual(membership.start_date, timezone.localdate())
        self.assertEqual(membership.role, "member")

        form = self.client.get(url(Deputy, "edit", deputy.pk)).context["form"]
        self.assertEqual(list(form.initial["deputy_groups"]), [self.hekou_group.pk])

    def test_leaving_a_group_ends_the_membership(self):
        membership = self.wang.group_memberships.get(group=self.chengguan_group)
        membership.start_date = datetime.date(2022, 1, 1)
        membership.save()
        election = self.wang.elections.get()
        data = deputy_form_data(
            elections=[{"id": str(election.pk), "constituency": self.first.pk, "elected_date": ""}],
            initial=1,
            levels=[self.county_level],
            register_number="D-001",
            name="王建国",
        )
        data["deputy_groups"] = [str(self.hekou_group.pk)]
        response = self.client.post(url(Deputy, "edit", self.wang.pk), data)
        self.assertEqual(response.status_code, 302)
        membership.refresh_from_db()
        self.assertEqual(membership.end_date, timezone.localdate() - datetime.timedelta(days=1))
        self.assertEqual(membership.role, "leader")
        self.assertTrue(
            self.wang.group_memberships.filter(group=self.hekou_group, end_date=None).exists()
        )


class TestFormRules(AdminTestCase):
    """Bad input is rejected with a message on the field and nothing is saved."""

    def post(self, model, data):
        response = self.client.post(url(model, "add"), data)
        self.assertEqual(response.status_code, 200, "the form is shown again")
        return response.context["form"]

    def test_group_membership_end_before_start(self):
        form = self.post(
            DeputyGroup,
            nested_form_data(
                {
                    "term": self.term.pk,
                    "name": "新城街道代表小组",
                    "township": self.chengguan.pk,
                    "sort_order": "0",
                    "memberships": inline_formset(
                        [
                            {
                                "deputy": self.wang.pk,
                                "role": "member",
                                "start_date": "2024-05-01",
                                "end_date": "2024-04-30",
                            }
                        ]
                    ),
                }
            ),
        )
        self.assertEqual(
            form.formsets["memberships"].forms[0].errors["end_date"], [END_BEFORE_START]
        )
        self.assertFalse(DeputyGroup.objects.filter(name="新城街道代表小组").exists())

    def committee_data(self, **fields):
        data = nested_form_data(
            {
                "deputy": self.li.pk,
                "term": self.term.pk,
                "post": "member",
                "sort_order": "0",
                "start_date": "2022-01-01",
                "end_date": "",
                "group_contacts": inline_formset([]),
            }
        )
        data.update(fields)
        return data

    def test_committee_member_end_before_start(self):
        form = self.post(CommitteeMember, self.committee_data(end_date="2021-12-31"))
        self.assertEqual(form.errors["end_date"], [END_BEFORE_START])

    def test_committee_post_without_deputy(self):
        form = self.post(CommitteeMember, self.committee_data(deputy=""))
        with translation.override("zh-hans"):
            required = str(forms.Field().error_messages["required"])
        self.assertEqual(form.errors["deputy"][0], required)
        self.assertEqual(CommitteeMember.objects.count(), 1)

    def test_committee_member_with_a_contacted_group_is_saved(self):
        data = self.committee_data()
        data.update(
            nested_form_data(
                {
                    "group_contacts": inline_formset(
                        [{"group": self.hekou_group.pk, "start_date": "", "end_date": ""}]
                    )
                }
            )
        )
        response = self.client.post(url(CommitteeMember, "add"), data)
        self.assertEqual(response.status_code, 302)
        member = CommitteeMember.objects.get(deputy=self.li)
        self.assertEqual([c.group for c in member.group_contacts.all()], [self.hekou_group])

    def test_training_end_before_start(self):
        form = self.post(
            Training,
            nested_form_data(
                {
                    "title": "代表法专题讲座",
                    "organiser_level": "expert",
                    "form": "central",
                    "start_date": "2026-04-02",
                    "end_date": "2026-04-01",
                    "location": "",
                    "topics": "代表法",
                    "description": "",
                    "attendances": inline_formset([]),
                }
            ),
        )
        self.assertEqual(form.errors["end_date"], [END_BEFORE_START])

    def test_voter_contact_end_before_start(self):
        form = self.post(
            VoterContact,
            {
                "deputy": self.wang.pk,
                "start_date": "2026-04-01",
                "end_date": "2026-03-01",
                "method": "visit",
                "voters_count": "8",
                "summary": "",
            },
        )
        self.assertEqual(form.errors["end_date"], [END_BEFORE_START])
        self.assertEqual(VoterContact.objects.count(), 1)

    def test_check_in_to_a_group_needs_the_group(self):
        data = {
            "deputy": self.wang.pk,
            "date": "2026-04-01",
            "kind": CheckIn.TO_GROUP,
            "group": "",
            "content": "报告履职情况",
        }
        form = self.post(CheckIn, data)
        self.assertEqual(form.errors["group"], ["向代表小组报到时请选择代表小组。"])
        data["group"] = self.chengguan_group.pk
        self.assertEqual(self.client.post(url(CheckIn, "add"), data).status_code, 302)


class TestOtherListings(AdminTestCase):
    """Every register lists, filters, searches and exports."""

    def test_every_listing_renders(self):
        for model in (
            DeputyGroup,
            CommitteeMember,
            Term,
            Area,
            Constituency,
            Training,
            CheckIn,
            DutyReport,
            VoterContact,
            VoterContactPerson,
        ):
            with self.subTest(model=model.__name__):
                response = self.client.get(url(model, "list"))
                self.assertEqual(response.status_code, 200)
                self.assertTrue(listed(response))

    def test_training_filters(self):
        self.assertListed(Training, {"year": "2025"}, [self.training])
        self.assertListed(Training, {"organiser_level": "provincial"}, [self.video_training])
        self.assertListed(Training, {"form": "central"}, [self.training])
        self.assertListed(Training, {"form": "video", "year": "2025"}, [])

    def test_listings_with_counts_keep_the_registers_order(self):
        self.assertEqual(self.listing(Training), [self.video_training, self.training])
        self.assertEqual(
            self.listing(Constituency), [self.first, self.second, self.town_first, self.old_first]
        )

    def test_training_listing_counts_attendance(self):
        trainings = self.listing(Training)
        counts = {t.pk: t.attendance_count for t in trainings}
        self.assertEqual(counts, {self.training.pk: 3, self.video_training.pk: 1})

    def test_checkin_filters(self):
        self.assertListed(CheckIn, {"year": "2025"}, [self.group_checkin, self.voters_checkin])
        self.assertListed(CheckIn, {"year": "2025", "quarter": "1"}, [self.group_checkin])
        self.assertListed(CheckIn, {"quarter": "3"}, [self.voters_checkin])
        self.assertListed(CheckIn, {"kind": CheckIn.TO_VOTERS}, [self.voters_checkin])
        self.assertListed(CheckIn, {"group": self.chengguan_group.pk}, [self.group_checkin])

    def test_duty_report_filter_by_year(self):
        self.assertListed(DutyReport, {"year": "2026"}, [self.report])
        self.assertListed(DutyReport, {"year": "2025"}, [self.old_report])

    def test_area_filters(self):
        self.assertListed(Area, {"kind": Area.TOWNSHIP}, [self.chengguan, self.hekou])
        self.assertListed(Area, {"parent": self.chengguan.pk}, [self.dongfeng])
        self.assertListed(Area, {"q": "东风"}, [self.dongfeng])

    def test_constituency_filters(self):
        self.assertListed(Constituency, {"term": self.old_term.pk}, [self.old_first])
        self.assertListed(Constituency, {"level": self.township_level.pk}, [self.town_first])
        self.assertListed(
            Constituency,
            {"term": self.term.pk, "level": self.county_level.pk},
            [self.first, self.second],
        )

    def test_group_committee_and_voter_contact_filters(self):
        self.assertListed(DeputyGroup, {"township": self.hekou.pk}, [self.hekou_group])
        self.assertListed(CommitteeMember, {"post": "vice_chair"}, [self.committee_member])
        self.assertListed(CommitteeMember, {"post": "chair"}, [])
        self.assertListed(VoterContact, {"method": "visit"}, [self.contact])
        self.assertListed(VoterContact, {"method": "forum"}, [])

    def test_search_by_deputy_name_in_related_registers(self):
        self.assertListed(CheckIn, {"q": "赵卫东"}, [self.voters_checkin])
        self.assertListed(DutyReport, {"q": "王建国"}, [self.report])
        self.assertListed(CommitteeMember, {"q": "建国"}, [self.committee_member])
        self.assertListed(Training, {"q": "远程"}, [self.video_training])

    def test_every_export_parses_and_carries_no_voter_data(self):
        for model, heading in (
            (DeputyGroup, "成员"),
            (CommitteeMember, "职务"),
            (Term, "届次"),
            (Area, "类型"),
            (Constituency, "覆盖区划"),
            (Training, "参训人次"),
            (CheckIn, "季度"),
            (DutyReport, "满意率（%）"),
            (VoterContact, "联系选民人数"),
        ):
            with self.subTest(model=model.__name__):
                response = self.client.get(url(model, "list"), {"export": "csv"})
                header, *rows = csv_rows(response)
                self.assertIn(heading, header)
                self.assertEqual(len(rows), model.objects.count())
                text = body(self.client.get(url(model, "list"), {"export": "csv"})).decode()
                for private in (VOTER_NAME, VOTER_PHONE, VOTER_ADDRESS):
                    self.assertNotIn(private, text)
                header, *rows = xlsx_rows(self.client.get(url(model, "list"), {"export": "xlsx"}))
                self.assertIn(heading, header)
                self.assertEqual(len(rows), model.objects.count())

    def test_training_export_counts(self):
        header, *rows = csv_rows(
            self.client.get(url(Training, "list"), {"export": "csv", "year": "2025"})
        )
        [row] = rows
        row = dict(zip(header, row, strict=True))
        self.assertEqual(row["参训人次"], "3")
        self.assertEqual(row["参训代表"].split("、"), ["王建国", "李秀英", "赵卫东"])
        self.assertEqual(row["组织层级"], "县级")


class TestInspectViews(AdminTestCase):
    def test_training_shows_sessions_and_attendance(self):
        response = self.client.get(url(Training, "inspect", self.training.pk))
        self.assertEqual(response.status_code, 200)
        for text in ("场次", "参训人次", "王建国、李秀英、赵卫东", "2025年共 1 场、3 人次"):
            self.assertContains(response, text)

    def test_duty_report_shows_the_satisfaction_rate(self):
        response = self.client.get(url(DutyReport, "inspect", self.report.pk))
        self.assertContains(response, "满意率（满意＋基本满意）")
        self.assertContains(response, "98.1%")  # (45 + 8) / 54
        self.assertContains(response, "测评总票数")
        response = self.client.get(url(DutyReport, "inspect", self.old_report.pk))
        self.assertContains(response, "无测评票")

    def test_group_and_voter_contact_inspect(self):
        response = self.client.get(url(DeputyGroup, "inspect", self.hekou_group.pk))
        self.assertContains(response, "李秀英（成员）")
        response = self.client.get(url(VoterContact, "inspect", self.contact.pk))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, VOTER_NAME)


class TestOverdueCheckIns(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        start, _end = quarter_bounds(*quarter_of(today))
        last_quarter = start - datetime.timedelta(days=20)
        # 王建国 reported this quarter; 赵卫东 and 欧阳明月 did not (赵 last quarter).
        CheckInFactory(deputy=cls.wang, group=cls.chengguan_group, date=start)
        CheckInFactory(deputy=cls.zhao, group=cls.hekou_group, date=last_quarter)
        cls.last_quarter = last_quarter

    def test_lists_serving_published_deputies_without_a_check_in(self):
        response = self.client.get(reverse(OVERDUE_URL))
        self.assertEqual(response.status_code, 200)
        # Not 李秀英 (terminated), not 钱未发 (a draft), not 王建国 (reported).
        self.assertCountEqual(listed(response), [self.zhao, self.ouyang])
        year, quarter = quarter_of(timezone.localdate())
        self.assertContains(response, f"{year}年第{quarter}季度")
        self.assertContains(response, "河口乡代表小组")
        self.assertContains(response, "河口乡")
        d = self.last_quarter
        self.assertContains(response, f"{d.year}年{d.month}月{d.day}日")
        self.assertContains(response, "从未报到")

    def test_csv_download(self):
        response = self.client.get(reverse(OVERDUE_URL), {"export": "csv"})
        header, *rows = csv_rows(response)
        self.assertEqual(
            header, ["代表编号", "姓名", "乡镇（街道）", "代表小组", "公开联系电话", "最近报到日期"]
        )
        rows = {row[1]: row for row in rows}
        self.assertEqual(set(rows), {"赵卫东", "欧阳明月"})
        self.assertEqual(rows["赵卫东"][2:4], ["河口乡", "河口乡代表小组"])
        self.assertEqual(rows["赵卫东"][5], self.last_quarter.isoformat())
        self.assertEqual(rows["欧阳明月"][5], "")

    def test_paginated(self):
        group = self.hekou_group
        for number in range(50):
            GroupMembershipFactory(
                group=group, deputy=DeputyFactory(register_number=f"P{number:03d}")
            )
        first = self.client.get(reverse(OVERDUE_URL))
        self.assertEqual(len(listed(first)), 50)
        self.assertEqual(first.context["paginator"].count, 52)
        second = self.client.get(reverse(OVERDUE_URL), {"p": 2})
        self.assertEqual(len(listed(second)), 2)

    def test_query_count_does_not_grow_with_the_rows(self):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(reverse(OVERDUE_URL)).status_code, 200)
            return len(captured.captured_queries)

        before = queries()
        for number in range(5):
            GroupMembershipFactory(
                group=self.hekou_group, deputy=DeputyFactory(register_number=f"Q{number}")
            )
        self.assertEqual(queries(), before)

    def test_in_register_order(self):
        expected = sorted([self.zhao, self.ouyang], key=lambda d: (d.sort_key, d.name))
        self.assertEqual(listed(self.client.get(reverse(OVERDUE_URL))), expected)

    def test_search(self):
        response = self.client.get(reverse(OVERDUE_URL), {"q": "欧阳"})
        self.assertEqual(listed(response), [self.ouyang])
