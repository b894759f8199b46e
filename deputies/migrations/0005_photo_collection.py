"""Deputies' photos get a collection of their own (人大代表照片), out of the root collection that
now holds public editorial content only: the photos of unpublished deputies are not editorial
images. 代表工委 add and choose images there, and may still choose (not add) editorial images
in the root. See docs/security.md, "Files by collection"."""

from django.db import migrations

from core.file_collections import ensure_register_collection, grant, move_root_files

STAFF = "代表工委"
NAME = "人大代表照片"


def forwards(apps, schema_editor):
    collection = ensure_register_collection(apps, "deputies", NAME)
    Deputy = apps.get_model("deputies", "Deputy")
    photos = Deputy.objects.exclude(photo=None).values_list("photo", flat=True)
    move_root_files(apps, "wagtailimages", "image", photos, collection)

    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    staff = Group.objects.filter(name=STAFF).first()
    if staff is not None:
        root = Collection.objects.get(depth=1)
        grant(apps, staff, root, ["wagtailimages.add_image"], revoke=True)
        grant(apps, staff, root, ["wagtailimages.choose_image"])
        grant(apps, staff, collection, ["wagtailimages.add_image", "wagtailimages.choose_image"])


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0004_area_pinyin"),
        ("core", "0002_file_collection"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
