"""The normative documents' files get a collection of their own (规范性文件), out of the root
collection that now holds public editorial content only: the files of unpublished documents
are not editorial. 法工委 add and choose documents there (and no longer in the root). See
docs/security.md, "Files by collection"."""

from django.db import migrations

from core.file_collections import ensure_register_collection, grant, move_root_files

STAFF = "法工委"
NAME = "规范性文件"
DOCUMENT_PERMISSIONS = ["wagtaildocs.add_document", "wagtaildocs.choose_document"]


def forwards(apps, schema_editor):
    collection = ensure_register_collection(apps, "documents", NAME)
    DocumentFile = apps.get_model("documents", "DocumentFile")
    files = DocumentFile.objects.values_list("file", flat=True)
    move_root_files(apps, "wagtaildocs", "document", files, collection)

    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    staff = Group.objects.filter(name=STAFF).first()
    if staff is not None:
        grant(apps, staff, Collection.objects.get(depth=1), DOCUMENT_PERMISSIONS, revoke=True)
        grant(apps, staff, collection, DOCUMENT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_review_group"),
        ("core", "0002_file_collection"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
