"""Remove what Wagtail creates on a fresh database and the project does not use: the groups
Moderators and Editors and the workflow "Moderators approval" with its task (the project's are
编辑, 审核 and 编辑审核流程, migration 0003). Each is removed only while nothing uses it, so a site
that did put it to use keeps it:

- the workflow: while no page or snippet model is assigned to it and it has no workflow history;
- its task: while no other workflow holds it and it has no task history;
- a group: while it has no users and no remaining approval task names it.

Not reversed: Wagtail's own migrations never create them again, and nothing refers to them.
"""

from django.db import migrations

DEFAULT_WORKFLOW = "Moderators approval"
DEFAULT_TASK = "Moderators approval"
DEFAULT_GROUPS = ("Moderators", "Editors")


def remove_unused_defaults(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore.WorkflowState")
    Task = apps.get_model("wagtailcore.Task")
    TaskState = apps.get_model("wagtailcore.TaskState")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW):
        used = (
            WorkflowPage.objects.filter(workflow=workflow).exists()
            or WorkflowContentType.objects.filter(workflow=workflow).exists()
            or WorkflowState.objects.filter(workflow=workflow).exists()
        )
        if not used:
            WorkflowTask.objects.filter(workflow=workflow).delete()
            workflow.delete()

    for task in Task.objects.filter(name=DEFAULT_TASK):
        used = (
            WorkflowTask.objects.filter(task=task).exists()
            or TaskState.objects.filter(task=task).exists()
        )
        if not used:
            GroupApprovalTask.objects.filter(pk=task.pk).delete()
            Task.objects.filter(pk=task.pk).delete()

    for group in Group.objects.filter(name__in=DEFAULT_GROUPS):
        used = (
            group.user_set.exists()
            or GroupApprovalTask.objects.filter(groups=group).exists()
        )
        if not used:
            group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_search_promotion_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(remove_unused_defaults, migrations.RunPython.noop)]
