"""Reviewers (审核), who publish, also keep the promoted search results (推广搜索结果, admin menu
设置): which pages come first for a query on the search page (docs/search.md)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS = "审核"
ACTIONS = ["add", "change", "delete"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("wagtailsearchpromotions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group = Group.objects.filter(name=REVIEWERS).first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wagtailsearchpromotions",
            codename__in=[f"{action}_searchpromotion" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group = Group.objects.filter(name=REVIEWERS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="wagtailsearchpromotions")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_editorial_groups_and_workflow"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
