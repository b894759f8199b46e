"""Sort keys for 按姓氏笔画排序 (ordering names by the strokes of the surname, then the given name).

Placeholder ordering by code point until the stroke data lands; see docs/deputies.md.
"""


def name_sort_key(name, surname_length=1):
    name = (name or "").strip()
    return f"{name[:surname_length]}\\u0000{name[surname_length:]}"
