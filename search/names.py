"""Titles as people type them (issue 18): the keys an entry's title is found by, written to
search_title_key when the entry is indexed, and what a query is looked up as.

Keys of a title (`title_keys`), all folded like the index (NFKC, traditional → simplified, case)
and without punctuation or spaces (《》, brackets, the middle dot):

* `name`: the title; without 中华人民共和国 (著作权法); without a province's name
  (上海市物业管理条例 → 物业管理条例); without a closing bracket of version or status
  (（2023年修订）, （试行）);
* `pinyin`: each name in toneless pinyin, syllables joined (zhuzuoquanfa): "zhu zuo quan fa",
  "zhuzuo quanfa" and a first part ("laodong hetong") are looked up with spaces dropped, the
  last as a prefix;
* `initials`: the pinyin initials of each name (zzqf);
* `fuzzy`: the shortest name with each character in turn replaced by "?" (著?权法): one wrong
  character (not a homophone) is found by the same replacement in the query.

Each key has a `weight` (0 the title itself, 1 without the country, a version bracket or by a
contraction of the list, 2 without a province) and the entry a `priority` from its model
(`search_priority()`: NormativeDocument puts valid and newer versions first): among the entries
of a key the lower weight and then the higher priority comes first.

Common short names that no rule derives (反家暴法, 个税法) come from search/data/short_names.tsv
(with their source) and from the synonyms staff add in the admin (设置 → 搜索同义词,
search.Synonym); they are applied to the query, so an edit works at once, without re-indexing.
"""

import re
from functools import cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from search.tokenize import CJK_CHARS, normalise

NAME, PINYIN, INITIALS, FUZZY = "name", "pinyin", "initials", "fuzzy"
# Changing which keys are made changes this: `update_index` then writes every entry again.
TITLE_KEYS_VERSION = "keys-1"
COUNTRY = "中华人民共和国"
DATA = Path(__file__).resolve().parent / "data"
# Provinces, autonomous regions and municipalities (行政区划代码 GB/T 2260, province level).
PROVINCES = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
)
KEY_CHARS = re.compile(rf"[^{CJK_CHARS}0-9a-z]+")
VERSION_BRACKET = re.compile(
    r"[（(][^（）()]*(?:修订|修正|修改|试行|草案|暂行|施行|\d{4})[^（）()]*[）)]$"
)
MAX_KEY_LENGTH = 120
FUZZY_MIN, FUZZY_MAX = 3, 16
PINYIN_QUERY = re.compile(r"^[a-z' ]+$")
# Keys looked up per query: enough for a query of 16 characters and its variants.
MAX_LOOKUP_KEYS = 40


def fold(text):
    """A title or query as a key: normalised like the index, only letters, digits and CJK."""
    return KEY_CHARS.sub("", normalise(text or ""))[:MAX_KEY_LENGTH]


def _without_province(title):
    for province in PROVINCES:
        for name in (province, province.removesuffix("省").removesuffix("市")):
            if title.startswith(name) and len(title) - len(name) >= 4:
                return title[len(name) :]
    return None


def name_keys(title):
    """{name key: weight} of a title."""
    title = (title or "").strip()
    keys = {}

    def add(text, weight):
        key = fold(text)
        if len(key) >= 2 and weight < keys.get(key, 9):
            keys[key] = weight

    add(title, 0)
    bare = VERSION_BRACKET.sub("", title).strip()
    if bare != title:
        add(bare, 1)
    for text in {title, bare}:
        if text.startswith(COUNTRY) and len(text) > len(COUNTRY) + 1:
            add(text[len(COUNTRY) :], 1)
        local = _without_province(text)
        if local:
            add(local, 2)
    return keys


def pinyin(text):
    """Toneless pinyin, syllables joined; letters and digits kept as they are."""
    return "".join(lazy_pinyin(text, errors=lambda chars: chars))


def initials(text):
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: chars))


def fuzzy_variants(key):
    """The key with each of its characters in turn replaced by "?"."""
    if not FUZZY_MIN <= len(key) <= FUZZY_MAX:
        return []
    return [key[:i] + "?" + key[i + 1 :] for i in range(len(key))]


def _syllables(text):
    """One toneless syllable per character of `text` (letters and digits as they are), read
    with pypinyin's phrase dictionary (重庆 chongqing)."""
    syllables = lazy_pinyin(text, errors=lambda chars: list(chars))
    return syllables if len(syllables) == len(text) else None


def title_keys(title):
    """[(kind, key, weight)] to index for a title. The pinyin of every name is read once, from
    the whole title (the names are pieces of it): pypinyin is most of the cost."""
    names = name_keys(title)
    rows = {}

    def add(kind, key, weight):
        if key and weight < rows.get((kind, key), 9):
            rows[(kind, key)] = weight

    whole = fold(title)
    syllables = _syllables(whole)
    for key, weight in names.items():
        add(NAME, key, weight)
        start = whole.find(key) if syllables else -1
        if start == -1:
            add(PINYIN, pinyin(key), weight)
            add(INITIALS, initials(key), weight)
            continue
        piece = syllables[start : start + len(key)]
        add(PINYIN, "".join(piece), weight)
        add(INITIALS, "".join(syllable[0] for syllable in piece), weight)
    if names:
        shortest = min(names, key=len)
        for variant in fuzzy_variants(shortest):
            add(FUZZY, variant, names[shortest])
    return [(kind, key, weight) for (kind, key), weight in rows.items()]


@cache
def data_file(name):
    """{term: (meanings)} of a tab-separated data file in search/data/ (term, meanings separated
    by "/", source); lines starting with # are comments."""
    mapping = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, meanings, *_ = line.split("\t")
        mapping.setdefault(fold(term), ())
        mapping[fold(term)] += tuple(m.strip() for m in meanings.split("/") if m.strip())
    return mapping


def is_pinyin(query):
    """True for a query of Latin letters only (spaces, apostrophes): typed pinyin."""
    text = normalise(query).strip()
    return len(text.replace(" ", "")) >= 2 and bool(PINYIN_QUERY.match(text))
