"""JupyterLab: a month step in the live explorer (bench/lab_step.py) against the static page's step."""

from __future__ import annotations

import json
import re

from bench import harness
from bench.harness import PROJECT, PY, Row, fmt_ms, fmt_s, median, run

TITLE = "JupyterLab month step"
COST_S = 35
RUNS = 15
TARGET_MS = 150.0
CODE = """
import json, sys
sys.path.insert(0, {project!r})
from bench.lab_step import measure_lab_month_step
print("BENCH_JSON " + json.dumps(measure_lab_month_step({runs})))
"""


def measure(ctx: harness.Context) -> dict:
    timeout = max(60.0, min(180.0, ctx.time_left() + COST_S))
    r = run([PY, "-c", CODE.format(project=str(PROJECT), runs=RUNS)], timeout=timeout, watch=False)
    found = re.search(r"^BENCH_JSON (.*)$", r["stdout"], flags=re.M)
    step = (ctx.results.get("month_step") or {}).get("median_ms", {}).get("report", {}).get("restyle")
    out = {"seconds": r["seconds"], "static_step_ms": step, "median_ms": None}
    if r["rc"] != 0 or not found:
        why = f"timed out after {timeout:.0f} s" if r["timed_out"] else harness.first_line(r["stderr"]) or "no output"
        out["not_measured"] = f"measure_lab_month_step failed: {why}"
        out["stderr_tail"] = r["stderr"][-1500:]
        return out
    runs = json.loads(found.group(1))
    out.update(runs_ms=runs, median_ms=median(runs))
    return out


def rows(result: dict) -> list[Row]:
    value, ref = result["median_ms"], result.get("static_step_ms")
    return [
        Row(
            "JupyterLab month change → updated map",
            fmt_ms(value),
            f"static page step {fmt_ms(ref)} (reference, figure 7)" if ref else "static page step (figure 7 not run)",
            f"{value / ref:.1f}×" if value and ref else "—",
            f"≤ {TARGET_MS:.0f} ms",
            (value <= TARGET_MS) if value is not None else None,
            f"{value - TARGET_MS:.0f} ms over {TARGET_MS:.0f} ms" if value is not None else "",
        )
    ]


def details(result: dict) -> str:
    return (
        f"Method. `bench.lab_step.measure_lab_month_step({RUNS})` in a fresh process: a real JupyterLab on a "
        "throw-away copy of the notebook and data, the explorer's month slider moved with a key press, timed until "
        "the map's markers changed in the DOM; steps alternate between two months whose markers differ, after 3 "
        f"warm-up steps. Median {fmt_ms(result['median_ms'])}; runs: {harness.fmt_list(result['runs_ms'], 'ms')} "
        f"({fmt_s(result['seconds'])} in all, including the server's start)."
    )
