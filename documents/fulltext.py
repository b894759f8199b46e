"""Render a document's full text (plain text, possibly with Markdown headings from the law corpus)
as HTML paragraphs with anchors, for the registry's document page.

* A line starting with 第…条 (article) becomes <p id="art-N">, N in Arabic numerals
  (第一百二十三条 → art-123, 第二百二十四条之一 → art-224-1), with a "#" link to itself.
* 第…编 / 第…分编 / 第…章 / 第…节 lines become headings (chapters: h2 id="chapter-N"); the levels
  follow which of those a text has, so a law with 编 gets 编 h2, 章 h3, 节 h4. Other Markdown
  headings ("## 附则") sit at the top level of the text's own hierarchy.
* Everything is escaped: full_text is plain text, never trusted HTML.

A law can be about 1 MB of text: render() makes one classification pass and one output pass over
the lines, each line tested against anchored, non-backtracking patterns, and the HTML is built with
a single join."""

import re
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import mark_safe

from . import numerals

N = re.escape(numerals.NUMERAL_CHARS)
MARKDOWN_HEADING = re.compile(r"#{1,6}[ \t\u3000]*")
HEADING = re.compile(rf"第([{N}]{{1,8}})(分编|编|章|节)(?![的规之第款项、和及至或中，,])")
# An article heading: 第…条 (optionally 之一) followed by a space, the end of the line or anything
# but the words that show the line merely cites an article ("第五条规定的…", "第三条第二款").
ARTICLE = re.compile(
    rf"(第([{N}]{{1,8}})条(?:之([{N}]{{1,3}}))?)(?![的规之第款项、和及至或中，,])[ \t\u3000]*"
)
COMMENT = re.compile(r"<!--.*-->")
HEADING_MAX_LENGTH = 40
SENTENCE_END = ("。", "；", "：", "，")
KINDS = ("编", "分编", "章", "节")
ID_PREFIX = {"编": "part", "分编": "subpart", "章": "chapter", "节": "section"}
TOC_KINDS = {"编", "分编", "章", None}  # None: other Markdown headings


@dataclass
class Heading:
    level: int
    id: str
    text: str


@dataclass
class RenderedText:
    html: str
    toc: list = field(default_factory=list)
    article_count: int = 0


class _Ids:
    """Unique ids: a repeated number (an appendix quoting articles, a typo) gets a suffix."""

    def __init__(self):
        self.used = set()
        self.next_suffix = {}

    def __call__(self, base):
        candidate = base
        n = self.next_suffix.get(base, 1)
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.next_suffix[base] = n
        self.used.add(candidate)
        return candidate


def _classify(line):
    """(kind, data) for one stripped line: ("heading", (kind, number, rest)), ("article",
    (label, number, sub, rest)), ("markdown", text), ("text", text) or ("skip", None)."""
    markdown = MARKDOWN_HEADING.match(line)
    body = line[markdown.end() :].strip() if markdown else line
    if not body or COMMENT.fullmatch(body):
        return "skip", None
    if body.startswith("第"):
        heading = HEADING.match(body)
        if (
            heading
            and len(body) <= HEADING_MAX_LENGTH
            and not body.endswith(SENTENCE_END)
            and numerals.parse(heading.group(1)) is not None
        ):
            return "heading", (heading.group(2), numerals.parse(heading.group(1)), body)
        article = ARTICLE.match(body)
        if article:
            number = numerals.parse(article.group(2))
            sub = numerals.parse(article.group(3)) if article.group(3) else None
            if number is not None:
                return "article", (article.group(1), number, sub, body[article.end() :])
    if markdown:
        return "markdown", body
    return "text", body


@dataclass
class Article:
    anchor: str  # the id of its paragraph on the document page (art-24, art-224-1)
    label: str  # 第二十四条
    number: int
    text: str  # the article's first paragraph and those that follow, up to the next article


def articles(text):
    """The articles (条) of a full text with the anchors render() gives them, each with its text
    up to the next article or heading: what the site search shows for an article reference."""
    ids = _Ids()
    found = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("第") or line.startswith("#"):
            kind, data = _classify(line)
            if kind == "article":
                label, number, sub, rest = data
                anchor = ids(f"art-{number}" if sub is None else f"art-{number}-{sub}")
                found.append(Article(anchor, label, number, rest.strip()))
                continue
            if kind in ("heading", "markdown"):
                found.append(None)  # ends the article before it
                continue
        if found and found[-1] is not None:
            found[-1].text += "\n" + line
    return [article for article in found if article is not None]


def render(text, title=""):
    """RenderedText(html, toc, article_count) of a full text; `title` (the document's) is dropped
    when the text starts with it, as the page already shows it in its h1."""
    if not text:
        return RenderedText(html=mark_safe(""))
    items = []
    kinds_present = set()
    first = True
    for raw in text.splitlines():
        line = raw.strip()
        kind, data = _classify(line)
        if kind == "skip":
            continue
        if first:
            first = False
            if title and kind in ("markdown", "text") and data == title.strip():
                continue
        if kind == "heading":
            kinds_present.add(data[0])
        items.append((kind, data))

    present = [kind for kind in KINDS if kind in kinds_present] or ["章"]
    base_level = 2
    level_of = {kind: min(base_level + present.index(kind), 6) for kind in present}
    top_level = base_level

    ids = _Ids()
    parts = []
    toc = []
    articles = 0
    context = {}  # the current 编/章 numbers, for ids of sections (节) that restart per chapter
    for kind, data in items:
        if kind == "article":
            label, number, sub, rest = data
            anchor = ids(f"art-{number}" if sub is None else f"art-{number}-{sub}")
            articles += 1
            parts.append(
                f'<p class="fulltext__article" id="{anchor}">'
                f'<strong class="fulltext__label">{escape(label)}</strong>'
                f'<a class="fulltext__anchor" href="#{anchor}" aria-label="{escape(label)}的链接"'
                f' title="复制本条链接">#</a>　{escape(rest)}</p>'
            )
        elif kind == "heading":
            heading_kind, number, body = data
            if heading_kind == "节" and "章" in context:
                base = f"chapter-{context['章']}-section-{number}"
            else:
                base = f"{ID_PREFIX[heading_kind]}-{number}"
            context[heading_kind] = number
            if heading_kind in ("编", "分编"):
                context.pop("章", None)
            anchor = ids(base)
            level = level_of[heading_kind]
            parts.append(
                f'<h{level} class="fulltext__heading" id="{anchor}">{escape(body)}</h{level}>'
            )
            if heading_kind in TOC_KINDS:
                toc.append(Heading(level=level, id=anchor, text=body))
        elif kind == "markdown":
            anchor = ids("heading")
            level = top_level
            parts.append(
                f'<h{level} class="fulltext__heading" id="{anchor}">{escape(data)}</h{level}>'
            )
            toc.append(Heading(level=top_level, id=anchor, text=data))
        else:
            parts.append(f"<p>{escape(data)}</p>")
    return RenderedText(
        html=mark_safe("\n".join(parts)),  # noqa: S308 - every piece of text is escaped above
        toc=toc,
        article_count=articles,
    )
