"""Month step on the static page: the slider's `input` → the map restyled, with all places, rings and labels drawn."""

from __future__ import annotations

from bench import harness, pages
from bench.harness import Row, fmt_ms, median

TITLE = "Month step (slider → map redrawn)"
COST_S = 15
WARMUP, STEPS = 4, 30
TARGET_MS = 30.0
MIN_PLACES = 70
KEYS = ("sync", "afterplot", "restyle", "frame")


def measure(ctx: harness.Context) -> dict:
    with harness.chromium() as browser:
        base = pages.baseline(ctx, browser)
        cap = base["capture"]
        low, months, traces = cap["low"], cap["months"], cap["traces"]
        report = harness.load(browser, base["report"], wait_for=harness.MAP_READY)
        bare = harness.load(browser, base["bare"], wait_for=harness.MAP_READY)
        steps: dict[str, list] = {"report": [], "bare": []}
        counts: dict[str, dict] = {"report": {}, "bare": {}}
        errors = []
        try:
            for i in range(WARMUP + STEPS):
                value = low + 1 if i % 2 == 0 else low
                report.page.bring_to_front()
                r = report.page.evaluate(harness.js("month_step"), [value])
                bare.page.bring_to_front()
                b = bare.page.evaluate(harness.js("bare_step"), [cap["updates"][value]])
                if i < 2:  # what each of the two months draws, on both pages
                    counts["report"][months[value]] = report.page.evaluate(harness.js("drawn_counts"), [traces])
                    counts["bare"][months[value]] = bare.page.evaluate(harness.js("drawn_counts"), [traces])
                if not (r and b):
                    errors.append(f"step {i}: no plotly_restyle within 10 s (report {bool(r)}, bare {bool(b)})")
                elif i >= WARMUP:
                    steps["report"].append(r)
                    steps["bare"].append(b)
            errors += report.errors + bare.errors
            foreign = report.foreign() + bare.foreign()
        finally:
            report.close()
            bare.close()
    return {
        "months": [months[low], months[low + 1]],
        "steps": steps,
        "median_ms": {s: {k: median([x.get(k) for x in v]) for k in KEYS} for s, v in steps.items()},
        "drawn": counts,
        "restyle_calls_per_step": {months[k]: len(v) for k, v in cap["updates"].items()},
        "month_shown": sorted({x.get("month") for x in steps["report"]}),
        "errors": errors,
        "foreign_requests": foreign,
    }


def least(result: dict, key: str) -> int:
    return min((c.get(key, 0) for c in result["drawn"]["report"].values()), default=0)


def rows(result: dict) -> list[Row]:
    ours, bare = result["median_ms"]["report"]["restyle"], result["median_ms"]["bare"]["restyle"]
    places, rings, labels = least(result, "places"), least(result, "rings"), least(result, "labels")
    enough = places >= MIN_PLACES and rings > 0 and labels > 0
    why = []
    if ours is not None and ours > TARGET_MS:
        why.append(f"{ours - TARGET_MS:.0f} ms over {TARGET_MS:.0f} ms")
    if not enough:
        why.append(f"drawn: {places} places, {rings} rings, {labels} labels")
    return [
        Row(
            f"Month step → map restyled ({places} places, {rings} rings, {labels} labels)",
            fmt_ms(ours),
            f"`Plotly.restyle` alone, same update {fmt_ms(bare)}",
            f"{ours / bare:.2f}×" if ours and bare else "—",
            f"≤ {TARGET_MS:.0f} ms, ≥ {MIN_PLACES} places, rings, labels",
            (ours <= TARGET_MS and enough) if ours is not None else None,
            "; ".join(why),
        )
    ]


def details(result: dict) -> str:
    m = result["median_ms"]
    body = [[s, len(result["steps"][s]), *[fmt_ms(m[s][k]) for k in KEYS]] for s in ("report", "bare")]
    drawn = [
        [page, month, c["places"], c["marker_nodes"], c["rings"], c["labels"], c["label_nodes"], c["traces"]]
        for page, by_month in result["drawn"].items()
        for month, c in by_month.items()
    ]
    return "\n".join(
        [
            f"Method. The default report and the bare page (figure 5) open side by side at "
            f"{harness.VIEWPORT['width']}×{harness.VIEWPORT['height']}, maps ready. Steps alternate between "
            f"{result['months'][0]} and {result['months'][1]} (neighbouring months whose holders differ, so every "
            f"step moves markers), {STEPS} counted after {WARMUP} warm-up steps, report and bare page in turn. "
            "Report (`bench/js/month_step.js`): t0 = `performance.now()`, set `#bk-month`'s value, dispatch `input` "
            "(report.js: `readerMoves` → `show`: month label, summary, `Plotly.restyle` of the rings and the three "
            "holder traces, the month's events, the reach list); **sync** = the handler returned; **afterplot** = "
            "plotly's `plotly_afterplot`; **restyle** (the figure) = the `plotly_restyle` event, i.e. the restyle's "
            "promise resolved; **frame** = the next animation frame after it (the frame that paints the map). Bare "
            "page (`bench/js/bare_step.js`): `Plotly.restyle` with the very update report.js made for that month "
            f"(captured in the page; {result['restyle_calls_per_step']} restyle call(s) per step), same marks.",
            "",
            harness.table(["page", "steps", *KEYS], body, "lr" + "r" * len(KEYS)),
            "",
            "What the map draws after a step (`bench/js/drawn_counts.js`: plotly's data and the SVG nodes):",
            "",
            harness.table(
                ["page", "month", "places", "marker nodes", "rings", "labels", "label nodes", "traces"],
                drawn,
                "llrrrrrr",
            ),
            "",
            f"Report restyle by step: {harness.fmt_list([s['restyle'] for s in result['steps']['report']], 'ms')}. "
            f"Months the map showed: {result['month_shown']}. " + harness.hygiene(result),
        ]
    )
