"""Sort keys for 按姓氏笔画排序: names ordered by the strokes of the surname, then the given name.

The rules (GF 3003-1999《姓氏笔画排序规则》 and the 人大 practice, see docs/deputies.md):

* characters compare by stroke count, fewer first; equal counts by their stroke orders, stroke by
  stroke, in the order 横(1) 竖(2) 撇(3) 点(4) 折(5); characters still equal (e.g. 十 and 丁, both
  横竖) keep the order of 《通用规范汉字表》, which applies the standard's finer rules;
* the surname is compared first, as a whole: a compound surname (欧阳, 诸葛) sorts by its first
  character like any name, and after the single surname made of that character (欧 before 欧阳);
* then the given name, character by character; a shorter name that is the beginning of a longer
  one comes first (王小 before 王小明), and no blank is inserted for one-character given names
  (田大利 before 田富: 大 has fewer strokes than 富), as in 人大 deputy lists;
* spaces (including the full-width padding in printed lists, 王　宁) and the middle dot of
  transcribed names (买买提·艾力) are ignored;
* characters not in the table (rare characters, traditional forms, Latin letters) sort after every
  character in it, by code point; characters in the table whose stroke order is unknown sort
  after the other characters with the same stroke count.

The key is a string of ASCII digits, so the database orders it the same way as Python does, with
any collation: per character two digits of stroke count, the stroke order, and the four-digit
number in 《通用规范汉字表》; "00" between surname and given name.
"""

import functools
import re
import unicodedata
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "strokes.tsv"
MAX_KEY_LENGTH = 200  # Deputy.sort_key max_length
SEPARATOR = "00"  # below every character key, which starts with a stroke count >= 01
UNKNOWN_PREFIX = "99"  # above every stroke count (the most in the table is 36)
UNKNOWN_SHAPE = "6"  # above every stroke class 1-5
IGNORED = re.compile(r"[\s.·•‧・∙⋅]")  # whitespace, middle dots and periods (after NFKC)


@functools.cache
def stroke_table():
    """{char: (strokes, shapes, number)} from the committed table; shapes is "" when unknown."""
    table = {}
    with DATA_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            char, strokes, shapes, number = line.rstrip("\n").split("\t")
            table[char] = (int(strokes), shapes, int(number))
    return table


@functools.cache
def char_key(char):
    """The sort key of one character (a fixed-width run of digits for a given stroke count)."""
    entry = stroke_table().get(char)
    if entry is None:
        return f"{UNKNOWN_PREFIX}{ord(char):07d}"
    strokes, shapes, number = entry
    return f"{strokes:02d}{shapes or UNKNOWN_SHAPE * strokes}{number:04d}"


def clean_name(name):
    """The characters that take part in sorting: NFKC, without spaces and middle dots."""
    return IGNORED.sub("", unicodedata.normalize("NFKC", name or ""))


def name_sort_key(name, surname_length=1):
    """The 按姓氏笔画排序 key of a name whose first `surname_length` characters are the surname."""
    chars = clean_name(name)
    if not chars:
        return ""
    split = min(max(surname_length or 1, 1), len(chars))
    surname = "".join(char_key(c) for c in chars[:split])
    given = "".join(char_key(c) for c in chars[split:])
    return (surname + SEPARATOR + given)[:MAX_KEY_LENGTH]
