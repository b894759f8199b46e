"""PostgreSQL: the token streams of search/tokenize.py as tsvectors (built here, not by
to_tsvector: PostgreSQL's parser has no business re-reading our tokens), in GIN-indexed columns of
search_entry (migration 0001), queried with @@ and ranked by ts_rank_cd.

* `vec` holds the title (weight A), boosted fields (B) and body (D), each part starting one
  position after the previous so a phrase cannot run from one field into the next. Every search
  matches against it through its GIN index; without positions or weights in the query the index
  answers exactly (no recheck, so no reading of large vectors).
* `head` holds title and boosted fields only: small, stored inline, cheap to rank.
* Ranking reads the vectors of the matches. For up to FULL_RANK_LIMIT matches the whole `vec` is
  ranked; above that (a common word in most laws) reading every match's vector would take
  hundreds of milliseconds, so matches are ranked by `head` (titles first) and then by id.
  Terms rank higher where their tokens stand in a row (the ranked query is "the query or its
  phrases"); the match itself never needs positions.
* tsvector positions stop at 16,383 and keep at most 256 per word; a document beyond that gets the
  lexeme '#overflow', and a phrase query also accepts such documents when all its tokens occur.
* The planner does not know that testing @@ on a row means reading its vector; search statements
  run with planner settings that leave the GIN index as the way in (planner_settings).
"""

from collections import defaultdict

from django.db import NotSupportedError, connections, transaction

from search.backends.base import (
    AUTOCOMPLETE,
    BODY,
    BOOSTED,
    TITLE,
    ChineseSearchBackend,
)
from search.backends.query import AllOf, AnyOf, Leaf, Without, rank_phrases
from search.tokenize import index_tokens

MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
OVERFLOW = "#overflow"
FULL_RANK_LIMIT = 400
# ts_rank_cd weights for {D, C, B, A}: body, -, boosted fields, title.
RANK_WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
# Normalisation: 1 divides the rank by 1 + log(document length).
NORMALISATION = 1
HEAD_NORMALISATION = 1


# Position labels, made once: a law has tens of thousands of positions to write. Labels with a
# weight too (123A): building them per call cost a fifth of PostgreSQL's indexing time.
POSITIONS = [str(position) for position in range(MAX_POSITION + 1)]
LABELS = {weight: tuple(p + weight for p in POSITIONS[2:]) for weight in ("", "A", "B", "C")}


def vector_literal(tokens, weight=""):
    """A tsvector literal for a token list, positions starting at 2 (so that `a || b` leaves a
    gap between a and b), with `weight` (A, B, C; D is the default) on every position."""
    positions = defaultdict(list)
    labels = LABELS[weight]
    for label, token in zip(labels, tokens, strict=False):
        positions[token].append(label)
    overflow = len(tokens) > len(labels)
    if overflow:
        last = POSITIONS[MAX_POSITION] + weight
        for token in set(tokens[len(labels) :]):
            if token not in positions:
                positions[token].append(last)
    parts = []
    for token, found in positions.items():
        if len(found) > MAX_POSITIONS_PER_LEXEME:
            found = found[:MAX_POSITIONS_PER_LEXEME]
            overflow = True
        parts.append(f"'{token}':{','.join(found)}")
    if overflow:
        parts.append(f"'{OVERFLOW}':{POSITIONS[MAX_POSITION]}")
    return " ".join(parts)


def _token(token, prefix=False, weight=""):
    label = ("*" if prefix else "") + weight
    return f"'{token}'" + (f":{label}" if label else "")


def render(expr, weight="", overflow=True):
    """A tsquery literal (cast with ::tsquery, not parsed again). `weight` restricts every
    token to fields of that weight; `overflow` lets a phrase match documents whose positions
    ran out when all its tokens are there."""
    if isinstance(expr, Leaf):
        tokens = [
            _token(token, prefix=expr.prefix and i == len(expr.tokens) - 1, weight=weight)
            for i, token in enumerate(expr.tokens)
        ]
        if not expr.phrase:
            return tokens[0] if len(tokens) == 1 else "(" + " & ".join(tokens) + ")"
        phrase = "(" + " <-> ".join(tokens) + ")"
        if not overflow:
            return phrase
        return "(" + phrase + " | (" + " & ".join([*tokens, _token(OVERFLOW)]) + "))"
    if isinstance(expr, AllOf):
        return "(" + " & ".join(render(c, weight, overflow) for c in expr.children) + ")"
    if isinstance(expr, AnyOf):
        return "(" + " | ".join(render(c, weight, overflow) for c in expr.children) + ")"
    if isinstance(expr, Without):
        return (
            "("
            + render(expr.positive, weight, overflow)
            + " & !"
            + render(expr.negative, weight, overflow)
            + ")"
        )
    raise TypeError(expr)


class Match:
    """Where a compiled query is matched (column, query text) and how it is ranked."""

    def __init__(self, compiled, columns, autocomplete=False):
        columns = set(columns)
        if autocomplete:
            self.column, weight, overflow = "e.autocomplete", "", False
        elif columns >= {TITLE, BOOSTED, BODY}:
            self.column, weight, overflow = "e.vec", "", True
        elif BODY not in columns:
            self.column, overflow = "e.head", False
            weight = "".join(w for c, w in ((TITLE, "A"), (BOOSTED, "B")) if c in columns)
        else:
            self.column, overflow = "e.vec", True
            weights = ((TITLE, "A"), (BOOSTED, "B"), (BODY, "D"))
            weight = "".join(w for c, w in weights if c in columns)
        self.query = render(compiled.expr, weight, overflow)
        self.boosts = [(render(expr, weight, overflow), factor) for expr, factor in compiled.boosts]
        # Terms rank higher where their tokens are in a row (search.backends.query): the ranked
        # query is "the query or its phrases", one ts_rank_cd and so one reading of each vector
        # (a second ts_rank_cd would read every match's vector again).
        phrases = list(rank_phrases(compiled.expr))
        self.rank_query = self.query
        if phrases:
            phrase_query = render(AnyOf(tuple(phrases)), weight, overflow=False)
            self.rank_query = f"({self.query}) | {phrase_query}"
        self.rank_column = self.column

    def condition(self):
        return f"{self.column} @@ %s::tsquery", [self.query]

    def score(self, column=None, normalisation=NORMALISATION):
        column = column or self.rank_column
        rank = f"ts_rank_cd('{RANK_WEIGHTS}', {column}, %s::tsquery, {normalisation})"
        if column == self.rank_column:
            sql, params = rank, [self.rank_query]
        else:
            # Ranking by `head` (large result sets): most matches hold the words in their body
            # only; testing the head first is cheaper than ranking it (30 → 8 ms for 人民政府).
            sql = f"CASE WHEN {column} @@ %s::tsquery THEN {rank} ELSE 0 END"
            params = [self.query, self.rank_query]
        for query, factor in self.boosts:
            sql += (
                f" + {factor - 1.0!r} * ts_rank_cd('{RANK_WEIGHTS}', {column}, %s::tsquery, "
                f"{normalisation})"
            )
            params.append(query)
        return sql, params


class planner_settings:
    """Search statements run with these planner settings; the previous values come back
    afterwards, also inside a longer transaction.

    The planner does not know that testing `vec @@ query` on a row means reading its vector
    (often tens of kilobytes), so for a common word it prefers to visit every entry, by
    sequential scan or through another index, and test each: 117-170 ms for 规定 instead of
    1-5 ms through the GIN index. With sequential and plain index scans off, the GIN bitmap is
    the only way into search_entry (the content type test is written so that its index does not
    apply, see CONTENT_TYPE). Nested loops off: with the matches underestimated (statistics not
    yet gathered after an import) a nested loop ran the searched queryset once per match (25 s
    instead of 30 ms). Parallel workers and JIT cost more to start than these statements take.
    """

    SETTINGS = {
        "enable_seqscan": "off",
        "enable_indexscan": "off",
        "enable_indexonlyscan": "off",
        "enable_nestloop": "off",
        "max_parallel_workers_per_gather": "0",
        "jit": "off",
    }

    def __init__(self, alias):
        self.alias = alias
        self.atomic = transaction.atomic(using=alias)

    def __enter__(self):
        self.atomic.__enter__()
        self.cursor = connections[self.alias].cursor()
        names = ", ".join(f"current_setting('{name}')" for name in self.SETTINGS)
        changes = ", ".join(
            f"set_config('{name}', '{value}', true)" for name, value in self.SETTINGS.items()
        )
        self.cursor.execute(f"SELECT {names}, {changes}")
        self.previous = self.cursor.fetchone()[: len(self.SETTINGS)]
        return self.cursor

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                restore = ", ".join(f"set_config('{name}', %s, true)" for name in self.SETTINGS)
                self.cursor.execute(f"SELECT {restore}", list(self.previous))
            self.cursor.close()
        finally:
            self.atomic.__exit__(exc_type, exc, tb)


class PostgresDialect:
    vendor = "postgresql"
    # Not `e.content_type_id`: its index must not be the way into the table (planner_settings).
    content_type_column = "(e.content_type_id + 0)"

    def __init__(self, params):
        self.params = params
        self.full_rank_limit = int(params.get("FULL_RANK_LIMIT", FULL_RANK_LIMIT))

    def check(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'search_entry' AND column_name = 'vec'"
            )
            if not cursor.fetchone()[0]:
                raise NotSupportedError(
                    "中文检索需要 search 应用的迁移（manage.py migrate）。"
                    " (The search backend needs the search migrations.)"
                )

    # Writing

    def entry_values(self, text):
        title = index_tokens(text[TITLE]).split()
        boosted = index_tokens(text[BOOSTED]).split()
        head = [vector_literal(title, "A"), vector_literal(boosted, "B")]
        body = vector_literal(index_tokens(text[BODY]).split())
        return {
            "vec": ("%s::tsvector || %s::tsvector || %s::tsvector", [*head, body]),
            "head": ("%s::tsvector || %s::tsvector", head),
            "autocomplete": (
                "%s::tsvector",
                [vector_literal(index_tokens(text[AUTOCOMPLETE]).split())],
            ),
        }

    def text_values(self, text):
        # The token columns serve SQLite's FTS5 only.
        return dict.fromkeys(("fts_title", "fts_boosted", "fts_body", "fts_autocomplete"), "")

    def reset(self, connection):
        pass  # The vectors live in search_entry's rows, deleted with them.

    def optimise(self, connection):
        """After many writes: merge the GIN pending list into the index (searches scan it) and
        gather statistics for the planner (autovacuum would, within a minute or so)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('search_entry_vec'::regclass)")
            cursor.execute("ANALYZE search_entry")

    # Searching

    def match(self, compiled, columns, autocomplete=False):
        return Match(compiled, columns, autocomplete=autocomplete)

    def statement(self, select, search, tail=""):
        """SELECT `select` over the matches of `search` in its scope. Only SQL written here and
        in search.backends.base goes into the text; the query and user input are parameters."""
        condition, params = search.match.condition()
        sql = (
            f"SELECT {select} FROM search_entry AS e "  # noqa: S608
            f"WHERE {condition} AND {search.scope_sql} {tail}"
        )
        return sql, [*params, *search.scope_params]

    def select_keys(self, search):
        return self.statement("e.object_id", search)

    def count(self, alias, search):
        with planner_settings(alias) as cursor:
            cursor.execute(*self.statement("count(*)", search))
            return cursor.fetchone()[0]

    def count_by_content_type(self, alias, search):
        with planner_settings(alias) as cursor:
            cursor.execute(
                *self.statement("e.content_type_id, count(*)", search, "GROUP BY e.content_type_id")
            )
            return dict(cursor.fetchall())

    def ranked(self, alias, search, start, limit, count=None):
        """[(entry id, score)], best first."""
        if count is None or count() <= self.full_rank_limit:
            score_sql, score_params = search.match.score()
        else:
            score_sql, score_params = search.match.score("e.head", HEAD_NORMALISATION)
        sql, params = self.statement(
            f"e.id, {score_sql} AS score",
            search,
            "ORDER BY score DESC, e.id DESC LIMIT %s OFFSET %s",
        )
        with planner_settings(alias) as cursor:
            cursor.execute(sql, [*score_params, *params, limit, start])
            return cursor.fetchall()


class PostgresChineseSearchBackend(ChineseSearchBackend):
    dialect_class = PostgresDialect


SearchBackend = PostgresChineseSearchBackend
