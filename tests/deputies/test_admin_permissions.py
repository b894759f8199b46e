"""Who may do what in the register's admin: the staff groups of deputies/migrations/0002.

代表工委 keep the register and duty record but never reach voters' personal data
(VoterContactPerson) by any URL, menu, chooser or usage listing; 选民信息管理 reach exactly that."""

from django.contrib.auth.models import Permission
from django.test import RequestFactory, TestCase
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.log_actions import log

from deputies.models import (
    CheckIn,
    Deputy,
    DeputyGroup,
    DutyReport,
    Training,
    VoterContact,
    VoterContactPerson,
)
from tests.admin_helpers import body, csv_rows, listed, make_user, url, xlsx_rows

from .admin_helpers import (
    STAFF,
    VOTER_ADDRESS,
    VOTER_DATA,
    VOTER_NAME,
    VOTER_PHONE,
    RegisterData,
)

GROUP_MENU = "代表管理"
PERSON_MENU = "选民个人信息"
OVERDUE_MENU = "本季度未报到代表"
OVERDUE_URL = "deputies_overdue_checkins:index"


def chooser_url(model, view, *args):
    return reverse(
        f"wagtailsnippetchoosers_{model._meta.app_label}_{model._meta.model_name}:{view}", args=args
    )


def person_urls(person):
    """Every URL that shows, changes or exports VoterContactPerson rows."""
    model = VoterContactPerson
    return {
        "index": url(model, "list"),
        "results": url(model, "list_results"),
        "export csv": url(model, "list") + "?export=csv",
        "export xlsx": url(model, "list") + "?export=xlsx",
        "add": url(model, "add"),
        "edit": url(model, "edit", person.pk),
        "delete": url(model, "delete", person.pk),
        "inspect": url(model, "inspect", person.pk),
        "history": url(model, "history", person.pk),
        "usage": url(model, "usage", person.pk),
        "copy": url(model, "copy", person.pk),
        "chooser": chooser_url(model, "choose"),
        "chooser results": chooser_url(model, "choose_results"),
        "chosen": chooser_url(model, "chosen", person.pk),
    }


def form_values(form, prefix=""):
    values = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            values[prefix + name] = [str(v) for v in value]
        else:
            values[prefix + name] = "" if value is None else str(value)
    return values


def resubmission(form):
    """The POST data of an edit form submitted unchanged, inline formsets included."""
    data = form_values(form)
    for relation, formset in form.formsets.items():
        management = formset.management_form
        data.update(form_values(management, f"{relation}-"))
        for number, child in enumerate(formset.forms):
            data.update(form_values(child, f"{relation}-{number}-"))
            data[f"{relation}-{number}-ORDER"] = str(number)
            data[f"{relation}-{number}-DELETE"] = ""
    return data


def menu_labels(user):
    """Labels of the 代表管理 submenu as the user's sidebar shows them ([] without the menu)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for item in admin_menu.menu_items_for_request(request):
        if item.label == GROUP_MENU:
            return [sub.label for sub in item.menu.menu_items_for_request(request)]
    return []


class PermissionTestCase(RegisterData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.create_register()
        cls.staff = make_user("staff", STAFF)
        cls.voter_data = make_user("voterdata", VOTER_DATA)
        cls.superuser = make_user("admin", superuser=True)
        # The log entry the admin writes when a voter is added (shown in 网站历史).
        log(cls.person, "wagtail.create", user=cls.voter_data)

    def assertDenied(self, response, what=""):
        """Wagtail answers a forbidden admin URL with 403, or a redirect to the dashboard."""
        if response.status_code == 302:
            self.assertEqual(response["Location"], reverse("wagtailadmin_home"), what)
        else:
            self.assertEqual(response.status_code, 403, what)
        content = body(response).decode("utf-8", "replace")
        for private in (VOTER_NAME, VOTER_PHONE, VOTER_ADDRESS):
            self.assertNotIn(private, content, what)


class TestStaff(PermissionTestCase):
    """代表工委: the register and duty record, not voters' personal data."""

    def setUp(self):
        self.client.force_login(self.staff)

    def test_lists_filters_searches_and_exports_deputies(self):
        self.assertEqual(len(listed(self.client.get(url(Deputy, "list")))), 5)
        self.assertEqual(listed(self.client.get(url(Deputy, "list"), {"q": "建国"})), [self.wang])
        _header, *rows = csv_rows(self.client.get(url(Deputy, "list"), {"export": "csv"}))
        self.assertEqual(len(rows), 5)
        self.assertEqual(
            len(xlsx_rows(self.client.get(url(Deputy, "list"), {"export": "xlsx"}))), 6
        )

    def test_edits_and_publishes_a_deputy(self):
        self.assertEqual(self.client.get(url(Deputy, "edit", self.wang.pk)).status_code, 200)
        self.assertEqual(self.client.get(url(Deputy, "inspect", self.wang.pk)).status_code, 200)
        data = resubmission(self.client.get(url(Deputy, "edit", self.wang.pk)).context["form"])
        data.update({"post": "县交通运输局副局长", "action-publish": "action-publish"})
        response = self.client.post(url(Deputy, "edit", self.wang.pk), data)
        self.assertEqual(response.status_code, 302)
        self.wang.refresh_from_db()
        self.assertEqual(self.wang.post, "县交通运输局副局长")
        self.assertEqual(self.wang.elections.get().constituency, self.first)

    def test_reaches_the_other_registers(self):
        for model in (DeputyGroup, Training, CheckIn, DutyReport, VoterContact):
            with self.subTest(model=model.__name__):
                self.assertEqual(self.client.get(url(model, "list")).status_code, 200)
                self.assertEqual(self.client.get(url(model, "add")).status_code, 200)

    def test_cannot_reach_voter_contact_person_by_any_url(self):
        for what, address in person_urls(self.person).items():
            with self.subTest(what):
                self.assertDenied(self.client.get(address), what)
        for what in ("edit", "delete"):
            with self.subTest(f"POST {what}"):
                response = self.client.post(person_urls(self.person)[what], {"name": "改名"})
                self.assertDenied(response, what)
        response = self.client.post(
            person_urls(self.person)["add"], {"contact": self.contact.pk, "name": "新选民"}
        )
        self.assertDenied(response, "POST add")
        self.person.refresh_from_db()
        self.assertEqual(self.person.name, VOTER_NAME)
        self.assertEqual(VoterContactPerson.objects.count(), 1)

    def test_menu_has_the_register_but_not_voters_personal_data(self):
        labels = menu_labels(self.staff)
        self.assertIn("人大代表", labels)
        self.assertIn(OVERDUE_MENU, labels)
        self.assertNotIn(PERSON_MENU, labels)
        self.assertIn(PERSON_MENU, menu_labels(self.superuser))

    def test_voters_personal_data_stays_out_of_the_views_staff_reach(self):
        for address in (
            url(VoterContact, "list"),
            url(VoterContact, "inspect", self.contact.pk),
            url(VoterContact, "usage", self.contact.pk),
            url(VoterContact, "delete", self.contact.pk),
            url(VoterContact, "list") + "?export=csv",
            url(Deputy, "inspect", self.wang.pk),
            url(Deputy, "usage", self.wang.pk),
            reverse("wagtailadmin_reports:site_history"),
        ):
            with self.subTest(address):
                response = self.client.get(address)
                self.assertEqual(response.status_code, 200)
                content = body(response).decode()
                for private in (VOTER_NAME, VOTER_PHONE, VOTER_ADDRESS):
                    self.assertNotIn(private, content)

    def test_site_history_hides_the_voter_log_entry_from_staff_only(self):
        history = reverse("wagtailadmin_reports:site_history")
        self.assertNotContains(self.client.get(history), VOTER_NAME)
        self.client.force_login(self.superuser)
        self.assertContains(self.client.get(history), VOTER_NAME)

    def test_sees_the_overdue_report(self):
        self.assertEqual(self.client.get(reverse(OVERDUE_URL)).status_code, 200)


class TestVoterDataStaff(PermissionTestCase):
    """选民信息管理: voters' personal data, and no more of the register than its contact records."""

    def setUp(self):
        self.client.force_login(self.voter_data)

    def test_reaches_every_voter_contact_person_view(self):
        for what, address in person_urls(self.person).items():
            with self.subTest(what):
                response = self.client.get(address)
                self.assertEqual(response.status_code, 200, what)

    def test_lists_and_exports_voters(self):
        response = self.client.get(url(VoterContactPerson, "list"))
        self.assertEqual(listed(response), [self.person])
        self.assertContains(response, VOTER_NAME)
        header, *rows = csv_rows(
            self.client.get(url(VoterContactPerson, "list"), {"export": "csv"})
        )
        self.assertEqual(rows[0][header.index("选民姓名")], VOTER_NAME)
        self.assertEqual(rows[0][header.index("联系电话")], VOTER_PHONE)
        header, *rows = xlsx_rows(
            self.client.get(url(VoterContactPerson, "list"), {"export": "xlsx"})
        )
        self.assertEqual(rows[0][header.index("选民姓名")], VOTER_NAME)
        self.assertEqual(
            listed(self.client.get(url(VoterContactPerson, "list"), {"q": "小选"})), [self.person]
        )

    def test_adds_edits_and_deletes_a_voter(self):
        response = self.client.post(
            url(VoterContactPerson, "add"),
            {
                "contact": self.contact.pk,
                "name": "周大爷",
                "phone": "13800000000",
                "address": "",
                "concern": "路灯不亮",
            },
        )
        self.assertEqual(response.status_code, 302)
        added = VoterContactPerson.objects.get(name="周大爷")
        response = self.client.post(
            url(VoterContactPerson, "edit", added.pk),
            {
                "contact": self.contact.pk,
                "name": "周大爷",
                "phone": "13800000001",
                "address": "",
                "concern": "路灯不亮",
            },
        )
        self.assertEqual(response.status_code, 302)
        added.refresh_from_db()
        self.assertEqual(added.phone, "13800000001")
        response = self.client.post(url(VoterContactPerson, "delete", added.pk))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(VoterContactPerson.objects.filter(pk=added.pk).exists())

    def test_menu_shows_voters_and_contact_records_only(self):
        self.assertEqual(menu_labels(self.voter_data), ["联系选民记录", PERSON_MENU])

    def test_no_register_or_overdue_report(self):
        self.assertDenied(self.client.get(url(Deputy, "list")), "deputies")
        self.assertDenied(self.client.get(reverse(OVERDUE_URL)), "overdue")
        self.assertDenied(
            self.client.get(reverse(OVERDUE_URL), {"export": "csv"}), "overdue export"
        )


class TestOverdueReportPermission(PermissionTestCase):
    def test_needs_view_checkin(self):
        nobody = make_user("nobody")
        nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
        self.client.force_login(nobody)
        self.assertDenied(self.client.get(reverse(OVERDUE_URL)), "overdue")
        self.assertNotIn(OVERDUE_MENU, menu_labels(nobody))
