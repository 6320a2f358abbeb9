"""Where a render's time goes: one render in a fresh process, phase by phase through render's ``on_phase`` hook."""

from __future__ import annotations

import json

from bench import harness
from bench.harness import PY, Row, fmt_s, run

TITLE = "Where a render's time goes"
COST_S = 30
START_UP = "interpreter start-up, script, exit"


def measure(ctx: harness.Context) -> dict:
    variants: dict[str, list[str]] = {"default": [""]}
    scale = (ctx.results.get("scale") or {}).get("median_s", {}).get("100")
    if scale is None or scale < 60:  # the 100x data (shared with figure 12, else generated now)
        directory, _ = ctx.synthetic(100)
        variants["100x"] = [str(directory), "start_month=2022-02", "end_month=2024-12"]
    profiles = {}
    for name, extra in variants.items():
        if name != "default" and ctx.time_left() < 0:
            profiles[name] = {"error": "skipped: the time budget ran out"}
            continue
        target = ctx.tmp / f"profile-{name}.json"
        script = str(harness.fixture("profile_render.py"))
        cells = {"BENCH_PROFILE_CELLS": "1" if name == "default" else "0"}  # the 100x cells: see the render phases
        r = run(
            [PY, script, str(ctx.tmp / f"profile-{name}"), str(target), *extra],
            timeout=180,
            watch=False,
            extra_env=cells,
        )
        if r["rc"] != 0:
            profiles[name] = {"error": (r["stderr"] or "timed out")[-1500:]}
            continue
        prof = json.loads(target.read_text(encoding="utf-8"))
        prof["process_wall_s"] = r["seconds"] - prof["extra_s"]  # without the re-runs after the render
        prof["start_up_and_exit_s"] = prof["process_wall_s"] - prof["in_process_s"]
        profiles[name] = prof
    return {"profiles": profiles}


def rows(result: dict) -> list[Row]:
    prof = result["profiles"].get("default") or {}
    if "phases" not in prof:
        return [Row(TITLE, "not measured", "—", "—", "— (reported)", None, prof.get("error", "")[:200])]
    execute = next((p["seconds"] for p in prof["phases"] if p.get("render_phase") == "execute"), None)
    return [
        Row(
            "Render profile (on_phase): execute phase of a default render",
            fmt_s(execute),
            f"process wall {fmt_s(prof['process_wall_s'])}",
            f"{execute / prof['process_wall_s']:.0%} of it" if execute else "—",
            "— (reported)",
            None,
        )
    ]


def details(result: dict) -> str:
    profiles = {k: v for k, v in result["profiles"].items() if "phases" in v}
    lines = [
        "Method. `bench/fixtures/profile_render.py` in a fresh process: the heavy imports first (a render does them "
        "lazily), then `bakhmut_report.run.render.render(params, OUT, force=True, on_phase=...)`, whose hook marks "
        "the start of each of its phases (`PHASES` in run/render.py; a phase lasts until the next mark or until "
        "render returns). Nothing in the package is wrapped. The execute phase includes building `Report` in the "
        "CLI process, the kernel's start, the cells and the kernel's shutdown. After the render (not counted): a "
        "second execution of the same notebook (`run.execute.run_notebook`, unnormalised) for papermill's "
        "per-cell durations, and the report's blocks under cProfile. Columns: the defaults, and the 100× "
        "synthetic data with 35 months.",
        "",
    ]
    for name, v in result["profiles"].items():
        if "phases" not in v:
            lines += [f"{name}: not measured: {v.get('error', '')[:300]}", ""]
    if not profiles:
        return "\n".join(lines)
    names = list(profiles)
    order = [START_UP] + [p["phase"] for p in profiles[names[0]]["phases"]]
    body = []
    for label in order:
        cells = []
        for n in names:
            prof = profiles[n]
            value = (
                prof["start_up_and_exit_s"]
                if label == START_UP
                else next((p["seconds"] for p in prof["phases"] if p["phase"] == label), None)
            )
            cells += ["—", "—"] if value is None else [f"{value:.3f}", f"{value / prof['process_wall_s']:.0%}"]
        body.append([label, *cells])
    body.append(["**process wall**", *[x for n in names for x in (f"**{profiles[n]['process_wall_s']:.3f}**", "100%")]])
    lines.append(
        harness.table(["phase", *[x for n in names for x in (f"{n} s", "share")]], body, "l" + "rr" * len(names))
    )
    seen = {n: profiles[n]["render_phases_seen"] for n in names}
    lines += ["", f"Phases reported by on_phase: {seen} (declared: {profiles[names[0]]['render_phases_declared']})."]
    lines += ["", "Kernel side: papermill's per-cell durations in a second execution (seconds):", ""]
    with_cells = [n for n in names if profiles[n].get("papermill_cells")]
    if with_cells:
        body = []
        for i, cell in enumerate(profiles[with_cells[0]]["papermill_cells"]["cells"]):
            values = []
            for n in with_cells:
                cells = profiles[n]["papermill_cells"]["cells"]
                values.append(f"{cells[i]['duration'] or 0:.3f}" if i < len(cells) else "—")
            body.append([f"`{cell['cell'].replace('|', '/')}`", *values])
        start = [fmt_s(profiles[n]["papermill_cells"]["kernel_start_s"]) for n in with_cells]
        body.append(["kernel start (execute_notebook call → first cell)", *start])
        lines.append(harness.table(["cell", *with_cells], body, "l" + "r" * len(with_cells)))
        skipped = [n for n in names if n not in with_cells]
        if skipped:
            lines.append(
                f"(Not re-executed for {', '.join(skipped)}, to keep the bench short: its load cell repeats the "
                "validation the CLI process does in the validate phase.)"
            )
    for n in names:
        lines += [
            "",
            f"{n}: the report's blocks re-run in process (warm imports) under cProfile "
            f"({', '.join(f'{k} {v:.3f} s' for k, v in profiles[n]['blocks_s'].items())}); heaviest package "
            "functions by cumulative time:",
            "",
            harness.table(
                ["function", "calls", "cumulative s", "own s"],
                [
                    [f"`{f['function']}`", f["calls"], f"{f['cumulative_s']:.3f}", f"{f['own_s']:.3f}"]
                    for f in profiles[n]["top_functions"]
                ],
                "lrrr",
            ),
        ]
    return "\n".join(lines)
