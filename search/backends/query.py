"""Wagtail's search query classes (PlainText, Phrase, And, Or, Not, Boost, MatchAll, Fuzzy) turned
into one small expression tree over Chinese-aware tokens, shared by the SQLite and PostgreSQL
dialects, which render it as an FTS5 MATCH expression or a tsquery.

Matching rules, the same on both databases:

* a plain-text term (a whitespace-separated piece of the query) matches a document holding all of
  its tokens (search/tokenize.py): a Chinese word is found inside any sentence, in any field;
* the terms of a PlainText are combined with its operator (AND by default, OR on request);
* a Phrase matches its tokens next to each other within one field (an exact substring, give or
  take punctuation);
* And, Or and Not combine as expected. Neither FTS5 nor a GIN index can list "everything but",
  so a negation is carried as a flag and applied to the candidate set at the end (`Compiled`).

User input never reaches the database as syntax: only tokens (letters, digits, CJK) do, quoted.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from wagtail.search.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

from search.tokenize import MAX_QUERY_TOKENS, split_terms, term_tokens


@dataclass(frozen=True)
class Leaf:
    """Tokens that must all occur (phrase=False) or occur in a row in one field (phrase=True).
    With `prefix` the last token is a prefix."""

    tokens: tuple
    prefix: bool = False
    phrase: bool = False


@dataclass(frozen=True)
class AllOf:
    children: tuple


@dataclass(frozen=True)
class AnyOf:
    children: tuple


@dataclass(frozen=True)
class Without:
    """Documents matching `positive` but not `negative`."""

    positive: object
    negative: object


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


# A query part without a single token (only punctuation, emoji …): ignored inside And/Or.
EMPTY = _Marker("EMPTY")
EVERYTHING = _Marker("EVERYTHING")
NOTHING = _Marker("NOTHING")


@dataclass
class Compiled:
    """The whole query: `expr` (a tree of Leaf/AllOf/AnyOf/Without), EVERYTHING or NOTHING.
    `negated` means "every document but those matching expr". `boosts` lists (expr, factor) for
    the parts under a Boost, which rank higher by that factor."""

    expr: object
    negated: bool = False
    boosts: list = field(default_factory=list)

    @property
    def matches_nothing(self):
        return self.expr is NOTHING or self.expr is EMPTY

    @property
    def matches_everything(self):
        return self.expr is EVERYTHING


class _Budget:
    def __init__(self, tokens):
        self.left = tokens

    def take(self, leaf_tokens):
        kept = leaf_tokens.tokens[: max(self.left, 0)]
        self.left -= len(kept)
        if len(kept) < len(leaf_tokens.tokens):
            return kept, False
        return kept, leaf_tokens.prefix


def compile_query(query, last_term_is_prefix=False, max_tokens=MAX_QUERY_TOKENS):
    """Compile a Wagtail query object into a `Compiled` expression."""
    budget = _Budget(max_tokens)
    boosts = []
    expr, negated = _compile(query, budget, boosts, last_term_is_prefix)
    if expr in (EMPTY, NOTHING, EVERYTHING):
        if negated:
            expr = {EVERYTHING: NOTHING, NOTHING: EVERYTHING, EMPTY: EMPTY}[expr]
        return Compiled(expr)
    return Compiled(expr, negated, boosts)


def _leaf(text, budget, phrase, prefix_wanted):
    tokens = term_tokens(text, last_is_prefix=prefix_wanted)
    if not tokens or budget.left <= 0:
        return EMPTY
    kept, prefix = budget.take(tokens)
    return Leaf(tuple(kept), prefix=prefix, phrase=phrase and len(kept) > 1)


def _plain_text(query_string, operator, budget, last_term_is_prefix):
    terms = split_terms(query_string)
    leaves = []
    for position, term in enumerate(terms):
        prefix = last_term_is_prefix and position == len(terms) - 1
        leaf = _leaf(term, budget, phrase=False, prefix_wanted=prefix)
        if leaf is not EMPTY:
            leaves.append(leaf)
    if not leaves:
        return EMPTY
    if len(leaves) == 1:
        return leaves[0]
    return AllOf(tuple(leaves)) if operator == "and" else AnyOf(tuple(leaves))


def _compile(query, budget, boosts, last_term_is_prefix):
    """Returns (expr, negated)."""
    if isinstance(query, str):
        query = PlainText(query)
    if isinstance(query, MatchAll):
        return EVERYTHING, False
    if isinstance(query, (PlainText, Fuzzy)):
        expr = _plain_text(query.query_string, query.operator, budget, last_term_is_prefix)
        boost = getattr(query, "boost", 1)
        if expr is not EMPTY and boost and boost != 1:
            boosts.append((expr, float(boost)))
        return expr, False
    if isinstance(query, Phrase):
        return _leaf(query.query_string, budget, phrase=True, prefix_wanted=False), False
    if isinstance(query, Boost):
        expr, negated = _compile(query.subquery, budget, boosts, last_term_is_prefix)
        if not negated and isinstance(expr, (Leaf, AllOf, AnyOf, Without)) and query.boost != 1:
            boosts.append((expr, float(query.boost)))
        return expr, negated
    if isinstance(query, Not):
        expr, negated = _compile(query.subquery, budget, boosts, last_term_is_prefix)
        if expr is EMPTY:
            return EMPTY, False
        return expr, not negated
    if isinstance(query, And):
        return _combine_and(
            [_compile(sub, budget, boosts, last_term_is_prefix) for sub in query.subqueries]
        )
    if isinstance(query, Or):
        return _combine_or(
            [_compile(sub, budget, boosts, last_term_is_prefix) for sub in query.subqueries]
        )
    raise NotImplementedError(f"不支持的检索条件：{query.__class__.__name__}")


def _resolve(expr, negated):
    """Markers under a negation swap (not everything = nothing)."""
    if negated and expr is EVERYTHING:
        return NOTHING, False
    if negated and expr is NOTHING:
        return EVERYTHING, False
    return expr, negated


def _combine_and(parts):
    parts = [_resolve(*part) for part in parts]
    if any(expr is NOTHING for expr, _ in parts):
        return NOTHING, False
    had_everything = any(expr is EVERYTHING for expr, _ in parts)
    parts = [(expr, negated) for expr, negated in parts if expr not in (EMPTY, EVERYTHING)]
    if not parts:
        return (EVERYTHING if had_everything else EMPTY), False
    positive = [expr for expr, negated in parts if not negated]
    negative = [expr for expr, negated in parts if negated]
    if positive:
        expr = _all(positive)
        return (Without(expr, _any(negative)) if negative else expr), False
    return _any(negative), True


def _combine_or(parts):
    parts = [_resolve(*part) for part in parts]
    if any(expr is EVERYTHING for expr, _ in parts):
        return EVERYTHING, False
    parts = [(expr, negated) for expr, negated in parts if expr not in (EMPTY, NOTHING)]
    if not parts:
        return EMPTY, False
    positive = [expr for expr, negated in parts if not negated]
    negative = [expr for expr, negated in parts if negated]
    if not negative:
        return _any(positive), False
    # A or not B = not (B and not A)
    expr = _all(negative)
    return (Without(expr, _any(positive)) if positive else expr), True


def _all(children):
    return children[0] if len(children) == 1 else AllOf(tuple(children))


def _any(children):
    return children[0] if len(children) == 1 else AnyOf(tuple(children))


def rank_phrases(expr):
    """The terms of several tokens in the matching (not excluded) part of `expr`, as phrases:
    a term matches when all its tokens occur, and ranks higher where they occur in a row (the
    exact words typed). Dialects add these to the ranking only."""
    if isinstance(expr, Leaf):
        if not expr.phrase and len(expr.tokens) > 1:
            yield Leaf(expr.tokens, prefix=expr.prefix, phrase=True)
    elif isinstance(expr, (AllOf, AnyOf)):
        for child in expr.children:
            yield from rank_phrases(child)
    elif isinstance(expr, Without):
        yield from rank_phrases(expr.positive)


def leaves(expr):
    """Every Leaf of an expression, in order."""
    if isinstance(expr, Leaf):
        yield expr
    elif isinstance(expr, (AllOf, AnyOf)):
        for child in expr.children:
            yield from leaves(child)
    elif isinstance(expr, Without):
        yield from leaves(expr.positive)
        yield from leaves(expr.negative)


# What a user types in the search box: words (all must match), "quoted phrases", -exclusions
# and OR between alternatives. Chinese quotation marks work like straight ones.
USER_QUERY = re.compile(r'(-?)(?:"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|『([^』]*)』?|(\S+))')
OR_WORDS = {"or", "|"}


def parse_user_query(text):
    """A Wagtail query object for what a user typed, or None when there is nothing to search.

    两个词 → both words (And of PlainText); "一个短语" → Phrase; -词 → Not; 甲 OR 乙 → Or.
    OR binds tighter than the implicit AND: 甲 OR 乙 丙 means (甲 or 乙) and 丙."""
    text = unicodedata.normalize("NFKC", text or "")
    groups = [[]]
    pending_or = False
    for match in USER_QUERY.finditer(text):
        negated, *quoted, word = match.groups()
        if word is not None and word.casefold() in OR_WORDS and not negated:
            pending_or = bool(groups[-1])
            continue
        phrase = next((q for q in quoted if q is not None), None)
        if phrase is not None:
            item = Phrase(phrase)
        elif word and word.strip("-"):
            item = PlainText(word.strip("-") if negated else word)
        else:
            continue
        if negated:
            item = Not(item)
        if pending_or:
            groups[-1].append(item)
        else:
            groups.append([item])
        pending_or = False
    parts = [group[0] if len(group) == 1 else Or(group) for group in groups if group]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)
