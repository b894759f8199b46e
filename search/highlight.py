"""Snippets around the match, with the matched words marked, for the search page and the API.

Wagtail's own highlighting works on Elasticsearch's highlighter or not at all, and Django's
`SearchHeadline` is PostgreSQL's parser, which does not split Chinese; so the snippet is cut here,
in Python, from the indexed text of the hits of one page (ten texts, not the corpus).

* The needles are what the user asked for (not what was excluded), normalised like the index
  (search.tokenize.normalise): each run of CJK characters and each word of a term. A CJK run that
  does not occur whole (the search matches its bigrams anywhere, 野生 … 动物) falls back to its
  bigrams, so the parts that matched are still marked.
* The window of SNIPPET_LENGTH characters holding the most different needles wins, earliest first;
  it starts a little before its first match so the match is read in its sentence.
* Everything is escaped; only the <mark> elements written here are markup.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.search.query import And, Boost, Not, Or, Phrase, PlainText

from search.tokenize import CJK_CHARS, RUNS, compatibility_letters, normalise, split_terms

SNIPPET_LENGTH = 120
# Characters of context before the first match in the window.
LEAD = 24
WHITESPACE = re.compile(r"\s+")
MAX_NEEDLES = 32
# Matches considered for the window: enough to find the best of the first stretch of a law in
# which a common word occurs hundreds of times.
MAX_MATCHES = 400


def query_terms(query):
    """The terms a parsed user query asks for (phrases whole), leaving out negated parts."""
    if query is None:
        return []
    if isinstance(query, str):
        return split_terms(query)
    if isinstance(query, Not):
        return []
    if isinstance(query, Phrase):
        return [query.query_string]
    if isinstance(query, PlainText):
        return split_terms(query.query_string)
    if isinstance(query, Boost):
        return query_terms(query.subquery)
    if isinstance(query, (And, Or)):
        return [term for sub in query.subqueries for term in query_terms(sub)]
    return []


def needles(query, text=""):
    """The strings to mark, longest first: runs of the terms, or their bigrams where a CJK run
    does not occur whole in `text` (as shown: compatibility letters normalised)."""
    found = []
    for term in query_terms(query):
        whole = normalise(term).strip()
        if len(RUNS.findall(whole)) > 1 and re.search(re.escape(whole), text, re.IGNORECASE):
            # 第3号, COVID-19: the term as typed, where the text has it so.
            found.append(whole)
            continue
        for cjk, word in RUNS.findall(whole):
            if word:
                found.append(word)
            elif len(cjk) <= 2 or cjk in text:
                found.append(cjk)
            else:
                found.extend(map(str.__add__, cjk, cjk[1:]))
    unique = sorted(set(found), key=lambda needle: (-len(needle), needle))
    return unique[:MAX_NEEDLES]


# A letter or digit that is not CJK: what makes a word of search/tokenize.py. Words are found whole
# (as the index finds them), so "a" is not marked inside "axb"; CJK needles are marked anywhere.
WORD_CHAR = rf"[^\W_{CJK_CHARS}]"


def _needle(word):
    pattern = re.escape(word)
    if re.match(WORD_CHAR, word):
        pattern = rf"(?<!{WORD_CHAR})" + pattern
    if re.match(WORD_CHAR, word[-1]):
        pattern += rf"(?!{WORD_CHAR})"
    return pattern


def _pattern(words):
    if not words:
        return None
    return re.compile("|".join(map(_needle, words)), re.IGNORECASE)


def _shown(text):
    """Text as shown: compatibility letters normalised as the index does (full-width ＡＢＣ１２３
    half-width), so that what matched can be marked. Whitespace is collapsed later, in the
    window only: a law runs to 100,000 characters, and only ~120 of them are shown."""
    return compatibility_letters(unicodedata.normalize("NFC", text or ""))


def _best_window(matches, length):
    """Start of the window of `length` holding the most different needles (earliest first)."""
    best_start, best_score = 0, -1
    for i, (start, _, _) in enumerate(matches):
        seen = set()
        for _, other_end, word in matches[i:]:
            if other_end - start > length:
                break
            seen.add(word)
        score = len(seen)
        if score > best_score:
            best_start, best_score = start, score
    return best_start


def _spans(text, pattern):
    """The stretches of `text` that needles cover, overlapping and adjacent matches merged into
    one: 城区停车场管理 marked whole, not as 城区 | 停车 | 场管 (bigrams of a term that does not
    occur whole in the text overlap)."""
    spans = []
    position = 0
    while (match := pattern.search(text, position)) is not None:
        start, end = match.span()
        if end == start:  # an empty match cannot happen with these needles; never loop on one
            position = start + 1
            continue
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
        position = start + 1
    return spans


def _mark(text, pattern):
    if pattern is None:
        return escape(text)
    parts, position = [], 0
    for start, end in _spans(text, pattern):
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)


def _window(query, text, length):
    """(snippet text, cut before, cut after, pattern): the window of `text` around the best
    match, whitespace collapsed, no markup."""
    shown = _shown(text)
    pattern = _pattern(needles(query, shown))
    matches = []
    if pattern is not None:
        for match in pattern.finditer(shown):
            matches.append((match.start(), match.end(), match.group().casefold()))
            if len(matches) >= MAX_MATCHES:
                break
    # Room for collapsed whitespace: cut generously, collapse, then cut to `length`.
    if not matches:
        start = 0
    else:
        first = _best_window(matches, length - LEAD)
        start = max(first - LEAD, 0)
        # Start after a sentence break close before the lead, when there is one.
        for stop in "。；！？;!?\n":
            cut = shown.rfind(stop, start, first)
            if cut != -1:
                start = max(start, cut + 1)
    raw = shown[start : start + length * 4]
    piece = WHITESPACE.sub(" ", raw).strip()
    cut_after = len(piece) > length or start + len(raw) < len(shown.rstrip())
    return piece[:length].rstrip(), start > 0 and bool(shown[:start].strip()), cut_after, pattern


def snippet(query, text, length=SNIPPET_LENGTH):
    """Plain-text snippet of `text` around the best match (for the JSON API), with "…" where
    it is cut."""
    piece, before, after, _ = _window(query, text, length)
    return ("…" if before else "") + piece + ("…" if after else "")


def highlighted_snippet(query, text, length=SNIPPET_LENGTH):
    """HTML: the snippet of `text` with the matched words in <mark>, everything else escaped."""
    piece, before, after, pattern = _window(query, text, length)
    html = _mark(piece, pattern)
    return mark_safe(  # noqa: S308 - every piece of text went through escape() in _mark
        ("…" if before else "") + html + ("…" if after else "")
    )


def highlighted(query, text):
    """HTML: the whole of a short text (a title) with the matched words in <mark>."""
    shown = WHITESPACE.sub(" ", _shown(text)).strip()
    return mark_safe(_mark(shown, _pattern(needles(query, shown))))  # noqa: S308 - escaped
