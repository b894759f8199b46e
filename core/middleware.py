"""The site while its database is unreachable (docs/security.md, "Load, faults and the 503 page").

When PostgreSQL is down or restarting, or the SQLite file cannot be opened, a view fails with
django.db's OperationalError (connection refused, server closed the connection, unable to open
database file, database is locked) or InterfaceError (connection already closed). Without this
middleware that is a 500 with "工作人员已收到记录" for every visitor; with it a request gets

- 503 Service Unavailable with Retry-After, never cached (no-store: a proxy or the page cache
  must not keep it), and
- a static Chinese page (website/templates/503.html) rendered without the request, so without
  context processors: no Wagtail settings, no menus, no session, no user, nothing from the
  database; or, under /api/ or for a client that prefers JSON, a Chinese JSON error;
- for a POST, the plain statement that what was submitted was NOT saved and is not kept by
  the site, and what to do (go back, copy the text, submit again later). Retrying the view
  here is not safe in general (a form may have counted a rate limit or sent a mail), and a
  merely stale connection never gets this far: CONN_HEALTH_CHECKS (base.py) replaces it
  before the request's first query.

Recovery needs nothing from here: Django closes a connection that raised such an error at the
end of the request (close_old_connections → close_if_unusable_or_obsolete), so the next
request connects afresh and succeeds as soon as the server is back.

Django's process_exception sees exceptions of views (and of TemplateResponse rendering) only;
an exception raised by another middleware goes to handler500, which is server_error below
(website/urls.py): the same 503 for a database error, Django's 500 otherwise.
"""

import json
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client is asked to wait: a PostgreSQL restart or fail-over takes seconds to a
# minute (docs/benchmarks.md, "Load and a database restart").
RETRY_AFTER = 30
TEMPLATE = "503.html"

MESSAGE = "网站数据库暂时无法连接，页面无法显示。通常几分钟内即可恢复，请稍后再试。"
NOT_SAVED = (
    "您刚才提交的内容没有保存，网站也不会保留您填写的文字。"
    "请点击浏览器的“后退”按钮回到表单（多数浏览器仍保留已填写的内容），"
    "先把内容复制保存下来，稍后再重新提交。"
)


def wants_json(request):
    if request.path.startswith("/api/"):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def unavailable_response(request, exception):
    """The 503 for `exception`, built from settings and a template only."""
    posted = request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"}
    logger.error(
        "Database unavailable, answered 503 to %s %s%s: %s: %s",
        request.method,
        request.path,
        " (submission not saved)" if posted else "",
        type(exception).__name__,
        str(exception).strip().splitlines()[0] if str(exception).strip() else "",
    )
    if wants_json(request):
        body = {"error": MESSAGE, "code": "database_unavailable", "retry_after": RETRY_AFTER}
        if posted:
            body.update({"saved": False, "detail": NOT_SAVED})
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/json", status=503
        )
    else:
        # No request passed: a plain Context, so no context processor runs (they read the
        # database: Wagtail's settings, the session's user, messages).
        html = loader.get_template(TEMPLATE).render(
            {
                "site_name": settings.WAGTAIL_SITE_NAME,
                "message": MESSAGE,
                "not_saved": NOT_SAVED if posted else "",
                "retry_after": RETRY_AFTER,
            }
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable_response(request, exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: Django calls it inside its `except` block (response_for_exception), so
    sys.exc_info() is the exception another middleware raised."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return unavailable_response(request, exception)
    return defaults.server_error(request, template_name)
