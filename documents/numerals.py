"""Chinese numerals as written in legal texts (第一百二十三条, 第十章, 第二百零五条) to ints.

Only what article, chapter and section numbers use: the digits 零〇一二三四五六七八九 (两 for 二),
the units 十百千万, and Arabic digits (half- or full-width), which some documents use instead
("第12条"). A leading 十 means ten (十二 → 12), as in ordinary writing."""

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
MYRIAD = {"万": 10_000}
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

# Every character parse() accepts: for building regular expressions that find numerals.
NUMERAL_CHARS = (
    "".join(DIGITS) + "".join(UNITS) + "".join(MYRIAD) + "0123456789" + "０１２３４５６７８９"
)


def parse(text):
    """The value of a Chinese (or Arabic) numeral, or None when `text` is not one.

    >>> parse("一百二十三"), parse("十二"), parse("二百零五"), parse("一千零一"), parse("12")
    (123, 12, 205, 1001, 12)
    """
    if not text:
        return None
    text = text.strip()
    arabic = text.translate(FULL_WIDTH)
    if arabic.isascii() and arabic.isdigit():
        return int(arabic)
    total = 0  # completed 万 groups
    section = 0  # below 万
    digit = None  # a digit waiting for its unit
    for char in text:
        if char in DIGITS:
            if digit is not None and digit != 0:
                # Two digits in a row ("一二"): positional writing ("二〇二六"), handled below.
                return _positional(text)
            digit = DIGITS[char]
        elif char in UNITS:
            unit = UNITS[char]
            section += (1 if digit is None else digit) * unit
            digit = None
        elif char in MYRIAD:
            section += digit or 0
            if section == 0:
                return None
            total += section * MYRIAD[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _positional(text):
    """ "二〇二六" → 2026: digits written one by one (years, some numbers)."""
    if any(char not in DIGITS for char in text):
        return None
    return int("".join(str(DIGITS[char]) for char in text))
