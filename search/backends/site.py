"""One search over every public content type, ranked together: what the search page and
GET /api/search/ call (DESIGN.md §4).

    results = search_site("野生动物 保护", types=["document"], offset=0, limit=10)
    results.count            # matches of the selected types
    results.counts           # {"document": 12, "news": 3, …} over all types, for the type filter
    results.hits             # [Hit(type, title, url, date, text, score, object)]

The types and their models are declared once in RESULT_TYPES by model label (the search app
imports no other app's models). Public means: pages live, below the root and outside private
sections (PageViewRestriction), register entries (snippets) live. What is only in a draft,
unpublished, expired, deleted or put behind a password is not found, although the index holds
drafts too (the admin's own search needs them): entries carry a `public` flag, set when the
object is indexed and kept current when view restrictions change or pages move
(search/backends/signals.py), and the hits shown are checked against the models once more.

With the project's backend (search.backends) it is one ranked statement over the index; with
another backend (Elasticsearch later) each model is searched on its own and the hits are merged
by score.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from django.apps import apps
from django.db import models, router
from django.utils import timezone
from modelsearch.utils import get_content_type_pk
from wagtail.fields import StreamField
from wagtail.models import Page

from search.backends.availability import UNAVAILABLE_ERRORS, fall_back, site_backend
from search.backends.base import ChineseSearchBackend, IndexedText, SearchSQL, fetch_entries
from search.backends.query import compile_query, parse_user_query
from search.models import IndexEntry
from search.tokenize import MAX_QUERY_TOKENS

# The longest query considered; what is beyond is ignored (a pasted paragraph still searches).
MAX_QUERY_LENGTH = 2000
MAX_LIMIT = 100


@dataclass(frozen=True)
class ResultType:
    """A kind of search result: its models (labels), how its date is read and, for register
    entries shown by a routable page, that page's model and the attribute giving the URL up to the
    primary key (e.g. DocumentRegistryPage.document_url_prefix)."""

    name: str
    label: str
    models: tuple = ()
    date: str | None = None
    index_page: str | None = None
    url_prefix: str | None = None
    pages: bool = False  # every page model not claimed by another type


RESULT_TYPES = (
    ResultType("news", "新闻动态", ("news.NewsPage",), date="date"),
    ResultType("initiative", "倡议书", ("news.InitiativePage",), date="issued_date"),
    ResultType("appraisal", "部门评议", ("news.AppraisalPage",)),
    ResultType(
        "document",
        "规范性文件",
        ("documents.NormativeDocument",),
        date="date_issued",
        index_page="documents.DocumentRegistryPage",
        url_prefix="document_url_prefix",
    ),
    ResultType(
        "deputy",
        "人大代表",
        ("deputies.Deputy",),
        index_page="deputies.DeputyIndexPage",
        url_prefix="profile_url_prefix",
    ),
    ResultType(
        "station",
        "代表工作站",
        ("stations.Station",),
        index_page="stations.StationIndexPage",
        url_prefix="station_url_prefix",
    ),
    ResultType("page", "网页", pages=True),
)
TYPE_NAMES = tuple(result_type.name for result_type in RESULT_TYPES)


@dataclass
class Hit:
    type: str
    title: str
    url: str | None
    date: date | None
    text: str  # the indexed text other than the title: the snippet source
    score: float | None
    object: models.Model = field(repr=False)


@dataclass
class SiteResults:
    query: str
    count: int = 0
    counts: dict = field(default_factory=dict)
    hits: list = field(default_factory=list)
    fallback: str | None = None  # why the database answered instead of Elasticsearch


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@cache
def type_models():
    """{type name: (models)} for the installed models; "page" gets every other page model."""
    claimed = set()
    result = {}
    for result_type in RESULT_TYPES:
        found = tuple(model for model in map(_model, result_type.models) if model is not None)
        claimed.update(found)
        result[result_type.name] = found
    for result_type in RESULT_TYPES:
        if result_type.pages:
            result[result_type.name] = tuple(
                model
                for model in apps.get_models()
                if issubclass(model, Page) and model not in claimed and model.search_fields
            )
    return result


def public_queryset(model):
    """What the public may find of `model`, by the same rule as the index's `public` flag
    (search.backends.base.public_flags): live pages below the root outside private sections,
    live register entries (and `is_public` ones where there is such a field)."""
    if issubclass(model, Page):
        return model.objects.live().public().filter(depth__gt=1)
    queryset = model._default_manager.all()
    fields = {field.name for field in model._meta.concrete_fields}
    if "live" in fields:
        queryset = queryset.filter(live=True)
    if "is_public" in fields:
        queryset = queryset.filter(is_public=True)
    return queryset


def _as_query(query):
    if isinstance(query, str):
        return parse_user_query(query[:MAX_QUERY_LENGTH])
    return query


def _date(obj, result_type):
    value = getattr(obj, result_type.date, None) if result_type.date else None
    if value is None and isinstance(obj, Page):
        value = obj.first_published_at
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


class _Urls:
    """URLs of results, looking each routable index page up once."""

    def __init__(self, request):
        self.request = request
        self.prefixes = {}

    def __call__(self, obj, result_type):
        if isinstance(obj, Page):
            return obj.get_url(self.request)
        if not result_type.index_page:
            return None
        if result_type.name not in self.prefixes:
            page_model = _model(result_type.index_page)
            page = page_model.objects.live().first() if page_model else None
            self.prefixes[result_type.name] = (
                getattr(page, result_type.url_prefix, None) if page else None
            )
        prefix = self.prefixes[result_type.name]
        return f"{prefix}{obj.pk}/" if prefix else None


def search_site(query, *, types=None, offset=0, limit=10, request=None):
    """Search every public type (or those in `types`), ranked together.

    `query` is what the user typed (parsed by parse_user_query: words, "phrases", -exclusions,
    OR) or a Wagtail query object. Unknown type names are ignored; offset and limit are clamped
    (0 ≤ offset, 1 ≤ limit ≤ MAX_LIMIT). Never raises on odd input: a query without anything
    searchable (punctuation, emoji) finds nothing."""
    text = query if isinstance(query, str) else repr(query)
    results = SiteResults(query=text)
    parsed = _as_query(query)
    offset = max(int(offset or 0), 0)
    limit = min(max(int(limit or 1), 1), MAX_LIMIT)
    if parsed is None:
        return results
    by_type = type_models()
    wanted = [name for name in (types or TYPE_NAMES) if name in by_type]
    backend, results.fallback = site_backend()  # the database one while Elasticsearch is down
    if not isinstance(backend, ChineseSearchBackend):
        try:
            _search_each_model(backend, parsed, by_type, wanted, offset, limit, results)
        except UNAVAILABLE_ERRORS as error:  # Elasticsearch failed mid-query: once more on ours
            backend, results.fallback = fall_back(backend, error)
            results.count, results.counts, results.hits = 0, {}, []
    if isinstance(backend, ChineseSearchBackend):
        _search_index(backend, parsed, by_type, wanted, offset, limit, results)
    type_of_model = {
        model: next(t for t in RESULT_TYPES if t.name == name)
        for name, models_ in by_type.items()
        for model in models_
    }
    urls = _Urls(request)
    for hit in results.hits:
        result_type = type_of_model[type(hit.object)]
        hit.type = result_type.name
        hit.url = urls(hit.object, result_type)
        hit.date = _date(hit.object, result_type)
    return results


def _search_index(backend, parsed, by_type, wanted, offset, limit, results):
    """One ranked statement over the index, restricted to public entries of the types' models
    (the `public` flag); the page of hits is checked against the models themselves, so an entry
    whose flag lags behind (a change made without saving) is never shown."""
    compiled = compile_query(parsed, max_tokens=MAX_QUERY_TOKENS)
    if compiled.matches_nothing or compiled.matches_everything or compiled.negated:
        # Listing everything (or everything but …) is not a search; the page shows a prompt.
        return
    model_of_ct = {
        get_content_type_pk(model): model for models_ in by_type.values() for model in models_
    }
    type_of_ct = {
        get_content_type_pk(model): name for name, models_ in by_type.items() for model in models_
    }
    if not model_of_ct:
        return
    dialect = backend.dialect
    alias = router.db_for_read(IndexEntry)
    match = dialect.match(compiled, ("title", "boosted", "body"))
    all_types = ", ".join(str(int(ct)) for ct in model_of_ct)
    types_column = dialect.content_type_column
    search = SearchSQL(match, f"e.public AND {types_column} IN ({all_types})", [])
    for ct, count in dialect.count_by_content_type(alias, search).items():
        name = type_of_ct[ct]
        results.counts[name] = results.counts.get(name, 0) + count
    results.count = sum(results.counts.get(name, 0) for name in wanted)
    if not results.count or offset >= results.count:
        return
    if set(wanted) != set(by_type):
        wanted_types = ", ".join(str(int(ct)) for ct, name in type_of_ct.items() if name in wanted)
        search.scope_sql = f"e.public AND {types_column} IN ({wanted_types})"
    ranked = dialect.ranked(alias, search, offset, limit, count=lambda: results.count)
    entries = fetch_entries(alias, [entry_id for entry_id, _ in ranked], with_text=True)
    rows = [(*entries[entry_id], score) for entry_id, score in ranked if entry_id in entries]
    objects = {}
    for ct in {row[0] for row in rows}:
        model = model_of_ct[ct]
        keys = [model._meta.pk.to_python(row[1]) for row in rows if row[0] == ct]
        for obj in _light(public_queryset(model)).filter(pk__in=keys):
            objects[(ct, str(obj.pk))] = obj
    for ct, object_id, title, body, score in rows:
        obj = objects.get((ct, object_id))
        if obj is not None:
            results.hits.append(Hit("", title or str(obj), None, None, body or "", score, obj))


def _light(queryset):
    """The queryset without its long text fields (hits carry the indexed text already)."""
    heavy = [
        field.name
        for field in queryset.model._meta.concrete_fields
        if isinstance(field, (models.TextField, StreamField)) and not field.primary_key
    ]
    return queryset.defer(*heavy)


def _search_each_model(backend, parsed, by_type, wanted, offset, limit, results):
    """For backends other than ours: search each model, merge by score (page by page)."""
    merged = []
    for name, models_ in by_type.items():
        for model in models_:
            found = backend.search(parsed, public_queryset(model))
            count = found.count()
            if not count:
                continue
            results.counts[name] = results.counts.get(name, 0) + count
            if name in wanted:
                for obj in found[: offset + limit].annotate_score("_score"):
                    merged.append((obj._score or 0, obj))
    results.count = sum(results.counts.get(name, 0) for name in wanted)
    merged.sort(key=lambda item: -item[0])
    for score, obj in merged[offset : offset + limit]:
        text = IndexedText(obj)
        title = text["title"] or str(obj)
        results.hits.append(Hit("", title, None, None, text.display_body, score, obj))
