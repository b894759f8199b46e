import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_search():
    # A real query through the configured backend, limited to the tree root so it stays cheap.
    list(get_search_backend().search("健康检查", Page.objects.filter(depth=1))[:1])


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok", "database": "ok", "search": "ok"}, or 503 naming the failing part."""
    result = {"status": "ok"}
    for part, check in (("database", check_database), ("search", check_search)):
        try:
            check()
        except Exception:
            logger.exception("healthz: %s check failed", part)
            result[part] = "error"
            result["status"] = "error"
        else:
            result[part] = "ok"
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)


@require_GET
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
