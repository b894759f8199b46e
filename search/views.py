"""The site search: the page GET /search/?q=&type=&page= and the JSON API
GET /api/search/?q=&type=&limit=&offset= (DESIGN.md §4). Both call search_site() (every public
content type ranked together, search/backends/site.py) and cut snippets with search/highlight.py.

The page also shows editors' promoted results (wagtail.contrib.search_promotions) and records the
query for the popular-searches report (Wagtail's Query.add_hit), only on the first page of a
search that found something: paging through results is not another search, and a query nobody
can find anything with is not worth suggesting to others."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.search.utils import MAX_QUERY_STRING_LENGTH, normalise_query_string

from core.utils import json_response, parse_int
from search.backends.site import RESULT_TYPES, search_site
from search.forms import API_MAX_QUERY, PAGE_MAX_QUERY, ApiSearchParams, SearchParams, first_error
from search.highlight import highlighted, highlighted_snippet, snippet
from search.tokenize import split_terms

logger = logging.getLogger(__name__)

API_DEFAULT_LIMIT = 10
API_CACHE_SECONDS = 60
POPULAR_DAYS = 30
POPULAR_COUNT = 8


class _ResultsWindow:
    """What Django's Paginator pages over: the count and the requested page of hits, from one
    search_site() call (a second one only when the requested page is out of range)."""

    def __init__(self, query, types, request, per_page, wanted_page):
        self.query, self.types, self.request = query, types, request
        self.per_page = per_page
        self.first = None
        self.results = self._search((max(wanted_page, 1) - 1) * per_page)

    def _search(self, offset):
        self.first = offset
        return search_site(
            self.query, types=self.types, offset=offset, limit=self.per_page, request=self.request
        )

    def count(self):
        return self.results.count

    def __len__(self):
        return self.results.count

    def __getitem__(self, key):
        start = key.start or 0
        if start != self.first:
            counts = self.results.counts
            self.results = self._search(start)
            self.results.counts = counts or self.results.counts
        return self.results.hits


def _promotions(query_string):
    """Editors' picks for this query: live, public pages (or external links), in their order."""
    normalised = normalise_query_string(query_string)
    picks = (
        SearchPromotion.objects.filter(query__query_string=normalised)
        .select_related("page")
        .order_by("sort_order")
    )
    return [
        pick
        for pick in picks
        if pick.page is None or (pick.page.live and pick.page.get_view_restrictions().count() == 0)
    ]


def _record(query_string):
    """Count the query for the popular-searches report; losing a count is not worth an error."""
    if len(query_string) > MAX_QUERY_STRING_LENGTH:
        return
    try:
        Query.get(query_string).add_hit()
    except DatabaseError:
        logger.warning("search: could not record the query", exc_info=True)


def popular_queries(limit=POPULAR_COUNT):
    since = timezone.localdate() - timedelta(days=POPULAR_DAYS)
    return [query.query_string for query in Query.get_most_popular(date_since=since)[:limit]]


def _suggestions(query_string):
    """Shorter searches to try when nothing was found: each of several words on its own."""
    terms = [term for term in split_terms(query_string) if term.strip('"“”-')]
    return [term.strip('"“”') for term in terms] if len(terms) > 1 else []


@require_GET
def search(request):
    form = SearchParams(request.GET, max_query=PAGE_MAX_QUERY)
    form.is_valid()
    query = request.GET.get("q", "").strip()
    error = None
    if "q" in form.errors:
        error = form.errors["q"][0]
    types = form.cleaned_data.get("type") or []
    type_error = form.errors.get("type", [None])[0]
    if not error:
        query = form.cleaned_data.get("q", "")

    context = {
        "query": query,
        "error": error,
        "type_error": type_error,
        "selected_type": types[0] if len(types) == 1 else "",
        "result_types": RESULT_TYPES,
        "results_page": None,
        "promotions": [],
        "suggestions": [],
        "popular": [],
        "fallback": None,
    }
    if query and not error:
        per_page = settings.NEWS_PAGE_SIZE
        wanted = parse_int(request.GET.get("page"), minimum=1) or 1
        window = _ResultsWindow(query, types or None, request, per_page, wanted)
        results_page = Paginator(window, per_page).get_page(wanted)
        searched = window.results.searched
        hits = list(results_page.object_list)
        for hit in hits:
            hit.title_html = highlighted(searched, hit.title)
            hit.snippet_html = highlighted_snippet(searched, hit.passage or hit.text)
        results_page.object_list = hits
        counts = window.results.counts
        context.update(
            corrected=window.results.corrected,
            replaced=window.results.replaced,
            results_page=results_page,
            type_counts=[
                (result_type, counts.get(result_type.name, 0))
                for result_type in RESULT_TYPES
                if counts.get(result_type.name)
            ],
            total=sum(counts.values()),
            fallback=getattr(window.results, "fallback", None),
        )
        if results_page.number == 1:
            context["promotions"] = _promotions(query)
        if wanted == 1 and window.results.count:
            _record(query)
        if not window.results.count:
            context["suggestions"] = _suggestions(query)
    if not context["results_page"] or not context["results_page"].object_list:
        context["popular"] = popular_queries()
    response = render(request, "pages/search.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _json(data, status=200):
    response = json_response(data, status=status, max_age=API_CACHE_SECONDS)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def api_search(request):
    """{"count": N, "results": [{"type", "title", "url", "snippet", "date"}]}; 400 with a
    Chinese {"error": …} for bad parameters. `type` may be given several times (any of them)."""
    form = ApiSearchParams(request.GET, max_query=API_MAX_QUERY)
    if not form.is_valid():
        return _json({"error": first_error(form)}, status=400)
    query = form.cleaned_data["q"]
    types = form.cleaned_data["type"] or None
    limit = form.cleaned_data["limit"] or API_DEFAULT_LIMIT
    offset = form.cleaned_data["offset"] or 0
    if not query:
        return _json({"count": 0, "results": []})
    results = search_site(query, types=types, offset=offset, limit=limit, request=request)
    searched = results.searched
    return _json(
        {
            "count": results.count,
            "results": [
                {
                    "type": hit.type,
                    "title": hit.title,
                    "url": request.build_absolute_uri(hit.url) if hit.url else None,
                    "snippet": snippet(searched, hit.passage or hit.text),
                    "date": hit.date.isoformat() if hit.date else None,
                }
                for hit in results.hits
            ],
        }
    )
