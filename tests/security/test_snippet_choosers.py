"""Snippet choosers check permissions (issue 15, medium).

Wagtail's snippet choosers list every object of a model to any admin user: `editor` saw every
deputy at /admin/snippets/choose/deputies/deputy/results/, drafts included, and voter contacts,
check-ins, duty reports, trainings, groups, committee members, terms, areas and constituencies
likewise; `station` too. Every register viewset's chooser is tried here, URL by URL, as a user
without any permission on the model (403, or only the public records for deputies and areas, or
nothing for the station-scoped ones) and as one with it (every record)."""

from django.test import TestCase
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from deputies.factories import (
    AreaFactory,
    CheckInFactory,
    CommitteeMemberFactory,
    ConstituencyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DutyReportFactory,
    TermFactory,
    TownshipFactory,
    TrainingFactory,
    VoterContactFactory,
    VoterContactPersonFactory,
)
from deputies.models import Area, Deputy
from documents.factories import (
    IssuingBodyFactory,
    NormativeDocumentFactory,
    ReviewFactory,
    ReviewSuggestionFactory,
)
from stations.factories import ActivityFactory, ReceptionFactory, StationFactory
from stations.models import Activity, Reception, Station
from tests.admin_helpers import make_user

REGISTER_APPS = {"deputies", "stations", "documents"}
STATION_SCOPED = {Station, Reception, Activity}
PUBLIC_CHOICE = {Deputy, Area}
# Who holds a permission on each app's models (the groups of the apps' migrations).
STAFF = {"deputies": "代表工委", "stations": "代表工委", "documents": "法工委"}
VOTER_DATA = "选民信息管理"


def chooser_url(model, name, *args):
    return reverse(model.snippet_viewset.chooser_viewset.get_url_name(name), args=args)


class TestSnippetChoosers(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", "编辑")
        cls.station_admin = make_user("station", "工作站管理员")
        cls.fagong = make_user("fagong", "法工委")
        cls.daibiao = make_user("daibiao", "代表工委")
        cls.voter_staff = make_user("voters", VOTER_DATA)
        township = TownshipFactory(name="新桥镇")
        station = StationFactory(name="新桥镇人大代表工作站", township=township)
        cls.objects = [
            DeputyFactory(name="草稿代表", live=False),
            AreaFactory(name="某村", parent=township),
            TermFactory(),
            ConstituencyFactory(),
            DeputyGroupFactory(),
            CommitteeMemberFactory(),
            CheckInFactory(),
            TrainingFactory(),
            DutyReportFactory(),
            VoterContactFactory(),
            VoterContactPersonFactory(),
            station,
            ReceptionFactory(station=station),
            ActivityFactory(station=station),
            IssuingBodyFactory(),
            NormativeDocumentFactory(live=False),
            ReviewFactory(),
            ReviewSuggestionFactory(),
        ]
        cls.public_deputy = DeputyFactory(name="已发布代表", live=True)

    def register_models(self):
        return [
            model
            for model in get_snippet_models()
            if model._meta.app_label in REGISTER_APPS and hasattr(model, "snippet_viewset")
        ]

    def test_every_register_model_is_tried(self):
        tried = {type(obj) for obj in self.objects}
        self.assertEqual(set(self.register_models()) - tried, set())

    def urls(self, obj):
        model = type(obj)
        return {
            "choose": chooser_url(model, "choose"),
            "choose_results": chooser_url(model, "choose_results"),
            "chosen": chooser_url(model, "chosen", obj.pk),
            "chosen_multiple": chooser_url(model, "chosen_multiple") + f"?id={obj.pk}",
        }

    def test_users_without_a_permission_get_nothing(self):
        for obj in self.objects:
            model = type(obj)
            users = [self.editor, self.fagong if model._meta.app_label != "documents" else None]
            if model._meta.app_label != "stations":
                users.append(self.station_admin)
            for user in filter(None, users):
                self.client.force_login(user)
                for name, address in self.urls(obj).items():
                    with self.subTest(model=model.__name__, user=user.username, url=name):
                        response = self.client.get(address)
                        content = response.content.decode()
                        chosen = chooser_url(model, "chosen", obj.pk)
                        if model in STATION_SCOPED:
                            # Narrowed like the listings: no station of his, nothing listed
                            # (the chosen URL of a record he does not reach is refused).
                            self.assertIn(response.status_code, (200, 302, 404))
                            self.assertNotIn(chosen, content)
                            self.assertNotIn(f'"id": "{obj.pk}"', content)
                        elif model in PUBLIC_CHOICE:
                            # Published records only: the draft deputy is not offered.
                            if model is Deputy:
                                self.assertIn(response.status_code, (200, 404))
                                self.assertNotIn("草稿代表", content)
                            else:
                                self.assertEqual(response.status_code, 200)
                        else:
                            self.assertIn(response.status_code, (302, 403))
                            self.assertNotIn(str(obj), content)

    def test_public_choice_lists_published_deputies_only(self):
        self.client.force_login(self.editor)
        response = self.client.get(chooser_url(Deputy, "choose_results"), {"q": "代表"})
        self.assertContains(response, "已发布代表")
        self.assertNotContains(response, "草稿代表")
        response = self.client.get(chooser_url(Deputy, "chosen", self.public_deputy.pk))
        self.assertEqual(response.json()["result"]["id"], str(self.public_deputy.pk))
        response = self.client.get(chooser_url(Deputy, "choose_results"), {"q": "草稿"})
        self.assertNotContains(response, "草稿代表")

    def test_staff_choose_every_record(self):
        for obj in self.objects:
            model = type(obj)
            if model.__name__ == "VoterContactPerson":
                user = self.voter_staff
            else:
                user = self.daibiao if STAFF[model._meta.app_label] == "代表工委" else self.fagong
            self.client.force_login(user)
            for name in ("choose_results", "chosen"):
                with self.subTest(model=model.__name__, url=name):
                    response = self.client.get(self.urls(obj)[name])
                    self.assertEqual(response.status_code, 200)
                    if name == "chosen":
                        self.assertIn(f'"id": "{obj.pk}"', response.content.decode())
                    else:
                        self.assertIn(
                            chooser_url(model, "chosen", obj.pk), response.content.decode()
                        )
