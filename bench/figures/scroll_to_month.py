"""Scroll → map: a story paragraph reaches the reading line, the map shows the paragraph's month."""

from __future__ import annotations

from bench import harness
from bench.harness import Row, fmt_ms, median

TITLE = "Scroll → map at the paragraph's month"
COST_S = 20
ROUNDS = 3
TARGET_MS = 50.0


def choose_from(steps: list[dict], i: int, height: float) -> tuple[int | None, bool]:
    """A step with another month to start from: the nearest one far enough that the target is out of view."""
    others = [j for j, s in enumerate(steps) if s["month"] != steps[i]["month"]]
    if not others:
        return None, False
    distance = {j: abs(steps[j]["top"] - steps[i]["top"]) for j in others}
    far = [j for j in others if distance[j] > height]
    if far:
        return min(far, key=lambda j: distance[j]), True
    return max(others, key=lambda j: distance[j]), False


def latency(m: dict) -> dict:
    entries = [e for e in (m.get("viewport"), m.get("band")) if e]
    entry = min((e["time"] for e in entries), default=None)
    ok = entry is not None and m.get("shown_frame") is not None
    return {
        "entry": entry,
        "entered": "viewport" if m.get("viewport") else ("band" if m.get("band") else None),
        "to_frame": m["shown_frame"] - entry if ok else None,
        "to_mutation": m["shown"] - entry if ok else None,
        "callback_delay": (entries[0]["callback"] - entries[0]["time"]) if entries else None,
        "jump_to_entry": entry - m["t0"] if entry is not None else None,
    }


def measure(ctx: harness.Context) -> dict:
    report = ctx.default_html()
    with harness.chromium() as browser:
        tab = harness.load(browser, report, wait_for=harness.MAP_READY)
        try:
            page = tab.page
            steps = page.evaluate(harness.js("scroll_setup"))
            height = page.evaluate("() => window.innerHeight")
            measurements = []
            for round_ in range(ROUNDS):
                for i in range(len(steps)):
                    j, far = choose_from(steps, i, height)
                    if j is None:
                        continue
                    m = page.evaluate(harness.js("scroll_step"), [i, j])
                    m.update(round=round_, far=far, reachable=m["placed_top"] <= m["line"])
                    m.update(latency(m))
                    measurements.append(m)
            errors, foreign = list(tab.errors), tab.foreign()
        finally:
            tab.close()
    counted = [m for m in measurements if m["reachable"] and m["before"] != m["month"]]
    good = [m for m in counted if m["to_frame"] is not None]
    return {
        "steps": steps,
        "height": height,
        "measurements": measurements,
        "counted": len(counted),
        "moved": len(good),
        "not_moved": [(m["index"], m["month"]) for m in counted if m["to_frame"] is None],
        "unreachable": sorted({m["index"] for m in measurements if not m["reachable"]}),
        "map_already_there": sorted({m["index"] for m in measurements if m["reachable"] and m["before"] == m["month"]}),
        "median_ms": {
            k: median([m[k] for m in good]) for k in ("to_frame", "to_mutation", "callback_delay", "jump_to_entry")
        },
        "entered_by": {k: sum(1 for m in good if m["entered"] == k) for k in ("viewport", "band")},
        "follow_kept": all(m.get("follow") is not False for m in measurements),
        "errors": errors,
        "foreign_requests": foreign,
    }


def rows(result: dict) -> list[Row]:
    value = result["median_ms"]["to_frame"]
    all_moved = not result["not_moved"]
    why = []
    if value is not None and value > TARGET_MS:
        why.append(f"{value - TARGET_MS:.0f} ms over {TARGET_MS:.0f} ms")
    if not all_moved:
        why.append(f"{len(result['not_moved'])} of {result['counted']} scrolls did not move the map within 2 s")
    return [
        Row(
            f"Scroll → map at the paragraph's month (median of {result['moved']} scrolls, "
            f"{len({m['index'] for m in result['measurements']})} paragraphs)",
            fmt_ms(value),
            "—",
            "—",
            f"≤ {TARGET_MS:.0f} ms after it enters view",
            (value <= TARGET_MS and all_moved) if value is not None else None,
            "; ".join(why),
        )
    ]


def details(result: dict) -> str:
    m = result["median_ms"]
    by_step: dict[int, list[float]] = {}
    for x in result["measurements"]:
        if x["to_frame"] is not None:
            by_step.setdefault(x["index"], []).append(x["to_frame"])
    body = [
        [s["id"] or i, s["tag"], s["month"], len(by_step.get(i, [])), fmt_ms(median(by_step.get(i, [])))]
        for i, s in enumerate(result["steps"])
    ]
    return "\n".join(
        [
            f"Method. The default report at {harness.VIEWPORT['width']}×{harness.VIEWPORT['height']}, map ready, "
            '"follow the article" on (as loaded). `bench/js/scroll_setup.js` installs the bench\'s own '
            "IntersectionObservers on every story step report.js follows (`.bk-step[data-month]`): one with the "
            "viewport as root (the step enters view) and one with report.js's reading band (-40% 0px -55% 0px), and "
            "a MutationObserver on `#bakhmut-map`'s `data-month` (report.js sets it after the restyle). For each step, "
            f"{ROUNDS} rounds (`bench/js/scroll_step.js`): scroll instantly so that another step with another month "
            "sits at the reading line (the nearest one far enough that the target is out of view, when there is one) "
            "and let the map follow it; then one instant scroll that puts the target's top 5 px above the reading line "
            "(45% of the height); then wait frame by frame until `data-month` is the target's month. **to_frame** "
            "(the figure) = from the target's IntersectionObserver entry time (`entry.time`: the frame in which it "
            "entered view, or entered the reading band when it was already in view) to the first animation frame "
            "after `data-month` changed (the frame that paints the map at that month); **to_mutation** = to the "
            "`data-month` change itself.",
            "",
            f"Median to_frame {fmt_ms(m['to_frame'])}, to_mutation {fmt_ms(m['to_mutation'])}; IntersectionObserver "
            f"callback after its entry time {fmt_ms(m['callback_delay'])}; scroll call to entry time "
            f"{fmt_ms(m['jump_to_entry'])}. Scrolls counted {result['counted']}, map moved {result['moved']} "
            f"(entered view from outside: {result['entered_by']['viewport']}; already in view, entered the reading "
            f"band: {result['entered_by']['band']}); did not move within 2 s: {result['not_moved'] or 'none'}; "
            f"steps that cannot reach the reading line (end of the page): {result['unreachable'] or 'none'}; map "
            f"already at the month: {result['map_already_there'] or 'none'}; follow stayed on: "
            f"{result['follow_kept']}.",
            "",
            harness.table(["step", "tag", "month", "scrolls", "median to_frame"], body, "lllrr"),
            "",
            harness.hygiene(result),
        ]
    )
