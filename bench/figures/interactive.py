"""Interactive map: report.js runs plotly.js once the SVG map is painted and the map's data parsed, before the
rest of the page is parsed; the map is ready against a bare plotly.js page."""

from __future__ import annotations

from bench import harness, pages
from bench.harness import Row, fmt_ms

TITLE = "Interactive map (page from disk)"
COST_S = 20
LOADS = 9
TARGET_RATIO = 1.1
TARGET_ABS_MS = 1500.0
KEYS = ("ready", "readyFrame", "map_paint", "fcp", "dom_content_loaded", "load")
STEPS = ("start", "plotly-run", "plotly-ran", "newplot", "map-ready")  # User Timing "bakhmut:*" (report.js)


def measure(ctx: harness.Context) -> dict:
    with harness.chromium() as browser:
        base = pages.baseline(ctx, browser)

        def side(path, kind):
            def once() -> dict:
                timing = pages.timed_load(browser, path, pages.READY_DONE)
                timing["map_paint"] = pages.map_paint(timing, kind)
                return timing

            return once

        data = harness.alternate(
            ctx, {"report": side(base["report"], "report"), "bare": side(base["bare"], "bare")}, LOADS, min_rounds=5
        )
    return harness.page_loads(data, KEYS + STEPS)


def rows(result: dict) -> list[Row]:
    ours, bare = result["median_ms"]["report"]["ready"], result["median_ms"]["bare"]["ready"]
    ratio = ours / bare if ours and bare else None
    return [
        Row(
            "Interactive map from disk (data-ready)",
            fmt_ms(ours),
            f"bare plotly.js page, same figure: newPlot resolved {fmt_ms(bare)}",
            f"{ratio:.2f}×" if ratio else "—",
            f"≤ {TARGET_RATIO}× bare page",
            (ratio <= TARGET_RATIO) if ratio else None,
            f"{ours - TARGET_RATIO * bare:.0f} ms over {TARGET_RATIO} × the bare page ({TARGET_RATIO * bare:.0f} ms)"
            if ratio
            else "",
        ),
        Row(
            "Interactive map from disk, absolute",
            fmt_ms(ours),
            "—",
            "—",
            f"≤ {TARGET_ABS_MS / 1000:.1f} s",
            (ours <= TARGET_ABS_MS) if ours else None,
            f"{ours - TARGET_ABS_MS:.0f} ms over {TARGET_ABS_MS / 1000:.1f} s" if ours else "",
        ),
    ]


def details(result: dict) -> str:
    m = result["median_ms"]
    body = [[s, len(harness.ok_runs(result["runs"][s])), *[fmt_ms(m[s][k]) for k in KEYS]] for s in ("report", "bare")]
    ours, bare = m["report"], m["bare"]

    def span(side: dict, a: str, b: str) -> str:
        return f"{side[b] - side[a]:.0f} ms" if side.get(a) is not None and side.get(b) is not None else "—"

    def ready(side: str) -> str:
        return ", ".join(fmt_ms(r.get("ready")) for r in harness.ok_runs(result["runs"][side]))

    return "\n".join(
        [
            f"Method. As figure 5 (same browser, viewport, init script, fresh context per load), {LOADS} loads of each "
            'page in turn after a warm-up round. **ready**: a MutationObserver sees `data-ready="true"` on '
            "`#bakhmut-map`; report.js sets it when its `Plotly.newPlot` promise resolves, the bare page (the same "
            "plotly.js inlined in <head>, the same captured figure) sets it when its own `Plotly.newPlot` promise "
            "resolves; **readyFrame**: the next animation frame (the frame that paints the interactive map).",
            "",
            harness.table(["page", "loads", *KEYS], body, "lr" + "r" * len(KEYS)),
            "",
            "Where the time goes (medians of the pages' own User Timing marks, `bakhmut:*`). The report's map "
            "starts once a frame has drawn the SVG map and its data is parsed (the page calls "
            "`BakhmutReport.mapParsed()` right after the map's cell, before the event table and the sources, "
            f"which are parsed afterwards): at {fmt_ms(ours.get('start'))}; it evaluates the plotly.js text "
            f"(`#bk-plotly-src`) in {span(ours, 'plotly-run', 'plotly-ran')} and `Plotly.newPlot` resolves "
            f"{span(ours, 'newplot', 'map-ready')} after it is called. The bare page has run plotly.js (its text "
            f"parsed and evaluated while the page is parsed) at {fmt_ms(bare.get('plotly-ran'))}, and its "
            f"`Plotly.newPlot` takes {span(bare, 'newplot', 'map-ready')}. The difference before plotly.js runs is "
            "the report's own first screen: its HTML parsed, laid out and painted once.",
            f"Ready by load, report: {ready('report')}; bare: {ready('bare')}. {harness.hygiene(result)}",
        ]
    )
