"""What a query is (issue 18), before it is searched: an article reference (著作权法第二十四条),
a plain-language question (公司拖欠工资不发怎么办) or anything else; and for titles, which keys to
look up (search/names.py). Pure Python: search/backends/site.py does the searching.

* An article reference is "law + 第N条", N in Chinese or Arabic numerals (cn2an), with or without
  spaces or 《》, optionally 之一 and text after it: the law part is looked up like a title, N
  gives the anchor (#art-N) and the snippet.
* A question holds a question word (怎么办, 吗, 如何 …) or ends with a question mark. It is
  segmented with rjieba, question words and particles are dropped, and each remaining word is
  expanded to the legal terms of search/data/legal_terms.tsv and staff's synonyms; the search
  then asks for any of the words (ranked by how many match) and shows each law at its best
  article.
"""

import re
from dataclasses import dataclass, field

import cn2an

from search.names import data_file, fold, is_pinyin, normalise

NUMERAL = "0-9零〇一二三四五六七八九十百千万两"
ARTICLE_REF = re.compile(
    rf"^\s*《?\s*(?P<law>[^《》]+?)\s*》?\s*第\s*(?P<number>[{NUMERAL}]{{1,12}})\s*条"
    rf"(?:\s*之\s*(?P<sub>[{NUMERAL}]{{1,4}}))?(?P<rest>.*)$"
)
# Article numbers beyond this are not looked for (第99999条: the law, no anchor).
MAX_ARTICLE = 100_000
QUESTION_MARKERS = (
    "怎么办", "怎么", "怎样", "如何", "什么", "多少", "多久", "几天", "哪些", "哪里",
    "哪个", "为什么", "是否", "能否", "能不能", "可不可以", "要不要", "有没有", "会不会",
    "算不算", "谁", "吗", "呢", "?", "？",
)  # fmt: skip
# Words a question is made of that no law uses to say what it is about.
QUESTION_WORDS = set(QUESTION_MARKERS) | {
    "的", "了", "被", "会", "要", "我", "你", "他", "她", "我们", "自己", "别人", "人家", "有人",
    "了吗", "可以", "能", "该", "应该", "得", "给", "让", "把", "在", "是", "有", "没", "不", "和",
    "跟", "对", "就", "还", "都", "也", "又", "很", "太", "才", "去", "来", "说", "想", "请问",
    "一下", "处理", "处罚", "违法", "犯法", "负责", "算", "判", "怎么样", "办", "后", "了的",
}  # fmt: skip
MAX_QUESTION_WORDS = 12
MAX_MEANINGS = 4


@dataclass(frozen=True)
class ArticleRef:
    law: str  # the law as typed (《》 and spaces dropped)
    number: int
    sub: int | None = None

    @property
    def anchor(self):
        return f"art-{self.number}" if self.sub is None else f"art-{self.number}-{self.sub}"


def _number(text):
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    value = int(value)
    return value if 0 < value < MAX_ARTICLE else None


def article_reference(query):
    """ArticleRef for "X法第N条" (N any way it is written), else None."""
    match = ARTICLE_REF.match(normalise(query or "")[:200])
    if not match or not fold(match["law"]):
        return None
    number = _number(match["number"])
    if number is None:
        return ArticleRef(law=match["law"].strip(), number=0)
    sub = _number(match["sub"]) if match["sub"] else None
    return ArticleRef(law=match["law"].strip(), number=number, sub=sub)


def is_question(query):
    text = normalise(query or "")
    return len(fold(text)) >= 4 and any(marker in text for marker in QUESTION_MARKERS)


@dataclass
class Question:
    words: list = field(default_factory=list)  # [(word, (legal terms))], in the question's order

    @property
    def terms(self):
        """Every term to look for, each once: the words and their legal terms."""
        seen = []
        for word, meanings in self.words:
            for term in (word, *meanings):
                if term not in seen:
                    seen.append(term)
        return seen


def question(query, synonyms=None):
    """The words of a question worth searching for, each with its legal terms. `synonyms`:
    {word: (terms)} staff added (search.Synonym), on top of search/data/legal_terms.tsv.

    Everyday words of the lists are found first, longest first (a segmenter cuts 醉驾要 as one
    word); what is left is segmented with rjieba (jieba's dictionary, in Rust: loads in 0.4 s
    against jieba's 3 s) and stripped of question words and particles."""
    import rjieba

    text = normalise(query or "")[:500]
    known = dict(data_file("legal_terms.tsv"))
    for word, meanings in (synonyms or {}).items():
        known[fold(word)] = tuple(meanings) + known.get(fold(word), ())
    found = []  # (position, word, meanings)
    for word in sorted(known, key=len, reverse=True):
        start = text.find(word)
        while start != -1:
            found.append((start, word, known[word][:MAX_MEANINGS]))
            text = text[:start] + " " * len(word) + text[start + len(word) :]
            start = text.find(word, start + len(word))
    position = 0
    for piece in re.split(r"\s+", text):
        position = text.find(piece, position) if piece else position
        for word in rjieba.cut(piece) if piece else []:
            folded = fold(word)
            if len(folded) >= 2 and folded not in QUESTION_WORDS and not folded.isdigit():
                found.append((position, folded, ()))
            position += len(word)
    result = Question()
    for _, word, meanings in sorted(found, key=lambda item: item[0]):
        if all(word != known_word for known_word, _ in result.words):
            result.words.append((word, meanings))
    result.words = result.words[:MAX_QUESTION_WORDS]
    return result


def pinyin_query(query):
    """The letters of a pinyin query, spaces and apostrophes dropped (None: not pinyin)."""
    return fold(query) if is_pinyin(query) else None
