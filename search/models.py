from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel


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


class TitleKey(models.Model):
    """A key an entry's title is found by (search/names.py): the title folded, without
    中华人民共和国 or a province, its pinyin, initials and one-character variants. Written with
    the entry; a query equal to a key puts the entry first (search/backends/titles.py)."""

    KIND_CHOICES = [
        ("name", "标题"),
        ("pinyin", "拼音"),
        ("initials", "拼音首字母"),
        ("fuzzy", "错一字"),
    ]
    entry = models.ForeignKey(IndexEntry, on_delete=models.CASCADE, related_name="title_keys")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    key = models.CharField(max_length=200)
    # 0 the title itself, 1 without the country's name or a version bracket, 2 without a province.
    weight = models.PositiveSmallIntegerField(default=0)
    # The entry's own order among entries of the same key (search_priority() of its model:
    # valid and newer documents first).
    priority = models.FloatField(default=0)

    wagtail_reference_index_ignore = True

    class Meta:
        db_table = "search_title_key"
        verbose_name = "标题检索键"
        verbose_name_plural = "标题检索键"
        indexes = [models.Index(fields=["key"], name="search_title_key_key")]

    def __str__(self):
        return f"{self.kind}:{self.key}"


class Synonym(models.Model):
    """What staff teach the search (设置 → 搜索同义词): a short name of a title (反家暴法 →
    中华人民共和国反家庭暴力法) or an everyday word and the legal terms for it (驾照 →
    机动车驾驶证). Added to the lists shipped in search/data/ and applied to queries at once."""

    NAME, WORD = "name", "word"
    KIND_CHOICES = [(NAME, "简称 → 全称"), (WORD, "日常用语 → 法律用语")]

    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES, default=NAME)
    term = models.CharField("用户输入的词", max_length=100, help_text="如：反家暴法、驾照")
    meanings = models.CharField(
        "对应的标题或用语",
        max_length=500,
        help_text="简称填文件的完整标题；日常用语填法律用语，多个用“/”分隔，如：机动车驾驶证/驾驶证",
    )
    source = models.CharField("来源", max_length=300, blank=True, help_text="出处，便于日后核对")

    panels = [FieldPanel("kind"), FieldPanel("term"), FieldPanel("meanings"), FieldPanel("source")]

    class Meta:
        verbose_name = "搜索同义词"
        verbose_name_plural = "搜索同义词"
        ordering = ["kind", "term"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="search_synonym_unique_term")
        ]

    def __str__(self):
        return f"{self.term} → {self.meanings}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(SYNONYMS_CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(SYNONYMS_CACHE_KEY)
        return result

    def clean(self):
        super().clean()
        self.term = self.term.strip().strip("《》〈〉").strip()
        if not self.meaning_list():
            raise ValidationError({"meanings": "请填写对应的标题或用语。"})

    def meaning_list(self):
        return [meaning.strip() for meaning in self.meanings.split("/") if meaning.strip()]


# The site search keeps staff's synonyms in the cache (search/backends/site.py).
SYNONYMS_CACHE_KEY = "search:synonyms"


# Keep the `public` flag of page entries current when view restrictions change or pages move.
from search.backends import signals  # noqa: E402, F401
