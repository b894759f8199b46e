"""The project's search backend: Wagtail's search framework with Chinese tokenised at index and
query time, on SQLite (FTS5) and PostgreSQL alike (docs/search.md).

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends"}}

picks the implementation for the default database's vendor, as Wagtail's own
"wagtail.search.backends.database" does.
"""

from django.db import connections, router
from django.db.utils import NotSupportedError


def SearchBackend(params):
    from search.models import IndexEntry

    vendor = connections[router.db_for_write(IndexEntry)].vendor
    if vendor == "sqlite":
        from search.backends.sqlite import SQLiteChineseSearchBackend

        return SQLiteChineseSearchBackend(params)
    if vendor == "postgresql":
        from search.backends.postgres import PostgresChineseSearchBackend

        return PostgresChineseSearchBackend(params)
    raise NotSupportedError(
        f"中文检索后端只支持 SQLite 和 PostgreSQL（当前数据库：{vendor}）。"
        f" (The Chinese search backend supports SQLite and PostgreSQL, not {vendor}.)"
    )
