"""The menu button, the 长辈版 switch and the 朗读 button by keyboard, with and without
JavaScript; reflow at 320px and at 200% text size (docs/frontend.md)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_keyboard import MAX_TABS, describe_active
from tests.page_types import PAGE_TYPES, resolve

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# A stand-in for speechSynthesis that records what it is asked to say (headless Chromium has
# the API but no voices, so nothing would be spoken and onend never come).
RECORD_SPEECH = """
window.__spoken = [];
window.__cancelled = 0;
const fake = {
    speak(utterance) { window.__spoken.push({text: utterance.text, lang: utterance.lang}); },
    cancel() { window.__cancelled += 1; },
    getVoices() { return []; },
};
Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
"""
NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", {value: undefined, configurable: true});
delete window.SpeechSynthesisUtterance;
"""


@pytest.fixture
def open_page(chromium_browser, demo_site):
    """open_page(**context options): a page in a new browser context (e.g. without JavaScript),
    closed after the test."""
    contexts = []

    def open_with(init_script=None, **options):
        context = chromium_browser.new_context(base_url=demo_site, **options)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        return context.new_page()

    yield open_with
    for context in contexts:
        context.close()


def tab_to(page, locator, what):
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {what} (ended on {describe_active(page)})")


def test_menu_button_opens_the_menu_by_keyboard_on_a_phone(browser_page, save_artifact):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto("/")
    toggle = page.locator("nav.main-nav summary.main-nav__toggle")
    news = page.locator("nav.main-nav a", has_text="新闻动态")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("菜单")
    expect(news).to_be_hidden()

    tab_to(page, toggle, "the 菜单 button")
    page.keyboard.press("Enter")
    expect(news).to_be_visible()
    save_artifact(page, "menu-open-390", full_page=False)
    # The links follow the button in the tab order, one per line.
    page.keyboard.press("Tab")
    expect(page.locator("nav.main-nav a").first).to_be_focused()
    boxes = [link.bounding_box() for link in page.locator("nav.main-nav a").all()]
    assert len({round(box["x"]) for box in boxes}) == 1, boxes
    tab_to(page, news, "新闻动态")
    page.keyboard.press("Enter")
    page.wait_for_url("**/news/")
    expect(page.locator("main h1")).to_contain_text("新闻动态")

    # Space closes it again.
    tab_to(page, toggle, "the 菜单 button")
    page.keyboard.press("Space")
    expect(page.locator("nav.main-nav details")).to_have_attribute("open", "")
    page.keyboard.press("Space")
    expect(news).to_be_hidden()


def test_menu_button_works_without_javascript(open_page):
    page = open_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/")
    news = page.locator("nav.main-nav a", has_text="新闻动态")
    expect(news).to_be_hidden()
    page.locator("summary.main-nav__toggle").click()
    expect(news).to_be_visible()


@pytest.mark.parametrize("width", [1280, 1366, 1920])
def test_desktop_menu_is_one_line_without_a_button(browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    expect(page.locator("summary.main-nav__toggle")).to_be_hidden()
    links = page.locator("nav.main-nav a")
    assert links.count() >= 10
    tops = {round(link.bounding_box()["y"]) for link in links.all()}
    assert len(tops) == 1, f"the main menu takes {len(tops)} lines at {width}px"


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}], ids=["390", "1366"])
def test_mode_switch_by_keyboard_and_back(browser_page, save_artifact, viewport):
    page = browser_page
    page.set_viewport_size(viewport)
    page.goto("/news/")
    switch = page.locator("header.site-header a.mode-switch")
    expect(switch).to_contain_text("长辈版")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 18

    tab_to(page, switch, "the 长辈版 switch")
    page.keyboard.press("Enter")
    page.wait_for_url("**/news/")
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")
    # The URL is the same before and after, so wait for the new page's stylesheet to apply
    # (times out, failing the test, if 长辈版 text never reaches 18 px).
    page.wait_for_load_state("load")
    page.wait_for_function("parseFloat(getComputedStyle(document.body).fontSize) >= 18")
    expect(switch).to_contain_text("标准版")
    save_artifact(page, f"mode-elder-news-{viewport['width']}", full_page=False)

    # The mode stays on the next page.
    page.goto("/deputies/")
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")

    tab_to(page, switch, "the 标准版 switch")
    page.keyboard.press("Enter")
    page.wait_for_url("**/deputies/")
    expect(page.locator("html")).to_have_attribute("data-mode", "standard")
    expect(switch).to_contain_text("长辈版")


def test_mode_switch_works_without_javascript(open_page):
    page = open_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/stations/")
    page.locator("a.mode-switch").click()
    page.wait_for_url("**/stations/")
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")


def news_path():
    from news.models import NewsPage

    return NewsPage.objects.live().order_by("pk").first()


def test_read_aloud_button_reads_the_article_and_stops(browser_page, save_artifact):
    page = browser_page
    page.context.add_init_script(RECORD_SPEECH)
    news = news_path()
    page.goto(news.url)
    button = page.get_by_role("button", name="朗读全文")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "false")

    tab_to(page, button, "the 朗读 button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="停止朗读")).to_have_attribute("aria-pressed", "true")
    spoken = page.evaluate("window.__spoken")
    assert spoken, "nothing was given to speechSynthesis"
    assert {item["lang"] for item in spoken} == {"zh-CN"}
    text = "".join(item["text"] for item in spoken)
    assert news.title in text
    assert "朗读全文" not in text and "停止朗读" not in text
    assert max(len(item["text"]) for item in spoken) <= 180
    save_artifact(page, "read-aloud-news", full_page=False)

    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="朗读全文")).to_be_visible()
    assert page.evaluate("window.__cancelled") >= 2  # before speaking, and to stop


@pytest.mark.parametrize("case", ["no-speech-synthesis", "no-javascript"])
def test_no_read_aloud_button_without_speech_synthesis(open_page, case):
    if case == "no-javascript":
        page = open_page(java_script_enabled=False)
    else:
        page = open_page(init_script=NO_SPEECH)
    page.goto(news_path().url)
    expect(page.locator("main h1")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.locator("button.read-aloud").count() == 0
    expect(page.locator("[data-read-aloud-slot]")).to_be_hidden()


def test_reflow_at_320px_and_at_200_percent_text(browser_page, demo_site):
    """No horizontal scrolling: every page type at 320px in both modes, and at 1280px with the
    text at 200% (the root font size doubled, as a browser's text-size setting does)."""
    from core.site_mode import COOKIE

    page = browser_page
    failures = []
    for mode in ("standard", "elder"):
        page.context.clear_cookies()
        if mode == "elder":
            page.context.add_cookies([{"name": COOKIE, "value": mode, "url": demo_site}])
        for page_type in PAGE_TYPES:
            path = resolve(page_type)
            for width, text in ((320, 1), (1280, 2)):
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(path)
                if text != 1:
                    page.evaluate(
                        "(factor) => { const html = document.documentElement;"
                        " html.style.fontSize = (parseFloat(getComputedStyle(html).fontSize)"
                        " * factor) + 'px'; }",
                        text,
                    )
                scroll, inner = page.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth]"
                )
                if scroll > inner:
                    failures.append(
                        f"{page_type} {path} at {width}px, text ×{text}, {mode}: "
                        f"scrollWidth {scroll} > {inner}"
                    )
    assert not failures, "\n".join(failures)
