"""Recompute Deputy.sort_key with the stroke table (deputies/data/strokes.tsv).

Rows saved before the table existed carry placeholder keys. Add a migration like this one
whenever the table is regenerated (see docs/deputies.md, 按姓氏笔画排序).
"""

from django.db import migrations

from deputies.strokes import name_sort_key


def recompute(apps, schema_editor):
    Deputy = apps.get_model("deputies", "Deputy")
    changed = []
    for deputy in Deputy.objects.only("pk", "name", "surname_length", "sort_key").iterator():
        key = name_sort_key(deputy.name, deputy.surname_length)
        if key != deputy.sort_key:
            deputy.sort_key = key
            changed.append(deputy)
    Deputy.objects.bulk_update(changed, ["sort_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("deputies", "0002_levels_and_staff_groups")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
