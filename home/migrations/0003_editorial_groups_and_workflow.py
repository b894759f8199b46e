"""The editorial roles and their moderation workflow.

编辑 (editors) draft pages and submit them for moderation; 审核 (reviewers) approve and publish.
Both work on the whole page tree. Pages under the tree root go through the 编辑审核 workflow,
a single group-approval task assigned to 审核; it replaces Wagtail's default "Moderators approval"
workflow on the root (the default groups Editors/Moderators stay, unused, as Wagtail created them).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "编辑"
REVIEWERS = "审核"
WORKFLOW = "编辑审核流程"
TASK = "审核组审批"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: [("wagtailimages", "image", ["add", "change", "choose"]),
              ("wagtaildocs", "document", ["add", "change", "choose"])],
    REVIEWERS: [("wagtailimages", "image", ["add", "change", "choose", "delete"]),
                ("wagtaildocs", "document", ["add", "change", "choose", "delete"])],
}
MODEL_PERMISSIONS = {
    EDITORS: [("news", "newscategory", ["view"]), ("news", "department", ["view", "add", "change"])],
    REVIEWERS: [("news", "newscategory", ["view", "add", "change", "delete"]),
                ("news", "department", ["view", "add", "change", "delete"])],
}


def permission(apps, app_label, codename):
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_groups_and_workflow(apps, schema_editor):
    # Permissions are normally created after migrate; create them now for a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    access_admin = permission(apps, "wagtailadmin", "access_admin")

    groups = {}
    for name in (EDITORS, REVIEWERS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(access_admin)
        for codename in PAGE_PERMISSIONS[name]:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=permission(apps, "wagtailcore", codename)
            )
        for app_label, model, actions in COLLECTION_PERMISSIONS[name]:
            for action in actions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=permission(apps, app_label, f"{action}_{model}"),
                )
        for app_label, model, actions in MODEL_PERMISSIONS[name]:
            for action in actions:
                group.permissions.add(permission(apps, app_label, f"{action}_{model}"))

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.set([groups[REVIEWERS]])
    workflow = Workflow.objects.create(name=WORKFLOW, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


def remove_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    Task = apps.get_model("wagtailcore.Task")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Task.objects.filter(name=TASK).delete()
    Group.objects.filter(name__in=[EDITORS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("news", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create_groups_and_workflow, remove_groups_and_workflow)]
