import logging

from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import site_mode

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_search():
    """("ok", None), or ("fallback", reason) while the database backend serves in place of an
    unreachable Elasticsearch (search/backends/availability.py); raises when search is down."""
    from search.backends.availability import search_status

    return search_status()


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok", "database": "ok", "search": "ok"}; 200 with "status": "degraded",
    "search": "fallback" and a "search_detail" while the database answers searches in place of
    Elasticsearch; 503 naming the failing part otherwise."""
    result = {"status": "ok"}
    try:
        check_database()
    except Exception:
        logger.exception("healthz: database check failed")
        result["database"] = "error"
        result["status"] = "error"
    else:
        result["database"] = "ok"
    try:
        state, detail = check_search()
    except Exception:
        logger.exception("healthz: search check failed")
        result["search"] = "error"
        result["status"] = "error"
    else:
        result["search"] = state
        if detail:
            result["search_detail"] = detail
            if result["status"] == "ok":
                result["status"] = "degraded"
    return JsonResponse(result, status=503 if result["status"] == "error" else 200)


@require_GET
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def switch_mode(request):
    """GET /mode/?to=elder|standard&next=/path/: keep the display mode in a cookie and go back.
    A plain link, so it works without JavaScript. Clear-Site-Data empties the browser's HTTP
    cache of this site: the pages it holds (public, max-age) were rendered in the other mode."""
    mode = request.GET.get("to", "")
    if mode not in site_mode.MODES:
        return HttpResponseBadRequest(
            "未知的显示模式。".encode(), content_type="text/plain; charset=utf-8"
        )
    response = HttpResponseRedirect(site_mode.safe_next(request, request.GET.get("next", "")))
    response.status_code = 303
    site_mode.set_cookie(response, mode)
    response["Clear-Site-Data"] = '"cache"'
    return response
