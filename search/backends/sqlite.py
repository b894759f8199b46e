"""SQLite: the token streams of search/tokenize.py in FTS5 (search_entry_fts, external content in
search_entry, kept in step by triggers; see migration 0001), queried with MATCH and ranked by
bm25() with column weights."""

from django.db import NotSupportedError, connections

from search.backends.base import (
    AUTOCOMPLETE,
    BODY,
    BOOSTED,
    TITLE,
    ChineseSearchBackend,
)
from search.backends.query import AllOf, AnyOf, Leaf, Without
from search.tokenize import index_tokens

COLUMN_NAMES = {
    TITLE: "fts_title",
    BOOSTED: "fts_boosted",
    BODY: "fts_body",
    AUTOCOMPLETE: "fts_autocomplete",
}
# bm25() weights, in the FTS5 table's column order (title, boosted, body, autocomplete): a word
# in the title counts as much as many in the body. Measured on the law corpus (docs/search.md).
WEIGHTS = {TITLE: 20.0, BOOSTED: 8.0, BODY: 1.0, AUTOCOMPLETE: 1.0}


def render(expr, rank_phrases=True):
    """An FTS5 expression; every token double-quoted (tokens are letters, digits and CJK only,
    so user input can never become FTS5 syntax).

    With `rank_phrases`, a term of several tokens in the matching part becomes
    `(t1 AND t2 AND t3) AND ("t1 t2 t3" OR t1)`: the same documents match (t1 is there anyway),
    but bm25() also scores the phrase, so those holding the words in a row, as typed, come
    first: one statement, no second pass."""
    if isinstance(expr, Leaf):
        if expr.phrase:
            return '"' + " ".join(expr.tokens) + '"' + (" *" if expr.prefix else "")
        quoted = [f'"{token}"' for token in expr.tokens]
        if expr.prefix:
            quoted[-1] += "*"
        if len(quoted) == 1:
            return quoted[0]
        tokens = "(" + " AND ".join(quoted) + ")"
        if not rank_phrases:
            return tokens
        phrase = render(Leaf(expr.tokens, prefix=expr.prefix, phrase=True))
        return f"({tokens} AND ({phrase} OR {quoted[0]}))"
    if isinstance(expr, AllOf):
        return "(" + " AND ".join(render(c, rank_phrases) for c in expr.children) + ")"
    if isinstance(expr, AnyOf):
        return "(" + " OR ".join(render(c, rank_phrases) for c in expr.children) + ")"
    if isinstance(expr, Without):
        positive = render(expr.positive, rank_phrases)
        return "(" + positive + " NOT " + render(expr.negative, rank_phrases=False) + ")"
    raise TypeError(expr)


class Match:
    """The MATCH clause and the ranking of one compiled query."""

    def __init__(self, compiled, columns):
        filter_ = "{" + " ".join(COLUMN_NAMES[column] for column in columns) + "}"
        self.expression = f"{filter_} : {render(compiled.expr)}"
        self.boosts = [(f"{filter_} : {render(expr)}", factor) for expr, factor in compiled.boosts]
        weights = ", ".join(str(WEIGHTS[c]) for c in (TITLE, BOOSTED, BODY, AUTOCOMPLETE))
        self.bm25 = f"bm25(f.search_entry_fts, {weights})"
        self.boost_bm25 = f"bm25(fb.search_entry_fts, {weights})"

    def score(self):
        """Larger is better (bm25() is negative, better matches more so)."""
        sql, params = f"-{self.bm25}", []
        for expression, factor in self.boosts:
            sql += (
                f" + {factor - 1.0!r} * COALESCE((SELECT -{self.boost_bm25} "  # noqa: S608
                "FROM search_entry_fts AS fb "
                "WHERE fb.search_entry_fts MATCH %s AND fb.rowid = e.id), 0)"
            )
            params.append(expression)
        return sql, params


class SQLiteDialect:
    vendor = "sqlite"
    content_type_column = "e.content_type_id"

    def __init__(self, params):
        self.params = params

    def check(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = %s",
                ["search_entry_fts"],
            )
            if not cursor.fetchone()[0]:
                raise NotSupportedError(
                    "中文检索需要 SQLite 的 FTS5 扩展和 search 应用的迁移（manage.py migrate）。"
                    " (The search backend needs SQLite with FTS5 and the search migrations.)"
                )

    # Writing

    def entry_values(self, text):
        return {}

    def text_values(self, text):
        return {column: index_tokens(text[bucket]) for bucket, column in COLUMN_NAMES.items()}

    def reset(self, connection):
        with connection.cursor() as cursor:
            # Also clears anything left by entries that went without their triggers.
            cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES ('delete-all')")

    def optimise(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES ('optimize')")

    # Searching

    def match(self, compiled, columns, autocomplete=False):
        return Match(compiled, columns)

    def statement(self, select, search, tail=""):
        """SELECT `select` over the matches of `search` in its scope. Only SQL written here and
        in search.backends.base goes into the text; the query and user input are parameters."""
        sql = (
            f"SELECT {select} FROM search_entry_fts AS f JOIN search_entry AS e "  # noqa: S608
            f"ON e.id = f.rowid WHERE f.search_entry_fts MATCH %s AND {search.scope_sql} {tail}"
        )
        return sql, [search.match.expression, *search.scope_params]

    def select_keys(self, search):
        return self.statement("e.object_id", search)

    def count(self, alias, search):
        with connections[alias].cursor() as cursor:
            cursor.execute(*self.statement("count(*)", search))
            return cursor.fetchone()[0]

    def count_by_content_type(self, alias, search):
        with connections[alias].cursor() as cursor:
            cursor.execute(
                *self.statement("e.content_type_id, count(*)", search, "GROUP BY e.content_type_id")
            )
            return dict(cursor.fetchall())

    def ranked(self, alias, search, start, limit, count=None):
        """[(entry id, score)], best first."""
        score_sql, score_params = search.match.score()
        sql, params = self.statement(
            f"e.id, {score_sql} AS score",
            search,
            "ORDER BY score DESC, e.id DESC LIMIT %s OFFSET %s",
        )
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [*score_params, *params, -1 if limit is None else limit, start])
            return cursor.fetchall()


class SQLiteChineseSearchBackend(ChineseSearchBackend):
    dialect_class = SQLiteDialect


SearchBackend = SQLiteChineseSearchBackend
