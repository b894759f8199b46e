"""The roles and moderation workflow created by home/migrations/0003."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from core.blocks import RICH_TEXT_FEATURES
from home.factories import StandardPageFactory
from home.models import StandardPage
from tests.helpers import default_home

EDITORS = "编辑"
REVIEWERS = "审核"
WORKFLOW = "编辑审核流程"
PASSWORD = "test-password-2026"


def page_codenames(group, page):
    return set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    )


class TestRolesAndWorkflow(TestCase):
    def setUp(self):
        self.root = Page.get_first_root_node()
        self.editors = Group.objects.get(name=EDITORS)
        self.reviewers = Group.objects.get(name=REVIEWERS)

    def test_editors_add_and_change_but_do_not_publish(self):
        self.assertEqual(page_codenames(self.editors, self.root), {"add_page", "change_page"})

    def test_reviewers_publish(self):
        self.assertIn("publish_page", page_codenames(self.reviewers, self.root))
        self.assertTrue({"add_page", "change_page"} <= page_codenames(self.reviewers, self.root))

    def test_both_roles_reach_the_admin_and_the_media_library(self):
        for group in (self.editors, self.reviewers):
            with self.subTest(group=group.name):
                self.assertTrue(group.permissions.filter(codename="access_admin").exists())
                codenames = set(
                    GroupCollectionPermission.objects.filter(group=group).values_list(
                        "permission__codename", flat=True
                    )
                )
                self.assertTrue({"add_image", "choose_image", "add_document"} <= codenames)
        self.assertFalse(
            GroupCollectionPermission.objects.filter(
                group=self.editors, permission__codename__startswith="delete_"
            ).exists()
        )

    def test_root_workflow_is_a_single_review_by_reviewers(self):
        workflow = WorkflowPage.objects.get(page=self.root).workflow
        self.assertEqual(workflow.name, WORKFLOW)
        self.assertTrue(workflow.active)
        tasks = [task.specific for task in workflow.tasks.all()]
        self.assertEqual(len(tasks), 1)
        self.assertIsInstance(tasks[0], GroupApprovalTask)
        self.assertEqual(list(tasks[0].groups.all()), [self.reviewers])
        # Every page of the site inherits it.
        self.assertEqual(default_home().get_workflow(), workflow)


class TestEditorSubmitsReviewerPublishes(TestCase):
    @classmethod
    def setUpTestData(cls):
        User = get_user_model()
        cls.editor = User.objects.create_user("editor", "editor@example.com", PASSWORD)
        cls.editor.groups.add(Group.objects.get(name=EDITORS))
        cls.reviewer = User.objects.create_user("reviewer", "reviewer@example.com", PASSWORD)
        cls.reviewers = Group.objects.get(name=REVIEWERS)
        cls.reviewer.groups.add(cls.reviewers)
        cls.home = default_home()
        cls.page = StandardPageFactory(parent=cls.home, title="工作制度", slug="rules", live=False)
        cls.page.save_revision()

    def edit_data(self, action):
        data = nested_form_data(
            {
                "title": "工作制度",
                "slug": "rules",
                "summary": "常委会工作制度。",
                "body": streamfield(
                    [
                        ("heading", {"text": "双联系制度", "level": "h2"}),
                        (
                            "paragraph",
                            rich_text("<p>每季度至少报到一次。</p>", features=RICH_TEXT_FEATURES),
                        ),
                    ]
                ),
            }
        )
        data[action] = action
        return data

    def login(self, user):
        self.assertTrue(self.client.login(username=user.username, password=PASSWORD))

    def submit_as_editor(self):
        self.login(self.editor)
        url = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        self.client.post(url, self.edit_data("action-submit"))
        self.page.refresh_from_db()

    def test_editor_can_log_into_the_admin(self):
        self.login(self.editor)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "wagtailadmin/home.html")

    def test_editor_submits_a_page_for_moderation(self):
        self.submit_as_editor()
        self.assertFalse(self.page.live)
        state = self.page.current_workflow_state
        self.assertIsNotNone(state)
        self.assertEqual(state.status, "in_progress")
        self.assertEqual(state.workflow.name, WORKFLOW)
        self.assertEqual(state.requested_by, self.editor)
        task = state.current_task_state.task.specific
        self.assertEqual(list(task.groups.all()), [self.reviewers])
        self.assertEqual(self.page.get_latest_revision().content["summary"], "常委会工作制度。")

    def test_editor_cannot_publish_through_the_edit_form(self):
        self.login(self.editor)
        url = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        self.client.post(url, self.edit_data("action-publish"))
        self.page.refresh_from_db()
        self.assertFalse(self.page.live)
        self.assertIsNone(self.page.live_revision)
        self.assertIsNone(self.page.first_published_at)
        self.assertEqual(self.client.get("/rules/").status_code, 404)

    def test_editor_cannot_publish_a_new_page(self):
        self.login(self.editor)
        url = reverse("wagtailadmin_pages:add", args=["home", "standardpage", self.home.pk])
        data = self.edit_data("action-publish")
        data["slug"] = "new-rules"
        self.client.post(url, data)
        created = StandardPage.objects.filter(slug="new-rules").first()
        if created is not None:  # saved as a draft: fine, as long as it is not public
            self.assertFalse(created.live)
        self.assertEqual(self.client.get("/new-rules/").status_code, 404)

    def bulk_publish(self, user):
        self.login(user)
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        self.client.post(f"{url}?id={self.page.pk}", {"include_descendants": ""})
        self.page.refresh_from_db()

    def test_editor_cannot_publish_through_bulk_actions(self):
        self.bulk_publish(self.editor)
        self.assertFalse(self.page.live)

    def test_reviewer_can_publish_through_bulk_actions(self):
        self.bulk_publish(self.reviewer)
        self.assertTrue(self.page.live)

    def test_reviewer_approves_and_the_page_goes_live(self):
        self.submit_as_editor()
        task_state = self.page.current_workflow_task_state
        self.client.logout()
        self.login(self.reviewer)
        url = reverse(
            "wagtailadmin_pages:workflow_action", args=[self.page.pk, "approve", task_state.pk]
        )
        self.client.post(url)
        self.page.refresh_from_db()
        self.assertTrue(self.page.live)
        self.assertEqual(self.page.current_workflow_state, None)
        response = self.client.get("/rules/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "每季度至少报到一次。")


class TestSearchPromotionPermissions(TestCase):
    def test_reviewers_keep_the_promoted_search_results(self):
        def codenames(group):
            return set(
                Group.objects.get(name=group)
                .permissions.filter(content_type__app_label="wagtailsearchpromotions")
                .values_list("codename", flat=True)
            )

        self.assertEqual(
            codenames("审核"),
            {"add_searchpromotion", "change_searchpromotion", "delete_searchpromotion"},
        )
        self.assertEqual(codenames("编辑"), set())


class TestWagtailDefaultsRemoved(TestCase):
    """home/migrations/0005: Wagtail's default groups and workflow go unless something uses them."""

    @staticmethod
    def remove():
        from importlib import import_module

        from django.apps import apps

        migration = import_module("home.migrations.0005_remove_default_groups_and_workflow")
        migration.remove_unused_defaults(apps, None)

    @staticmethod
    def wagtail_defaults():
        """What Wagtail's initial migrations create (wagtailcore 0002, 0048, 0069)."""
        moderators = Group.objects.create(name="Moderators")
        editors = Group.objects.create(name="Editors")
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.set([moderators])
        workflow = Workflow.objects.create(name="Moderators approval")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        return moderators, editors, workflow

    def test_a_migrated_database_has_only_the_projects_groups_and_workflow(self):
        self.assertFalse(Group.objects.filter(name__in=["Moderators", "Editors"]).exists())
        self.assertFalse(Workflow.objects.filter(name="Moderators approval").exists())
        self.assertFalse(Task.objects.filter(name="Moderators approval").exists())
        self.assertTrue(Workflow.objects.filter(name=WORKFLOW).exists())
        self.assertTrue(Group.objects.filter(name__in=[EDITORS, REVIEWERS]).count() == 2)

    def test_unused_defaults_are_removed(self):
        self.wagtail_defaults()
        self.remove()
        self.assertFalse(Group.objects.filter(name__in=["Moderators", "Editors"]).exists())
        self.assertFalse(Workflow.objects.filter(name="Moderators approval").exists())
        self.assertFalse(Task.objects.filter(name="Moderators approval").exists())
        self.assertTrue(WorkflowPage.objects.filter(workflow__name=WORKFLOW).exists())

    def test_defaults_in_use_are_kept(self):
        moderators, editors, workflow = self.wagtail_defaults()
        get_user_model().objects.create_user("old-editor", password=PASSWORD).groups.add(editors)
        section = StandardPageFactory(parent=default_home(), title="旧栏目")
        WorkflowPage.objects.create(page=section, workflow=workflow)
        self.remove()
        # The workflow is assigned to a page; its task, and the task's group, stay with it.
        self.assertTrue(Workflow.objects.filter(pk=workflow.pk).exists())
        self.assertTrue(Task.objects.filter(name="Moderators approval").exists())
        self.assertTrue(Group.objects.filter(pk=moderators.pk).exists())
        self.assertTrue(Group.objects.filter(pk=editors.pk).exists())  # it has a user
