"""Which backend serves the site search: Elasticsearch when it is configured and answering,
otherwise the database backend kept current beside it (the "database" alias of
WAGTAILSEARCH_BACKENDS), so that an Elasticsearch outage makes search degraded, not broken.

    backend, fallback = site_backend()   # fallback: None, or why the database serves instead
    state, detail = search_status()      # for /healthz: ("ok", None) or ("fallback", reason)

Whether Elasticsearch answers is a ping (HEAD /, short timeout, no retries) remembered for
CHECK_INTERVAL seconds in this process, so a server that is down costs one failed ping per
interval rather than a timeout per request. An error in the middle of a query (`fall_back`)
marks it down at once. Without Elasticsearch configured none of this runs: the default backend is
returned as it is.
"""

import logging
import time

from elastic_transport import ApiError, TransportError
from modelsearch.backends import get_app_config
from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from wagtail.search.backends import get_search_backend

logger = logging.getLogger(__name__)

FALLBACK_ALIAS = "database"
CHECK_INTERVAL = 30  # seconds a ping's outcome is trusted
PING_TIMEOUT = 2  # seconds at most (less when the backend's TIMEOUT is lower)

# What Elasticsearch raises when it cannot answer: connection refused, timeouts, TLS errors
# (TransportError), and error responses such as 503 or a missing index (ApiError).
UNAVAILABLE_ERRORS = (TransportError, ApiError)

# {hosts and index prefix: (time.monotonic() of the check, reason or None when up)}
_checked = {}


def reset():
    """Forget the remembered outcomes (tests; a process that wants to re-check at once)."""
    _checked.clear()


def is_elasticsearch(backend):
    return isinstance(backend, ElasticsearchBaseSearchBackend)


def has_fallback():
    return FALLBACK_ALIAS in get_app_config().get_search_backend_config()


def _key(backend):
    return repr((backend.hosts, backend.index_prefix))


def _reason(cause):
    return (
        f"Elasticsearch 暂不可用，站内搜索由数据库提供"
        f"（Elasticsearch unavailable: {cause}; search is served by the database）"
    )


def _ping(backend):
    """None when Elasticsearch answers, else the reason."""
    timeout = min(PING_TIMEOUT, backend.timeout or PING_TIMEOUT)
    if backend.es.options(request_timeout=timeout, max_retries=0).ping():
        return None
    return _reason("no answer to ping")


def _remembered_reason(backend):
    key = _key(backend)
    now = time.monotonic()
    checked = _checked.get(key)
    if checked is None or now - checked[0] >= CHECK_INTERVAL:
        reason = _ping(backend)
        if reason:
            logger.warning("搜索降级：%s", reason)
        checked = _checked[key] = (now, reason)
    return checked[1]


def site_backend():
    """(backend, None) normally; (the database backend, reason) when Elasticsearch is the
    default backend, a database alias is configured and Elasticsearch does not answer."""
    backend = get_search_backend()
    if not is_elasticsearch(backend) or not has_fallback():
        return backend, None
    reason = _remembered_reason(backend)
    if reason is None:
        return backend, None
    return get_search_backend(FALLBACK_ALIAS), reason


def fall_back(backend, error):
    """After `error` (one of UNAVAILABLE_ERRORS) from Elasticsearch in a query: remember it as
    down for CHECK_INTERVAL and return (the database backend, reason). Re-raises `error` when
    there is nothing to fall back to."""
    if not has_fallback():
        raise error
    logger.warning("搜索降级：Elasticsearch 查询失败，改用数据库", exc_info=error)
    reason = _reason(type(error).__name__)
    _checked[_key(backend)] = (time.monotonic(), reason)
    return get_search_backend(FALLBACK_ALIAS), reason


def probe(backend):
    """A real query, limited to the tree root so it stays cheap."""
    from wagtail.models import Page

    list(backend.search("健康检查", Page.objects.filter(depth=1))[:1])


def search_status():
    """("ok", None) when the default backend answers, ("fallback", reason) when the database
    backend serves in Elasticsearch's place and answers. Raises when search cannot be served."""
    backend, reason = site_backend()
    if reason is None:
        try:
            probe(backend)
        except UNAVAILABLE_ERRORS as error:
            if not is_elasticsearch(backend):
                raise
            backend, reason = fall_back(backend, error)
        else:
            return "ok", None
    probe(backend)
    return "fallback", reason
