"""Phone and desktop layouts of every public page type, in the standard view and in 长辈版
(docs/frontend.md): no horizontal scrolling, no clipped text, a usable search field on a phone,
body text size and line height, target sizes in 长辈版, axe at every impact level (and the 7:1
contrast rule in 长辈版), and a screenshot of each page type at both widths in both modes.

One test per page type: it visits the page four times (2 widths × 2 modes) in one browser
context, so the demo content is restored once per page type. The measurements of each page
type are written to BROWSER_ARTIFACTS as layout-<page type>.json (docs/testing.md)."""

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import summarize
from tests.page_types import PAGE_TYPES, resolve

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
MODES = ("standard", "elder")
MIN_BODY_FONT = {"standard": 16, "elder": 18}
MIN_LINE_HEIGHT = 1.5
MIN_TARGET = 44
MIN_SEARCH_WIDTH = 200
MIN_CHART_LABEL = 12

# The measurements, run in the page (a file: too long for Python lines).
MEASURE = (Path(__file__).parent / "measure_layout.js").read_text(encoding="utf-8")


def run_axe(page, mode):
    rules = {"color-contrast-enhanced": {"enabled": True}} if mode == "elder" else {}
    options = {"resultTypes": ["violations"], "rules": rules}
    return Axe().run(page, options=options).response["violations"]


def set_mode(page, demo_site, mode):
    from core.site_mode import COOKIE

    page.context.clear_cookies()
    if mode != "standard":
        page.context.add_cookies([{"name": COOKIE, "value": mode, "url": demo_site}])


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_layout_in_both_modes_at_both_widths(browser_page, demo_site, save_artifact, page_type):
    page = browser_page
    path = resolve(page_type)
    failures, rows = [], []
    for mode in MODES:
        set_mode(page, demo_site, mode)
        for device, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            response = page.goto(path)
            expected = 404 if page_type == "not-found" else 200
            assert response is not None and response.status == expected, (
                f"GET {path} -> {response and response.status}"
            )
            assert page.locator("html").get_attribute("data-mode") == mode
            m = page.evaluate(MEASURE, {"minTarget": MIN_TARGET})
            violations = run_axe(page, mode)
            where = f"{page_type} {path} at {viewport['width']}px, {mode}"
            save_artifact(page, f"layout-{page_type}-{viewport['width']}-{mode}")
            if m["scrollWidth"] > m["innerWidth"]:
                failures.append(f"{where}: scrollWidth {m['scrollWidth']} > {m['innerWidth']}")
            if m["clipped"]:
                failures.append(f"{where}: text clipped by overflow: {m['clipped'][:5]}")
            if m["bodyFont"] < MIN_BODY_FONT[mode]:
                failures.append(f"{where}: body font {m['bodyFont']}px < {MIN_BODY_FONT[mode]}px")
            if m["bodyLineHeight"] < MIN_LINE_HEIGHT:
                failures.append(f"{where}: body line height {m['bodyLineHeight']:.2f}")
            if device == "phone" and (m["searchWidth"] or 0) < MIN_SEARCH_WIDTH:
                failures.append(f"{where}: search input {m['searchWidth']}px wide")
            chart = m["smallestChartLabel"]
            if chart is not None and chart < MIN_CHART_LABEL:
                failures.append(f"{where}: chart labels drawn at {chart:.1f}px")
            if mode == "elder" and m["smallTargets"]:
                failures.append(
                    f"{where}: {len(m['smallTargets'])} target(s) under "
                    f"{MIN_TARGET}×{MIN_TARGET}px: {m['smallTargets'][:8]}"
                )
            if violations:
                failures.append(f"{where}: axe found:\n{summarize(violations)}")
            rows.append(
                {
                    "page_type": page_type,
                    "path": path,
                    "device": device,
                    "width": viewport["width"],
                    "mode": mode,
                    "overflow": m["scrollWidth"] - m["innerWidth"],
                    "clipped": len(m["clipped"]),
                    "body_font": m["bodyFont"],
                    "line_height": round(m["bodyLineHeight"], 2),
                    "smallest_font": round(m["smallestFont"] or 0, 1),
                    "smallest_font_at": m["smallestFontAt"],
                    "smallest_target": round(m["smallestTarget"] or 0, 1),
                    "smallest_target_at": m["smallestTargetAt"],
                    "search_width": m["searchWidth"],
                    "axe_violations": len(violations),
                }
            )
    save_artifact(
        None, f"layout-{page_type}.json", text=json.dumps(rows, ensure_ascii=False, indent=1)
    )
    assert not failures, "\n".join(failures)
