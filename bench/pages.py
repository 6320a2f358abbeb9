"""The report page as the browser figures see it: its parts, the bare plotly.js baseline page, captured calls.

* ``parts(html)``: the page's bytes by part (plotly.js, geometry, JSON blocks, SVGs, CSS, scripts, each
  notebook cell's HTML, the rest); the parts add up to the file's size exactly.
* ``captured(browser, report)``: what report.js passes to ``Plotly.newPlot`` (the figure as drawn) and
  to ``Plotly.restyle`` on a month step, read in the page (bench/js/capture_plotly.js).
* ``bare_page(...)``: the baseline page: the same plotly.js bundle inlined in <head>, the same
  geometry, the same figure, drawn with ``Plotly.newPlot`` (bench/fixtures/bare_plotly.html).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench import harness

PLOTLY_SRC = b'<script type="text/plain" id="bk-plotly-src">'


def plotly_bundle() -> tuple[str, str]:
    """(plotly.js, version): the bundle the report inlines (``bakhmut_report.run.export.plotly_js``)."""
    from bakhmut_report.run.export import plotly_js

    return plotly_js()


def plotly_min_js() -> Path:
    """plotly.py's full plotly.min.js (the bundle a stock plotly export would inline)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _element_end(html: bytes, start: int, tag: bytes) -> int:
    """End (exclusive) of the element whose open tag starts at ``start`` (same-name nesting counted for svg)."""
    depth, pos = 0, start
    pattern = re.compile(rb"<(/?)" + tag + rb"\b[^>]*>", re.I)
    for m in pattern.finditer(html, pos):
        if m.group(1):
            depth -= 1
            if depth == 0:
                return m.end()
        else:
            depth += 1
            if tag == b"script" or tag == b"style":  # raw text: the first close tag ends it
                end = html.find(b"</" + tag, m.end())
                close = html.find(b">", end)
                return close + 1
    return len(html)


def _attr(tag: bytes, name: bytes) -> str:
    m = re.search(rb"\b" + name + rb"=[\"']([^\"']*)[\"']", tag)
    return m.group(1).decode() if m else ""


def _classify_script(tag: bytes, content: bytes) -> str:
    kind, ident = _attr(tag, b"type"), _attr(tag, b"id")
    if ident == "bk-plotly-src":
        return "plotly.js (inlined, run after first paint)"
    if b"src=" in tag:
        return "script tags (plotly.js from the CDN)"
    if content.lstrip().startswith(b"window.PlotlyGeoAssets"):
        return "geometry (PlotlyGeoAssets)"
    if kind == "application/json":
        names = {
            "bk-figure": "map figure JSON (bk-figure)",
            "bk-data": "month data JSON (bk-data)",
            "bk-descriptor": "data package descriptor JSON (bk-descriptor)",
        }
        return names.get(ident, f"other JSON ({ident or 'no id'})")
    if len(content) > 500_000:
        return "plotly.js (inlined)"
    return "report.js and other inline scripts"


def _classify_svg(tag: bytes) -> str:
    classes = _attr(tag, b"class")
    if "bk-first-paint" in classes:
        return "first-paint map SVGs (#bk-svg-wide, #bk-svg-narrow)"
    if "bk-key-map" in classes:
        return "key-month map SVGs (.bk-key-map)"
    return "other inline SVGs"


def parts(text: str) -> dict[str, int]:
    """Bytes of the page by part; ``total`` is the file's size and the other entries add up to it."""
    html = text.encode("utf-8")
    taken: list[tuple[int, int, str]] = []

    def free(start: int) -> bool:
        return not any(a <= start < b for a, b, _ in taken)

    for m in re.finditer(rb"<(script|style)\b[^>]*>", html, re.I):
        if not free(m.start()):
            continue
        tag = m.group(1).lower()
        end = _element_end(html, m.start(), tag)
        content = html[m.end() : end]
        label = _classify_script(m.group(0), content) if tag == b"script" else "CSS (<style>)"
        taken.append((m.start(), end, label))
    for m in re.finditer(rb"<svg\b[^>]*>", html, re.I):
        if free(m.start()):
            taken.append((m.start(), _element_end(html, m.start(), b"svg"), _classify_svg(m.group(0))))
    taken.sort()
    cells = [(m.start(), m.group(1).decode()) for m in re.finditer(rb'id="cell-id=([^"]+)"', html)]
    # a cell starts at the opening tag that carries its id
    cells = [(html.rfind(b"<", 0, pos), name) for pos, name in cells]
    bounds = [*cells, (len(html), "")]
    blobs: dict[str, int] = {}
    for start, end, label in taken:
        blobs[label] = blobs.get(label, 0) + end - start
    sizes = dict(sorted(blobs.items(), key=lambda kv: -kv[1]))  # the largest first, then the cells in page order
    covered = sum(end - start for start, end, _ in taken)
    cell_total = 0
    for (start, name), (end, _) in zip(bounds, bounds[1:], strict=False):
        inside = sum(min(b, end) - max(a, start) for a, b, _ in taken if a < end and b > start)
        sizes[f"cell {name}: HTML"] = end - start - inside
        cell_total += end - start - inside
    sizes["head, page frame, footer"] = len(html) - covered - cell_total
    sizes["total"] = len(html)
    return sizes


def dangling_links(text: str) -> dict:
    """In-page links whose target id is not in the page."""
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    hrefs = re.findall(r'href="#([^"&]+)', text)
    missing = [h for h in hrefs if h not in ids and not re.fullmatch(r"\d{4}-\d{2}", h)]
    return {"links": len(hrefs), "dangling": len(missing), "examples": sorted(set(missing))[:3]}


def script_text(text: str, ident: str) -> str | None:
    m = re.search(r'<script[^>]*\bid="' + re.escape(ident) + r'"[^>]*>(.*?)</script>', text, flags=re.S)
    return m.group(1) if m else None


def geometry_script(text: str) -> str:
    m = re.search(r"<script>(window\.PlotlyGeoAssets.*?)</script>", text, flags=re.S)
    if not m:
        raise LookupError("the report has no PlotlyGeoAssets script")
    return m.group(1)


def captured(browser, report: Path) -> dict:
    """report.js's Plotly.newPlot arguments and one month step's Plotly.restyle calls, captured in the page.

    Returns {"figure": JSON text, "low": index, "months": [...], "updates": {index: [JSON text, ...]}}:
    ``low`` and ``low + 1`` are two neighbouring months (from the slider's start) whose holders differ.
    """
    tab = harness.load(browser, report, (harness.js("capture_plotly"),), wait_for=harness.MAP_READY)
    try:
        page = tab.page
        figure = page.evaluate("() => window.__benchCapture.newPlot")
        low = page.evaluate(harness.js("changing_month"))
        updates = {}
        for value in (low + 1, low):
            updates[value] = page.evaluate(harness.js("capture_step"), [value])
        months = page.evaluate("() => JSON.parse(document.getElementById('bk-data').textContent).months")
        traces = page.evaluate("() => JSON.parse(document.getElementById('bk-data').textContent).traces")
        return {"figure": figure, "low": low, "months": months, "updates": updates, "traces": traces}
    finally:
        tab.close()


def baseline(ctx: harness.Context, browser) -> dict:
    """The default report, what report.js draws (captured) and the bare page with that figure; once per run."""
    if "baseline" not in ctx.shared:
        report = ctx.default_html()
        capture = captured(browser, report)
        plotly, version = plotly_bundle()
        bare = bare_page(ctx.tmp / "bare-plotly.html", report.read_text(encoding="utf-8"), capture["figure"], plotly)
        ctx.shared["baseline"] = {"report": report, "bare": bare, "capture": capture, "plotly_version": version}
    return ctx.shared["baseline"]


def static_variant(target: Path, report_text: str) -> Path:
    """The report page with every <script> removed (report.js, plotly.js, the JSON blocks): its HTML and CSS only."""
    target.write_text(re.sub(r"<script\b[^>]*>.*?</script>", "", report_text, flags=re.S), encoding="utf-8")
    return target


def bare_page(target: Path, report_text: str, figure_json: str, plotly: str) -> Path:
    """The baseline page: only the geometry, the same plotly.js in <head>, the same figure, Plotly.newPlot."""
    template = harness.fixture("bare_plotly.html").read_text(encoding="utf-8")
    safe = figure_json.replace("</", "<\\/")
    json.loads(figure_json)  # a capture that is not JSON fails here, not in the browser
    page = (
        template.replace("/*GEOMETRY*/", geometry_script(report_text))
        .replace("/*PLOTLY*/", plotly)
        .replace("/*FIGURE*/", safe)
        .replace("/*NEWPLOT*/", harness.js("bare_newplot"))
    )
    target.write_text(page, encoding="utf-8")
    return target


# ready, and the first contentful paint delivered (it is reported when its frame is presented, which on the
# bare page can come after its ready frame); a second at most after ready if no paint entry comes
READY_DONE = (
    "window.__bench && window.__bench.readyFrame !== null && (window.__bench.fcp !== null"
    " || performance.getEntriesByName('first-contentful-paint').length > 0"
    " || performance.now() - window.__bench.readyFrame > 1000)"
)
PAINTED = "window.__bench && window.__bench.fcp !== null && performance.now() - window.__bench.fcp > 100"


def timed_load(browser, path: Path, until: str = READY_DONE) -> dict:
    """One load of ``path`` in a fresh context with bench/js/paint_observer.js: its paint and readiness times (ms)."""
    tab = harness.load(browser, path, (harness.js("paint_observer"),), wait_for=until)
    try:
        timing = tab.page.evaluate(harness.js("page_timing"))
        timing["foreign_requests"] = tab.foreign()
        timing["errors"] = list(tab.errors)
        return timing
    finally:
        tab.close()


def map_paint(timing: dict, kind: str) -> float | None:
    """When the map is first on screen (ms after navigation start).

    The report: the first contentful paint if its SVG map was already laid out by then (it is in that
    frame), else the first frame after it in which the SVG is laid out. The bare page: its first
    contentful paint, plotly's own map being its only content (or the first frame with plotly's SVG, if later).
    """
    fcp = timing.get("fcp")
    frame = timing.get("svgFrame") if kind == "report" else timing.get("plotFrame")
    if fcp is None or frame is None:
        return None
    return fcp if frame <= fcp else frame
