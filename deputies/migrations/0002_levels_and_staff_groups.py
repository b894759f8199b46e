"""Seed the five levels of people's congress and create the staff groups of the register.

代表工委 (deputy affairs staff) keep the register and duty record; 选民信息管理 is the restricted
group that alone may see voters' personal data (VoterContactPerson). Nobody else gets that model's
permissions, and it never reaches public pages or exports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LEVELS = [("national", "全国", 1), ("provincial", "省", 2), ("city", "市", 3), ("county", "县", 4), ("township", "乡镇", 5)]

STAFF = "代表工委"
VOTER_DATA = "选民信息管理"
REGISTER_MODELS = [
    "term", "area", "constituency", "deputy", "election", "deputygroup", "groupmembership",
    "committeemember", "groupcontact", "supervisionrole", "votercontact", "checkin", "training",
    "trainingattendance", "dutyreport",
]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Level = apps.get_model("deputies", "Level")
    for code, name, order in LEVELS:
        Level.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    # Wagtail adds publish/lock/unlock permissions for draftable, lockable snippets after migrate;
    # create them here so the group can hold them on a fresh database.
    ContentType = apps.get_model("contenttypes.ContentType")
    deputy_type, _ = ContentType.objects.get_or_create(app_label="deputies", model="deputy")
    for action in ("publish", "lock", "unlock"):
        Permission.objects.get_or_create(
            content_type=deputy_type,
            codename=f"{action}_deputy",
            defaults={"name": f"Can {action} 人大代表"},
        )

    access_admin = perm("wagtailadmin", "access_admin")
    staff, _ = Group.objects.get_or_create(name=STAFF)
    staff.permissions.add(access_admin)
    for model in REGISTER_MODELS:
        for action in ("add", "change", "delete", "view"):
            staff.permissions.add(perm("deputies", f"{action}_{model}"))
    for action in ("publish", "lock", "unlock"):
        staff.permissions.add(perm("deputies", f"{action}_deputy"))
    root = Collection.objects.get(depth=1)
    for action in ("add", "choose"):
        GroupCollectionPermission.objects.get_or_create(
            group=staff, collection=root, permission=perm("wagtailimages", f"{action}_image")
        )

    voter_data, _ = Group.objects.get_or_create(name=VOTER_DATA)
    voter_data.permissions.add(access_admin, perm("deputies", "view_votercontact"))
    for action in ("add", "change", "delete", "view"):
        voter_data.permissions.add(perm("deputies", f"{action}_votercontactperson"))


def backwards(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=[STAFF, VOTER_DATA]).delete()
    apps.get_model("deputies", "Level").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
