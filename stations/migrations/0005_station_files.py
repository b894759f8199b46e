"""Each station gets a collection of its own, named after it, under 代表工作站; the station's
photo, its working systems' files and its activities' photos and files move there out of the
root collection, which now holds public editorial content only. A file some page uses stays in
the root; a file several stations use goes to 代表工作站 (代表工委 reach it).

Grants (GroupCollectionPermission): 工作站管理员 and 代表工委 add and choose images and documents
in 代表工作站 (stations/wagtail_hooks.py narrows a station administrator to his own stations'
collections) and choose, not add, editorial images in the root; their root grants on documents
go. See docs/security.md, "Files by collection"."""

from collections import defaultdict

from django.db import migrations

from core.file_collections import (
    add_child_collection,
    ensure_register_collection,
    grant,
    move_root_files,
)

GROUPS = ["工作站管理员", "代表工委"]
NAME = "代表工作站"
FILE_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
]
ROOT_REVOKED = ["wagtailimages.add_image", "wagtaildocs.add_document", "wagtaildocs.choose_document"]


def forwards(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Station = apps.get_model("stations", "Station")
    ActivityPhoto = apps.get_model("stations", "ActivityPhoto")
    ActivityFile = apps.get_model("stations", "ActivityFile")
    StationSystem = apps.get_model("stations", "StationSystem")

    parent = ensure_register_collection(apps, "stations", NAME)
    images, documents = defaultdict(set), defaultdict(set)
    for station in Station.objects.all():
        if station.collection_id is None:
            parent.refresh_from_db()
            station.collection = add_child_collection(Collection, parent, station.name)
            station.save(update_fields=["collection"])
        images[station.photo_id].add(station.pk)
    for photo in ActivityPhoto.objects.values("image", "activity__station"):
        images[photo["image"]].add(photo["activity__station"])
    for system in StationSystem.objects.values("document", "station"):
        documents[system["document"]].add(system["station"])
    for file in ActivityFile.objects.values("document", "activity__station"):
        documents[file["document"]].add(file["activity__station"])

    collections = dict(Station.objects.values_list("pk", "collection"))
    for (app_label, model), used in (
        (("wagtailimages", "image"), images),
        (("wagtaildocs", "document"), documents),
    ):
        by_station = defaultdict(set)
        for pk, stations in used.items():
            if pk is not None:
                by_station[next(iter(stations)) if len(stations) == 1 else None].add(pk)
        for station_pk, pks in by_station.items():
            target = parent if station_pk is None else Collection(pk=collections[station_pk])
            move_root_files(apps, app_label, model, pks, target)

    Group = apps.get_model("auth", "Group")
    root = Collection.objects.get(depth=1)
    for group in Group.objects.filter(name__in=GROUPS):
        grant(apps, group, root, ROOT_REVOKED, revoke=True)
        grant(apps, group, root, ["wagtailimages.choose_image"])
        grant(apps, group, parent, FILE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0004_station_collection"),
        ("deputies", "0005_photo_collection"),
        ("core", "0002_file_collection"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
