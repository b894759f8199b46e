"""Titles first (issue 18): the entries whose title keys (search/names.py, table
search_title_key) a query names, best first, and whether the query was a typo for one.

`match_titles(alias, vendor, text, scope_sql)` tries, in this order, and stops at the first
that finds something:

1. the query as a name key, and the titles its short names stand for (search/data/short_names.tsv
   and staff's synonyms);
2. for a query in Latin letters, the pinyin key (spaces dropped), the initials, then a pinyin
   key starting with it ("laodong hetong");
3. for a Chinese query that names no title: the query's pinyin as a pinyin key (a homophone
   typed by a pinyin IME: 劳动合同发), as the start of one (消费者全益), and the query with one
   character wrong (著做权法 → 著?权法). A title starting with the query as typed is no typo.

Within a step: lower key weight first (the title itself, then without the country's name, then
without a province), then the shorter key, then higher priority (valid, newer), then the shorter
title.
"""

from dataclasses import dataclass

from django.db import connections

from search.names import (
    FUZZY,
    INITIALS,
    MAX_LOOKUP_KEYS,
    NAME,
    PINYIN,
    data_file,
    fold,
    fuzzy_variants,
    is_pinyin,
    name_keys,
    pinyin,
)

MAX_PINNED = 10
MAX_PINNED_GUESSES = 5
PREFIX_MIN_SYLLABLES = 4  # letters of a pinyin prefix at least


@dataclass
class TitleMatches:
    entries: list  # [(entry id, content type id, title)], best first
    corrected: str | None = None  # the title meant, when the query was a typo for it


def _rows(alias, vendor, where, params, scope_sql, limit=200, hint=""):
    sql = (
        "SELECT k.entry_id, e.content_type_id, e.title, k.kind, k.key, k.weight, k.priority "  # noqa: S608
        f"FROM search_title_key AS k {hint} JOIN search_entry AS e ON e.id = k.entry_id "
        f"WHERE ({where}) AND {scope_sql} LIMIT {int(limit)}"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _exact(alias, vendor, pairs, scope_sql):
    pairs = list(dict.fromkeys(pair for pair in pairs if pair[1]))[:MAX_LOOKUP_KEYS]
    if not pairs:
        return []
    where = " OR ".join(["(k.key = %s AND k.kind = %s)"] * len(pairs))
    return _rows(alias, vendor, where, [v for kind, key in pairs for v in (key, kind)], scope_sql)


def _prefix(alias, vendor, kind, prefix, scope_sql):
    """Keys of `kind` starting with `prefix` (letters): a range in byte order, which the index
    serves (on PostgreSQL the "C" collation index of migration 0002)."""
    column = 'k.key COLLATE "C"' if vendor == "postgresql" else "k.key"
    # SQLite's planner otherwise starts from the entries of the content type (52 ms, not 0.2).
    hint = "INDEXED BY search_title_key_key" if vendor == "sqlite" else ""
    where = f"k.kind = %s AND {column} >= %s AND {column} < %s"
    return _rows(alias, vendor, where, [kind, prefix, prefix + "~"], scope_sql, hint=hint)


def _best(rows, limit, query_key=None):
    """Entries of `rows`, best first (one per entry): lower weight, higher priority, shorter
    title; with `query_key`, keys equal to it before keys merely starting with it."""
    best = {}
    for entry_id, ct, title, _kind, key, weight, priority in rows:
        # A shorter key that starts with the query names it more closely (laodong hetong:
        # 劳动合同法 before 劳动合同法实施条例), whatever their priorities.
        order = (
            key != query_key if query_key else 0,
            weight,
            len(key),
            -priority,
            len(title or ""),
        )
        if entry_id not in best or order < best[entry_id][0]:
            best[entry_id] = (order, (entry_id, ct, title))
    ranked = sorted(best.values(), key=lambda item: (item[0], -item[1][0]))
    return [entry for _, entry in ranked[:limit]]


def short_name_titles(key, synonyms=()):
    """Titles a short name stands for: the shipped list and staff's synonyms."""
    return [fold(title) for title in (*data_file("short_names.tsv").get(key, ()), *synonyms)]


def match_titles(alias, vendor, text, scope_sql, synonyms=()):
    """TitleMatches for what the user typed (see the module docstring)."""
    key = fold(text)
    if len(key) < 2:
        return TitleMatches([])
    if is_pinyin(text):
        rows = _exact(alias, vendor, [(PINYIN, key), (INITIALS, key)], scope_sql)
        if not rows and len(key) >= PREFIX_MIN_SYLLABLES:
            rows = _prefix(alias, vendor, PINYIN, key, scope_sql)
        return TitleMatches(_best(rows, MAX_PINNED_GUESSES, key))
    names = [(NAME, key)] + [(NAME, title) for title in short_name_titles(key, synonyms)]
    sound = pinyin(key)
    guesses = [(PINYIN, sound)] + [(FUZZY, variant) for variant in fuzzy_variants(key)]
    # One statement for the names and the guesses; the guesses count only without a name.
    rows = _exact(alias, vendor, names + guesses, scope_sql)
    named = [row for row in rows if row[3] == NAME]
    if named:
        return TitleMatches(_best(named, MAX_PINNED))
    rows = [row for row in rows if row[3] == PINYIN] or rows
    if not rows and len(key) >= 3:
        rows = _prefix(alias, vendor, PINYIN, sound, scope_sql)
    entries = _best(rows, MAX_PINNED_GUESSES, sound)
    if not entries:
        return TitleMatches([])
    # A title that starts with the query as typed: a partial title, not a typo.
    if any(name.startswith(key) for _, _, title in entries for name in name_keys(title)):
        return TitleMatches(entries)
    return TitleMatches(entries, corrected=entries[0][2])
