"""The parts of the Chinese-aware database search backend that do not depend on the database:
reading an object's indexed text, the index (add, delete, rebuild), the query compiler and the
results. search/backends/sqlite.py and postgres.py supply a `Dialect` that stores the tokens and
writes the SQL; search/backends/__init__.py picks one by the connection's vendor.

The query path is this module's own rather than Wagtail's: one SQL statement matches the index,
restricts it to the queryset being searched (as a subquery), ranks and slices; the objects of the
page of results are then fetched by primary key. Wagtail's database backends match per row and
rank per hit (measured: 15.8 s for a common word over 10,000 pages on SQLite).
"""

import hashlib
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.models import CharField, Count
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
)
from modelsearch.index import AutocompleteField, RelatedFields, SearchField, get_indexed_models
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks
from wagtail.models import Page, PageViewRestriction

from search.backends.query import compile_query
from search.models import IndexEntry
from search.names import TITLE_KEYS_VERSION, title_keys
from search.tokenize import TOKENISER_VERSION

# Which column a SearchField goes to: fields named "title" rank highest, fields with a boost
# above 1 (document numbers, names) next, everything else is the body.
TITLE, BOOSTED, BODY, AUTOCOMPLETE = "title", "boosted", "body", "autocomplete"
# Objects written per INSERT statement.
WRITE_BATCH = 200


def _text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "\n".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(_text(item) for item in value.values())
    return force_str(value)


def title_field_name(model):
    """The SearchField that is an object's title: "title", or "name" for models without one
    (deputies, stations)."""
    names = {field.field_name for field in model.get_searchable_search_fields()}
    return "title" if "title" in names or "name" not in names else "name"


def field_bucket(field, title_name="title", top_level=True):
    if isinstance(field, AutocompleteField):
        return AUTOCOMPLETE
    if top_level and field.field_name == title_name:
        return TITLE
    if field.boost is not None and field.boost > 1:
        return BOOSTED
    return BODY


class IndexedText:
    """The text of one object, by column, as its model's search_fields describe it."""

    def __init__(self, obj):
        self.obj = obj
        self.title_name = title_field_name(type(obj))
        self.parts = {TITLE: [], BOOSTED: [], BODY: [], AUTOCOMPLETE: []}
        self.shown = []  # the object's own text, not its related objects': what snippets show
        for field in obj.get_search_fields():
            self._collect(obj, field, top_level=True)

    def _collect(self, obj, field, top_level):
        if isinstance(field, (SearchField, AutocompleteField)):
            text = _text(field.get_value(obj)).strip()
            if text:
                bucket = field_bucket(field, self.title_name, top_level)
                self.parts[bucket].append(text)
                if top_level and bucket in (BOOSTED, BODY):
                    self.shown.append(text)
        elif isinstance(field, RelatedFields):
            value = field.get_value(obj)
            if value is None:
                return
            if hasattr(value, "all"):
                related = value.all()
            else:
                related = [value() if callable(value) else value]
            for item in related:
                for sub_field in field.fields:
                    self._collect(item, sub_field, top_level=False)

    def __getitem__(self, bucket):
        return "\n".join(self.parts[bucket])

    @cached_property
    def priority(self):
        """The object's order among objects of the same title (search_priority() of its model,
        e.g. valid and newer documents first); 0 for models without one."""
        method = getattr(self.obj, "search_priority", None)
        try:
            return float(method()) if callable(method) else 0.0
        except (TypeError, ValueError):
            return 0.0

    def digest(self, public):
        """What decides the index's content for this object, hashed."""
        content = "\x00".join(
            [TOKENISER_VERSION, TITLE_KEYS_VERSION, str(bool(public)), repr(self.priority)]
            + ["\x01".join(part) for part in self.parts.values()]
        )
        return hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()

    @property
    def display_body(self):
        """The text shown with a result: the object's own fields but the title. Related objects'
        text (a news page's category, a document's issuing body) is searched but not shown: a
        snippet ending in "… 通知公告" reads as if the category were part of the text."""
        return "\n".join(self.shown)


def upsert(cursor, table, keys, rows):
    """INSERT … ON CONFLICT (keys) DO UPDATE. A value is a plain parameter or an (sql, params)
    pair (e.g. a tsvector expression)."""
    columns = list(rows[0])
    values, params = [], []
    for row in rows:
        placeholders = []
        for column in columns:
            value = row[column]
            if isinstance(value, tuple):
                placeholders.append(value[0])
                params.extend(value[1])
            else:
                placeholders.append("%s")
                params.append(value)
        values.append("(" + ", ".join(placeholders) + ")")
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(values)} "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
        params,
    )


def write_title_keys(cursor, entries):
    """Replace the title keys (search/names.py) of [(entry id, IndexedText)]."""
    placeholders = ", ".join(["%s"] * len(entries))
    cursor.execute(
        f"DELETE FROM search_title_key WHERE entry_id IN ({placeholders})",  # noqa: S608
        [entry_id for entry_id, _ in entries],
    )
    rows = [
        (entry_id, kind, key, weight, text.priority)
        for entry_id, text in entries
        for kind, key, weight in title_keys(text[TITLE])
    ]
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        cursor.execute(
            "INSERT INTO search_title_key (entry_id, kind, key, weight, priority) VALUES "  # noqa: S608
            + ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch)),
            [value for row in batch for value in row],
        )


def fetch_entries(alias, ids, with_text=False):
    """{entry id: (content type id, object id, title[, body])} for a page of results: the large
    text is read for these rows only."""
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    if with_text:
        sql = (
            "SELECT e.id, e.content_type_id, e.object_id, e.title, t.body "  # noqa: S608
            "FROM search_entry AS e LEFT JOIN search_entry_text AS t ON t.entry_id = e.id "
            f"WHERE e.id IN ({placeholders})"
        )
    else:
        sql = (
            "SELECT e.id, e.content_type_id, e.object_id, e.title "  # noqa: S608
            f"FROM search_entry AS e WHERE e.id IN ({placeholders})"
        )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, list(ids))
        return {row[0]: row[1:] for row in cursor.fetchall()}


def public_flags(model, objs):
    """Whether the public may find each object: pages live, below the root and outside private
    sections (PageViewRestriction on them or an ancestor); other models live and `is_public`
    where they have such fields."""
    if issubclass(model, Page):
        private = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        return [
            bool(obj.live) and obj.depth > 1 and not any(obj.path.startswith(p) for p in private)
            for obj in objs
        ]
    fields = {field.name for field in model._meta.concrete_fields}
    flags = [
        ("live" not in fields or bool(obj.live))
        and ("is_public" not in fields or bool(obj.is_public))
        for obj in objs
    ]
    own = getattr(model, "search_public", None)
    if callable(own) and any(flags):
        # The model's own rule too (activities of live stations only).
        allowed = set(own().filter(pk__in=[obj.pk for obj in objs]).values_list("pk", flat=True))
        flags = [flag and obj.pk in allowed for flag, obj in zip(flags, objs, strict=True)]
    return flags


class ChineseIndex(BaseIndex):
    """The one index of the backend: the search_entry table and its full-text structures."""

    def __init__(self, backend):
        super().__init__(backend)
        self.write_alias = router.db_for_write(IndexEntry)
        self.read_alias = router.db_for_read(IndexEntry)

    @property
    def dialect(self):
        return self.backend.dialect

    def add_items(self, model, objs):
        if not model.get_search_fields() or not objs:
            return
        content_type_id = get_content_type_pk(model)
        rows = [
            (force_str(obj.pk), IndexedText(obj), public)
            for obj, public in zip(objs, public_flags(model, objs), strict=True)
        ]
        connection = connections[self.write_alias]
        with transaction.atomic(using=self.write_alias), connection.cursor() as cursor:
            for start in range(0, len(rows), WRITE_BATCH):
                self.write(cursor, content_type_id, rows[start : start + WRITE_BATCH])

    def write(self, cursor, content_type_id, rows):
        """Insert or update the entries and their text. Objects whose indexed text and flag are
        what the index holds (same digest) are skipped before any tokenising: re-indexing an
        unchanged site, or re-saving a page without editing its text, costs a comparison."""
        placeholders = ", ".join(["%s"] * len(rows))
        cursor.execute(
            "SELECT object_id, digest FROM search_entry WHERE content_type_id = %s "  # noqa: S608
            f"AND object_id IN ({placeholders})",
            [content_type_id, *(object_id for object_id, _, _ in rows)],
        )
        indexed = dict(cursor.fetchall())
        rows = [
            (object_id, text, public, digest)
            for object_id, text, public in rows
            if indexed.get(object_id) != (digest := text.digest(public))
        ]
        if not rows:
            return
        dialect = self.dialect
        upsert(
            cursor,
            "search_entry",
            ("content_type_id", "object_id"),
            [
                {
                    "content_type_id": content_type_id,
                    "object_id": object_id,
                    "title": text[TITLE],
                    "public": public,
                    "digest": digest,
                }
                | dialect.entry_values(text)
                for object_id, text, public, digest in rows
            ],
        )
        cursor.execute(
            "SELECT object_id, id FROM search_entry WHERE content_type_id = %s "  # noqa: S608
            f"AND object_id IN ({', '.join(['%s'] * len(rows))})",
            [content_type_id, *(row[0] for row in rows)],
        )
        ids = dict(cursor.fetchall())
        upsert(
            cursor,
            "search_entry_text",
            ("entry_id",),
            [
                {"entry_id": ids[object_id], "body": text.display_body} | dialect.text_values(text)
                for object_id, text, _, _ in rows
            ],
        )
        write_title_keys(cursor, [(ids[object_id], text) for object_id, text, _, _ in rows])

    def delete_item(self, item):
        self.delete_objects(type(item), [item.pk])

    def delete_objects(self, model, pks):
        """Remove objects of `model` (and of its subclasses: a page is indexed as its specific
        type) from the index."""
        IndexEntry.objects.using(self.write_alias).filter(
            content_type_id__in=get_descendants_content_types_pks(model),
            object_id__in=[force_str(pk) for pk in pks],
        ).delete()

    def delete_stale_entries(self):
        """Entries whose object is gone or no longer in its model's indexed objects."""
        for model in get_indexed_models():
            indexed = model.get_indexed_objects().annotate(
                _object_id=Cast("pk", output_field=CharField())
            )
            IndexEntry.objects.using(self.write_alias).filter(
                content_type_id=get_content_type_pk(model)
            ).exclude(object_id__in=indexed.values("_object_id")).delete()

    def reset(self):
        IndexEntry.objects.using(self.write_alias).all().delete()
        self.dialect.reset(connections[self.write_alias])


class ChineseSearchRebuilder:
    """`manage.py update_index`: drop entries of deleted or no longer indexed objects, then
    (the command) writes every indexed object again; unchanged rows are left alone."""

    def __init__(self, index):
        self.index = index

    def start(self):
        self.index.delete_stale_entries()
        return self.index

    def finish(self):
        self.index.dialect.optimise(connections[self.index.write_alias])


class ChineseSearchAtomicRebuilder(ChineseSearchRebuilder):
    """The same in one transaction: searches see the old index until the new one is complete."""

    def __init__(self, index):
        super().__init__(index)
        self.atomic = transaction.atomic(using=index.write_alias)

    def start(self):
        self.atomic.__enter__()
        try:
            return super().start()
        except BaseException as error:
            self.atomic.__exit__(type(error), error, error.__traceback__)
            raise

    def finish(self):
        self.atomic.__exit__(None, None, None)
        super().finish()


class SearchSQL:
    """The pieces of one search statement, as built by the query compiler for a dialect.

    `scope_sql` restricts entries (content types, the searched queryset); `match` is the
    dialect's object for the full-text condition and ranking."""

    def __init__(self, match, scope_sql, scope_params):
        self.match = match
        self.scope_sql = scope_sql
        self.scope_params = scope_params


class ChineseSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    LAST_TERM_IS_PREFIX = False
    HANDLES_ORDER_BY_EXPRESSIONS = True

    def __init__(self, queryset, query, **kwargs):
        if queryset.query.is_sliced:
            # The search runs on the slice's objects (the index cannot take a slice itself).
            keys = list(queryset.values_list("pk", flat=True))
            queryset = queryset.model._default_manager.filter(pk__in=keys)
        super().__init__(queryset, query, **kwargs)
        self._count = None

    @cached_property
    def compiled(self):
        return compile_query(self.query, last_term_is_prefix=self.LAST_TERM_IS_PREFIX)

    @cached_property
    def columns(self):
        """The index columns searched: all text columns, or those of the `fields` asked for."""
        if not self.fields:
            return (TITLE, BOOSTED, BODY)
        model = self.queryset.model
        buckets = {
            field.field_name: field_bucket(field, title_field_name(model))
            for field in model.get_searchable_search_fields()
        }
        wanted = {buckets[name] for name in self.fields if name in buckets}
        return tuple(bucket for bucket in (TITLE, BOOSTED, BODY) if bucket in wanted) or (
            TITLE,
            BOOSTED,
            BODY,
        )

    @property
    def alias(self):
        return router.db_for_read(IndexEntry)

    @cached_property
    def content_type_ids(self):
        return get_descendants_content_types_pks(self.queryset.model)

    def scope(self, dialect):
        """SQL restricting entries to the searched queryset: its content types and, unless it
        is a model's whole table, its primary keys (a subquery: the database does the join)."""
        ids = ", ".join(str(int(pk)) for pk in self.content_type_ids)
        sql = f"{dialect.content_type_column} IN ({ids})"
        params = []
        if self.queryset.query.where:
            keys = (
                self.queryset.order_by()
                .annotate(_object_id=Cast("pk", output_field=CharField()))
                .values("_object_id")
            )
            try:
                sub_sql, sub_params = keys.query.sql_with_params()
            except EmptyResultSet:
                # `.none()`, or a filter on an empty list (a user who may choose no image):
                # nothing is in scope. Django raises this rather than compile such SQL.
                return f"{sql} AND 1 = 0", []
            sql += f" AND e.object_id IN ({sub_sql})"
            params.extend(sub_params)
        return sql, params

    def search_sql(self, backend):
        scope_sql, scope_params = self.scope(backend.dialect)
        match = backend.dialect.match(
            self.compiled, self.columns, autocomplete=self.is_autocomplete
        )
        return SearchSQL(match, scope_sql, scope_params)

    is_autocomplete = False

    def matching_keys(self, backend):
        """RawSQL selecting the object ids (text) of every match, for filtering the queryset."""
        search = self.search_sql(backend)
        sql, params = backend.dialect.select_keys(search)
        return RawSQL(sql, params)  # noqa: S611 - user input is in params only

    def keyed(self, queryset):
        return queryset.alias(_search_object_id=Cast("pk", output_field=CharField()))

    def matching_queryset(self, backend):
        """The searched queryset restricted to matches (or to non-matches, for a negation)."""
        compiled = self.compiled
        if compiled.matches_nothing:
            return self.queryset.none()
        if compiled.matches_everything:
            return self.queryset
        keys = self.matching_keys(backend)
        queryset = self.keyed(self.queryset)
        if compiled.negated:
            return queryset.exclude(_search_object_id__in=keys)
        return queryset.filter(_search_object_id__in=keys)

    def ranked(self, backend):
        """True when results come in order of relevance, ranked by the index."""
        return (
            self.order_by_relevance
            and not self.compiled.negated
            and not self.compiled.matches_everything
            and not self.compiled.matches_nothing
        )

    def unranked_queryset(self, backend):
        """Matches in the queryset's order, as Wagtail's database backends give them: explicit
        ordering, else the model's own when relevance was asked for (a negation, MatchAll),
        else newest first (a stable order for pagination)."""
        queryset = self.matching_queryset(backend)
        if not queryset.query.order_by and not (
            self.order_by_relevance and queryset.model._meta.ordering
        ):
            queryset = queryset.order_by("-pk")
        return queryset

    def count(self, backend):
        if self._count is None:
            if self.ranked(backend):
                self._count = backend.dialect.count(self.alias, self.search_sql(backend))
            else:
                self._count = self.unranked_queryset(backend).count()
        return self._count

    def results(self, backend, start, stop, score_field=None):
        if not self.ranked(backend):
            queryset = self.unranked_queryset(backend)[start:stop]
            objects = list(queryset)
            if score_field:
                for obj in objects:
                    setattr(obj, score_field, None)
            return objects
        limit = None if stop is None else max(stop - start, 0)
        if limit == 0:
            return []
        ranked = backend.dialect.ranked(
            self.alias, self.search_sql(backend), start, limit, count=lambda: self.count(backend)
        )
        entries = fetch_entries(self.alias, [entry_id for entry_id, _ in ranked])
        hits = [(entries[entry_id][1], score) for entry_id, score in ranked if entry_id in entries]
        if not hits:
            return []
        pk_field = self.queryset.model._meta.pk
        keys = [pk_field.to_python(object_id) for object_id, _ in hits]
        by_pk = {obj.pk: obj for obj in self.queryset.filter(pk__in=keys)}
        results = []
        for key, (_, score) in zip(keys, hits, strict=True):
            obj = by_pk.get(key)
            if obj is None:  # changed since the statement above (deleted, unpublished)
                continue
            if score_field:
                setattr(obj, score_field, score)
            results.append(obj)
        return results


class ChineseAutocompleteQueryCompiler(ChineseSearchQueryCompiler):
    LAST_TERM_IS_PREFIX = True
    is_autocomplete = True

    @cached_property
    def columns(self):
        return (AUTOCOMPLETE,)

    def check(self):
        # Wagtail checks `fields` against SearchFields; autocomplete searches the
        # AutocompleteFields whatever is asked, as Wagtail's database backends do.
        self._get_filters_from_queryset(check_only=True)
        list(self._get_order_by())


class ChineseSearchResults(BaseSearchResults):
    supports_facet = True

    def _do_search(self):
        return self.query_compiler.results(
            self.backend, self.start, self.stop, score_field=self._score_field
        )

    def _do_count(self):
        count = self.query_compiler.count(self.backend)
        count = max(count - self.start, 0)
        if self.stop is not None:
            count = min(count, self.stop - self.start)
        return count

    def facet(self, field_name):
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to '
                f"{self.query_compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        queryset = self.query_compiler.matching_queryset(self.backend)
        rows = queryset.order_by().values(field_name).annotate(count=Count("pk")).order_by("-count")
        return OrderedDict((row[field_name], row["count"]) for row in rows)


class ChineseSearchBackend(BaseSearchBackend):
    query_compiler_class = ChineseSearchQueryCompiler
    autocomplete_query_compiler_class = ChineseAutocompleteQueryCompiler
    index_class = ChineseIndex
    results_class = ChineseSearchResults
    rebuilder_class = ChineseSearchRebuilder
    atomic_rebuilder_class = ChineseSearchAtomicRebuilder
    dialect_class = None

    checked = set()

    def __init__(self, params):
        super().__init__(params)
        self.params = params
        self.dialect = self.dialect_class(params)
        alias = router.db_for_write(IndexEntry)
        if alias not in ChineseSearchBackend.checked:
            self.dialect.check(connections[alias])
            ChineseSearchBackend.checked.add(alias)
        if params.get("ATOMIC_REBUILD", True):
            self.rebuilder_class = self.atomic_rebuilder_class

    def add_bulk(self, model, obj_list):
        """Index many objects of one model in one go (importers call this in batches)."""
        super().add_bulk(model, list(obj_list))

    def delete_bulk(self, model, pks):
        """Remove many objects of one model from the index."""
        self.get_index_for_model(model).delete_objects(model, pks)
