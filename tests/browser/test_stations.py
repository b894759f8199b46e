"""The station network's public pages in a browser: the map page is a list of stations with
JavaScript off and a keyboard-usable map with it (even when the tiles fail), and axe-core finds no
serious or critical problem on the directory, a station page, the map and the notice board.

The demo content (stations/demo.py) brings the station index page and four stations; when it
does not, `stations` adds what the tests need. No request leaves the live server: tile requests
are aborted, as when the tile server is unreachable."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORT
from tests.browser.test_accessibility import BLOCKING_IMPACTS, summarize

pytestmark = pytest.mark.browser

OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")


@pytest.fixture
def stations(demo_site):
    """The live station index page and its live stations, as (index URL, [stations])."""
    from deputies.factories import TownshipFactory
    from stations.factories import StationFactory, StationIndexPageFactory
    from stations.models import Station, StationIndexPage
    from tests.helpers import default_home

    index = StationIndexPage.objects.live().public().first()
    if index is None:
        index = StationIndexPageFactory(parent=default_home(), slug="stations")
    if Station.objects.public().count() < 2:
        township = TownshipFactory(name="城关镇")
        StationFactory(name="城关镇人大代表工作站", township=township)
        StationFactory(
            name="城关镇人大代表之家", kind="home", township=township, latitude=None, longitude=None
        )
    return index.url, list(Station.objects.public())


@pytest.fixture
def offline(browser_page):
    """The browser page with every request outside the live server aborted (tiles included)."""
    aborted = []

    def abort(route):
        aborted.append(route.request.url)
        route.abort()

    browser_page.context.route(OUTSIDE, abort)
    browser_page.aborted = aborted
    return browser_page


def check_axe(page, save_artifact, name):
    results = Axe().run(page)
    violations = results.response["violations"]
    save_artifact(page, name)
    report = save_artifact(None, f"{name}.axe.json", text=json.dumps(violations, indent=2))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe found {len(blocking)} serious/critical violation(s) on {page.url} "
        f"(full report: {report}):\n{summarize(blocking)}"
    )


def test_map_page_without_javascript_lists_every_station(
    chromium_browser, demo_site, stations, save_artifact
):
    index_url, live = stations
    context = chromium_browser.new_context(
        base_url=demo_site, viewport=VIEWPORT, locale="zh-CN", java_script_enabled=False
    )
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        response = page.goto(f"{index_url}map/")
        assert response is not None and response.ok
        rows = page.locator("table.station-table tbody tr")
        expect(rows).to_have_count(len(live))
        for station in live:
            row = page.locator(f"#station-{station.pk}")
            expect(row.locator("th a")).to_have_text(station.name)
            expect(row).to_contain_text(station.address)
        # The map needs JavaScript: without it nothing empty or broken is shown.
        expect(page.locator("#station-map")).to_be_hidden()
        expect(page.locator(".station-map__locate")).to_have_count(0)
        save_artifact(page, "station-map-no-js")
    finally:
        context.close()
    assert not [url for url in requested if OUTSIDE.match(url)], requested


def test_map_with_javascript_survives_failing_tiles(offline, stations, save_artifact):
    page = offline
    index_url, live = stations
    located = [station for station in live if station.has_coordinates]
    assert located, "the test needs a station with coordinates"
    page.goto(f"{index_url}map/")

    expect(page.locator("#station-map")).to_be_visible()
    markers = page.locator("#station-map .leaflet-marker-icon")
    expect(markers).to_have_count(len(located))
    # The tile server is unreachable: the page says so and the list is still there.
    expect(page.locator("#station-map-status")).to_contain_text("地图底图未能加载")
    assert any("tile.openstreetmap.org" in url for url in page.aborted), page.aborted
    expect(page.locator("table.station-table tbody tr")).to_have_count(len(live))

    first = markers.first
    expect(first).to_have_attribute("src", re.compile(r"/static/vendor/leaflet/images/"))
    assert first.evaluate("img => img.complete && img.naturalWidth > 0"), "marker image missing"

    # Keyboard: a marker takes focus and Enter opens its popup with a link to the station.
    first.focus()
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_be_visible()
    names = {station.name: station.pk for station in located}
    assert popup.inner_text() in names
    href = popup.get_attribute("href")
    assert href == f"{index_url}{names[popup.inner_text()]}/"

    # Each located station's row gets a button that shows it on the map.
    buttons = page.locator(".station-map__locate")
    expect(buttons).to_have_count(len(located))
    station = located[-1]
    page.locator(f"#station-{station.pk} .station-map__locate").click()
    expect(page.locator(".leaflet-popup")).to_have_count(1)  # the other one has faded out
    expect(page.locator(".leaflet-popup-content a")).to_have_text(station.name)
    save_artifact(page, "station-map-tiles-failed")


def test_station_link_to_the_map_opens_the_station(offline, stations):
    page = offline
    index_url, live = stations
    station = next(station for station in live if station.has_coordinates)
    page.goto(f"{index_url}{station.pk}/")
    page.get_by_role("link", name="在站点地图中查看").click()
    page.wait_for_url(f"**/map/#station-{station.pk}")
    expect(page.locator(".leaflet-popup-content a")).to_have_text(station.name)


@pytest.mark.parametrize(
    "suffix",
    ["", "<station>/", "map/", "<station>/print/"],
    ids=["directory", "station", "map", "print"],
)
def test_no_serious_or_critical_axe_violations(offline, stations, save_artifact, request, suffix):
    page = offline
    index_url, live = stations
    # The station with the most on its wall.
    station = max(live, key=lambda item: item.resident_deputies.count())
    path = index_url + suffix.replace("<station>", str(station.pk))
    response = page.goto(path)
    assert response is not None and response.ok, f"GET {path} -> {response and response.status}"
    if suffix == "map/":
        expect(page.locator("#station-map .leaflet-marker-icon").first).to_be_visible()
    check_axe(page, save_artifact, f"stations-{request.node.callspec.id}")
