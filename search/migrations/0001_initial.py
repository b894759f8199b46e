"""The search backend's index (search/backends/): the entry tables and, depending on the
database, the full-text structures next to them (see search.models and docs/search.md)."""

import django.db.models.deletion
from django.db import migrations, models

FTS_COLUMNS = "fts_title, fts_boosted, fts_body, fts_autocomplete"
NEW = ", ".join(f"new.{c}" for c in FTS_COLUMNS.split(", "))
OLD = ", ".join(f"old.{c}" for c in FTS_COLUMNS.split(", "))

# FTS5 over the token columns of search_entry_text (external content: stored once), kept in
# step by triggers as the SQLite documentation describes for external content tables. The
# FTS5 rowid is the entry's id.
SQLITE_SQL = [
    f"CREATE VIRTUAL TABLE search_entry_fts USING fts5({FTS_COLUMNS}, "
    "content='search_entry_text', content_rowid='entry_id')",
    f"CREATE TRIGGER search_entry_text_ai AFTER INSERT ON search_entry_text BEGIN "
    f"INSERT INTO search_entry_fts(rowid, {FTS_COLUMNS}) VALUES (new.entry_id, {NEW}); END",
    f"CREATE TRIGGER search_entry_text_ad AFTER DELETE ON search_entry_text BEGIN "
    f"INSERT INTO search_entry_fts(search_entry_fts, rowid, {FTS_COLUMNS}) "
    f"VALUES ('delete', old.entry_id, {OLD}); END",
    f"CREATE TRIGGER search_entry_text_au AFTER UPDATE ON search_entry_text BEGIN "
    f"INSERT INTO search_entry_fts(search_entry_fts, rowid, {FTS_COLUMNS}) "
    f"VALUES ('delete', old.entry_id, {OLD}); "
    f"INSERT INTO search_entry_fts(rowid, {FTS_COLUMNS}) VALUES (new.entry_id, {NEW}); END",
]
SQLITE_REVERSE_SQL = [
    "DROP TRIGGER IF EXISTS search_entry_text_au",
    "DROP TRIGGER IF EXISTS search_entry_text_ad",
    "DROP TRIGGER IF EXISTS search_entry_text_ai",
    "DROP TABLE IF EXISTS search_entry_fts",
]

# tsvector columns with GIN indexes: vec is what a search matches (title A, boosted fields B,
# body D), head (title A, boosted fields B) ranks large result sets cheaply and answers
# title-only searches, autocomplete the AutocompleteFields. vec's pending list (new entries not yet
# merged into the index, scanned by every search) may grow to 16 MB instead of 4 MB: indexing
# a law costs 2.6 ms less; searches pay up to ~9 ms until autovacuum or update_index merges it.
POSTGRES_SQL = [
    "ALTER TABLE search_entry ADD COLUMN vec tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_entry ADD COLUMN head tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_entry ADD COLUMN autocomplete tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_entry_vec ON search_entry USING gin (vec) "
    "WITH (gin_pending_list_limit = 16384)",
    "CREATE INDEX search_entry_head ON search_entry USING gin (head)",
    "CREATE INDEX search_entry_autocomplete ON search_entry USING gin (autocomplete)",
]
POSTGRES_REVERSE_SQL = [
    "DROP INDEX IF EXISTS search_entry_autocomplete",
    "DROP INDEX IF EXISTS search_entry_head",
    "DROP INDEX IF EXISTS search_entry_vec",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS autocomplete",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS head",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS vec",
]


def fts5_available(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        if cursor.fetchone()[0]:
            return True
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.search_fts5_probe USING fts5(x)")
        except Exception:  # noqa: BLE001 - any failure means no FTS5
            return False
        cursor.execute("DROP TABLE temp.search_fts5_probe")
        return True


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "sqlite" and not fts5_available(connection):
            return  # The backend refuses to start, with a clear message, instead.
        for statement in statements_by_vendor.get(connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.CharField(max_length=50)),
                ("title", models.TextField(blank=True)),
                ("public", models.BooleanField(default=False)),
                ("digest", models.CharField(blank=True, max_length=40)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "verbose_name": "检索条目",
                "verbose_name_plural": "检索条目",
                "db_table": "search_entry",
            },
        ),
        migrations.CreateModel(
            name="IndexEntryText",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="text",
                        serialize=False,
                        to="search.indexentry",
                    ),
                ),
                ("body", models.TextField(blank=True)),
                ("fts_title", models.TextField(blank=True, editable=False)),
                ("fts_boosted", models.TextField(blank=True, editable=False)),
                ("fts_body", models.TextField(blank=True, editable=False)),
                ("fts_autocomplete", models.TextField(blank=True, editable=False)),
            ],
            options={
                "verbose_name": "检索条目文本",
                "verbose_name_plural": "检索条目文本",
                "db_table": "search_entry_text",
            },
        ),
        migrations.AddConstraint(
            model_name="indexentry",
            constraint=models.UniqueConstraint(
                fields=("content_type", "object_id"), name="search_entry_unique_object"
            ),
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_SQL, "postgresql": POSTGRES_SQL}),
            run({"sqlite": SQLITE_REVERSE_SQL, "postgresql": POSTGRES_REVERSE_SQL}),
            elidable=False,
        ),
    ]
