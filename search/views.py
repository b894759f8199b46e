from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Page

from core.utils import paginate

MAX_QUERY_LENGTH = 100


@require_GET
def search(request):
    """The site search page over live, public pages (Wagtail's search framework).

    Chinese-aware tokenising and the other content types arrive with the search issue;
    this page's URL and parameters (?q=&type=&page=) are the stable contract.
    """
    query = request.GET.get("q", "").strip()
    error = None
    results_page = None
    if len(query) > MAX_QUERY_LENGTH:
        error = f"搜索词过长，请控制在{MAX_QUERY_LENGTH}个字以内。"
    elif query:
        results = Page.objects.live().public().filter(depth__gt=2).search(query)
        results_page = paginate(request, results, settings.NEWS_PAGE_SIZE)
    response = render(
        request,
        "pages/search.html",
        {"query": query, "results_page": results_page, "error": error},
    )
    response["X-Robots-Tag"] = "noindex"
    return response
