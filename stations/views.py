"""Public routes of the station network, routed by StationIndexPage (stations/models.py):

""                    the directory, stations grouped by township (乡镇/街道)
map/                  a map of the stations over a list that works without JavaScript or tiles
find/                 "find my deputy and station" (stations/finder.py)
receptions.ics        the county's reception days (代表接待日) as an iCal feed
csv/                  the directory as a CSV download (core/csv_export.py)
<int:pk>/             a station's page: everything on its wall, reception days, activities
<int:pk>/print/       the printable notice board (公示牌), A4, with a QR code to the live page
<int:pk>/receptions.ics  one station's reception days

Only live stations, live reception days and live public activities reach these pages, and only
published deputies are named. Photos are prefetched with their renditions, so the number of
queries does not grow with the number of stations, deputies or activities."""

import datetime
import itertools

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.utils import timezone
from icalendar import Calendar, Event
from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from core.csv_export import csv_response, iterate
from core.models import SiteSettings
from deputies.models import Area, Deputy

from .models import (
    SYSTEM_CHOICES,
    Activity,
    ActivityFile,
    ActivityPhoto,
    Reception,
    Station,
    StationDeputy,
    StationIndexPage,
    StationSystem,
)

# Rendition filters used by the templates; keep them in step with components/station_*.html,
# components/deputy_photo.html (the deputies' card photo) and pages/station_*.html.
STATION_THUMB = "fill-240x160|format-webp"
STATION_PHOTO = "fill-720x480|format-webp"
DEPUTY_PHOTO = "fill-240x320|format-webp"
ACTIVITY_THUMB = "fill-320x240|format-webp"
ACTIVITY_LARGE = "max-1600x1600|format-webp"

# Reception days shown on a station page and on its notice board.
STATION_RECEPTIONS = 5
PRINT_RECEPTIONS = 3
# How far back the iCal feeds go: calendar apps keep past entries, so a feed that drops them the
# day after would make them vanish from subscribers' calendars.
CALENDAR_PAST_DAYS = 90
CALENDAR_TIMEZONE = "Asia/Shanghai"
CALENDAR_FILE = "receptions.ics"
CALENDAR_PRODID = "-//县人大常委会网站//代表接待日//ZH"


def _images(*specs):
    # Prefetched rather than select_related: Django skips a prefetch on a relation that
    # select_related has already filled, and the renditions would then be fetched one by one.
    return get_image_model().objects.prefetch_renditions(*specs)


def public_deputies():
    """Deputies that may be named publicly, in the official order (按姓氏笔画)."""
    return Deputy.objects.public().order_by("sort_key", "name", "pk")


def receptions_with_deputies(queryset=None):
    """Live reception days of live stations, with their published deputies on duty in
    `duty_deputies` (serving ones only: a deputy whose term has ended is not named, even on a
    reception saved before it ended) and the station selected."""
    queryset = Reception.objects.public() if queryset is None else queryset
    return queryset.select_related("station").prefetch_related(
        Prefetch("deputies", queryset=public_deputies().serving(), to_attr="duty_deputies")
    )


def next_receptions_by_station(stations, now=None):
    """{station pk: its next reception day} for the given stations, in one query."""
    upcoming = Reception.objects.public().upcoming(now).filter(station__in=stations)
    result = {}
    for reception in upcoming.only("pk", "station_id", "date", "start_time", "end_time"):
        result.setdefault(reception.station_id, reception)
    return result


def _station_or_404(pk, queryset=None):
    queryset = Station.objects.public() if queryset is None else queryset
    station = queryset.filter(pk=pk).first()
    if station is None:
        raise Http404("没有这个代表工作站")
    return station


def _crumbs(page, request, station, *extra):
    base = page.get_url(request)
    crumbs = [(station.name, base + page.reverse_subpage("station", args=[station.pk]))]
    return crumbs + list(extra)


# -- directory ------------------------------------------------------------------------------


def directory_context(page, request):
    stations = list(
        Station.objects.public()
        .select_related("township")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("sort_order", "name")),
            Prefetch("photo", queryset=_images(STATION_THUMB)),
        )
    )
    next_by_station = next_receptions_by_station(stations)
    for station in stations:
        station.next_reception = next_by_station.get(station.pk)
    townships = [
        {"township": township, "stations": list(items)}
        for township, items in itertools.groupby(stations, key=lambda station: station.township)
    ]
    return {
        "townships": townships,
        "station_count": len(stations),
        "csv_url": page.get_url(request) + page.reverse_subpage("csv"),
    }


def directory(page, request):
    return page.render(request, context_overrides=directory_context(page, request))


# -- map -------------------------------------------------------------------------------------


def tile_settings():
    """The tile layer of the map from the settings, or None when it cannot work: no URL, or a
    {token} placeholder without TIANDITU_TOKEN. The list of stations is shown either way."""
    token = getattr(settings, "TIANDITU_TOKEN", "")

    def url(value):
        value = (value or "").strip()
        if "{token}" in value:
            if not token:
                return None
            value = value.replace("{token}", token)
        return value or None

    tile_url = url(getattr(settings, "STATION_MAP_TILE_URL", ""))
    if tile_url is None:
        return None
    subdomains = getattr(settings, "STATION_MAP_TILE_SUBDOMAINS", "") or ""
    return {
        "url": tile_url,
        "labels_url": url(getattr(settings, "STATION_MAP_LABEL_URL", "")),
        "attribution": getattr(settings, "STATION_MAP_TILE_ATTRIBUTION", ""),
        "subdomains": subdomains.replace(",", "").strip(),
    }


def marker_icon():
    """Leaflet's marker images by their static URLs. Leaflet finds its default icon by looking for
    "marker-icon.png" at the end of a CSS URL, which the hashed names of the production static
    storage (marker-icon.<hash>.png) defeat, so the script builds the icon from these."""
    return {
        "url": static("vendor/leaflet/images/marker-icon.png"),
        "retina_url": static("vendor/leaflet/images/marker-icon-2x.png"),
        "shadow_url": static("vendor/leaflet/images/marker-shadow.png"),
    }


def map_context(page, request):
    stations = list(Station.objects.public().select_related("township"))
    next_by_station = next_receptions_by_station(stations)
    markers = []
    for station in stations:
        station.next_reception = next_by_station.get(station.pk)
        if station.has_coordinates:
            markers.append(
                {
                    "id": station.pk,
                    "name": station.name,
                    "url": page.station_url(station),
                    "address": station.address,
                    "township": station.township.name,
                    "lat": float(station.latitude),
                    "lng": float(station.longitude),
                }
            )
    tiles = tile_settings()
    map_data = None
    if tiles and markers:
        map_data = {"stations": markers, "tiles": tiles, "icon": marker_icon()}
    return {
        "stations": stations,
        "station_count": len(stations),
        "located_count": len(markers),
        "map_data": map_data,
        "map_title": f"{page.title}地图",
        "breadcrumbs_extra": [("站点地图", page.get_url(request) + page.reverse_subpage("map"))],
    }


def station_map(page, request):
    return page.render(
        request,
        template="pages/station_map.html",
        context_overrides=map_context(page, request),
    )


def find(page, request):
    """Find my deputy and station (找代表·找站点), written in stations/finder.py."""
    from stations.finder import find_view

    return find_view(page, request)


# -- a station's page and notice board --------------------------------------------------------


def _resident_deputies(date):
    """A station's resident deputies (进站代表) who are published and serving, with photos."""
    return (
        StationDeputy.objects.filter(deputy__in=public_deputies().serving(date))
        .select_related("deputy")
        .prefetch_related(Prefetch("deputy__photo", queryset=_images(DEPUTY_PHOTO)))
        .order_by("sort_order", "pk")
    )


def _station_for_wall(pk, photo_specs):
    today = timezone.localdate()
    queryset = (
        Station.objects.public()
        .select_related("township")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("sort_order", "name")),
            Prefetch("photo", queryset=_images(*photo_specs)),
            Prefetch("resident_deputies", queryset=_resident_deputies(today), to_attr="residents"),
            Prefetch("systems", queryset=StationSystem.objects.select_related("document")),
        )
    )
    return _station_or_404(pk, queryset)


def wall_systems(station):
    """The six working systems in their official order, each (code, label, system or None)."""
    by_kind = {system.kind: system for system in station.systems.all()}
    return [(code, label, by_kind.get(code)) for code, label in SYSTEM_CHOICES]


def upcoming_receptions(station, limit):
    return list(
        receptions_with_deputies(Reception.objects.public().upcoming().filter(station=station))[
            :limit
        ]
    )


def recent_activities(station, limit):
    photos = ActivityPhoto.objects.prefetch_related(
        Prefetch("image", queryset=_images(ACTIVITY_THUMB, ACTIVITY_LARGE))
    ).order_by("sort_order", "pk")
    files = ActivityFile.objects.select_related("document").order_by("sort_order", "pk")
    return list(
        Activity.objects.public()
        .filter(station=station)
        .order_by("-date", "-pk")
        .prefetch_related(
            Prefetch("deputies", queryset=public_deputies(), to_attr="public_deputies"),
            Prefetch("photos", queryset=photos),
            Prefetch("files", queryset=files),
        )[:limit]
    )


def station_context(page, request, pk):
    station = _station_for_wall(pk, [STATION_PHOTO])
    base = page.get_url(request)
    return {
        "station": station,
        "systems": wall_systems(station),
        "receptions": upcoming_receptions(station, STATION_RECEPTIONS),
        "activities": recent_activities(station, page.activities_count),
        "print_url": base + page.reverse_subpage("print", args=[station.pk]),
        "calendar_url": base + page.reverse_subpage("station_calendar", args=[station.pk]),
        "map_url": base + page.reverse_subpage("map") + f"#station-{station.pk}",
        "breadcrumbs_extra": _crumbs(page, request, station),
    }


def station_detail(page, request, pk):
    return page.render(
        request,
        template="pages/station_detail.html",
        context_overrides=station_context(page, request, pk),
    )


def qr_svg(url, title):
    """An inline SVG QR code of `url` (error correction M: survives a smudged print)."""
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, title=title, svgclass="notice-board__qr-code", omitsize=True
    )


def notice_board_context(page, request, pk):
    station = _station_for_wall(pk, [])
    route = page.reverse_subpage("station", args=[station.pk])
    station_url = page.get_full_url(request) + route
    systems = wall_systems(station)
    return {
        "station": station,
        "systems": systems,
        # Full texts follow the board on their own pages; files stay on the website.
        "system_texts": [item for item in systems if item[2] and item[2].text.strip()],
        "receptions": upcoming_receptions(station, PRINT_RECEPTIONS),
        "station_url": station_url,
        "back_url": page.get_url(request) + route,
        "qr_code": qr_svg(station_url, f"{station.name}网页二维码"),
        "printed_on": timezone.localdate(),
    }


def notice_board(page, request, pk):
    return page.render(
        request,
        template="pages/station_print.html",
        context_overrides=notice_board_context(page, request, pk),
    )


# -- iCal ------------------------------------------------------------------------------------


def _calendar_host(request):
    """The host in the UIDs: the site's host name, so a UID stays the same whichever address
    the feed was fetched from."""
    site = Site.find_for_request(request)
    if site is not None and site.hostname and site.hostname != "*":
        return site.hostname
    return request.get_host().split(":", 1)[0]


def reception_event(reception, host, station_url=None):
    """One VEVENT: a reception day at a station, with the deputies on duty."""
    station = reception.station
    deputies = "、".join(deputy.name for deputy in reception.duty_deputies)
    lines = [f"值班代表：{deputies or '待定'}"]
    if reception.topic:
        lines.append(f"接待主题：{reception.topic}")
    if reception.notes:
        lines.append(f"说明：{reception.notes}")
    if station.phone:
        lines.append(f"联系电话：{station.phone}")
    if station_url:
        lines.append(f"站点信息：{station_url}")
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(reception.date, reception.start_time, tzinfo=tz)
    end = datetime.datetime.combine(reception.date, reception.end_time, tzinfo=tz)
    summary = f"代表接待日：{station.name}"
    if reception.topic:
        summary += f"（{reception.topic}）"
    event = Event.new(
        uid=f"reception-{reception.pk}@{host}",
        stamp=reception.last_published_at or timezone.now(),
        start=start,
        end=end,
        summary=summary,
        location=f"{station.name}（{station.address}）" if station.address else station.name,
        description="\n".join(lines),
        url=station_url,
    )
    if station.has_coordinates:
        event.add("geo", (float(station.latitude), float(station.longitude)))
    return event


def calendar(page, request, pk=None):
    """The reception days of one station (pk) or of the whole county as text/calendar."""
    site_name = SiteSettings.for_request(request).site_name
    receptions = Reception.objects.public().filter(
        date__gte=timezone.localdate() - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    )
    if pk is None:
        name = f"{site_name}·代表接待日"
        scope = "county"
    else:
        station = _station_or_404(pk)
        receptions = receptions.filter(station=station)
        name = f"{station.name}·代表接待日"
        scope = f"station-{station.pk}"
    host = _calendar_host(request)
    base = page.get_full_url(request)
    cal = Calendar.new(
        name=name,
        prodid=CALENDAR_PRODID,
        uid=f"receptions-{scope}@{host}",
        description=f"{name}（{site_name}网站发布）",
        refresh_interval=datetime.timedelta(hours=12),
    )
    cal.add("x-wr-timezone", CALENDAR_TIMEZONE)
    for reception in receptions_with_deputies(receptions).order_by("date", "start_time", "pk"):
        station_url = base + page.reverse_subpage("station", args=[reception.station_id])
        cal.add_component(reception_event(reception, host, station_url))
    # The VTIMEZONE of Asia/Shanghai, from 2000 on: one STANDARD block (UTC+8, no DST since 1991).
    cal.add_missing_timezones(first_date=datetime.date(2000, 1, 1))
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="receptions.ics"'
    return response


def serve_calendar(request, path):
    """The URL-level entry of the feeds, `<index>/receptions.ics` and `<index>/<pk>/receptions.ics`
    (website/urls.py). RoutablePageMixin.route() adds a slash to every sub-path, so Wagtail's
    serve view never matches StationIndexPage's ".ics" routes: route the path without the file
    name instead (the index or a station), then serve the feed of that index or station through
    Wagtail's on_serve_page and before_serve_page hooks, as wagtail.views.serve does (privacy)."""
    route = Page.route_for_request(request, path.removesuffix(CALENDAR_FILE))
    match = getattr(request, "routable_resolver_match", None)
    if route is None or match is None or match.url_name not in ("index", "station"):
        raise Http404("没有这个日历")
    page, args, kwargs = route
    if not isinstance(page, StationIndexPage):
        raise Http404("没有这个日历")
    pk = match.kwargs.get("pk")

    def serve_feed(page, request, args, kwargs):
        return calendar(page, request, pk)

    chain = serve_feed
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


# -- CSV -------------------------------------------------------------------------------------

# The columns of the CSV download: what the directory and the station pages show publicly.
CSV_HEADER = [
    "名称",
    "类型",
    "所在乡镇（街道）",
    "服务村（社区）",
    "地址",
    "纬度",
    "经度",
    "开放时间",
    "联系电话",
    "进站代表",
    "网页",
]


def csv_rows(page, request):
    stations = (
        Station.objects.public()
        .select_related("township")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("sort_order", "name")),
            Prefetch(
                "resident_deputies",
                queryset=StationDeputy.objects.filter(
                    deputy__in=public_deputies().serving(timezone.localdate())
                )
                .select_related("deputy")
                .order_by("sort_order", "pk"),
                to_attr="residents",
            ),
        )
    )
    prefix = page.get_full_url(request) + page.reverse_subpage("station", args=[0]).removesuffix(
        "0/"
    )
    for station in iterate(stations):
        yield [
            station.name,
            station.get_kind_display(),
            station.township.name,
            [area.name for area in station.areas.all()],
            station.address,
            station.latitude,
            station.longitude,
            station.opening_hours,
            station.phone,
            [resident.deputy.name for resident in station.residents],
            f"{prefix}{station.pk}/",
        ]


def csv_download(page, request):
    """The directory as a CSV file (csv/): every live station, in the directory's order (by
    township, then name), with its published, serving resident deputies."""
    return csv_response(
        f"stations-{timezone.localdate().isoformat()}.csv", CSV_HEADER, csv_rows(page, request)
    )


# -- sitemap ---------------------------------------------------------------------------------


def sitemap_entries(page, request=None):
    """Sitemap rows for the routable sub-pages: the map, the finder's start page (its results
    are noindex) and every live station's page. The print view, the iCal feeds and the CSV
    download are not pages to index."""
    base = page.get_full_url(request)
    if not base:
        return []
    entries = [
        {"location": base + page.reverse_subpage(name), "lastmod": page.last_published_at}
        for name in ("map", "find")
    ]
    for pk, published in Station.objects.public().values_list("pk", "last_published_at"):
        entries.append(
            {"location": base + page.reverse_subpage("station", args=[pk]), "lastmod": published}
        )
    return entries
