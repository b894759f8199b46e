"""Per-station permissions: a station administrator reaches his own stations' records only.

Two stations, A and B, each with an administrator (group 工作站管理员, linked by
Station.managers) and a station record, a reception and an activity with revisions. As A's
administrator every admin URL of B's records is tried — GET and POST — and each must refuse and
change nothing. The URLs are enumerated from the viewsets themselves, so a view Wagtail adds
later fails `test_every_url_of_the_viewsets_is_tried` until it is added here."""

import datetime
import json
from decimal import Decimal

from django.contrib.auth.models import Group
from django.forms.models import model_to_dict
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import ModelLogEntry, Revision

from deputies.factories import DeputyFactory, TownshipFactory
from stations.factories import (
    ActivityFactory,
    ReceptionFactory,
    StationDeputyFactory,
    StationFactory,
)
from stations.models import Activity, Reception, Station
from stations.permissions import policy_for
from tests.admin_helpers import body, csv_rows, listed, make_user, url, xlsx_rows

STATION_ADMINS = "工作站管理员"
STAFF = "代表工委"
MODELS = (Station, Reception, Activity)

# Every URL name of the viewsets and their choosers, and how the matrix tries it.
OBJECT_URLS = {
    "edit",
    "delete",
    "copy",
    "usage",
    "history",
    "history_results",
    "inspect",
    "revisions_revert",
    "revisions_compare",
    "revisions_unschedule",
    "unpublish",
    "lock",
    "unlock",
}
LISTING_URLS = {"list", "list_results", "add"}  # narrowed listings: TestListingsAndChoosers
CHOOSER_URLS = {"choose", "choose_results", "chosen", "chosen_multiple", "create"}


def chooser_url(model, name, *args):
    return reverse(model.snippet_viewset.chooser_viewset.get_url_name(name), args=args)


def resubmission(form):
    """The POST data of an edit form submitted unchanged, inline formsets included."""

    def values(form, prefix=""):
        data = {}
        for name, field in form.fields.items():
            value = form[name].value()
            if hasattr(field.widget, "converter"):  # rich text: Draftail's JSON
                value = field.widget.format_value(value)
            if isinstance(value, (list, tuple)):
                data[prefix + name] = [str(v) for v in value]
            else:
                data[prefix + name] = "" if value is None else str(value)
        return data

    data = values(form)
    for relation, formset in form.formsets.items():
        data.update(values(formset.management_form, f"{relation}-"))
        for number, child in enumerate(formset.forms):
            data.update(values(child, f"{relation}-{number}-"))
            data[f"{relation}-{number}-ORDER"] = str(number)
            data[f"{relation}-{number}-DELETE"] = ""
    return data


def snapshot(obj):
    """Everything a refused request must leave as it was."""
    model = type(obj)
    stored = model.objects.filter(pk=obj.pk).first()
    if stored is None:
        return None
    fields = model_to_dict(stored)
    fields.pop("managers", None)
    return {
        "fields": {key: str(value) for key, value in fields.items()},
        "managers": sorted(stored.managers.values_list("pk", flat=True))
        if model is Station
        else None,
        "deputies": sorted(stored.deputies.values_list("pk", flat=True))
        if model is not Station
        else None,
        "revisions": sorted(
            Revision.objects.for_instance(stored).values_list(
                "pk", "approved_go_live_at", "content"
            ),
            key=lambda row: row[0],
        ),
        "logs": ModelLogEntry.objects.for_instance(stored).count(),
        "count": model.objects.count(),
    }


def with_revisions(obj, user, change, schedule=False):
    """A published first revision, then a draft (scheduled for publication if `schedule`:
    Wagtail then locks the object for editing until the schedule is cancelled)."""
    obj.save_revision(user=user).publish(user=user)
    first = obj.latest_revision
    for field, value in change.items():
        setattr(obj, field, value)
    draft = obj.save_revision(user=user)
    if schedule:
        draft.approved_go_live_at = timezone.now() + datetime.timedelta(days=30)
        draft.save()
    obj.refresh_from_db()
    return first, draft


class StationsData:
    @classmethod
    def create_stations(cls):
        cls.town_a = TownshipFactory(name="城关镇")
        cls.town_b = TownshipFactory(name="河口乡")
        cls.admin_a = make_user("zhanzhang_a", STATION_ADMINS)
        cls.admin_b = make_user("zhanzhang_b", STATION_ADMINS)
        cls.staff = make_user("daigongwei", STAFF)
        cls.superuser = make_user("admin", superuser=True)

        cls.station_a = StationFactory(
            name="城关镇人大代表工作站",
            township=cls.town_a,
            managers=[cls.admin_a],
            latitude=Decimal("38.041234"),
            longitude=Decimal("114.512345"),
        )
        cls.station_b = StationFactory(
            name="河口乡人大代表之家",
            kind="home",
            township=cls.town_b,
            managers=[cls.admin_b],
            latitude=Decimal("38.101234"),
            longitude=Decimal("114.602345"),
        )
        cls.deputy_a = DeputyFactory(name="王建国")
        cls.deputy_b = DeputyFactory(name="李秀英")
        StationDeputyFactory(station=cls.station_a, deputy=cls.deputy_a)
        StationDeputyFactory(station=cls.station_b, deputy=cls.deputy_b)

        cls.reception_a = ReceptionFactory(
            station=cls.station_a, topic="城关接待主题", deputies=[cls.deputy_a]
        )
        cls.reception_b = ReceptionFactory(
            station=cls.station_b, topic="河口接待主题", deputies=[cls.deputy_b]
        )
        cls.activity_a = ActivityFactory(station=cls.station_a, title="城关视察活动")
        cls.activity_b = ActivityFactory(station=cls.station_b, title="河口学习活动")

        cls.revisions = {}
        for obj, user, change in (
            (cls.station_a, cls.admin_a, {"phone": "0311-1111111"}),
            (cls.station_b, cls.admin_b, {"phone": "0311-2222222"}),
            (cls.reception_a, cls.admin_a, {"notes": "改到二楼接待室"}),
            (cls.reception_b, cls.admin_b, {"notes": "改到三楼会议室"}),
            (cls.activity_a, cls.admin_a, {"participants_count": 30}),
            (cls.activity_b, cls.admin_b, {"participants_count": 40}),
        ):
            cls.revisions[obj] = with_revisions(obj, user, change, schedule=user == cls.admin_b)

    @property
    def mine(self):
        return {Station: self.station_a, Reception: self.reception_a, Activity: self.activity_a}

    @property
    def theirs(self):
        return {Station: self.station_b, Reception: self.reception_b, Activity: self.activity_b}


class PermissionTestCase(StationsData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.create_stations()

    def assertRefused(self, response, what):
        """Wagtail's admin answers a forbidden URL with a redirect to the dashboard (with an
        error message), 403, or 404 for an object the user cannot know about."""
        if response.status_code == 302:
            self.assertEqual(response["Location"], reverse("wagtailadmin_home"), what)
        else:
            self.assertIn(response.status_code, (403, 404), what)

    def edit_data(self, obj, **changes):
        """Valid POST data for obj's edit form, read as 代表工委 (who may open it)."""
        self.client.force_login(self.superuser)
        form = self.client.get(url(type(obj), "edit", obj.pk)).context["form"]
        data = resubmission(form)
        data.update(changes)
        return data


class TestTheMatrix(PermissionTestCase):
    """A's administrator against every admin URL of B's station, reception and activity."""

    def object_requests(self, model, obj):
        """[(what, method, url, data)] for every per-object URL of the viewset."""
        first, draft = self.revisions[obj]
        edit_data = self.edit_data(obj, **self.harmless_change(model))
        self.client.force_login(self.admin_a)
        pk = obj.pk
        requests = [
            ("edit", "get", url(model, "edit", pk), None),
            ("edit", "post", url(model, "edit", pk), edit_data),
            (
                "edit",
                "post",
                url(model, "edit", pk),
                {**edit_data, "action-publish": "action-publish"},
            ),
            ("delete", "get", url(model, "delete", pk), None),
            ("delete", "post", url(model, "delete", pk), {}),
            ("copy", "get", url(model, "copy", pk), None),
            ("copy", "post", url(model, "copy", pk), edit_data),
            ("usage", "get", url(model, "usage", pk), None),
            ("history", "get", url(model, "history", pk), None),
            ("history_results", "get", url(model, "history_results", pk), None),
            ("inspect", "get", url(model, "inspect", pk), None),
            ("revisions_revert", "get", url(model, "revisions_revert", pk, first.pk), None),
            (
                "revisions_revert",
                "post",
                url(model, "revisions_revert", pk, first.pk),
                {**edit_data, "action-publish": "action-publish"},
            ),
            (
                "revisions_compare",
                "get",
                url(model, "revisions_compare", pk, first.pk, draft.pk),
                None,
            ),
            (
                "revisions_compare",
                "get",
                url(model, "revisions_compare", pk, "earliest", "latest"),
                None,
            ),
            (
                "revisions_unschedule",
                "get",
                url(model, "revisions_unschedule", pk, draft.pk),
                None,
            ),
            (
                "revisions_unschedule",
                "post",
                url(model, "revisions_unschedule", pk, draft.pk),
                {},
            ),
            ("unpublish", "get", url(model, "unpublish", pk), None),
            ("unpublish", "post", url(model, "unpublish", pk), {}),
            ("lock", "post", url(model, "lock", pk), {}),
            ("unlock", "post", url(model, "unlock", pk), {}),
            ("chosen", "get", chooser_url(model, "chosen", pk), None),
        ]
        return requests

    def harmless_change(self, model):
        return {
            Station: {"phone": "110"},
            Reception: {"topic": "篡改"},
            Activity: {"title": "篡改"},
        }[model]

    def run_matrix(self, model):
        obj = self.theirs[model]
        requests = self.object_requests(model, obj)
        self.assertEqual(
            {what for what, *_ in requests} - {"chosen"},
            OBJECT_URLS,
            "every per-object URL is tried",
        )
        before = snapshot(obj)
        for what, method, address, data in requests:
            with self.subTest(model=model.__name__, what=what, method=method, url=address):
                if method == "get":
                    response = self.client.get(address)
                else:
                    response = self.client.post(address, data)
                self.assertRefused(response, what)
                self.assertEqual(snapshot(obj), before, f"{method} {what} changed nothing")

        # Unlock of an object B's administrator locked.
        type(obj).objects.filter(pk=obj.pk).update(
            locked=True, locked_by=self.admin_b, locked_at=timezone.now()
        )
        before = snapshot(obj)
        self.assertRefused(self.client.post(url(model, "unlock", obj.pk)), "unlock")
        self.assertRefused(self.client.post(url(model, "lock", obj.pk)), "lock")
        self.assertEqual(snapshot(obj), before)

    def test_station(self):
        self.run_matrix(Station)

    def test_reception(self):
        self.run_matrix(Reception)

    def test_activity(self):
        self.run_matrix(Activity)

    def test_every_url_of_the_viewsets_is_tried(self):
        for model in MODELS:
            with self.subTest(model=model.__name__):
                names = {pattern.name for pattern in model.snippet_viewset.get_urlpatterns()}
                self.assertEqual(names, OBJECT_URLS | LISTING_URLS)
                chooser = model.snippet_viewset.chooser_viewset
                self.assertEqual({p.name for p in chooser.get_urlpatterns()}, CHOOSER_URLS)

    def test_every_url_naming_an_object_is_guarded(self):
        for model in MODELS:
            patterns = [
                *model.snippet_viewset.get_urlpatterns(),
                *model.snippet_viewset.chooser_viewset.get_urlpatterns(),
            ]
            for pattern in patterns:
                if "pk" in pattern.pattern.converters or "(?P<pk>" in str(pattern.pattern):
                    with self.subTest(model=model.__name__, url=pattern.name):
                        self.assertTrue(getattr(pattern.callback, "station_scope_guarded", False))

    def test_bulk_actions(self):
        for model in MODELS:
            actions = bulk_action_registry.get_bulk_actions_for_model(
                model._meta.app_label, model._meta.model_name
            )
            self.assertTrue(actions)
            obj = self.theirs[model]
            before = snapshot(obj)
            self.client.force_login(self.admin_a)
            for action in actions:
                address = reverse(
                    "wagtail_bulk_action",
                    args=[model._meta.app_label, model._meta.model_name, action.action_type],
                )
                for ids in ([obj.pk], [obj.pk, self.mine[model].pk]):
                    query = "?" + "&".join(f"id={pk}" for pk in ids)
                    with self.subTest(model=model.__name__, action=action.action_type, ids=ids):
                        self.assertRefused(self.client.get(address + query), "bulk GET")
                        response = self.client.post(address + query, {})
                        self.assertRefused(response, "bulk POST")
                        self.assertEqual(snapshot(obj), before)
                        self.assertEqual(snapshot(self.mine[model])["count"], before["count"])

    def test_bulk_delete_of_all_takes_only_the_users_own(self):
        self.client.force_login(self.admin_a)
        address = reverse("wagtail_bulk_action", args=["stations", "reception", "delete"])
        response = self.client.post(address + "?id=all", {})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Reception.objects.filter(pk=self.reception_a.pk).exists())
        self.assertTrue(Reception.objects.filter(pk=self.reception_b.pk).exists())

    def test_editing_session_ping(self):
        self.client.force_login(self.admin_a)
        for model, obj in self.theirs.items():
            with self.subTest(model=model.__name__):
                address = reverse(
                    "wagtailadmin_editing_sessions:ping",
                    args=[model._meta.app_label, model._meta.model_name, obj.pk, 0],
                )
                self.assertEqual(self.client.post(address).status_code, 404)
        self.assertFalse(EditingSession.objects.exists())

    def test_no_station_is_added_or_deleted(self):
        self.client.force_login(self.admin_a)
        count = Station.objects.count()
        self.assertRefused(self.client.get(url(Station, "add")), "add")
        self.assertRefused(
            self.client.post(url(Station, "add"), {"name": "新站", "address": "某地"}), "add"
        )
        self.assertRefused(self.client.post(url(Station, "delete", self.station_a.pk)), "delete")
        self.assertRefused(self.client.get(url(Station, "copy", self.station_a.pk)), "copy")
        self.assertEqual(Station.objects.count(), count)


class TestOwnStation(PermissionTestCase):
    """Positive control: A's administrator works on A's records by the same URLs."""

    def setUp(self):
        self.client.force_login(self.admin_a)

    def test_reads_every_view_of_his_records(self):
        for model, obj in self.mine.items():
            first, draft = self.revisions[obj]
            for address in (
                url(model, "edit", obj.pk),
                url(model, "usage", obj.pk),
                url(model, "history", obj.pk),
                url(model, "history_results", obj.pk),
                url(model, "inspect", obj.pk),
                url(model, "revisions_revert", obj.pk, first.pk),
                url(model, "revisions_compare", obj.pk, first.pk, draft.pk),
                url(model, "unpublish", obj.pk),
                chooser_url(model, "chosen", obj.pk),
            ):
                with self.subTest(address):
                    self.assertEqual(self.client.get(address).status_code, 200)
        for model in (Reception, Activity):
            obj = self.mine[model]
            for address in (url(model, "delete", obj.pk), url(model, "copy", obj.pk)):
                with self.subTest(address):
                    self.assertEqual(self.client.get(address).status_code, 200)

    def test_unschedules_a_publication(self):
        _first, draft = self.revisions[self.activity_a]
        Revision.objects.filter(pk=draft.pk).update(
            approved_go_live_at=timezone.now() + datetime.timedelta(days=3)
        )
        address = url(Activity, "revisions_unschedule", self.activity_a.pk, draft.pk)
        self.assertEqual(self.client.get(address).status_code, 200)
        self.assertEqual(self.client.post(address).status_code, 302)
        draft.refresh_from_db()
        self.assertIsNone(draft.approved_go_live_at)

    def test_edits_and_publishes_his_reception(self):
        data = self.edit_data(self.reception_a, topic="乡村振兴", notes="")
        self.client.force_login(self.admin_a)
        data["action-publish"] = "action-publish"
        response = self.client.post(url(Reception, "edit", self.reception_a.pk), data)
        self.assertEqual(response.status_code, 302)
        self.reception_a.refresh_from_db()
        self.assertEqual(self.reception_a.topic, "乡村振兴")
        self.assertTrue(self.reception_a.live)

    def test_edits_his_station_but_not_its_administrators(self):
        response = self.client.get(url(Station, "edit", self.station_a.pk))
        self.assertNotIn("managers", response.context["form"].fields)
        data = resubmission(response.context["form"])
        data.update({"phone": "0311-7654321", "action-publish": "action-publish"})
        data["managers"] = [str(self.admin_b.pk)]  # ignored: not a field of his form
        response = self.client.post(url(Station, "edit", self.station_a.pk), data)
        self.assertEqual(response.status_code, 302)
        self.station_a.refresh_from_db()
        self.assertEqual(self.station_a.phone, "0311-7654321")
        self.assertEqual(list(self.station_a.managers.all()), [self.admin_a])

    def test_locks_and_unlocks_his_activity(self):
        self.client.post(url(Activity, "lock", self.activity_a.pk))
        self.activity_a.refresh_from_db()
        self.assertTrue(self.activity_a.locked)
        self.client.post(url(Activity, "unlock", self.activity_a.pk))
        self.activity_a.refresh_from_db()
        self.assertFalse(self.activity_a.locked)

    def test_unpublishes_and_deletes_his_activity(self):
        self.client.post(url(Activity, "unpublish", self.activity_a.pk))
        self.activity_a.refresh_from_db()
        self.assertFalse(self.activity_a.live)
        self.client.post(url(Activity, "delete", self.activity_a.pk))
        self.assertFalse(Activity.objects.filter(pk=self.activity_a.pk).exists())

    def test_reverts_his_reception(self):
        first, _draft = self.revisions[self.reception_a]
        response = self.client.get(
            url(Reception, "revisions_revert", self.reception_a.pk, first.pk)
        )
        data = resubmission(response.context["form"])
        data["action-publish"] = "action-publish"
        response = self.client.post(
            url(Reception, "revisions_revert", self.reception_a.pk, first.pk), data
        )
        self.assertEqual(response.status_code, 302)
        self.reception_a.refresh_from_db()
        self.assertEqual(self.reception_a.notes, "")

    def test_bulk_deletes_his_own(self):
        address = reverse("wagtail_bulk_action", args=["stations", "activity", "delete"])
        response = self.client.post(f"{address}?id={self.activity_a.pk}", {})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Activity.objects.filter(pk=self.activity_a.pk).exists())


class TestListingsAndChoosers(PermissionTestCase):
    def setUp(self):
        self.client.force_login(self.admin_a)

    def test_listings_and_exports_show_only_his_records(self):
        for model in MODELS:
            with self.subTest(model=model.__name__):
                self.assertEqual(listed(self.client.get(url(model, "list"))), [self.mine[model]])
                response = self.client.get(url(model, "list_results"))
                self.assertEqual(list(response.context["object_list"]), [self.mine[model]])
                _header, *rows = csv_rows(self.client.get(url(model, "list"), {"export": "csv"}))
                self.assertEqual(len(rows), 1)
                self.assertEqual(
                    len(xlsx_rows(self.client.get(url(model, "list"), {"export": "xlsx"}))), 2
                )
                # Searching or filtering for B's records finds nothing either.
                self.assertEqual(listed(self.client.get(url(model, "list"), {"q": "河口"})), [])
        for model in (Reception, Activity):
            response = self.client.get(url(model, "list"), {"station": self.station_b.pk})
            self.assertNotIn(self.theirs[model], list(response.context["object_list"]))

    def test_no_listing_names_the_other_station(self):
        for model in MODELS:
            for address in (url(model, "list"), url(model, "add")):
                with self.subTest(address):
                    response = self.client.get(address)
                    if response.status_code == 302:  # Station: no add permission
                        continue
                    self.assertEqual(response.status_code, 200)
                    self.assertNotIn(self.station_b.name, body(response).decode())

    def test_site_history_leaves_out_the_other_stations_records(self):
        history = reverse("wagtailadmin_reports:site_history")
        content = body(self.client.get(history)).decode()
        self.assertIn(str(self.reception_a), content)
        self.assertIn(str(self.activity_a), content)
        for obj in self.theirs.values():
            self.assertNotIn(str(obj), content)
        csv_content = body(self.client.get(history, {"export": "csv"})).decode()
        self.assertNotIn(self.station_b.name, csv_content)
        self.client.force_login(self.staff)
        content = body(self.client.get(history)).decode()
        for obj in (*self.mine.values(), *self.theirs.values()):
            self.assertIn(str(obj), content)

    def test_choosers_list_only_his_records(self):
        for model in MODELS:
            for name in ("choose", "choose_results"):
                with self.subTest(model=model.__name__, view=name):
                    response = self.client.get(chooser_url(model, name))
                    self.assertEqual(response.status_code, 200)
                    content = body(response).decode()
                    self.assertIn(str(self.mine[model].pk), content)
                    self.assertNotIn(json.dumps(str(self.theirs[model]))[1:-1], content)
                    self.assertNotIn(chooser_url(model, "chosen", self.theirs[model].pk), content)
                    searched = self.client.get(chooser_url(model, name), {"q": "河口"})
                    self.assertNotIn(
                        chooser_url(model, "chosen", self.theirs[model].pk),
                        body(searched).decode(),
                    )

    def test_chosen_multiple_drops_the_other_stations(self):
        for model in MODELS:
            with self.subTest(model=model.__name__):
                response = self.client.get(
                    chooser_url(model, "chosen_multiple"),
                    {"id": [self.mine[model].pk, self.theirs[model].pk]},
                )
                result = json.loads(response.content)["result"]
                self.assertEqual([item["id"] for item in result], [str(self.mine[model].pk)])

    def test_chooser_create_is_refused(self):
        for model in MODELS:
            with self.subTest(model=model.__name__):
                self.assertRefused(self.client.get(chooser_url(model, "create")), "create")
                self.assertRefused(
                    self.client.post(chooser_url(model, "create"), {"title": "x"}), "create"
                )

    def test_station_choice_of_the_forms_is_his_own(self):
        response = self.client.get(url(Reception, "add"))
        field = response.context["form"].fields["station"]
        self.assertEqual(list(field.queryset), [self.station_a])
        # With one station, the form starts with it chosen.
        self.assertEqual(response.context["form"]["station"].value(), self.station_a.pk)

    def test_a_post_naming_the_other_station_is_refused(self):
        counts = (Reception.objects.count(), Activity.objects.count())
        date = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
        response = self.client.post(
            url(Reception, "add"),
            {
                "station": self.station_b.pk,
                "date": date,
                "start_time": "09:00",
                "end_time": "11:00",
                "topic": "冒名接待",
                "notes": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["station"], ["只能选择您管理的工作站。"])
        # Moving his own record to B by editing it is refused the same way.
        data = self.edit_data(self.activity_a, station=str(self.station_b.pk))
        self.client.force_login(self.admin_a)
        response = self.client.post(url(Activity, "edit", self.activity_a.pk), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("station", response.context["form"].errors)
        self.activity_a.refresh_from_db()
        self.assertEqual(self.activity_a.station, self.station_a)
        self.assertEqual((Reception.objects.count(), Activity.objects.count()), counts)


class TestStaff(PermissionTestCase):
    """代表工委 (manage_all_stations) see and edit every station's records."""

    def setUp(self):
        self.client.force_login(self.staff)

    def test_sees_and_edits_both_stations(self):
        for model in MODELS:
            with self.subTest(model=model.__name__):
                self.assertCountEqual(
                    listed(self.client.get(url(model, "list"))),
                    [self.mine[model], self.theirs[model]],
                )
                for obj in (self.mine[model], self.theirs[model]):
                    self.assertEqual(self.client.get(url(model, "edit", obj.pk)).status_code, 200)
        # B's draft is scheduled (and so locked for editing): cancel the schedule first.
        Revision.objects.filter(pk=self.revisions[self.reception_b][1].pk).update(
            approved_go_live_at=None
        )
        data = self.edit_data(self.reception_b, topic="代表工委改的")
        self.client.force_login(self.staff)
        response = self.client.post(url(Reception, "edit", self.reception_b.pk), data)
        self.assertEqual(response.status_code, 302)
        self.reception_b.refresh_from_db()
        self.assertEqual(self.reception_b.latest_revision.as_object().topic, "代表工委改的")

    def test_adds_stations_and_chooses_administrators(self):
        self.assertEqual(self.client.get(url(Station, "add")).status_code, 200)
        response = self.client.get(url(Station, "edit", self.station_b.pk))
        self.assertIn("managers", response.context["form"].fields)
        self.assertEqual(len(listed(self.client.get(url(Station, "list")))), 2)

    def test_choosers_list_both(self):
        content = body(self.client.get(chooser_url(Reception, "choose"))).decode()
        for reception in (self.reception_a, self.reception_b):
            self.assertIn(chooser_url(Reception, "chosen", reception.pk), content)


class TestPolicy(PermissionTestCase):
    """The registered policy, as other Wagtail code (URL finder, editing sessions) asks it."""

    def test_instances_and_users(self):
        policy = policy_for(Reception)
        self.assertEqual(
            list(policy.instances_user_has_permission_for(self.admin_a, "change")),
            [self.reception_a],
        )
        self.assertCountEqual(
            policy.instances_user_has_permission_for(self.staff, "change"),
            [self.reception_a, self.reception_b],
        )
        users = policy.users_with_permission_for_instance("change", self.reception_b)
        self.assertIn(self.admin_b, users)
        self.assertIn(self.staff, users)
        self.assertIn(self.superuser, users)
        self.assertNotIn(self.admin_a, users)

    def test_station_add_and_delete_need_manage_all(self):
        policy = policy_for(Station)
        # Even an administrator granted add/delete directly cannot use them.
        self.admin_a.user_permissions.add(
            *Group.objects.get(name=STAFF).permissions.filter(
                codename__in=["add_station", "delete_station"]
            )
        )
        admin_a = type(self.admin_a).objects.get(pk=self.admin_a.pk)
        self.assertFalse(policy.user_has_permission(admin_a, "add"))
        self.assertFalse(policy.user_has_permission_for_instance(admin_a, "delete", self.station_a))
        self.assertTrue(policy.user_has_permission_for_instance(admin_a, "change", self.station_a))
        self.assertTrue(policy.user_has_permission(self.staff, "add"))
        self.assertNotIn(admin_a, policy.users_with_permission("add"))
        self.assertIn(self.staff, policy.users_with_permission("add"))

    def test_an_unlinked_administrator_reaches_nothing(self):
        nobody = make_user("weiguanlian", STATION_ADMINS)
        for model in MODELS:
            self.assertFalse(
                policy_for(model).instances_user_has_any_permission_for(nobody, ["change"])
            )

    def test_menu_shows_the_group_to_station_administrators(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/admin/")
        request.user = self.admin_a
        labels = {}
        for item in admin_menu.menu_items_for_request(request):
            if item.label == "代表工作站":
                labels = [sub.label for sub in item.menu.menu_items_for_request(request)]
        self.assertEqual(labels, ["工作站", "代表接待日", "活动记录"])
