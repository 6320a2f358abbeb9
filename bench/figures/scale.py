"""Scale: synthetic data at 10× and 100× the real events (bench/synthetic.py): render time, HTML growth, the page."""

from __future__ import annotations

import time
from pathlib import Path

from bench import harness, pages
from bench.harness import CLI, Row, fmt_mb, fmt_ms, fmt_s, median, run

TITLE = "Scale (synthetic data)"
COST_S = 75
FACTORS = (1, 10, 100)
ROUNDS = {1: 3, 10: 3, 100: 2}
TIMEOUT_S = 150
MONTHS = ("-p", "start_month=2022-02", "-p", "end_month=2024-12")
FIXED_PARTS = ("total",)
LOADS, STEPS = 3, 10


def html_of(out: Path) -> Path | None:
    files = sorted(out.glob("*.html"))
    return files[0].resolve() if files else None


def render(ctx: harness.Context, factor: int) -> dict:
    directory, _ = ctx.synthetic(factor)
    out = ctx.tmp / f"scale-{factor}x"
    timeout = max(30.0, min(TIMEOUT_S, 590 - harness.elapsed()))
    r = run([CLI, "render", "--data", str(directory), *MONTHS, "--out", str(out), "--force"], timeout=timeout)
    html = html_of(out)
    r["html_bytes"] = html.stat().st_size if html and r["rc"] == 0 else None
    return r


def browser_check(paths: dict) -> dict:
    """Page load (map on screen, interactive) and month steps of the 1× and 100× reports (35 months), in turn."""
    out: dict[str, dict] = {str(f): {"map_paint": [], "ready": [], "steps": [], "drawn": None} for f in paths}
    with harness.chromium() as browser:
        for i in range(LOADS + 1):  # the first round is a warm-up
            for factor, path in paths.items():
                timing = pages.timed_load(browser, path)
                if i:
                    out[str(factor)]["map_paint"].append(pages.map_paint(timing, "report"))
                    out[str(factor)]["ready"].append(timing["ready"])
        for factor, path in paths.items():
            tab = harness.load(browser, path, wait_for=harness.MAP_READY)
            try:
                page = tab.page
                low = page.evaluate(harness.js("changing_month"))
                traces = page.evaluate("() => JSON.parse(document.getElementById('bk-data').textContent).traces")
                for j in range(STEPS + 2):
                    r = page.evaluate(harness.js("month_step"), [low + 1 if j % 2 == 0 else low])
                    if j >= 2 and r:
                        out[str(factor)]["steps"].append(r["restyle"])
                out[str(factor)]["drawn"] = page.evaluate(harness.js("drawn_counts"), [traces])
            finally:
                tab.close()
    for v in out.values():
        v.update({f"{k}_median": median(v[k]) for k in ("map_paint", "ready", "steps")})
    return out


def growth(result: dict) -> dict | None:
    """How each part of the page grows from 10× to 100×, against settlements × months (months are fixed at 35).

    A part is flagged when it grows more than 1.5× faster than settlements × months and by more than 50 kB:
    it then follows events (or what grows with them: changes of control, sources), not the map's size.
    """
    sec, info = result.get("parts", {}), result.get("info", {})
    if "10" not in sec or "100" not in sec:
        return None
    a, b = sec["10"], sec["100"]
    settlement_factor = info["100"]["settlements"] / info["10"]["settlements"]
    parts, flagged = {}, {}
    for key in a:
        if key in FIXED_PARTS or not a.get(key):
            continue
        factor = b.get(key, 0) / a[key]
        parts[key] = {"factor": factor, "bytes": b.get(key, 0) - a[key]}
        if factor > 1.5 * settlement_factor and parts[key]["bytes"] > 50_000:
            flagged[key] = parts[key]
    return {
        "settlement_factor": settlement_factor,
        "event_factor": info["100"]["events"] / info["10"]["events"],
        "parts": parts,
        "flagged": flagged,
    }


def measure(ctx: harness.Context) -> dict:
    info = {}
    for factor in FACTORS:
        directory, counts = ctx.synthetic(factor)
        c = run([CLI, "check", "--data", str(directory), "-p", "end_month=2024-12"], watch=False)
        info[str(factor)] = {**counts, "check_s": c["seconds"], "check_ok": c["rc"] == 0}
        if c["rc"] != 0:
            info[str(factor)]["check_error"] = c["stderr"][-1500:]
    runs: dict[str, list[dict]] = {str(f): [] for f in FACTORS}
    warm = render(ctx, 1)  # the code and the real data are warm from the other figures
    for index in range(max(ROUNDS.values())):
        started = time.perf_counter()
        for factor in FACTORS:
            key = str(factor)
            if not info[key]["check_ok"] or index >= ROUNDS[factor]:
                continue
            if runs[key] and runs[key][-1]["timed_out"]:
                continue  # it timed out once: not again
            runs[key].append(render(ctx, factor))
            harness.log(f"  {factor}x: {runs[key][-1]['seconds']:.1f} s")
        if index + 1 < max(ROUNDS.values()) and not ctx.may_continue(time.perf_counter() - started):
            harness.log(f"  time budget: {index + 1} round(s) of the scale renders")
            break
    parts, links, html = {}, {}, {}
    for factor in FACTORS:
        path = html_of(ctx.tmp / f"scale-{factor}x")
        if path:
            text = path.read_text(encoding="utf-8")
            parts[str(factor)], links[str(factor)], html[factor] = pages.parts(text), pages.dangling_links(text), path
    result = {
        "info": info,
        "warmup": warm,
        "runs": runs,
        "median_s": {k: median([r["seconds"] for r in v if r["rc"] == 0]) for k, v in runs.items()},
        "timed_out": {k: any(r["timed_out"] for r in v) for k, v in runs.items()},
        "html_bytes": {k: (v[-1]["html_bytes"] if v else None) for k, v in runs.items()},
        "parts": parts,
        "dangling_links": links,
        "months": 35,
        "timeout_s": TIMEOUT_S,
        "default_render_s": ((ctx.results.get("render") or {}).get("median_s") or {}).get("render"),
    }
    result["growth"] = growth(result)
    if 1 in html and 100 in html and ctx.time_left() > 20:
        try:
            result["browser"] = browser_check({1: html[1], 100: html[100]})
        except Exception as exc:  # noqa: BLE001 - extra information only
            result["browser"] = {"error": f"{type(exc).__name__}: {exc}"}
    return result


def rows(result: dict) -> list[Row]:
    t1, t100 = result["median_s"].get("1"), result["median_s"].get("100")
    big = result["info"]["100"]
    timed_out = result["timed_out"].get("100")
    out = [
        Row(
            f"Render at 100× events ({big['settlements']:,} settlements, {big['events']:,} events, 35 months)",
            f"> {result['timeout_s']} s (timed out)" if timed_out and t100 is None else fmt_s(t100),
            f"1× (real data, 35 months) {fmt_s(t1)}",
            f"{t100 / t1:.1f}×" if t1 and t100 else "—",
            "≤ 2× the 1× render",
            (t100 / t1 <= 2) if t1 and t100 else (False if timed_out else None),
            f"{t100 - 2 * t1:.1f} s over 2 × the 1× render ({2 * t1:.1f} s)"
            if t1 and t100
            else f"did not finish within {result['timeout_s']} s",
        )
    ]
    g = result.get("growth")
    if g:
        fixed = ("plotly.js (inlined, run after first paint)", "geometry (PlotlyGeoAssets)")
        a, b = result["parts"]["10"], result["parts"]["100"]
        base_a = a["total"] - sum(a.get(k, 0) for k in fixed)
        base_b = b["total"] - sum(b.get(k, 0) for k in fixed)
        flagged = g["flagged"]
        out.append(
            Row(
                f"HTML growth 10× → 100× (events ×{g['event_factor']:.0f}, settlements ×{g['settlement_factor']:.2f}, "
                "months ×1)",
                f"page without plotly.js and geometry ×{base_b / base_a:.2f}",
                f"settlements × months ×{g['settlement_factor']:.2f}",
                ", ".join(f"{k} ×{v['factor']:.1f}" for k, v in flagged.items()) or "no part outgrows S×M",
                "grows with settlements × months, not events",
                not flagged,
                "; ".join(
                    f"{k} grows ×{v['factor']:.1f} (+{v['bytes']:,} B) while settlements × months grow "
                    f"×{g['settlement_factor']:.2f}"
                    for k, v in flagged.items()
                ),
            )
        )
    return out


def details(result: dict) -> str:
    lines = [
        "Method. `bench/synthetic.py` appends seeded synthetic rows in the project's own schema to a copy of data/ "
        "(seed 0; each copy passes `bakhmut-report check --data DIR`): events grow by the factor, settlements by "
        "factor^0.65, sources one per 8 added events. Dates span the validator's window 2022-02-24..2024-12-31, so "
        "every render uses `-p start_month=2022-02 -p end_month=2024-12`: 35 months. 1× is the real data unchanged. "
        f"Renders (`render --data DIR --force`, fresh processes) alternate 1×, 10×, 100× per round after a 1× "
        f"warm-up; rounds: {ROUNDS}; a render is stopped after {result['timeout_s']} s.",
        "",
    ]
    body = []
    for k, info in result["info"].items():
        body.append(
            [
                f"{k}×",
                f"{info['settlements']:,}",
                f"{info['events']:,}",
                f"{info['sources']:,}",
                fmt_s(info["check_s"]),
                fmt_s(result["median_s"].get(k)),
                harness.fmt_list([r["seconds"] for r in result["runs"].get(k, [])], "s", 1),
                fmt_mb(result["html_bytes"].get(k)),
            ]
        )
    lines.append(
        harness.table(
            ["factor", "settlements", "events", "sources", "check", "render (median)", "runs", "HTML"], body, "lrrrrrlr"
        )
    )
    if result["parts"]:
        keys = list(next(iter(result["parts"].values())).keys())
        for v in result["parts"].values():
            keys += [k for k in v if k not in keys]
        names = list(result["parts"])
        lines += [
            "",
            "HTML bytes by part (as figure 4):",
            "",
            harness.table(
                ["part", *[f"{k}×" for k in names]],
                [[key, *[f"{result['parts'][n].get(key, 0):,}" for n in names]] for key in keys],
                "l" + "r" * len(names),
            ),
        ]
    g = result.get("growth")
    if g:
        lines += [
            "",
            f"From 10× to 100× events grow ×{g['event_factor']:.0f}, settlements ×{g['settlement_factor']:.2f}, months "
            "×1. Growth of each part: "
            + ", ".join(f"{k} ×{v['factor']:.1f}" for k, v in g["parts"].items())
            + ". The HTML-growth row counts as met when no part grows more than 1.5× faster than settlements × "
            "months (and by more than 50 kB); flagged: " + (", ".join(g["flagged"]) or "none") + ".",
        ]
    b = result.get("browser") or {}
    if b.get("1") and b.get("100"):
        lines += [
            "",
            "In headless Chromium (as figures 5–7, 35 months; medians of "
            f"{len(b['100']['ready'])} loads and {len(b['100']['steps'])} month steps): map on screen 1× "
            f"{fmt_ms(b['1']['map_paint_median'])}, 100× {fmt_ms(b['100']['map_paint_median'])}; interactive 1× "
            f"{fmt_ms(b['1']['ready_median'])}, 100× {fmt_ms(b['100']['ready_median'])}; month step 1× "
            f"{fmt_ms(b['1']['steps_median'])}, 100× {fmt_ms(b['100']['steps_median'])} (100×: "
            f"{(b['100']['drawn'] or {}).get('places')} places drawn). The browser targets are for the default report.",
        ]
    elif b.get("error"):
        lines += ["", f"Browser check of the scaled reports failed: {b['error'][:300]}"]
    links = result.get("dangling_links") or {}
    if links:
        lines += [
            "",
            'In-page links (`href="#..."`, month links aside) that point to no element: '
            + ", ".join(
                f"{k}×: {v['dangling']:,} of {v['links']:,}"
                + (f" (e.g. {', '.join(v['examples'])})" if v["examples"] else "")
                for k, v in links.items()
            )
            + ".",
        ]
    if result.get("default_render_s") and result["median_s"].get("100"):
        lines.append(
            f"Against the default render of figure 1 (23 months, real data): {fmt_s(result['median_s']['100'])} / "
            f"{fmt_s(result['default_render_s'])} = {result['median_s']['100'] / result['default_render_s']:.1f}×."
        )
    return "\n".join(lines)
