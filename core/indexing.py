"""Bulk updates of Wagtail's search index, for the importers (deputies, documents) and other
management commands that save many objects at once.

Wagtail's save signal indexes every object as it is saved; an import pauses it
(`search_auto_update_paused`) and indexes what it wrote afterwards (`update_search_index`), as
`manage.py update_index` does. Backend-agnostic: whatever `WAGTAILSEARCH_BACKENDS` configures
receives the objects.
"""

import logging
from contextlib import contextmanager

from django.db.models.signals import post_save
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler

logger = logging.getLogger(__name__)

QUERY_CHUNK = 500


@contextmanager
def search_auto_update_paused(*models):
    """Pause the search index's save signal for `models` (Wagtail offers
    `disable_reference_index_auto_update` for the reference index, nothing for search). Meant for
    management commands: the signal is process-wide while paused."""
    paused = [
        model for model in models if post_save.disconnect(post_save_signal_handler, sender=model)
    ]
    try:
        yield
    finally:
        for model in paused:
            post_save.connect(post_save_signal_handler, sender=model)


def update_search_index(model, pks):
    """Index the objects in bulk, as `manage.py update_index` does, in each auto-updated backend,
    `QUERY_CHUNK` objects at a time."""
    pks = sorted(pks)
    if not pks:
        return
    for start in range(0, len(pks), QUERY_CHUNK):
        objects = list(model.get_indexed_objects().filter(pk__in=pks[start : start + QUERY_CHUNK]))
        if not objects:
            continue
        for backend in get_search_backends(with_auto_update=True):
            try:
                backend.add_bulk(model, objects)
            except Exception:
                # As Wagtail's save signal does: an external service being down must not lose the
                # import; a database backend's error must abort the batch.
                if not backend.catch_indexing_errors:
                    raise
                logger.exception("导入后更新搜索索引失败（%s），请稍后运行 update_index", backend)
