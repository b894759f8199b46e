"""Full-page cache of what anonymous visitors see, emptied whenever published content changes
(docs/deployment.md, "Page cache"). PAGE_CACHE_SECONDS (default 300) is how long a page is kept;
0 turns the cache off (the test settings do).

Why not Django's per-site cache (UpdateCacheMiddleware/FetchFromCacheMiddleware) alone:
- it has no invalidation: a published news item would reach the home page only when the copy
  expires. Here every key carries a *generation* and the signal handlers below bump it when
  anything a public page shows changes. Whole-site invalidation is deliberate: the home lists
  the latest news and receptions, every page's menu lists the sections, the registers appear on
  several pages; working out which pages show what would be a bug farm, and a miss costs one
  render per page, not an outage.
- it keys on the raw value of every header named in Vary. Our pages vary on Cookie (the
  session is looked at) and Accept-Language (LocaleMiddleware), so each distinct analytics
  cookie or Accept-Language string of a stranger would make one more entry: the key space would
  be the visitors', not the site's. Here a request is cacheable only without the cookies the site
  reads (session, messages, language) and the key is the URL with a bounded query string;
  Accept-Language counts only once the site has more than one language.
- it stores logged-in users' pages too (one entry per session cookie when the page varies on
  Cookie) and serves an editor the anonymous copy of a page that does not; it knows nothing of
  Wagtail's previews or the search page's hit counting.
- it pickles the whole response object (request and context attached); here an entry is
  (status, headers, body).

Placement: after SecurityMiddleware, core.csp.CSPMiddleware and WhiteNoise, before
SessionMiddleware. A hit is answered before sessions, authentication, CSRF and the page are
touched (0 SQL queries), and it goes back out through the security and CSP middleware, so every
response carries the headers they set per request (HSTS only over HTTPS, the policy). The
middleware inside (X-Frame-Options, Content-Language) has already run when a page is stored.

The generation lives in the cache (CACHES["default"]): Redis when REDIS_URL is set, shared by
every process. The local-memory cache of a process without Redis is not shared, so there the
generation also includes a stamp file (PAGE_CACHE_STAMP_FILE, default MEDIA_ROOT/.page-cache-
generation) that every bump replaces with a new random value: the other gunicorn workers and
`publish_scheduled` run from cron see it, at the cost of reading a few bytes per request.
"""

import contextlib
import hashlib
import logging
import os
import re
import time
import uuid
from functools import cache as memoize
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import cc_delim_re, get_max_age, has_vary_header, patch_cache_control

from core import site_mode

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
# ?page=N up to here is cached; deeper pages and any other parameter (filters, search terms,
# tracking tags) are rendered every time, so a crawler cannot fill the cache with variants.
MAX_PAGE = 10
_PAGE_RE = re.compile(r"[1-9][0-9]?")
# HTML pages and the feeds (RSS, Atom, iCal) and the sitemap; JSON APIs keep their own rules.
CONTENT_TYPES = {
    "text/html",
    "application/rss+xml",
    "application/atom+xml",
    "text/calendar",
    "application/xml",
}
# Vary headers whose effect the key already covers (see _key); any other one, or "*", and the
# response is not stored.
KNOWN_VARY = {"cookie", "accept-language"}
NOT_CACHEABLE = {"private", "no-cache", "no-store"}
# Apps whose models public pages show: a save or delete of any of their models (pages aside,
# see below) empties the cache. Plus these models of Wagtail's and Django's own apps.
CONTENT_APPS = {"core", "home", "deputies", "stations", "documents", "news", "stats"}
CONTENT_MODELS = {
    "wagtailimages.image",
    "wagtaildocs.document",
    "wagtailcore.pageviewrestriction",  # a page made private must leave the cache at once
    "wagtailcore.collectionviewrestriction",
    "wagtailcore.site",
}
# Staff-only history, and citizens' review suggestions (no public page shows them, and a public
# POST must not empty the whole cache).
IGNORED_MODELS = {"stations.stationlogentry", "documents.reviewsuggestion"}
# A save touching only these fields is a draft being saved (DraftStateMixin, RevisionMixin,
# LockableMixin): the live content is unchanged.
DRAFT_FIELDS = {
    "latest_revision",
    "has_unpublished_changes",
    "draft_title",
    "locked",
    "locked_at",
    "locked_by",
}


def enabled():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


@memoize
def _excluded_prefixes():
    """Paths never cached: the admin (and its previews), document downloads (Wagtail's serve view
    checks collection privacy), the search page (its first pages count the query with
    Query.add_hit for the popular-searches report, which a cached copy would skip; results are
    cheap next to that loss), the APIs and the health check (which must tell the truth)."""
    prefixes = ["/documents/", "/api/", str(settings.STATIC_URL), str(settings.MEDIA_URL)]
    for name in ("wagtailadmin_home", "search", "healthz"):
        with contextlib.suppress(NoReverseMatch):
            prefixes.append(reverse(name))
    return tuple(prefix for prefix in prefixes if prefix and prefix != "/")


@memoize
def _private_cookies():
    """Cookies that change what a visitor sees: the session (logged in, passed a page password,
    a pending form), the messages framework's cookie (a flash message to show once) and the
    language choice. Other cookies (the CSRF token, a statistics service's) do not: pages that
    render a CSRF token are never stored, see _storable."""
    return {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, settings.LANGUAGE_COOKIE_NAME}


def _stamp_file():
    stamp = getattr(settings, "PAGE_CACHE_STAMP_FILE", None)
    return Path(stamp) if stamp else Path(settings.MEDIA_ROOT) / ".page-cache-generation"


def is_stamp_file(path):
    """Whether `path` is the stamp file or one of its temporaries: state of the running
    processes, not content (core/backup.py leaves them out of the media it archives)."""
    stamp, path = _stamp_file(), Path(path)
    return path.parent.resolve() == stamp.parent.resolve() and path.name.startswith(stamp.name)


def _local_cache():
    return isinstance(caches["default"], LocMemCache)


def generation():
    """The current generation: part of every key, so a bump makes every stored page unreachable
    (they expire in the cache on their own). First value: the clock, so that a generation lost
    with an evicted key never comes back to meet entries stored under it."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    if _local_cache():
        # Its content, not its stat(): a replaced file may get the old inode back within one
        # tick of the file system's clock. A read of a few bytes costs ~10 µs.
        try:
            descriptor = os.open(_stamp_file(), os.O_RDONLY)
            try:
                stamp = os.read(descriptor, 64).decode("ascii", "replace")
            finally:
                os.close(descriptor)
        except OSError:
            stamp = "0"
        return f"{value}.{stamp}"
    return str(value)


def bump(**kwargs):
    """Empty the page cache (every process's, see the module docstring). Never raises: a cache
    server that does not answer must not roll back the publish or save that called this."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there (first bump, evicted): a fresh value from the clock
            cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:
        logger.warning("page cache: cannot reach the cache to empty it", exc_info=True)
    if _local_cache():
        stamp = _stamp_file()
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            temporary = stamp.with_name(f"{stamp.name}.{os.getpid()}")
            temporary.write_text(uuid.uuid4().hex)
            os.replace(temporary, stamp)  # atomic: readers see the old or the new stamp
        except OSError:
            logger.warning("page cache: cannot write %s; other processes keep their pages", stamp)


def _bump_now_and_on_commit():
    """Bump at once (later reads in this transaction, tests) and again when the transaction
    commits: a request that rendered the old rows between the two stored them under the first
    bump's generation. One on-commit bump per transaction, however many rows change."""
    bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        pending = getattr(connection, "run_on_commit", [])
        if not any(len(entry) > 1 and entry[1] is bump for entry in pending):
            transaction.on_commit(bump)


# The middleware


def _query(request):
    """The query string as part of the key, or None for "do not cache": none, or ?page=N."""
    if not request.META.get("QUERY_STRING"):
        return ""
    params = request.GET
    if list(params) != ["page"] or len(params.getlist("page")) != 1:
        return None
    page = params["page"]
    if not _PAGE_RE.fullmatch(page) or int(page) > MAX_PAGE:
        return None
    return f"page={page}"


def _key(request):
    """The cache key of a request, or None when the request must not be cached."""
    if request.method not in ("GET", "HEAD"):
        return None
    # Wagtail's previews run a dummy request through the middleware a second time.
    if getattr(request, "is_dummy", False) or "HTTP_AUTHORIZATION" in request.META:
        return None
    if request.path.startswith(_excluded_prefixes()):
        return None
    if request.COOKIES and not _private_cookies().isdisjoint(request.COOKIES):
        return None
    query = _query(request)
    if query is None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # CommonMiddleware answers 400
    language = translation.get_language_from_request(request) if len(settings.LANGUAGES) > 1 else ""
    # One copy per display mode (标准版/长辈版, core/site_mode.py): the mode cookie is read, not
    # a reason to bypass the cache; an unknown value counts as the standard mode.
    mode = site_mode.from_request(request)
    url = f"{request.scheme}://{host}{request.path}?{query}|{language}|{mode}"
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"pagecache:{generation()}:{digest}"


def _cache_control(response):
    if not response.has_header("Cache-Control"):
        return set()
    return {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response["Cache-Control"])
    }


def _storable(request, response):
    """Whether a response to a cacheable request may be stored and shared with every visitor."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False  # a new session, the CSRF cookie, a consumed flash message
    # A page that embeds a CSRF token (a form): Django marks the request when the token is used
    # (get_token sets CSRF_COOKIE_NEEDS_UPDATE; the cookie above comes with it).
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "is_preview", False):
        return False
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if content_type not in CONTENT_TYPES:
        return False
    # Wagtail marks pages with view restrictions (private pages, their password form) with
    # never-cache headers; previews are private.
    if _cache_control(response) & NOT_CACHEABLE or get_max_age(response) == 0:
        return False
    # As Django's UpdateCacheMiddleware: a response that varies on Cookie, for a request that
    # sent cookies, may depend on them.
    # The mode cookie is part of the key (_key), so it does not count here.
    if set(request.COOKIES) - {site_mode.COOKIE} and has_vary_header(response, "Cookie"):
        return False
    if response.has_header("Vary"):
        vary = {header.lower() for header in cc_delim_re.split(response["Vary"]) if header}
        if not vary <= KNOWN_VARY:
            return False
    return True


def _strip_vary(response):
    """Drop the Vary headers the key covers. nginx stores one entry per Vary value and its purge
    deletes only the main one (docs/deployment.md), and without them a browser need not refetch
    the page because a cookie changed. Logged-in requests bypass nginx's cache (sessionid)."""
    if not response.has_header("Vary"):
        return
    keep = [
        header
        for header in cc_delim_re.split(response["Vary"])
        if header
        and header.lower() != "cookie"
        and not (header.lower() == "accept-language" and len(settings.LANGUAGES) == 1)
    ]
    if keep:
        response["Vary"] = ", ".join(keep)
    else:
        del response["Vary"]


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        # The cache (Redis in production) down or failing: the page is rendered as if the cache
        # were off, not answered with a 500.
        try:
            key = _key(request)
            entry = cache.get(key) if key is not None else None
        except Exception:
            logger.warning("page cache: cannot reach the cache; serving uncached", exc_info=True)
            key = entry = None
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if key is not None and _storable(request, response):
            seconds = settings.PAGE_CACHE_SECONDS
            declared = get_max_age(response)  # a view that asks for less gets less
            if declared is not None:
                seconds = min(seconds, declared)
            patch_cache_control(response, public=True, max_age=min(seconds, max_age()))
            _strip_vary(response)
            try:
                cache.set(
                    key, (response.status_code, dict(response.items()), response.content), seconds
                )
            except Exception:
                logger.warning("page cache: cannot store %s", request.path, exc_info=True)
        response[HEADER] = "miss"
        return response


def max_age():
    """Cache-Control max-age of stored pages: how long nginx and browsers may keep them. Short,
    because only the changed page itself is purged from nginx (wagtail.contrib.frontend_cache);
    the others (the home's list, menus) catch up within it."""
    return getattr(settings, "PAGE_CACHE_MAX_AGE", 60)


# Signal handlers


def _page_changed(instance=None, **kwargs):
    _bump_now_and_on_commit()
    _purge_ancestors(instance)


def _purge_ancestors(page):
    """wagtail.contrib.frontend_cache purges the published page's own URLs from nginx; purge its
    ancestors too (the section index and the home list it), when a purge backend is set."""
    if page is None or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    try:
        batch = PurgeBatch()
        batch.add_pages(page.get_ancestors().filter(depth__gt=1).live().specific())
        batch.purge()
    except Exception:  # a proxy that does not answer must not fail a publish
        logger.warning("page cache: purging the ancestors of %s failed", page.pk, exc_info=True)


@memoize
def _content_labels():
    from wagtail.models import Page

    labels = set(CONTENT_MODELS)
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in CONTENT_APPS and not issubclass(model, Page):
            labels.add(label)
    return labels - IGNORED_MODELS


def _model_saved(sender, instance=None, update_fields=None, raw=False, **kwargs):
    if raw or sender._meta.label_lower not in _content_labels():
        return
    if update_fields and set(update_fields) <= DRAFT_FIELDS:
        return
    _bump_now_and_on_commit()


def _m2m_changed(sender, instance=None, action="", **kwargs):
    """A many-to-many change alone (an import adding areas to a constituency) changes pages."""
    if action.startswith("post_") and type(instance)._meta.label_lower in _content_labels():
        _bump_now_and_on_commit()


def _model_deleted(sender, instance=None, **kwargs):
    from wagtail.models import Page

    if sender._meta.label_lower in _content_labels() or isinstance(instance, Page):
        _bump_now_and_on_commit()


def connect_signals():
    """From CoreConfig.ready(): every process, management commands (publish_scheduled,
    import_documents, load_demo_data) included. Pages change for the public when published,
    unpublished, moved or deleted (a draft saved changes nothing live); registers, settings,
    images and documents on every save and delete."""
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_page_changed, dispatch_uid="pagecache_page_published")
    page_unpublished.connect(_page_changed, dispatch_uid="pagecache_page_unpublished")
    post_page_move.connect(_page_changed, dispatch_uid="pagecache_post_page_move")
    post_save.connect(_model_saved, dispatch_uid="pagecache_post_save")
    post_delete.connect(_model_deleted, dispatch_uid="pagecache_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache_m2m_changed")
