"""The finder (/stations/find/) in a browser, on the demo content: the autocomplete is a keyboard-
and screen-reader-usable combobox (type "xqc", ArrowDown, Enter → 新桥村's station), the form works
with JavaScript off, and axe finds nothing serious on the finder's pages."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_accessibility import BLOCKING_IMPACTS, summarize

pytestmark = pytest.mark.browser

FIND = "/stations/find/"
MAX_TABS = 40
STATION = "新桥镇人大代表工作站"


def tab_to(page, element_id):
    """Press Tab until the element has focus: it must be reachable from the keyboard."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} not reached with {MAX_TABS} presses of Tab")


def assert_no_serious_axe_violations(page, save_artifact, name):
    violations = Axe().run(page).response["violations"]
    report = save_artifact(None, f"{name}.axe.json", text=json.dumps(violations, indent=2))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {name} (report: {report}):\n{summarize(blocking)}"


def test_keyboard_autocomplete_leads_to_the_village(browser_page, save_artifact):
    page = browser_page
    page.goto(FIND)
    field = page.get_by_role("combobox", name="村（社区）名称")
    expect(field).to_have_attribute("aria-expanded", "false")
    listbox_id = field.get_attribute("aria-controls")
    listbox = page.locator(f"#{listbox_id}")
    expect(listbox).to_have_attribute("role", "listbox")
    expect(listbox).to_be_hidden()

    tab_to(page, field.get_attribute("id"))
    page.keyboard.type("xqc")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    option = listbox.get_by_role("option").first
    expect(option).to_have_text("新桥镇新桥村")
    expect(page.locator(".area-autocomplete [role=status]")).to_contain_text("找到")
    expect(field).not_to_have_attribute("aria-activedescendant", option.get_attribute("id"))

    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    expect(field).to_be_focused()
    save_artifact(page, "finder-autocomplete", full_page=False)
    assert_no_serious_axe_violations(page, save_artifact, "finder-autocomplete-open")

    page.keyboard.press("Enter")
    page.wait_for_url("**/stations/find/?area=*")
    expect(page.locator("#finder-area-heading")).to_contain_text("新桥镇新桥村")
    expect(page.locator(".station-list")).to_contain_text(STATION)
    expect(page.locator("#finder-residents-heading")).to_be_visible()
    save_artifact(page, "finder-result")


def test_escape_closes_the_list_then_clears_the_field(browser_page):
    page = browser_page
    page.goto(FIND)
    field = page.get_by_role("combobox", name="村（社区）名称")
    field.focus()
    page.keyboard.type("新桥")
    listbox = page.locator(f"#{field.get_attribute('aria-controls')}")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).not_to_have_count(0)

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")  # wraps to the last suggestion
    last = listbox.get_by_role("option").last
    expect(last).to_have_attribute("aria-selected", "true")
    last_id = last.get_attribute("id")
    expect(field).to_have_attribute("aria-activedescendant", last_id)

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).to_have_value("新桥")
    expect(field).not_to_have_attribute("aria-activedescendant", last_id)
    page.keyboard.press("Escape")
    expect(field).to_have_value("")


def test_enter_without_a_suggestion_submits_what_was_typed(browser_page):
    page = browser_page
    page.goto(FIND)
    field = page.get_by_role("combobox", name="村（社区）名称")
    field.focus()
    page.keyboard.type("新乔村")  # a typo: no suggestion, the page offers close names
    page.keyboard.press("Enter")
    page.wait_for_url("**/stations/find/?q=*")
    expect(page.locator("main")).to_contain_text("没有找到“新乔村”")
    expect(page.locator(".finder-choices").first).to_contain_text("新桥镇新桥村")


def test_form_works_without_javascript(chromium_browser, demo_site, save_artifact):
    context = chromium_browser.new_context(
        base_url=demo_site, java_script_enabled=False, locale="zh-CN"
    )
    try:
        page = context.new_page()
        page.goto(FIND)
        field = page.get_by_label("村（社区）名称")
        expect(field).not_to_have_attribute("role", "combobox")
        field.fill("新桥村")
        field.press("Enter")
        page.wait_for_url("**/stations/find/?q=*")
        expect(page.locator("#finder-area-heading")).to_contain_text("新桥镇新桥村")
        expect(page.locator(".station-list")).to_contain_text(STATION)
        save_artifact(page, "finder-no-js")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(FIND, id="finder-start"),
        pytest.param(f"{FIND}?q=xqc", id="finder-village"),
        pytest.param(f"{FIND}?q=东关社区", id="finder-two-stations"),
        pytest.param(f"{FIND}?q=村", id="finder-choices"),
        pytest.param(f"{FIND}?q=新乔村", id="finder-no-match"),
    ],
)
def test_finder_pages_have_no_serious_axe_violations(browser_page, save_artifact, request, path):
    response = browser_page.goto(path)
    assert response is not None and response.ok
    assert_no_serious_axe_violations(browser_page, save_artifact, request.node.callspec.id)
