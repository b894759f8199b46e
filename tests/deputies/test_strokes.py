"""按姓氏笔画排序: deputies/strokes.py and its table deputies/data/strokes.tsv (docs/deputies.md).

Expected orders are written out by hand from the rules of GF 3003-1999《姓氏笔画排序规则》
(stroke count; then 横竖撇点折 stroke by stroke; compound surnames as a whole surname; then the
given name) and checked against two independent references:

* 《通用规范汉字表》(2013), whose 一级字表 (numbers 0001-3500) is itself ordered by stroke count
  and then stroke order; every surname character below is in the 一级字表, and its number is
  written next to it, so the expected order can be read off the official table;
* the worked examples of published guides to ordering 人大 name lists: "姓名笔画的排列方法"
  (blog.sina.com.cn/s/blog_5f30e1eb0100t3d9.html: 丁小宁/王小宁, 欧阳少东/洪少东, 李一鸣/李大鸣,
  王/文, 林/欧) and "姓名姓氏笔画排序规则及区别" (m.wenku365.com/p-6137850.html: 人大 lists put
  田大利 before 田富, with no blank for one-character given names).
"""

import random
import re

import pytest

from deputies import strokes
from deputies.factories import DeputyFactory
from deputies.models import Deputy
from deputies.strokes import name_sort_key, stroke_table

# (surname, its strokes, its stroke order, number of its first character in 通用规范汉字表)
SURNAMES_IN_ORDER = [
    ("丁", 2, "12", 5),
    ("于", 3, "112", 24),
    ("万", 3, "153", 35),
    ("上官", 3, "211", 36),  # compound: placed by 上
    ("马", 3, "551", 72),
    ("王", 4, "1121", 75),  # 王 before 文/方: 4 strokes each, first stroke 横 before 点
    ("文", 4, "4134", 161),
    ("方", 4, "4153", 163),  # 文/方: 点横 alike, third stroke 撇 before 折
    ("石", 5, "13251", 216),
    ("东方", 5, "15234", 225),
    ("叶", 5, "25112", 238),
    ("田", 5, "25121", 244),
    ("白", 5, "32511", 275),
    ("司", 5, "51251", 325),
    ("司马", 5, "51251", 325),  # after the single surname 司, 马 (3) before 徒 (10)
    ("司徒", 5, "51251", 325),
    ("朱", 6, "311234", 445),
    ("刘", 6, "413422", 517),
    ("江", 6, "441121", 538),
    ("孙", 6, "521234", 570),
    ("李", 7, "1234521", 688),
    ("杨", 7, "1234533", 689),
    ("吴", 7, "2511134", 718),
    ("何", 7, "3212512", 771),
    ("汪", 7, "4411121", 855),
    ("宋", 7, "4451234", 878),
    ("张", 7, "5153154", 909),  # 张/陈: both start with 折, second stroke 横 before 竖
    ("陆", 7, "5211252", 912),
    ("陈", 7, "5215234", 914),
    ("林", 8, "12341234", 1018),  # 林 before 欧: second stroke 竖 before 撇
    ("欧", 8, "13453534", 1053),
    ("欧阳", 8, "13453534", 1053),
    ("罗", 8, "25221354", 1108),
    ("周", 8, "35121251", 1192),
    ("赵", 9, "121213434", 1378),
    ("胡", 9, "122513511", 1419),
    ("钟", 9, "311152512", 1528),
    ("洪", 9, "441122134", 1664),
    ("秦", 10, "1113431234", 1772),
    ("夏", 10, "1325111354", 1862),
    ("徐", 10, "3323411234", 1976),
    ("高", 10, "4125125251", 2021),
    ("郭", 10, "4125152152", 2022),
    ("唐", 10, "4135112251", 2037),
    ("诸葛", 10, "4512132511", 2110),
    ("陶", 10, "5235311252", 2137),
    ("黄", 11, "12212512134", 2201),
    ("曹", 11, "12512212511", 2233),
    ("梁", 11, "44153441234", 2436),
    ("董", 12, "122312511211", 2551),
    ("韩", 12, "122511121152", 2558),
    ("程", 12, "312342511121", 2677),
    ("曾", 12, "432524312511", 2747),
    ("谢", 12, "453251113124", 2795),
    ("雷", 13, "1452444425121", 2884),
    ("蔡", 14, "12235445411234", 3071),
    ("谭", 14, "45125221251112", 3177),
    ("熊", 14, "54251135354444", 3185),
    ("潘", 15, "441343123425121", 3296),
    ("戴", 17, "12125121122134534", 3388),
    ("魏", 17, "31234531325113554", 3416),
]


def shuffled(items, seed=8105):
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def sort_names(names):
    """Sort (name, surname_length) pairs by their key; returns the names."""
    return [name for name, _ in sorted(names, key=lambda n: name_sort_key(*n))]


# --- the table ------------------------------------------------------------------------------


def test_table_covers_the_general_standard_characters():
    table = stroke_table()
    assert len(table) == 8105
    assert sorted(number for _, _, number in table.values()) == list(range(1, 8106))
    with_shapes = [s for _, s, _ in table.values() if s]
    assert len(with_shapes) > 7900
    assert all(re.fullmatch(r"[1-5]+", s) for s in with_shapes)
    assert all(strokes == len(shapes) for strokes, shapes, _ in table.values() if shapes)


def test_table_reproduces_the_official_order_within_each_level():
    # 《通用规范汉字表》 orders each level by strokes, then stroke order: so must the table.
    table = stroke_table()
    for low, high in [(1, 3500), (3501, 6500), (6501, 8105)]:
        level = sorted((v for v in table.values() if low <= v[2] <= high), key=lambda v: v[2])
        counts = [strokes for strokes, _, _ in level]
        assert counts == sorted(counts)
        known = [(strokes, shapes) for strokes, shapes, _ in level if shapes]
        assert known == sorted(known)


def test_data_file_is_compact_and_names_its_sources():
    data = strokes.DATA_FILE.read_text(encoding="utf-8")
    assert strokes.DATA_FILE.stat().st_size < 300_000
    header = "\n".join(line for line in data.splitlines() if line.startswith("#"))
    for source in [
        "unicode-data",
        "chinese-character-strokes",
        "cnchar-order",
        "fcitx5-module-pinyinhelper",
    ]:
        assert source in header
    assert "LGPL-2.1-or-later" in header


def test_table_is_loaded_once():
    stroke_table.cache_clear()
    strokes.char_key.cache_clear()
    name_sort_key("王小明")
    name_sort_key("李四")
    assert stroke_table.cache_info().misses == 1


# --- surnames -------------------------------------------------------------------------------


def test_fixed_surname_list_sorts_in_the_official_order():
    expected = [surname for surname, *_ in SURNAMES_IN_ORDER]
    names = [(s, len(s)) for s in shuffled(expected)]
    assert sort_names(names) == expected


def test_expected_order_agrees_with_the_character_table():
    # The hand-written data above is what the table says, and the order of the first characters
    # is the order of 《通用规范汉字表》's 一级字表.
    table = stroke_table()
    numbers = []
    for surname, strokes_, shapes, number in SURNAMES_IN_ORDER:
        assert table[surname[0]] == (strokes_, shapes, number), surname
        assert number <= 3500
        numbers.append(number)
    assert numbers == sorted(numbers)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("王", "文"),  # 4 strokes: 横 before 点 (sina example)
        ("林", "欧"),  # 8 strokes: 横 alike, then 竖 before 撇 (sina example)
        ("于", "万"),  # 3 strokes: 横 alike, then 横 before 折
        ("万", "马"),  # 横 before 折
        ("李", "张"),  # 7 strokes: 横 before 折
        ("张", "陈"),  # 7 strokes: 折 alike, then 横 before 竖
        ("高", "郭"),  # 10 strokes: 41251 alike, then 2 before 5
        ("董", "韩"),  # 12 strokes: 1223… before 1225…
    ],
)
def test_equal_stroke_counts_break_ties_by_stroke_order(first, second):
    table = stroke_table()
    assert table[first][0] == table[second][0]
    assert name_sort_key(first) < name_sort_key(second)


@pytest.mark.parametrize("chars", ["十丁", "八人入", "己已巳"])
def test_identical_stroke_orders_follow_the_character_table(chars):
    # 十/丁 are both 横竖 (丁's 竖钩 counts as 竖): the standard's finer rules put 十 first, and so
    # does 《通用规范汉字表》, whose order is kept.
    assert len({stroke_table()[c][:2] for c in chars}) == 1
    assert sorted(chars, key=name_sort_key) == list(chars)


def test_compound_surname_is_compared_as_a_whole_surname():
    names = [
        ("欧阳一", 2),
        ("欧德", 1),
        ("欧小明", 1),
        ("林大", 1),
        ("洪少东", 1),
        ("欧阳少东", 2),
        ("司马光", 2),
        ("司一", 1),
        ("诸葛亮", 2),
        ("唐三", 1),
        ("陶一", 1),
    ]
    assert sort_names(shuffled(names)) == [
        "司一",  # 司 (5)
        "司马光",  # 司马 after every single surname 司
        "林大",  # 8 strokes, 林 before 欧
        "欧小明",  # single surname 欧: given names 小 (3) before 德 (15) …
        "欧德",
        "欧阳一",  # … and all of them before the compound surname 欧阳
        "欧阳少东",  # 欧 (8) before 洪 (9): the first character decides (sina example)
        "洪少东",
        "唐三",  # 10 strokes: 唐 41351… before 诸 45121… before 陶 52353…
        "诸葛亮",
        "陶一",
    ]


def test_compound_surname_needs_its_length():
    # Read as a single surname 欧 with given name 阳一, 欧阳一 would sort among the 欧 names.
    assert name_sort_key("欧阳一", 1) < name_sort_key("欧德", 1) < name_sort_key("欧阳一", 2)


# --- given names ----------------------------------------------------------------------------


def test_given_names_break_ties_character_by_character():
    names = [
        ("王小宁", 1),
        ("丁小宁", 1),
        ("李大鸣", 1),
        ("李一鸣", 1),
        ("田富", 1),
        ("田大利", 1),
        ("张三丰", 1),
        ("张三", 1),
        ("王小明", 1),
        ("王小", 1),
    ]
    assert sort_names(shuffled(names)) == [
        "丁小宁",  # the surname decides: 丁 (2) before 王 (4) (sina example)
        "王小",  # a name that begins a longer one comes first
        "王小宁",  # 宁 (5) before 明 (8)
        "王小明",
        "田大利",  # no blank for one-character given names: 大 (3) before 富 (12) (wenku365)
        "田富",
        "李一鸣",  # 一 (1) before 大 (3) (sina example)
        "李大鸣",
        "张三",
        "张三丰",
    ]


def test_identical_names_get_identical_keys():
    assert name_sort_key("王芳") == name_sort_key("王芳")


# --- spaces, dots, unknown characters -------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("王　宁", "王宁"),  # full-width padding of two-character names in printed lists
        (" 王 宁 ", "王宁"),
        ("买买提·艾力", "买买提艾力"),
        ("买买提•艾力", "买买提艾力"),
        ("买买提・艾力", "买买提艾力"),
        ("买买提．艾力", "买买提艾力"),
        ("买买提.艾力", "买买提艾力"),
    ],
)
def test_spaces_and_middle_dots_are_ignored(written, plain):
    assert name_sort_key(written) == name_sort_key(plain)


def test_transcribed_names_sort_by_their_first_character():
    names = [("热依拉·买买提", 1), ("买买提·艾力", 1), ("艾力·买买提", 1), ("马力", 1)]
    # 马 (3) < 艾 (5) < 买 (6) < 热 (10)
    assert sort_names(names) == ["马力", "艾力·买买提", "买买提·艾力", "热依拉·买买提"]


def test_characters_outside_the_table_sort_last_by_code_point():
    names = [("陳一", 1), ("Zhang", 1), ("齉一", 1), ("王一", 1), ("Adam", 1), ("王陳", 1)]
    assert sort_names(shuffled(names)) == [
        "王一",
        "王陳",  # within the 王 names, after every character of the table
        "齉一",  # 36 strokes, the most in the table
        "Adam",  # then characters outside the table, by code point
        "Zhang",
        "陳一",
    ]


def test_characters_without_a_stroke_order_sort_after_their_stroke_count():
    # 𬭚 (通用规范汉字表 7534) has 13 strokes but no known stroke order.
    assert stroke_table()["𬭚"][:2] == (13, "")
    assert name_sort_key("雷") < name_sort_key("𬭚") < name_sort_key("蔡")  # 13 < 𬭚 < 14


@pytest.mark.parametrize(
    ("name", "surname_length"),
    [
        (None, 1),
        ("", 1),
        ("   ", 1),
        ("·", 1),
        ("王", 1),
        ("王", 2),
        ("欧阳", 2),
        ("王芳", 0),
        ("王芳", None),
        ("王芳", 5),
        ("😀", 1),
        ("𠀀王", 1),
    ],
)
def test_any_name_gives_a_digit_key(name, surname_length):
    key = name_sort_key(name, surname_length)
    assert re.fullmatch(r"[0-9]*", key)
    assert len(key) <= 200


def test_long_names_are_cut_to_the_field_length():
    key = name_sort_key("阿卜杜热合曼·吐尔孙托合提·买买提艾力江" * 2)
    assert len(key) == 200
    assert re.fullmatch(r"[0-9]+", key)


# --- the database ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_deputies_ordered_by_sort_key_in_the_database():
    expected = [
        ("丁小宁", 1),
        ("王小", 1),
        ("王小宁", 1),
        ("方芳", 1),
        ("司马光", 2),
        ("买买提·艾力", 1),
        ("李一鸣", 1),
        ("李大鸣", 1),
        ("张三", 1),
        ("陈　红", 1),
        ("林大", 1),
        ("欧小明", 1),
        ("欧阳少东", 2),
        ("洪少东", 1),
        ("诸葛亮", 2),
        ("魏明", 1),
        ("陳一", 1),
    ]
    for name, surname_length in shuffled(expected):
        DeputyFactory(name=name, surname_length=surname_length)

    in_db = list(Deputy.objects.order_by("sort_key").values_list("name", flat=True))
    assert in_db == [name for name, _ in expected]
    assert in_db == sort_names(expected)
    keys = list(Deputy.objects.order_by("sort_key").values_list("sort_key", flat=True))
    assert all(re.fullmatch(r"[0-9]+", key) for key in keys)
