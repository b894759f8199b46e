"""Create 工作站管理员 (station administrators) and give 代表工委 the station register.

A station administrator holds model permissions on receptions and activities (and may change,
not add or delete, stations); stations/permissions.py narrows them to the stations the user is
linked to (Station.managers). 代表工委 hold every station permission plus manage_all_stations,
which lifts that narrowing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STATION_ADMINS = "工作站管理员"
STAFF = "代表工委"
RECORD_MODELS = ["reception", "activity"]
ALL_MODELS = ["station", "reception", "activity"]


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

    # Wagtail creates publish/lock/unlock permissions for draftable, lockable snippets after
    # migrate; create them here so that the groups can hold them on a fresh database.
    for model, verbose in (("station", "代表工作站"), ("reception", "代表接待日"), ("activity", "活动记录")):
        content_type, _ = ContentType.objects.get_or_create(app_label="stations", model=model)
        for action in ("publish", "lock", "unlock"):
            Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose}"},
            )

    access_admin = perm("wagtailadmin", "access_admin")
    root = Collection.objects.get(depth=1)

    admins, _ = Group.objects.get_or_create(name=STATION_ADMINS)
    admins.permissions.add(access_admin)
    for model in RECORD_MODELS:
        for action in ("add", "change", "delete", "view", "publish", "lock", "unlock"):
            admins.permissions.add(perm("stations", f"{action}_{model}"))
    for action in ("change", "view", "publish", "lock", "unlock"):
        admins.permissions.add(perm("stations", f"{action}_station"))

    staff, _ = Group.objects.get_or_create(name=STAFF)
    staff.permissions.add(perm("stations", "manage_all_stations"))
    for model in ALL_MODELS:
        for action in ("add", "change", "delete", "view", "publish", "lock", "unlock"):
            staff.permissions.add(perm("stations", f"{action}_{model}"))

    for group in (admins, staff):
        for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            for action in ("add", "choose"):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=perm(app_label, f"{action}_{model}")
                )


def backwards(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=STATION_ADMINS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0001_initial"),
        ("deputies", "0002_levels_and_staff_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
