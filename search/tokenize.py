"""Chinese-aware tokens for the database search backends (search/backends/).

Neither SQLite's FTS5 nor PostgreSQL's text search splits Chinese into words, and dictionary
segmentation misses what is not in its dictionary (measured: jieba found 94 % of dictionary words
and half of arbitrary substrings). So Chinese is indexed as character bigrams, and a query is
turned into the same bigrams: every substring of the text can be found, whatever its "words".

Text is normalised first, on both sides alike (index and query): NFKC (full-width letters and
digits become half-width, compatibility ideographs the unified ones), traditional characters
folded to simplified (OpenCC `t2s`: 勞動爭議 → 劳动争议) and case folding. Then it is split into
runs:

* a run of CJK characters (Han, 〇, kana, hangul) becomes its overlapping bigrams followed by
  its last character: 人民代表大会 → 人民 民代 代表 表大 大会 会. The trailing character makes
  every character of the text the first character of some token, so a one-character query is a
  prefix query (法 → 法*), and a query that ends inside a run still lines up (see below);
* a run of other letters or digits is one lower-case word: COVID-19 → covid 19;
* everything else (punctuation, spaces, symbols, emoji) separates tokens and is dropped.

A query term is tokenised the same way, except that its *last* run has no trailing character (the
text may go on after it) and a last run of one character becomes a prefix token. The query's
tokens are then a contiguous piece of the indexed token stream wherever the term occurs in the
text, so a phrase query over them is an exact substring match (punctuation aside):
大会 in 代表大会召开 → 大会 (index: 代表 表大 大会 会召 召开 开); 会2024 in 大会2024年 →
会 2024 (index: 大会 会 2024 年).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

# Han (unified, extension A and later planes; radicals and compatibility ideographs are
# normalised into these first), 〇, kana and hangul.
CJK_CHARS = (
    "\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\U00020000-\U0003134f"
)
RUNS = re.compile(rf"([{CJK_CHARS}]+)|([^\W_{CJK_CHARS}]+)")
# Changing what tokens are made changes this: entries indexed under another version are written
# again by the next `update_index` (their digest no longer matches).
TOKENISER_VERSION = "bigram-2-t2s"
# A token longer than this is cut (both sides alike): PostgreSQL refuses lexemes over 2 KB and
# such "words" (hashes, base64) are not what anyone searches for.
MAX_WORD_LENGTH = 60
# At most this many tokens per query term and per query: a pasted 2,000-character paragraph
# must not become a 2,000-token expression.
MAX_QUERY_TOKENS = 64


@cache
def _changed_by_nfkc():
    """Patterns for the characters that NFKC turns into other letters or digits: full-width
    letters and digits, Kangxi radicals and compatibility ideographs (common in text extracted
    from PDFs: ⽂ for 文), circled and parenthesised numbers, ligatures … Punctuation that NFKC
    merely narrows (，→ ,) is left alone: it separates tokens either way.

    Normalising only these is several times faster than NFKC over a whole law, which is mostly
    full-width punctuation NFKC would rewrite for nothing. The first pattern lists BMP characters
    one by one (the regex engine makes a bitmap of that, ranges would be tested one after the
    other); the second covers the rare characters beyond the BMP."""
    bmp, astral = [], []
    for code in range(0x30000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char)
        if normal != char and any(c.isalnum() for c in normal):
            (bmp if code < 0x10000 else astral).append(re.escape(char))
    return re.compile(f"[{''.join(bmp)}]+"), re.compile(f"[{''.join(astral)}]+")


ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _nfkc(match):
    return unicodedata.normalize("NFKC", match.group())


def compatibility_letters(text):
    """NFKC for the characters where it makes other letters or digits (full-width ＡＢＣ１２３,
    Kangxi radicals, compatibility ideographs …), the rest left as it is: the text as shown with
    search results (search/highlight.py)."""
    bmp, astral = _changed_by_nfkc()
    text = bmp.sub(_nfkc, text)
    if ASTRAL.search(text):
        text = astral.sub(_nfkc, text)
    return text


@cache
def _simplifier():
    return opencc.OpenCC("t2s")


def simplified(text):
    """Traditional (and variant) characters folded to simplified with OpenCC's t2s dictionaries
    (phrases first, so 乾隆 stays 乾隆): about 25 µs per 1,000 characters."""
    return _simplifier().convert(text) if text else text


def normalise(text):
    """NFKC (for the characters where it matters to tokens), traditional to simplified and case
    folding, applied to indexed text and queries alike."""
    return simplified(compatibility_letters(text)).casefold()


def index_tokens(text):
    """The space-separated token stream to index for `text` (see the module docstring)."""
    if not text:
        return ""
    parts = []
    for cjk, word in RUNS.findall(normalise(text)):
        if cjk:
            if len(cjk) > 1:
                parts.append(" ".join(map(str.__add__, cjk, cjk[1:])))
            parts.append(cjk[-1])
        else:
            parts.append(word[:MAX_WORD_LENGTH])
    return " ".join(parts)


@dataclass(frozen=True)
class TermTokens:
    """The tokens of one query term, in order; `prefix` marks the last one as a prefix."""

    tokens: tuple
    prefix: bool = False

    def __bool__(self):
        return bool(self.tokens)


def term_tokens(term, last_is_prefix=False, limit=MAX_QUERY_TOKENS):
    """Tokens for one query term (a whitespace-free piece of the query, or a whole phrase).

    `last_is_prefix` makes a final word a prefix too (autocomplete: what is typed so far).
    At most `limit` tokens are kept."""
    runs = RUNS.findall(normalise(term))
    tokens = []
    prefix = False
    for position, (cjk, word) in enumerate(runs):
        last = position == len(runs) - 1
        if cjk:
            tokens.extend(map(str.__add__, cjk, cjk[1:]))
            if not last:
                tokens.append(cjk[-1])
            elif len(cjk) == 1:
                tokens.append(cjk)
                prefix = True
        else:
            tokens.append(word[:MAX_WORD_LENGTH])
            prefix = last and last_is_prefix
        if len(tokens) >= limit:
            return TermTokens(tuple(tokens[:limit]), prefix=False)
    return TermTokens(tuple(tokens), prefix=prefix)


def split_terms(query_string):
    """The whitespace-separated terms of a plain-text query (NFKC first: full-width spaces)."""
    return unicodedata.normalize("NFKC", query_string).split()
