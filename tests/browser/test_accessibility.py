"""axe-core checks (WCAG 2.x rules and best practices) on the main public page types."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from deputies.models import Deputy

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = ("critical", "serious")
MAX_NODES_SHOWN = 5

FIRST_DEPUTY = "<first deputy's profile>"  # resolved at run time: pks differ between databases

PAGES = [
    pytest.param("/", id="home"),
    pytest.param("/news/", id="news-index"),
    pytest.param("/news/news-001/", id="news-page"),
    pytest.param("/initiatives/zhenxing-xiangcun/", id="initiative-page"),
    pytest.param("/appraisals/", id="appraisal-index"),
    pytest.param("/deputies/", id="deputy-index"),
    pytest.param(FIRST_DEPUTY, id="deputy-profile"),
    pytest.param("/deputies/committee/", id="deputy-committee"),
    pytest.param("/statistics/", id="statistics"),
    pytest.param("/search/?q=代表", id="search-results"),
    pytest.param("/search/?q=代表&type=deputy", id="search-results-one-type"),
    pytest.param("/search/?q=火星基地 月球", id="search-nothing-found"),
]


def summarize(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(nodes)} element(s)) {violation['helpUrl']}"
        )
        for node in nodes[:MAX_NODES_SHOWN]:
            target = " ".join(str(part) for part in node["target"])
            html = " ".join(node["html"].split())[:160]
            reason = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}\n        {html}\n        {reason}")
        if len(nodes) > MAX_NODES_SHOWN:
            lines.append(f"    … and {len(nodes) - MAX_NODES_SHOWN} more")
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violations(browser_page, save_artifact, request, path):
    if path == FIRST_DEPUTY:
        first = Deputy.objects.public().serving().order_by("sort_key").first()
        path = f"/deputies/{first.pk}/"
    response = browser_page.goto(path)
    assert response is not None and response.ok, f"GET {path} -> {response and response.status}"

    results = Axe().run(browser_page)
    assert results.response["testEngine"]["name"] == "axe-core"
    violations = results.response["violations"]
    name = request.node.callspec.id
    save_artifact(browser_page, name)
    report = save_artifact(None, f"{name}.axe.json", text=json.dumps(violations, indent=2))

    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    others = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if others:  # Shown with -s or -rP; not a failure.
        print(f"Minor/moderate axe findings on {path}:\n{summarize(others)}")
    assert not blocking, (
        f"axe found {len(blocking)} serious/critical violation(s) on {path} "
        f"(full report: {report}):\n{summarize(blocking)}"
    )
