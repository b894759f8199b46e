"""The registry of normative documents in a browser: axe-core on its public pages (on the demo
content), article anchors that scroll into view, and a suggestion form used with the keyboard
alone whose honeypot field is never reached."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from documents.demo import SLUG
from documents.models import NormativeDocument

from .test_accessibility import BLOCKING_IMPACTS, summarize

pytestmark = pytest.mark.browser

BASE = f"/{SLUG}/"
AMENDED_DOCUMENT = "<the amended demo document>"  # resolved at run time: pks differ

PAGES = [
    pytest.param(BASE, id="registry"),
    pytest.param(f"{BASE}?year=2025&conclusion=no_problem", id="registry-filtered"),
    pytest.param(AMENDED_DOCUMENT, id="document"),
    pytest.param(f"{BASE}statistics/", id="statistics"),
    pytest.param(f"{BASE}catalogue/2025/", id="catalogue"),
    pytest.param(f"{BASE}suggest/", id="suggest"),
    pytest.param(f"{BASE}track/", id="track"),
]


def amended_document_path():
    document = NormativeDocument.objects.public().filter(validity="amended").order_by("pk").first()
    return f"{BASE}{document.pk}/"


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violations(browser_page, save_artifact, request, path):
    if path == AMENDED_DOCUMENT:
        path = amended_document_path()
    response = browser_page.goto(path)
    assert response is not None and response.ok, f"GET {path} -> {response and response.status}"

    violations = Axe().run(browser_page).response["violations"]
    name = f"documents-{request.node.callspec.id}"
    save_artifact(browser_page, name)
    report = save_artifact(None, f"{name}.axe.json", text=json.dumps(violations, indent=2))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe found {len(blocking)} serious/critical violation(s) on {path} "
        f"(full report: {report}):\n{summarize(blocking)}"
    )


def test_suggestion_form_invalid_submission_shows_errors_accessibly(browser_page, save_artifact):
    page = browser_page
    page.goto(f"{BASE}suggest/")
    page.get_by_role("button", name="提交审查建议").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("请填写存在的问题。")
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    save_artifact(page, "documents-suggest-errors")
    assert not blocking, summarize(blocking)
    # The summary links to the fields.
    summary.get_by_role("link", name="存在的问题：请填写存在的问题。").click()
    expect(page.locator("#id_issues")).to_be_focused()


def test_article_link_targets_its_article(browser_page):
    page = browser_page
    path = amended_document_path()
    page.goto(f"{path}#art-5")
    article = page.locator("#art-5")
    expect(article).to_be_in_viewport()
    expect(article.locator("a.fulltext__anchor")).to_have_attribute("href", "#art-5")
    # The table of contents jumps to a chapter.
    page.locator(".fulltext-toc a[href='#chapter-2']").click()
    expect(page.locator("#chapter-2")).to_be_in_viewport()


def test_keyboard_alone_never_reaches_the_honeypot(browser_page):
    page = browser_page
    page.goto(f"{BASE}suggest/")
    page.locator("#id_issues").focus()
    reached = []
    for _ in range(4):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("document.activeElement.name || document.activeElement.tagName")
        )
    assert reached == ["reasons", "name", "contact", "BUTTON"], reached
    box = page.locator("input[name=website]").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, box
