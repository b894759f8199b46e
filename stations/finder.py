""" "Find my deputy and station" (查找我的代表和工作站): from a village or community name, part of
it or its pinyin, to the stations serving it, their resident deputies, the deputies elected in
its constituency and the next reception day.

Matching (`search_areas`) runs in SQL over Area.name and the pinyin keys computed on save
(deputies/pinyin.py) and ranks in SQL too, so that the JSON autocomplete (stations/api.py) reads
at most `limit` rows whatever the size of the register:

    0  the name or full name (乡镇 + 村) is what was typed; a pinyin or initials variant equals it
    1  the name starts with it (or the full name does, past the township's name); a pinyin or
       initials variant starts with it
    2  the name or a pinyin key contains it
    3  only the full name contains it (the query is part of the township's name)

`find_view` decides what to show: one area directly when the match is unambiguous (one step from
village name to station and deputy), a choice list when several match, the township's stations
and villages when the query names a township, and otherwise names close to the query (difflib on
the names and their pinyin) and the list of townships: never an empty page."""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.images import get_image_model

from core.utils import parse_int
from deputies.models import Area, Constituency, Deputy, Election, Term
from deputies.pinyin import pinyin_keys

from .models import Reception, Station, StationDeputy
from .views import receptions_with_deputies

MAX_QUERY_LENGTH = 50
API_LIMIT = 10
MAX_CHOICES = 30
MAX_CLOSE_NAMES = 8
CLOSE_CUTOFF = 0.5
LATIN_CLOSE_CUTOFF = 0.75
MAX_INITIALS = 5  # a Latin query this long or shorter is taken as initials by close_names
# Upcoming reception days read per result (the soonest per station is shown).
MAX_RECEPTIONS = 30
# Rendition filters of the templates used: components/deputy_photo.html ("card") and
# components/station_card.html.
DEPUTY_PHOTO = "fill-240x320|format-webp"
STATION_PHOTO = "fill-240x160|format-webp"

LOCAL_KINDS = (Area.VILLAGE, Area.COMMUNITY)
TOWNSHIP_KINDS = (Area.TOWNSHIP, Area.STREET)
# What people add to a village's name that the register does not carry: 李家庄村委会 → 李家庄村.
OFFICE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "委员会")
TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "镇", "乡")
HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"^[a-z0-9]+$")

TOO_LONG = f"输入的内容过长，请输入不超过{MAX_QUERY_LENGTH}个字的村（社区）名称。"


def normalize(raw):
    """The query as matched: full-width forms folded (ＸＱＣ → xqc), tone marks dropped
    (xīnqiáo → xinqiao), lower case, letters and digits only (no spaces, punctuation, control
    characters), office suffixes removed."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text).lower()
    text = "".join(c for c in text if unicodedata.category(c)[0] in "LN")
    for suffix in OFFICE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text.removesuffix(suffix)
            if not text.endswith(("村", "社区")):
                text += "社区" if suffix in ("居民委员会", "居委会", "社区居委会") else "村"
            break
    return text


def is_hanzi(query):
    return bool(HANZI.search(query))


def is_latin(query):
    return bool(LATIN.match(query))


def _like(text):
    """`text` for a LIKE pattern, its wildcards taken literally (ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# One statement, ranked and limited in the database. Written as SQL rather than with the ORM's
# Case/When: building and compiling the equivalent queryset cost four times as much as running
# it (measured with 2,000 areas, see docs/finder.md). Portable: SQLite and PostgreSQL.
# {rank} and {match} are fixed fragments chosen below; every value is a parameter.
SEARCH_SQL = """
SELECT a.id, a.name, a.kind, a.parent_id, a.code, a.sort_order, a.pinyin, a.pinyin_initials,
       p.name AS parent_name, p.kind AS parent_kind, p.sort_order AS parent_sort_order,
       {rank} AS match_rank
FROM {table} a LEFT OUTER JOIN {table} p ON p.id = a.parent_id
WHERE a.kind IN (%s, %s) AND ({match})
ORDER BY match_rank, LENGTH(a.name), p.sort_order, a.sort_order, a.name, a.id
LIMIT %s
"""
FULL_NAME = "(COALESCE(p.name, '') || a.name)"
ESCAPE = " ESCAPE '\\'"
# Chinese: the name or the full name (乡镇 + 村) is, starts with or contains what was typed;
# 新桥镇河 → 新桥镇河口村 ranks 1, but 新桥镇 alone names the township: its villages rank 3.
HANZI_RANK = f"""CASE
    WHEN a.name = %s OR {FULL_NAME} = %s THEN 0
    WHEN a.name LIKE %s{ESCAPE} OR ({FULL_NAME} LIKE %s{ESCAPE} AND LENGTH(p.name) < %s) THEN 1
    WHEN a.name LIKE %s{ESCAPE} THEN 2
    ELSE 3 END"""
HANZI_MATCH = f"a.name LIKE %s{ESCAPE} OR {FULL_NAME} LIKE %s{ESCAPE}"
# Pinyin: the keys are space-separated variants (deputies/pinyin.py); " key " contains " q "
# when a variant equals q, " key" contains " q" when a variant starts with it.
LATIN_RANK = f"""CASE
    WHEN (' ' || a.pinyin_initials || ' ') LIKE %s{ESCAPE}
      OR (' ' || a.pinyin || ' ') LIKE %s{ESCAPE} THEN 0
    WHEN (' ' || a.pinyin_initials) LIKE %s{ESCAPE} OR (' ' || a.pinyin) LIKE %s{ESCAPE} THEN 1
    ELSE 2 END"""
LATIN_MATCH = (
    f"a.pinyin_initials LIKE %s{ESCAPE} OR a.pinyin LIKE %s{ESCAPE}"
    f" OR LOWER(a.name) LIKE %s{ESCAPE}"
)
# Anything else (another script, letters mixed with digits): the name only.
OTHER_RANK = (
    f"CASE WHEN LOWER(a.name) = %s THEN 0 WHEN LOWER(a.name) LIKE %s{ESCAPE} THEN 1 ELSE 2 END"
)
OTHER_MATCH = f"LOWER(a.name) LIKE %s{ESCAPE}"


def search_areas(query, limit=API_LIMIT):
    """Villages and communities matching the normalized `query`, best first, each with `rank`
    (see the module's docstring) and its township (`parent`) loaded: one query."""
    if not query:
        return []
    query = query.lower()
    q = _like(query)
    contains, starts = f"%{q}%", f"{q}%"
    if is_hanzi(query):
        rank, match = HANZI_RANK, HANZI_MATCH
        params = [query, query, starts, starts, len(query), contains, contains, contains]
    elif is_latin(query):
        rank, match = LATIN_RANK, LATIN_MATCH
        params = [f"% {q} %", f"% {q} %", f"% {q}%", f"% {q}%", contains, contains, contains]
    else:
        rank, match = OTHER_RANK, OTHER_MATCH
        params = [query, starts, contains]
    sql = SEARCH_SQL.format(rank=rank, match=match, table=Area._meta.db_table)
    rank_params, match_params = params[: rank.count("%s")], params[rank.count("%s") :]
    areas = list(Area.objects.raw(sql, [*rank_params, *LOCAL_KINDS, *match_params, int(limit)]))
    for area in areas:
        area.rank = area.match_rank
        if area.parent_id is not None:
            parent = Area.from_db(
                connection.alias,
                ["id", "name", "kind", "sort_order"],
                [area.parent_id, area.parent_name, area.parent_kind, area.parent_sort_order],
            )
            Area.parent.field.set_cached_value(area, parent)
    return areas


def _township_stem(name):
    for suffix in TOWNSHIP_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def find_township(query):
    """The township or street the query names (新桥镇, 新桥, xqz, 新桥镇张家村 …), or None."""
    if not query:
        return None
    best = None
    for township in Area.objects.filter(kind__in=TOWNSHIP_KINDS).order_by("sort_order", "name"):
        stem = _township_stem(township.name)
        if is_latin(query):
            variants = f"{township.pinyin} {township.pinyin_initials}".split()
            if query in variants:
                rank = 0
            elif len(query) >= 2 and any(v.startswith(query) for v in variants):
                rank = 1
            else:
                continue
        elif query in (township.name, stem):
            rank = 0
        elif len(query) >= 2 and township.name.startswith(query):
            rank = 1
        elif len(stem) >= 2 and query.startswith(stem):
            rank = 2
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, township)
    return best[1] if best else None


def township_named(query):
    """The township or street whose name is exactly the (Chinese) query, with or without its
    suffix: "新桥" and "新桥镇" name 新桥镇; None otherwise."""
    if not query or is_latin(query):
        return None
    township = find_township(query)
    if township is not None and query in (township.name, _township_stem(township.name)):
        return township
    return None


class _Similarity:
    """difflib's ratio of texts to one fixed string, 0 below `cutoff`. The fixed string is
    indexed once and the cheap upper bounds are tried first, as difflib.get_close_matches does:
    comparing with every village of the county stays fast."""

    def __init__(self, fixed, cutoff=CLOSE_CUTOFF):
        self.matcher = difflib.SequenceMatcher(autojunk=False)
        self.matcher.set_seq2(fixed)
        self.cutoff = cutoff

    def __call__(self, text):
        matcher = self.matcher
        matcher.set_seq1(text)
        if matcher.real_quick_ratio() < self.cutoff or matcher.quick_ratio() < self.cutoff:
            return 0.0
        return matcher.ratio()


# Characters most village names share: sharing only these does not make two names close.
GENERIC_CHARACTERS = frozenset("村社区庄家")


def close_names(query, limit=MAX_CLOSE_NAMES):
    """Villages and communities whose name, full name or pinyin is close to `query` (a typo, a
    homophone, a missing or extra character), best first. Reads the names of every village once
    (no model instances): used only when nothing matched."""
    if not query:
        return []
    rows = Area.objects.filter(kind__in=LOCAL_KINDS).values_list(
        "pk", "name", "parent__name", "pinyin", "pinyin_initials"
    )
    scored = []
    if is_hanzi(query):
        sounds = set(pinyin_keys(query)[0].split())
        characters = set(query) - GENERIC_CHARACTERS
        written = _Similarity(query)
        heard = [_Similarity(sound, 0.8) for sound in sounds]
        for pk, name, township, pinyin, _initials in rows:
            pinyins = pinyin.split()
            if sounds.intersection(pinyins):
                score = 1.0  # a homophone: 新乔村 → 新桥村
            elif characters.isdisjoint(name):
                continue
            else:
                score = max(written(name), written(f"{township or ''}{name}"))
                if pinyins:
                    # Sounds alike (a syllable off): a little below a written match.
                    score = max(score, 0.9 * max((h(pinyins[0]) for h in heard), default=0.0))
            if score >= CLOSE_CUTOFF:
                scored.append((-score, len(name), pk))
    else:
        # Short queries are initials (xqc), longer ones full pinyin (xinqiaocun): a letter off.
        similar = _Similarity(query, LATIN_CLOSE_CUTOFF)
        initials_only = len(query) <= MAX_INITIALS
        for pk, name, _township, pinyin, initials in rows:
            key = (initials if initials_only else pinyin).partition(" ")[0]
            score = similar(key) if key else 0.0
            if score >= LATIN_CLOSE_CUTOFF:
                scored.append((-score, len(name), pk))
    scored.sort()
    best = [pk for _score, _length, pk in scored[:limit]]
    areas = Area.objects.select_related("parent").in_bulk(best)
    return [areas[pk] for pk in best]


# -- what the page shows -----------------------------------------------------------------------


@dataclass
class ConstituencyResult:
    constituency: Constituency
    deputies: list


def _images(spec):
    # Prefetched rather than select_related, so that the renditions come in the same query.
    return get_image_model().objects.prefetch_renditions(spec)


def _public_deputies(date):
    return Deputy.objects.public().serving(date)


def station_results(page, stations, now):
    """The stations, each with what components/station_card.html reads (`next_reception` with
    `duty_deputies`, areas, photo) plus `url` and `residents`: the serving, published resident
    deputies in the wall's order. A fixed number of queries whatever the number of stations."""
    stations = list(
        stations.select_related("township").prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("sort_order", "name")),
            Prefetch("photo", queryset=_images(STATION_PHOTO)),
        )
    )
    if not stations:
        return []
    by_pk = {station.pk: station for station in stations}
    for station in stations:
        station.url = page.station_url(station)
        station.residents = []
        station.next_reception = None
    residents = (
        StationDeputy.objects.filter(
            station__in=stations, deputy__in=_public_deputies(timezone.localdate(now))
        )
        .select_related("deputy")
        .prefetch_related(Prefetch("deputy__photo", queryset=_images(DEPUTY_PHOTO)))
        .order_by("station", "sort_order", "pk")
    )
    for resident in residents:
        by_pk[resident.station_id].residents.append(resident)
    upcoming = Reception.objects.public().upcoming(now).filter(station__in=stations)
    for reception in receptions_with_deputies(upcoming)[:MAX_RECEPTIONS]:
        station = by_pk[reception.station_id]
        if station.next_reception is None:
            reception.station = station  # with its url, for the summary
            station.next_reception = reception
    return stations


def constituency_results(area, today):
    """The current term's constituencies covering the area (or its whole township), each with
    its serving, published deputies in the official order (按姓氏笔画)."""
    term = Term.current(today)
    if term is None:
        return []
    covering = [area.pk] + ([area.parent_id] if area.parent_id else [])
    constituencies = list(
        Constituency.objects.filter(term=term, areas__in=covering)
        .select_related("level", "term")
        .distinct()
        .order_by("level__sort_order", "name", "pk")
    )
    elections = (
        Election.objects.filter(constituency__in=constituencies, deputy__in=_public_deputies(today))
        .select_related("deputy")
        .order_by("deputy__sort_key", "deputy__name", "deputy__pk")
    )
    by_constituency = {constituency.pk: [] for constituency in constituencies}
    for election in elections:
        deputies = by_constituency[election.constituency_id]
        if election.deputy not in deputies:
            deputies.append(election.deputy)
    return [ConstituencyResult(c, by_constituency[c.pk]) for c in constituencies]


def _next_of(stations):
    upcoming = [s.next_reception for s in stations if s.next_reception is not None]
    return min(upcoming, key=lambda r: (r.date, r.start_time), default=None)


def area_context(page, area, now):
    """What a citizen of `area` needs: its stations (or, when none is registered for it, the
    township's), their resident deputies, the constituency's deputies, the next reception."""
    live = Station.objects.public().order_by("kind", "name")
    stations = station_results(page, live.filter(areas=area), now)
    township_fallback = False
    if not stations and area.parent_id:
        stations = station_results(page, live.filter(township_id=area.parent_id), now)
        township_fallback = True
    return {
        "area": area,
        "stations": stations,
        "township_fallback": township_fallback,
        "constituencies": constituency_results(area, timezone.localdate(now)),
        "next_reception": _next_of(stations),
    }


def township_context(page, township, now):
    stations = station_results(
        page,
        Station.objects.public().filter(township=township).order_by("kind", "name"),
        now,
    )
    return {
        "township": township,
        "stations": stations,
        "next_reception": _next_of(stations),
        "township_areas": list(
            township.children.filter(kind__in=LOCAL_KINDS).order_by("sort_order", "name")
        ),
    }


def find_url(page, request=None):
    return page.get_url(request) + page.reverse_subpage("find")


def find_context(page, request, now=None):
    """The finder's context for ?q= (what was typed) and ?area= (a choice made from a list or
    from the autocomplete). `state` is one of: "start", "area", "choices", "township", "none"."""
    now = now or timezone.now()
    raw = request.GET.get("q", "")
    typed = " ".join(raw.split())
    notices = []
    url = find_url(page, request)
    context = {
        "finder_query": typed,  # not "query": base.html fills the site search with that
        "find_url": url,
        "max_query_length": MAX_QUERY_LENGTH,
        "breadcrumbs_extra": [("查找代表和工作站", url)],
        "notices": notices,
        "state": "start",
        "township_kinds": TOWNSHIP_KINDS,
    }
    area_id = request.GET.get("area", "").strip()
    if area_id:
        area = Area.objects.select_related("parent").filter(pk=parse_int(area_id, 1)).first()
        if area is not None and area.kind in LOCAL_KINDS:
            context.update(area_context(page, area, now), state="area")
            context["finder_query"] = typed or area.full_name
            return context
        if area is not None and area.kind in TOWNSHIP_KINDS:
            context.update(township_context(page, area, now), state="township")
            context["finder_query"] = typed or area.name
            return context
        notices.append("没有找到所选的村（社区），请输入名称重新查找。")

    if len(typed) > MAX_QUERY_LENGTH:
        notices.append(TOO_LONG)
        context["finder_query"] = typed[:MAX_QUERY_LENGTH]
        return _with_townships(context)
    query = normalize(typed)
    if not query:
        if typed:
            notices.append("请输入村（社区）的名称或拼音首字母，如“新桥村”或“xqc”。")
        return _with_townships(context)

    matches = search_areas(query, limit=MAX_CHOICES + 1)
    strong = [area for area in matches if area.rank <= 2]
    if strong:
        # "新桥" names the township 新桥镇 as well as the village 新桥村: offer both, unless the
        # village's own name was typed.
        named = township_named(query)
        exact = query in (strong[0].name, strong[0].full_name)
        unambiguous = len(strong) == 1 or (strong[0].rank == 0 and strong[1].rank > 0)
        if unambiguous and (named is None or exact):
            context.update(area_context(page, strong[0], now), state="area")
            context["others"] = strong[1:MAX_CLOSE_NAMES]
            return context
        choices = strong[:MAX_CHOICES]
        if named is not None and not exact:
            choices = [named, *strong[: MAX_CHOICES - 1]]
        context.update(state="choices", choices=choices)
        context["more_choices"] = len(strong) + (named is not None) > MAX_CHOICES
        return context

    township = find_township(query)
    if township is not None:
        context.update(township_context(page, township, now), state="township")
        if query not in (township.name, _township_stem(township.name)) and not is_latin(query):
            notices.append(f"没有找到名为“{typed}”的村（社区），下面是{township.name}的工作站。")
            context["close_names"] = close_names(query)
        return context
    if len(matches) == 1:
        context.update(area_context(page, matches[0], now), state="area")
        return context
    if matches:
        context.update(state="choices", choices=matches[:MAX_CHOICES])
        context["more_choices"] = len(matches) > MAX_CHOICES
        return context

    context.update(state="none", close_names=close_names(query))
    return _with_townships(context)


def _with_townships(context):
    """The townships with their stations: where to go on when the query led nowhere."""
    context["townships"] = list(
        Area.objects.filter(kind__in=TOWNSHIP_KINDS).order_by("sort_order", "name")
    )
    return context


def find_view(page, request):
    return page.render(
        request,
        template="pages/station_find.html",
        context_overrides=find_context(page, request),
    )
