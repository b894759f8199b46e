"""GET /api/areas/?q=… : the JSON behind the finder's autocomplete (DESIGN.md §4).

    {"results": [{"id", "name", "full_name", "kind", "township", "url"}]}

Villages and communities whose name, full name (乡镇 + 村), pinyin or pinyin initials match
`q`, best first (stations/finder.py ranks them in SQL), at most 10. `url` opens the finder on
that area, or is null when no live StationIndexPage exists. An empty query (or one of
punctuation only) gives an empty list; a query longer than 50 characters gives 400 with a
Chinese {"error": …}. Responses are public and cached briefly by browsers and proxies.

Speed (docs/finder.md): one SQL query for the areas (stations/finder.py), and the finder's URL
from Django's cache: looking up the live StationIndexPage and its URL took three queries, more
than the search itself. The cached URL is dropped whenever a page, a page's view restriction or
a site is saved or deleted in this process, and expires after CACHE_SECONDS anyway (as long as
browsers keep a response)."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.views.decorators.http import require_GET
from wagtail.models import Page, PageViewRestriction, Site

from core.utils import json_response

from .finder import API_LIMIT, MAX_QUERY_LENGTH, TOO_LONG, normalize, search_areas
from .models import StationIndexPage

CACHE_SECONDS = 300
FINDER_URL_KEY = "stations:finder-url"


def _json(data, status=200):
    return json_response(data, status=status, max_age=CACHE_SECONDS)


def finder_url():
    """The finder's URL (relative with one site, absolute with several), or None when there is
    no live, public StationIndexPage."""
    url = cache.get(FINDER_URL_KEY)
    if url is None:
        page = StationIndexPage.objects.live().public().first()
        page_url = page.get_url() if page is not None else None
        url = page_url + page.reverse_subpage("find") if page_url else ""
        cache.set(FINDER_URL_KEY, url, CACHE_SECONDS)
    return url or None


@receiver(post_save, dispatch_uid="stations_api_finder_url_saved")
@receiver(post_delete, dispatch_uid="stations_api_finder_url_deleted")
def forget_finder_url(sender, instance, **kwargs):
    if isinstance(instance, Page | PageViewRestriction | Site):
        cache.delete(FINDER_URL_KEY)


@require_GET
def areas(request):
    typed = request.GET.get("q", "").strip()
    if len(typed) > MAX_QUERY_LENGTH:
        return _json({"error": TOO_LONG, "results": []}, status=400)
    matches = search_areas(normalize(typed), limit=API_LIMIT)
    finder = finder_url() if matches else None
    return _json(
        {
            "results": [
                {
                    "id": area.pk,
                    "name": area.name,
                    "full_name": area.full_name,
                    "kind": area.kind,
                    "township": area.parent.name if area.parent_id else "",
                    "url": f"{finder}?area={area.pk}" if finder else None,
                }
                for area in matches
            ]
        }
    )
