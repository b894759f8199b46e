"""One search over every public content type, ranked together: what the search page and
GET /api/search/ call (DESIGN.md §4).

    results = search_site("野生动物 保护", types=["document"], offset=0, limit=10)
    results.count            # matches of the selected types
    results.counts           # {"document": 12, "news": 3, …} over all types, for the type filter
    results.hits             # [Hit(type, title, url, date, text, score, object)]

The types (names and labels, the API's contract) are listed in RESULT_TYPES; each model says which
type it is (`search_result_type`), how its date is read (`search_result_date`) and, for register
entries, which routable page gives their URL (`search_index_page`, `search_url_prefix`,
`search_url_path()`): the search app imports no other app's models and lists none. Page models
without a type are "page".

What a query is decides how it is searched (search/understand.py, issue 18): a title, a short
name, pinyin or a typo of one puts those titles first (search/backends/titles.py); "X法第N条" puts
the law first at its article (`#art-N`, the article as the snippet); a question is searched for
any of its words and their legal terms, each law shown at its best article.

Public means: pages live, below the root and outside private sections (PageViewRestriction),
register entries (snippets) live. What is only in a draft, unpublished, expired, deleted or put
behind a password is not found, although the index holds drafts too (the admin's own search needs
them): entries carry a `public` flag, set when the object is indexed and kept current when view
restrictions change or pages move (search/backends/signals.py), and the hits shown are checked
against the models once more.

With the project's backend (search.backends) it is one ranked statement over the index; with
another backend (Elasticsearch later) each model is searched on its own and the hits are merged
by score.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from django.apps import apps
from django.core.cache import cache as django_cache
from django.db import models, router
from django.utils import timezone
from modelsearch.utils import get_content_type_pk
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search.query import And, Or, PlainText

from search.backends.availability import UNAVAILABLE_ERRORS, fall_back, site_backend
from search.backends.base import ChineseSearchBackend, IndexedText, SearchSQL, fetch_entries
from search.backends.query import compile_query, parse_user_query
from search.backends.titles import TitleMatches, match_titles
from search.models import SYNONYMS_CACHE_KEY, IndexEntry, Synonym
from search.names import fold
from search.tokenize import MAX_QUERY_TOKENS
from search.understand import article_reference, is_question, question

# The longest query considered; what is beyond is ignored (a pasted paragraph still searches).
MAX_QUERY_LENGTH = 2000
MAX_LIMIT = 100


@dataclass(frozen=True)
class ResultType:
    """A kind of search result: its name (the API's `type`) and label. Models declare their type
    themselves (`search_result_type`); `pages` collects every page model without one."""

    name: str
    label: str
    pages: bool = False


RESULT_TYPES = (
    ResultType("news", "新闻动态"),
    ResultType("initiative", "倡议书"),
    ResultType("appraisal", "部门评议"),
    ResultType("document", "规范性文件"),
    ResultType("deputy", "人大代表"),
    ResultType("station", "代表工作站"),
    ResultType("activity", "站点活动"),
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
    anchor: str | None = None  # the article the hit is shown at (art-24), part of `url`
    passage: str | None = None  # that article's label and text: the snippet source
    passage_label: str | None = None  # 第二十四条
    entry_id: int | None = field(default=None, repr=False)


@dataclass
class SiteResults:
    query: str
    count: int = 0
    counts: dict = field(default_factory=dict)
    hits: list = field(default_factory=list)
    fallback: str | None = None  # why the database answered instead of Elasticsearch
    searched: object = None  # the query object searched (for highlighting)
    corrected: str | None = None  # the title the query was a typo for
    replaced: bool = False  # nothing was found for the query: these are the corrected one's


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@cache
def type_models():
    """{type name: (models)} for the installed indexed models, by their `search_result_type`;
    "page" gets every other page model."""
    from modelsearch.index import get_indexed_models

    result = {result_type.name: () for result_type in RESULT_TYPES}
    pages = next(t.name for t in RESULT_TYPES if t.pages)
    for model in get_indexed_models():
        name = getattr(model, "search_result_type", None)
        if name in result and model._meta.concrete_model is model:
            result[name] += (model,)
        elif name is None and issubclass(model, Page) and model.search_fields:
            result[pages] += (model,)
    return result


def public_queryset(model):
    """What the public may find of `model`, by the same rule as the index's `public` flag
    (search.backends.base.public_flags): live pages below the root outside private sections,
    live register entries (and `is_public` ones where there is such a field); narrowed by the
    model's own `search_public()` where it has one (activities of live stations only)."""
    if issubclass(model, Page):
        return model.objects.live().public().filter(depth__gt=1)
    own = getattr(model, "search_public", None)
    queryset = own() if callable(own) else model._default_manager.all()
    fields = {field.name for field in model._meta.concrete_fields}
    if "live" in fields:
        queryset = queryset.filter(live=True)
    if "is_public" in fields:
        queryset = queryset.filter(is_public=True)
    return queryset


def _date(obj):
    attribute = getattr(obj, "search_result_date", None)
    value = getattr(obj, attribute, None) if attribute else None
    if value is None and isinstance(obj, Page):
        value = obj.first_published_at
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


class _Urls:
    """URLs of results: pages their own; register entries the route of their model's routable
    index page (`search_index_page`, `search_url_prefix`) and `search_url_path()` (default
    "<pk>/"), each index page looked up once."""

    def __init__(self, request):
        self.request = request
        self.prefixes = {}

    def __call__(self, obj):
        if isinstance(obj, Page):
            return obj.get_url(self.request)
        label = getattr(obj, "search_index_page", None)
        if not label:
            return None
        if label not in self.prefixes:
            page_model = _model(label)
            page = page_model.objects.live().first() if page_model else None
            attribute = getattr(obj, "search_url_prefix", "")
            self.prefixes[label] = getattr(page, attribute, None) if page else None
        prefix = self.prefixes[label]
        if not prefix:
            return None
        path = getattr(obj, "search_url_path", None)
        return prefix + (path() if callable(path) else f"{obj.pk}/")


@dataclass
class _Plan:
    """How a query is searched: `parsed` in the full text, `titles` (text) as a title, `article`
    the article referred to, `question` the words of a question."""

    parsed: object
    titles: str | None = None
    article: object = None
    question: object = None
    text: str = ""  # the query as typed
    pinned: set = field(default_factory=set)  # entry ids put first as titles


def _plan(query):
    if not isinstance(query, str):
        return _Plan(parsed=query)
    query = query[:MAX_QUERY_LENGTH]
    reference = article_reference(query)
    if reference is not None:
        law = parse_user_query(reference.law)
        if law is not None:
            return _Plan(parsed=law, titles=reference.law, article=reference, text=query)
    if is_question(query):
        words = question(query, _synonyms(Synonym.WORD))
        if words.words:
            terms = [PlainText(term) for term in words.terms]
            parsed = terms[0] if len(terms) == 1 else Or(terms)
            return _Plan(parsed=parsed, question=words)
    parsed = parse_user_query(query)
    plain = parsed is not None and not any(mark in query for mark in SYNTAX)
    return _Plan(parsed=parsed, titles=query if plain else None)


# Staff's short names are looked up for queries up to this long.
MAX_SHORT_NAME = 30
# What makes a query more than a title: phrases, exclusions, alternatives.
SYNTAX = ('"', "“", "”", "「", "『", " -", " OR ", " or ", "|")


SYNONYMS_CACHE_SECONDS = 60


def _synonyms(kind):
    """{term: (meanings)} that staff added in the admin (search.Synonym), of one kind. Read once
    a minute per process (cache), and again at once in the process that saved one
    (search.models clears the cache on save and delete)."""
    table = django_cache.get(SYNONYMS_CACHE_KEY)
    if table is None:
        table = {}
        for row in Synonym.objects.all():
            entry = table.setdefault(row.kind, {})
            entry[fold(row.term)] = entry.get(fold(row.term), ()) + tuple(row.meaning_list())
        django_cache.set(SYNONYMS_CACHE_KEY, table, SYNONYMS_CACHE_SECONDS)
    return table.get(kind, {})


def search_site(query, *, types=None, offset=0, limit=10, request=None):
    """Search every public type (or those in `types`), ranked together.

    `query` is what the user typed (an article reference, a question, or words, "phrases",
    -exclusions and OR for parse_user_query) or a Wagtail query object (searched as it is).
    Unknown type names are ignored; offset and limit are clamped (0 ≤ offset, 1 ≤ limit ≤
    MAX_LIMIT). Never raises on odd input: a query without anything searchable (punctuation,
    emoji) finds nothing."""
    text = query if isinstance(query, str) else repr(query)
    results = SiteResults(query=text)
    plan = _plan(query)
    results.searched = plan.parsed
    offset = max(int(offset or 0), 0)
    limit = min(max(int(limit or 1), 1), MAX_LIMIT)
    if plan.parsed is None:
        return results
    by_type = type_models()
    wanted = [name for name in (types or TYPE_NAMES) if name in by_type]
    backend, results.fallback = site_backend()  # the database one while Elasticsearch is down
    if not isinstance(backend, ChineseSearchBackend):
        try:
            _search_each_model(backend, plan.parsed, by_type, wanted, offset, limit, results)
        except UNAVAILABLE_ERRORS as error:  # Elasticsearch failed mid-query: once more on ours
            backend, results.fallback = fall_back(backend, error)
            results.count, results.counts, results.hits = 0, {}, []
    if isinstance(backend, ChineseSearchBackend):
        _search_index(backend, plan, by_type, wanted, offset, limit, results)
    urls = _Urls(request)
    type_of_model = {model: name for name, models_ in by_type.items() for model in models_}
    for hit in results.hits:
        hit.type = type_of_model[type(hit.object)]
        hit.url = urls(hit.object)
        hit.date = _date(hit.object)
        _at_article(hit, plan)
        if hit.anchor and hit.url and "#" not in hit.url:
            hit.url += f"#{hit.anchor}"
    return results


def _at_article(hit, plan):
    """For an article reference or a question: the article the hit is shown at (its model's
    `search_passages(text)`), its label and text as the snippet source."""
    passages = getattr(type(hit.object), "search_passages", None)
    if not callable(passages) or not (plan.article or (plan.question and hit.text)):
        return
    articles = passages(hit.text)
    if not articles:
        return
    if plan.article:
        if not plan.pinned or hit.entry_id not in plan.pinned:
            return
        wanted = plan.article.anchor
        article = next((a for a in articles if a.anchor == wanted), None)
    else:
        article = _best_article(articles, plan.question)
    if article is not None:
        hit.anchor = article.anchor
        hit.passage_label = article.label
        hit.passage = f"{article.label} {article.text}"


def _best_article(articles, words):
    """The article holding most of the question's words (a word counts when it or one of its
    legal terms occurs), the legal terms weighing more; the first of equals."""
    best, best_score = None, 0
    for article in articles:
        text = article.text
        score = 0
        for word, meanings in words.words:
            if any(meaning in text for meaning in meanings):
                score += 1.5
            elif word in text:
                score += 1
        if score > best_score:
            best, best_score = article, score
    return best


QUESTION_FIRST = 10


def _question_first(dialect, alias, scope, words):
    """The documents holding every word of a question that has legal terms (each word or one of
    its terms), best first: they come before those holding only some of the words. Without this,
    on PostgreSQL a question's many matches are ranked by their titles alone (FULL_RANK_LIMIT)."""
    groups = [(word, *meanings) for word, meanings in words.words if meanings]
    if len(groups) < 2:
        groups = [(word, *meanings) for word, meanings in words.words]
    if len(groups) < 2:
        return TitleMatches([])
    strict = And([Or([PlainText(term) for term in group]) for group in groups])
    compiled = compile_query(strict, max_tokens=MAX_QUERY_TOKENS)
    if compiled.matches_nothing or compiled.negated:
        return TitleMatches([])
    search = SearchSQL(dialect.match(compiled, ("title", "boosted", "body")), scope, [])
    ranked = dialect.ranked(
        alias, search, 0, QUESTION_FIRST, count=lambda: dialect.count(alias, search)
    )
    entries = fetch_entries(alias, [entry_id for entry_id, _ in ranked])
    return TitleMatches(
        [
            (entry_id, entries[entry_id][0], entries[entry_id][2])
            for entry_id, _ in ranked
            if entry_id in entries
        ]
    )


def _search_index(backend, plan, by_type, wanted, offset, limit, results):
    """One ranked statement over the index, restricted to public entries of the types' models
    (the `public` flag), after the titles the query names (titles first); the page of hits is
    checked against the models themselves, so an entry whose flag lags behind (a change made
    without saving) is never shown."""
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
    types_column = dialect.content_type_column
    all_types = ", ".join(str(int(ct)) for ct in model_of_ct)
    scope = f"e.public AND {types_column} IN ({all_types})"

    titles = TitleMatches([])
    if plan.titles:
        short = len(plan.titles) <= MAX_SHORT_NAME
        staff = _synonyms(Synonym.NAME) if short else {}
        titles = match_titles(
            alias, dialect.vendor, plan.titles, scope, staff.get(fold(plan.titles), ())
        )
        if plan.article and not titles.entries:
            # "除本条例第六条规定外" names no law: a phrase of a text, searched as typed.
            plan.article = None
            plan.titles = None
            plan.parsed = results.searched = parse_user_query(plan.text)
            if plan.parsed is None:
                return
    if plan.question:
        titles = _question_first(dialect, alias, scope, plan.question)
    compiled = compile_query(plan.parsed, max_tokens=MAX_QUERY_TOKENS)
    searchable = not (compiled.matches_nothing or compiled.matches_everything or compiled.negated)
    if titles.corrected and searchable:
        # A typo only if no title holds the query as typed.
        in_titles = SearchSQL(dialect.match(compiled, ("title",)), scope, [])
        if dialect.count(alias, in_titles):
            titles = TitleMatches([])
    search = None
    if searchable:
        search = SearchSQL(dialect.match(compiled, ("title", "boosted", "body")), scope, [])
        for ct, count in dialect.count_by_content_type(alias, search).items():
            name = type_of_ct[ct]
            results.counts[name] = results.counts.get(name, 0) + count
    if titles.corrected:
        results.corrected = titles.corrected
        if not results.counts:
            # Nothing for the query as typed: the corrected title's results instead.
            results.replaced = True
            plan.parsed = results.searched = parse_user_query(titles.corrected)
            compiled = compile_query(plan.parsed, max_tokens=MAX_QUERY_TOKENS)
            search = SearchSQL(dialect.match(compiled, ("title", "boosted", "body")), scope, [])
            for ct, count in dialect.count_by_content_type(alias, search).items():
                name = type_of_ct[ct]
                results.counts[name] = results.counts.get(name, 0) + count
    pinned = [(entry_id, ct) for entry_id, ct, _ in titles.entries]
    plan.pinned = {entry_id for entry_id, _ in pinned}
    if pinned and search is not None:
        # Pinned titles the full text does not match count on top of its matches.
        ids = ", ".join(str(int(entry_id)) for entry_id, _ in pinned)
        matched = SearchSQL(search.match, f"{scope} AND e.id IN ({ids})", [])
        found = {entry_id for entry_id, _ in dialect.ranked(alias, matched, 0, len(pinned))}
    else:
        found = set()
    for entry_id, ct in pinned:
        if entry_id not in found:
            name = type_of_ct[ct]
            results.counts[name] = results.counts.get(name, 0) + 1
    results.count = sum(results.counts.get(name, 0) for name in wanted)
    if not results.count or offset >= results.count:
        return
    head = [entry_id for entry_id, ct in pinned if type_of_ct[ct] in wanted]
    ranked = [(entry_id, None) for entry_id in head[offset : offset + limit]]
    rest_limit = limit - len(ranked)
    if rest_limit > 0 and search is not None:
        wanted_types = ", ".join(str(int(ct)) for ct, name in type_of_ct.items() if name in wanted)
        search.scope_sql = f"e.public AND {types_column} IN ({wanted_types})"
        if pinned:
            ids = ", ".join(str(int(entry_id)) for entry_id, _ in pinned)
            search.scope_sql += f" AND e.id NOT IN ({ids})"
        rest_offset = max(offset - len(head), 0)
        ranked += dialect.ranked(
            alias, search, rest_offset, rest_limit, count=lambda: results.count - len(head)
        )
    entries = fetch_entries(alias, [entry_id for entry_id, _ in ranked], with_text=True)
    rows = [
        (entry_id, *entries[entry_id], score) for entry_id, score in ranked if entry_id in entries
    ]
    objects = {}
    for ct in {row[1] for row in rows}:
        model = model_of_ct[ct]
        keys = [model._meta.pk.to_python(row[2]) for row in rows if row[1] == ct]
        for obj in _light(public_queryset(model)).filter(pk__in=keys):
            objects[(ct, str(obj.pk))] = obj
    for entry_id, ct, object_id, title, body, score in rows:
        obj = objects.get((ct, object_id))
        if obj is not None:
            hit = Hit("", title or str(obj), None, None, body or "", score, obj)
            hit.entry_id = entry_id
            results.hits.append(hit)


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
