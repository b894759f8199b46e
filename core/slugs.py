"""Short readable slugs for pages with Chinese titles.

Wagtail slugifies the title in the browser (the w-slug controller of the slug field). With
Unicode slugs allowed, a Chinese title became a Chinese slug, about 250 characters of
percent-encoding in a URL. The project sets WAGTAIL_ALLOW_UNICODE_SLUGS = False, so the browser
keeps only what transliterates to ASCII (nothing, for Chinese), and fills an empty slug on the
server: the pinyin of the title's first syllables (pypinyin), `2026-nian-xian-ren-da-chang`,
else the date (`20261207`), made unique among the page's siblings with -2, -3 … Staff can type
another slug; existing pages keep theirs (and Wagtail's redirects app records a redirect when a
published page's slug changes, WAGTAILREDIRECTS_AUTO_CREATE)."""

import re

from django.utils import timezone
from django.utils.text import slugify
from pypinyin import lazy_pinyin

MAX_SYLLABLES = 6
MAX_LENGTH = 50


def pinyin_slug(title, max_syllables=MAX_SYLLABLES, max_length=MAX_LENGTH):
    """The ASCII slug of a title: the pinyin of its first syllables (ASCII words kept), joined
    with hyphens; "" when nothing in it has a spelling."""
    parts = []
    for piece in lazy_pinyin(title or "", errors=lambda chars: re.split(r"\W+", chars)):
        if isinstance(piece, list):
            parts += [slugify(word) for word in piece]
        else:
            parts.append(slugify(piece))
    parts = [part for part in parts if part][:max_syllables]
    slug = "-".join(parts)[:max_length].strip("-")
    return slug


def fallback_slug(date=None):
    return f"{(date or timezone.localdate()):%Y%m%d}"


def new_page_slug(page, parent):
    """A free slug for `page` under `parent`: pinyin of the title, else today's date."""
    base = pinyin_slug(page.title) or fallback_slug()
    candidate, suffix = base, 1
    while not page._slug_is_available(candidate, parent, page):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate
