from django.contrib.contenttypes.models import ContentType
from django.db import models


class IndexEntry(models.Model):
    """One indexed object of the Chinese-aware search backend (search/backends/).

    Kept small on purpose: a search reads the entry of every match (content type, object id),
    so the large text lives in IndexEntryText. On PostgreSQL this table also has the tsvector
    columns that searches match (added by migration 0001, not Django fields: SQLite has no such
    type): vec (title weight A, boosted fields B, body D), head (title and boosted fields) and
    autocomplete, each with a GIN index."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # Text, like Wagtail's own index: primary keys need not be integers.
    object_id = models.CharField(max_length=50)
    title = models.TextField(blank=True)
    # What the public may find: a live page outside private sections, a live register entry.
    # Drafts are indexed too (the admin searches them); the site search reads this flag,
    # which saves, page moves and view restrictions keep current (search/backends/signals.py).
    public = models.BooleanField(default=False)
    # SHA-1 of what was indexed (text, flag, tokeniser version): re-indexing an unchanged
    # object stops at comparing it.
    digest = models.CharField(max_length=40, blank=True)

    # The reference index has nothing to learn from search entries.
    wagtail_reference_index_ignore = True

    class Meta:
        db_table = "search_entry"
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_entry_unique_object"
            )
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id} {self.title}"


class IndexEntryText(models.Model):
    """The text of an entry: `body` as written (every SearchField but the title, StreamField
    blocks included), shown with results and cut into snippets; on SQLite also the token streams
    of search/tokenize.py (fts_*), which the FTS5 table search_entry_fts indexes (external
    content: this table), kept in step by triggers (migration 0001). On PostgreSQL the fts_*
    columns stay empty.

    A migration that makes Django rebuild this table on SQLite (most AlterField operations) drops
    the triggers and must create them again (search.migrations.0001_initial.SQLITE_SQL)."""

    entry = models.OneToOneField(
        IndexEntry, on_delete=models.CASCADE, primary_key=True, related_name="text"
    )
    body = models.TextField(blank=True)
    fts_title = models.TextField(blank=True, editable=False)
    fts_boosted = models.TextField(blank=True, editable=False)
    fts_body = models.TextField(blank=True, editable=False)
    fts_autocomplete = models.TextField(blank=True, editable=False)

    wagtail_reference_index_ignore = True

    class Meta:
        db_table = "search_entry_text"
        verbose_name = "检索条目文本"
        verbose_name_plural = "检索条目文本"

    def __str__(self):
        return f"{self.entry_id}"


# Keep the `public` flag of page entries current when view restrictions change or pages move.
from search.backends import signals  # noqa: E402, F401
