"""Pinyin keys of area names, so that citizens can find 新桥村 by typing "xqc" or "xinqiao".

pypinyin reads phrases with its dictionary (重庆 → chongqing) but place names keep readings it
cannot know (朝阳 is chaoyang, pypinyin's phrase-free guess is zhaoyang), so besides the default
reading we keep every combination of the characters' readings, up to MAX_VARIANTS, space-separated:
a lookup matches if any variant starts with or contains what was typed."""

import itertools

from pypinyin import Style, lazy_pinyin, pinyin

MAX_VARIANTS = 16


def _variants(name, style):
    default = "".join(lazy_pinyin(name, style=style, errors="ignore"))
    readings = pinyin(name, style=style, heteronym=True, errors="ignore")
    variants = [default]
    for combo in itertools.islice(itertools.product(*readings), MAX_VARIANTS * 4):
        candidate = "".join(combo)
        if candidate not in variants:
            variants.append(candidate)
        if len(variants) >= MAX_VARIANTS:
            break
    return " ".join(v.lower() for v in variants if v)


def pinyin_keys(name):
    """(full pinyin variants, initials variants) of `name`, each a space-separated string."""
    name = name or ""
    return _variants(name, Style.NORMAL), _variants(name, Style.FIRST_LETTER)
