"""First paint of the map, loading the report from disk: the inline SVG map against a bare plotly.js page."""

from __future__ import annotations

from bench import harness, pages
from bench.harness import Row, fmt_ms

TITLE = "First paint of the map (page from disk)"
COST_S = 30
LOADS = 9
TARGET_MS = 200.0
KEYS = ("map_paint", "fcp", "svgFrame", "plotFrame", "dom_content_loaded", "ready", "load")


def measure(ctx: harness.Context) -> dict:
    with harness.chromium() as browser:
        base = pages.baseline(ctx, browser)
        text = base["report"].read_text(encoding="utf-8")
        static = pages.static_variant(ctx.tmp / "report-static.html", text)
        sides = {
            "report": (base["report"], pages.READY_DONE, "report"),
            "bare": (base["bare"], pages.READY_DONE, "bare"),
            "static": (static, pages.PAINTED, "report"),
            "minimal": (harness.fixture("minimal.html"), pages.PAINTED, "none"),
        }

        def side(path, until, kind):
            def once() -> dict:
                timing = pages.timed_load(browser, path, until)
                timing["map_paint"] = pages.map_paint(timing, kind) if kind != "none" else None
                return timing

            return once

        data = harness.alternate(ctx, {k: side(*v) for k, v in sides.items()}, LOADS, min_rounds=5)
    result = harness.page_loads(data, KEYS)
    runs = result["runs"]
    result["svg_ids"] = sorted({r.get("svgId") for r in harness.ok_runs(runs["report"]) if r.get("svgId")})
    result["viewport"] = harness.VIEWPORT
    return result


def rows(result: dict) -> list[Row]:
    m = result["median_ms"]
    ours, bare = m["report"]["map_paint"], m["bare"]["map_paint"]
    return [
        Row(
            "First paint of the map from disk (SVG map on screen)",
            fmt_ms(ours),
            f"bare plotly.js page, same figure: first contentful paint {fmt_ms(bare)}",
            f"{ours / bare:.2f}×" if ours and bare else "—",
            f"≤ {TARGET_MS:.0f} ms",
            (ours <= TARGET_MS) if ours is not None else None,
            f"{ours - TARGET_MS:.0f} ms over {TARGET_MS:.0f} ms (the same page with no script at all paints at "
            f"{fmt_ms(m['static']['fcp'])}, an empty page at {fmt_ms(m['minimal']['fcp'])})"
            if ours is not None
            else "",
        )
    ]


def details(result: dict) -> str:
    m = result["median_ms"]
    body = [
        [side, len(harness.ok_runs(result["runs"][side])), *[fmt_ms(m[side][k]) for k in KEYS]]
        for side in ("report", "bare", "static", "minimal")
    ]
    runs = ", ".join(fmt_ms(r.get("map_paint")) for r in harness.ok_runs(result["runs"]["report"]))
    return "\n".join(
        [
            f"Method. Headless Debian Chromium (Playwright, {' '.join(harness.CHROMIUM_ARGS)}), viewport "
            f"{result['viewport']['width']}×{result['viewport']['height']}, a fresh browser context per load, "
            f"{LOADS} loads of each page in turn after a warm-up round; `page.goto(file://...)` of the default "
            "report rendered in this run. Times are `performance.now()` in the page (0 = navigation start), "
            "recorded by `bench/js/paint_observer.js` (an init script that runs before the page's own scripts):",
            "",
            "- **fcp**: the browser's paint timing, `first-contentful-paint` (when that frame was presented);",
            "- **svgFrame**: the first animation frame in which a `.bk-first-paint` SVG map is laid out and visible "
            f"(here {', '.join('#' + i for i in result['svg_ids']) or 'none'}); **plotFrame**: the same for plotly's "
            "`#bakhmut-map .main-svg`;",
            "- **map_paint** (the figure): for the report the first contentful paint when the SVG map was already "
            "laid out by then, else the first frame after it with the SVG; for the bare page its first contentful "
            "paint (plotly's map is its only content);",
            '- **ready**: `data-ready="true"` on `#bakhmut-map` (figure 6).',
            "",
            "Pages: **report** the default report; **bare** the baseline: the same plotly.js bundle inlined in "
            "<head>, the same geometry and the figure exactly as report.js passes it to `Plotly.newPlot` "
            "(captured in the page), drawn at DOMContentLoaded; **static** (diagnostic) the report with every "
            "<script> removed: its HTML and CSS alone; **minimal** (diagnostic) a page with one paragraph: the "
            "browser's own floor.",
            "",
            harness.table(["page", "loads", *KEYS], body, "lr" + "r" * len(KEYS)),
            "",
            f"Report map_paint by load: {runs}. " + harness.hygiene(result),
        ]
    )
