// The layout measurements of tests/browser/test_responsive.py, run in the page with
// page.evaluate(MEASURE, {minTarget}).
({minTarget}) => {
    const visible = (el) => el.checkVisibility({visibilityProperty: true, opacityProperty: true});
    const hiddenHelper = (el) => {
        const r = el.getBoundingClientRect();
        return r.width <= 1 || r.height <= 1;
    };
    const describe = (el) => {
        const id = el.id ? "#" + el.id : "";
        const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "";
        const text = (el.textContent || el.value || "").replace(/\s+/g, " ").trim().slice(0, 30);
        return `<${el.tagName.toLowerCase()}${id}${cls}> ${text}`;
    };
    const body = getComputedStyle(document.body);
    const result = {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        bodyFont: parseFloat(body.fontSize),
        bodyLineHeight: parseFloat(body.lineHeight) / parseFloat(body.fontSize),
        clipped: [],
        smallestFont: null,
        smallestFontAt: "",
        smallestChartLabel: null,
        smallestTarget: null,
        smallestTargetAt: "",
        smallTargets: [],
        searchWidth: null,
    };
    // Text cut off by an overflow: a box that hides (or scrolls) content wider or taller than
    // itself. Visually hidden helpers (1px boxes) and the map's tile pane are not text.
    for (const el of document.querySelectorAll("body *")) {
        if (!visible(el) || hiddenHelper(el) || el.closest(".leaflet-container")) continue;
        const style = getComputedStyle(el);
        const x = style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1;
        const y = style.overflowY !== "visible" && style.overflowY !== "auto" && el.scrollHeight > el.clientHeight + 1;
        if ((x || y) && el.textContent.trim()) result.clipped.push(describe(el) + ` (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
    }
    // The smallest text: every element with a text node of its own; SVG text at its drawn size.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const el = node.parentElement;
        if (!node.textContent.trim() || !el || !visible(el) || el.closest(".visually-hidden, .leaflet-container, script, style")) continue;
        let size = parseFloat(getComputedStyle(el).fontSize);
        const svg = el.closest("svg");
        if (svg) {
            if (!svg.viewBox.baseVal || !svg.viewBox.baseVal.width) continue;
            size = size * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            if (result.smallestChartLabel === null || size < result.smallestChartLabel) result.smallestChartLabel = size;
        }
        if (result.smallestFont === null || size < result.smallestFont) {
            result.smallestFont = size;
            result.smallestFontAt = describe(el);
        }
    }
    const interactive = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
    for (const el of document.querySelectorAll(interactive)) {
        if (!visible(el) || el.closest(".hp-field")) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const side = Math.min(r.width, r.height);
        if (result.smallestTarget === null || side < result.smallestTarget) {
            result.smallestTarget = side;
            result.smallestTargetAt = describe(el);
        }
        if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5) {
            result.smallTargets.push(describe(el) + ` (${r.width.toFixed(1)}×${r.height.toFixed(1)})`);
        }
    }
    const search = document.getElementById("site-search-q");
    if (search) result.searchWidth = search.getBoundingClientRect().width;
    return result;
}
