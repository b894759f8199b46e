"""Create 法工委 (legislative affairs staff), who keep the registry of normative documents, their
reviews and the review suggestions. Suggestions carry citizens' contact details: only this group
(and superusers) can open them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "法工委"
MODELS = ["issuingbody", "normativedocument", "documentfile", "review", "reviewsuggestion"]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    content_type, _ = ContentType.objects.get_or_create(
        app_label="documents", model="normativedocument"
    )
    for action in ("publish", "lock", "unlock"):
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_normativedocument",
            defaults={"name": f"Can {action} 规范性文件"},
        )

    staff, _ = Group.objects.get_or_create(name=STAFF)
    staff.permissions.add(perm("wagtailadmin", "access_admin"))
    for model in MODELS:
        for action in ("add", "change", "delete", "view"):
            staff.permissions.add(perm("documents", f"{action}_{model}"))
    for action in ("publish", "lock", "unlock"):
        staff.permissions.add(perm("documents", f"{action}_normativedocument"))
    root = Collection.objects.get(depth=1)
    for action in ("add", "choose"):
        GroupCollectionPermission.objects.get_or_create(
            group=staff, collection=root, permission=perm("wagtaildocs", f"{action}_document")
        )


def backwards(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=STAFF).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
