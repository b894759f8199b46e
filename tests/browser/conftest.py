"""Browser test harness: Playwright (sync API) driving Debian's Chromium against `live_server`.

* Chromium: $CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` on $PATH. Playwright's own
  browser download is never used. Without a browser the tests are skipped locally, but they fail
  when $CI is set (CI always installs one).
* Data: the demo content (`load_demo_data`) is built once per session inside a rolled-back
  transaction and kept as a serialized snapshot; every test restores that snapshot (about half a
  second) instead of running the factories again (several seconds). `live_server` tests are
  transactional, so pytest-django flushes the database after each of them.
* Screenshots and axe reports go to $BROWSER_ARTIFACTS (default: a pytest temporary folder),
  printed at the end of the run.

The fixture names (`chromium_browser`, `browser_page`) deliberately differ from pytest-playwright's
(`browser`, `page`) so the harness behaves the same whether or not that plugin is installed.
"""

import json
import os
import shutil
from io import StringIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

# Sync Playwright keeps an asyncio event loop in the main thread; without this Django's ORM
# refuses to run there (SynchronousOnlyOperation) in fixtures and tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
ARTIFACTS_KEY = pytest.StashKey[Path]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_chromium() -> str | None:
    """$CHROMIUM_PATH (no fallback when set, so a wrong override is noticed), else the Debian
    package's binary, else `chromium` on $PATH."""
    override = os.environ.get("CHROMIUM_PATH")
    candidates = [override] if override else [DEFAULT_CHROMIUM, shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_browser_message() -> str:
    where = os.environ.get("CHROMIUM_PATH") or f"{DEFAULT_CHROMIUM} or `chromium` on $PATH"
    return (
        f"No Chromium binary found ({where}). Install Debian's Chromium with "
        "`apt-get install -y chromium` or point CHROMIUM_PATH at a Chromium binary."
    )


def pytest_collection_modifyitems(config, items):
    """Skip browser tests at collection time when there is no browser (outside CI), so no test
    database or live server is set up for nothing. In CI the `chromium_executable` fixture fails
    them instead."""
    if in_ci() or find_chromium():
        return
    skip = pytest.mark.skip(reason=missing_browser_message())
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    folder = config.stash.get(ARTIFACTS_KEY, None)
    if folder is not None:
        terminalreporter.write_line(f"Browser screenshots and axe reports: {folder}")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = find_chromium()
    if path is None:
        if in_ci():
            pytest.fail(f"CI is set but the browser is missing. {missing_browser_message()}")
        pytest.skip(missing_browser_message())
    return path


@pytest.fixture(scope="session")
def chromium_browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser_artifacts(request, tmp_path_factory) -> Path:
    """Folder for screenshots and axe reports: $BROWSER_ARTIFACTS or a pytest temporary folder."""
    configured = os.environ.get("BROWSER_ARTIFACTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("browser-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[ARTIFACTS_KEY] = folder.resolve()
    return folder


def _serialize_database() -> str:
    """Django's test-database serialization, with content types first: Wagtail's Page.__init__
    looks up its content type while being deserialized, and would otherwise create one whose
    primary key clashes with the snapshot's."""
    from django.db import connection

    objects = json.loads(connection.creation.serialize_db_to_string())
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")
    return json.dumps(objects)


def _clear_caches() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    ContentType.objects.clear_cache()
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> str:
    """The demo content, built once: loaded inside a transaction, serialized, rolled back."""
    from django.core.management import call_command
    from django.db import transaction
    from wagtail.models import Site

    with django_db_blocker.unblock():
        with transaction.atomic():
            if not Site.objects.filter(is_default_site=True).exists():
                pytest.fail(
                    "The test database has lost its migration content (default Site, home page); "
                    "another transactional test flushed it before the browser tests ran."
                )
            _clear_caches()
            call_command("load_demo_data", force=True, stdout=StringIO())
            snapshot = _serialize_database()
            transaction.set_rollback(True)
        _clear_caches()
    return snapshot


@pytest.fixture
def demo_site(live_server, transactional_db, demo_snapshot) -> str:
    """Restore the demo content into the (transactional) test database; returns the server URL."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    _clear_caches()
    connection.creation.deserialize_db_from_string(demo_snapshot)
    _clear_caches()
    return live_server.url


def _serve_media(route) -> None:
    """The live server does not serve uploads (DEBUG is off), so the browser reads image
    renditions straight from MEDIA_ROOT; screenshots then show the real pages."""
    from django.conf import settings

    media_root = Path(settings.MEDIA_ROOT).resolve()
    relative = unquote(urlsplit(route.request.url).path).removeprefix(settings.MEDIA_URL)
    file = (media_root / relative).resolve()
    if file.is_file() and media_root in file.parents:
        route.fulfill(path=file)
    else:
        route.fulfill(status=404, body="not found")


@pytest.fixture
def browser_page(chromium_browser, demo_site):
    """A fresh browser context and page whose relative URLs resolve against the live server."""
    from django.conf import settings

    context = chromium_browser.new_context(
        base_url=demo_site, viewport=VIEWPORT, locale="zh-CN", reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    context.route(f"{demo_site}{settings.MEDIA_URL}**", _serve_media)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def save_artifact(browser_artifacts):
    """save_artifact(page, "name") writes name.png (full page); save_artifact(None, "x.json",
    text=...) writes a text file. Returns the path."""

    def save(page, name: str, *, full_page: bool = True, text: str | None = None) -> Path:
        path = browser_artifacts / name
        if text is not None:
            path.write_text(text, encoding="utf-8")
        else:
            path = path.with_suffix(".png")
            page.screenshot(path=path, full_page=full_page)
        return path

    return save
