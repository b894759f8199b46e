"""Keyboard use: the skip link and the main menu work without a mouse."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAX_TABS = 40
FOCUSABLE = (
    "a[href], area[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), "
    "select:not([disabled]), textarea:not([disabled]), iframe, summary, "
    "[contenteditable]:not([contenteditable=false]), [tabindex]:not([tabindex='-1'])"
)

DESCRIBE_ACTIVE = r"""() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "<body>";
    const id = el.id ? "#" + el.id : "";
    const cls = typeof el.className === "string" && el.className ? "." + el.className : "";
    const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}> ${text}`;
}"""


def describe_active(page) -> str:
    return page.evaluate(DESCRIBE_ACTIVE)


def within_viewport(page, box) -> bool:
    viewport = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


@pytest.mark.parametrize(
    "path", [pytest.param("/", id="home"), pytest.param("/news/news-001/", id="news-page")]
)
def test_skip_link_is_first_and_moves_focus_to_main(browser_page, save_artifact, request, path):
    page = browser_page
    page.goto(path)
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_have_text("跳到主要内容")
    assert not within_viewport(page, skip_link.bounding_box()), "skip link shown before focus"

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert within_viewport(page, box), f"focused skip link is off-screen: {box}"
    save_artifact(page, f"skip-link-{request.node.callspec.id}", full_page=False)

    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "main-content"

    page.keyboard.press("Tab")
    expected = page.evaluate(
        """(selector) => {
            const main = document.getElementById("main-content");
            const first = [...main.querySelectorAll(selector)].find(
                (el) => el.tabIndex >= 0 && el.checkVisibility({visibilityProperty: true})
            );
            if (!first) return {found: false};
            return {found: true, focused: first === document.activeElement,
                    html: first.outerHTML.slice(0, 160)};
        }""",
        FOCUSABLE,
    )
    assert expected["found"], f"no focusable element inside <main> on {path}"
    assert expected["focused"], (
        f"Tab after the skip link focused {describe_active(page)}, "
        f"expected the first focusable element in main: {expected['html']}"
    )


def test_tab_reaches_every_main_menu_link_in_order(browser_page):
    page = browser_page
    page.goto("/")
    titles = page.locator("nav.main-nav a").all_inner_texts()
    assert len(titles) >= 2, titles
    assert "新闻动态" in titles
    page.evaluate(
        "document.querySelectorAll('nav.main-nav a').forEach((a, i) => a.dataset.navIndex = i)"
    )

    visited, trail = [], []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        trail.append(describe_active(page))
        index = page.evaluate("document.activeElement.dataset?.navIndex ?? null")
        if index is not None:
            visited.append(int(index))
        elif visited:
            break  # focus has left the menu
    assert visited == list(range(len(titles))), (
        f"menu links {titles} focused in order {visited}; focus went: {trail}"
    )


def test_enter_on_news_menu_link_opens_news_list(browser_page, save_artifact):
    page = browser_page
    page.goto("/")
    news_link = page.locator("nav.main-nav a", has_text="新闻动态")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if news_link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached the 新闻动态 menu link (ended on {describe_active(page)})")

    page.keyboard.press("Enter")
    page.wait_for_url("**/news/")
    assert urlsplit(page.url).path == "/news/"
    expect(page.locator("main h1")).to_contain_text("新闻动态")
    expect(page.locator("nav.main-nav a[aria-current=page]")).to_have_text("新闻动态")
    save_artifact(page, "news-via-keyboard", full_page=False)
