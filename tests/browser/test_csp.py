"""The Content-Security-Policy in a browser: the public pages and the Wagtail admin, on the demo
content, with no CSP violation at all (docs/security.md, "Transport, headers and
Content-Security-Policy").

Violations are collected two ways, in every frame (the admin's preview panel is an iframe): an
init script forwards each `securitypolicyviolation` event to Python, and console messages that
name the Content Security Policy are kept (frame-ancestors refusals are reported there only).
Nothing leaves the live server: requests elsewhere (map tiles) are answered with a grey tile, so
the map draws and img-src is still exercised (the browser checks CSP before it sends)."""

import struct
import zlib

import pytest
from django.test import Client
from playwright.sync_api import expect
from wagtail.admin.admin_url_finder import AdminURLFinder

from tests.admin_helpers import make_user

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportCspViolation({
        page: document.location.href,
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}`,
        sample: event.sample,
    });
});
"""


def grey_tile() -> bytes:
    """A 256×256 grey PNG, standing in for every map tile."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xd8" * 256 for _ in range(256))
    header = struct.pack(">IIBBBBB", 256, 256, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def csp_page(browser_page, demo_site):
    """The browser page, recording CSP violations in `page.violations`."""
    page = browser_page
    page.violations = []
    tile = grey_tile()

    def record(violation):
        page.violations.append(violation)

    page.expose_function("reportCspViolation", record)
    page.context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            page.violations.append({"page": page.url, "console": message.text})

    page.on("console", on_console)
    page.context.route(
        lambda url: not url.startswith(demo_site),
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    yield page
    # Shown with the output of a failing test, whatever step failed.
    for violation in page.violations:
        print("CSP violation:", violation)


def settle(page):
    """Wait until the page's scripts have run: load, network idle, a moment for late errors."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)


def visit(page, path):
    response = page.goto(path)
    assert response is not None and response.ok, f"GET {path} -> {response and response.status}"
    assert "content-security-policy" in response.headers, f"{path} has no CSP header"
    settle(page)
    return response


def assert_no_violations(page, visited):
    lines = [" | ".join(f"{k}={v}" for k, v in item.items()) for item in page.violations]
    assert not page.violations, (
        f"{len(page.violations)} CSP violation(s) on {len(visited)} pages:\n" + "\n".join(lines)
    )


def public_paths():
    from deputies.models import Deputy
    from documents.demo import SLUG
    from documents.models import NormativeDocument
    from news.models import AppraisalPage, InitiativePage, NewsPage
    from stations.models import Station, StationIndexPage

    stations = StationIndexPage.objects.live().first().url
    deputy = Deputy.objects.public().serving().order_by("sort_key").first()
    document = NormativeDocument.objects.public().order_by("pk").first()
    return [
        "/",
        "/news/",
        NewsPage.objects.live().order_by("pk").first().url,
        "/initiatives/",
        InitiativePage.objects.live().order_by("pk").first().url,
        "/appraisals/",
        AppraisalPage.objects.live().order_by("pk").first().url,
        "/deputies/",
        f"/deputies/{deputy.pk}/",
        f"{stations}find/",
        stations,
        f"{stations}map/",
        f"{stations}{Station.objects.public().order_by('pk').first().pk}/",
        f"/{SLUG}/",
        f"/{SLUG}/{document.pk}/",
        f"/{SLUG}/suggest/?document={document.pk}",
        f"/{SLUG}/track/",
        "/search/?q=代表",
        "/statistics/",
    ]


def test_public_pages_have_no_csp_violations(csp_page, save_artifact):
    page = csp_page
    visited = []
    for path in public_paths():
        visit(page, path)
        visited.append(path)
        if path.endswith("/map/"):
            expect(page.locator("#station-map .leaflet-tile-loaded").first).to_be_visible()
            expect(page.locator("#station-map .leaflet-marker-icon").first).to_be_visible()
            save_artifact(page, "csp-station-map")
        if path.endswith("/find/"):
            # The autocomplete asks /api/areas/ (connect-src).
            page.get_by_role("combobox").first.fill("城关")
            expect(page.get_by_role("option").first).to_be_visible()
    assert_no_violations(page, visited)


def log_in(page, demo_site):
    """Log in by session cookie (the login form is visited, but its second factor and lockout
    rules are part 2's, not this test's)."""
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection

    # The demo snapshot is restored with its primary keys, which leaves PostgreSQL's sequences
    # behind: the next user would get a taken id.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [get_user_model()]):
            cursor.execute(sql)
    client = Client()
    client.force_login(make_user("csp-editor", superuser=True))
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": demo_site}])


def test_admin_has_no_csp_violations(csp_page, demo_site, save_artifact):
    from deputies.models import Deputy
    from news.models import NewsPage
    from stations.models import Station

    page = csp_page
    finder = AdminURLFinder()
    visited = ["/admin/login/"]
    visit(page, "/admin/login/")
    expect(page.locator("form input[name=username]")).to_be_visible()

    log_in(page, demo_site)
    news = NewsPage.objects.live().order_by("pk").first()
    deputy = Deputy.objects.public().order_by("pk").first()
    station = Station.objects.public().order_by("pk").first()
    for path in [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{news.get_parent().pk}/",
        finder.get_edit_url(station),
        "/admin/images/",
        "/admin/documents/",
    ]:
        visit(page, path)
        visited.append(path)

    # A page edit view with the preview panel open: the preview is a same-origin iframe.
    path = finder.get_edit_url(news)
    visit(page, path)
    visited.append(path)
    page.locator('[data-side-panel-toggle="preview"]').click()
    preview = page.frame_locator("iframe#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text(news.title)
    settle(page)
    save_artifact(page, "csp-admin-page-preview", full_page=False)

    # A register's edit view, and a chooser modal opened from it.
    path = finder.get_edit_url(deputy)
    visit(page, path)
    visited.append(path)
    save_artifact(page, "csp-admin-deputy-edit", full_page=False)
    page.locator("[data-chooser-action-choose]").first.click()
    expect(page.locator(".modal-content")).to_be_visible()
    expect(page.locator(".modal-content .listing, .modal-content table").first).to_be_visible()
    settle(page)
    save_artifact(page, "csp-admin-chooser", full_page=False)

    # A public page seen by the logged-in editor: Wagtail's user bar, under the public policy.
    visit(page, news.url)
    visited.append(news.url)
    page.locator("wagtail-userbar").get_by_role("button").first.click()
    expect(page.locator("wagtail-userbar").get_by_role("menuitem").first).to_be_visible()
    settle(page)

    assert_no_violations(page, visited)
