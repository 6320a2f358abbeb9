"""Render time: the default render against the toolchain floor, the naive two-CLI pipeline, the last committed run."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

from bench import harness
from bench.harness import PROJECT, PY, VENV_BIN, Row, check, fmt_mb, fmt_s, median, ok_runs, run

TITLE = "Render time"
COST_S = 55
RENDER_ROUNDS, NAIVE_ROUNDS = 5, 3
TARGET_FLOOR_RATIO = 1.3
TARGET_NAIVE_SPEEDUP = 2.0


def parameter_names(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    return re.findall(r"^([A-Za-z_]\w*)\s*:", "".join(cell["source"]), flags=re.M)


def default_params() -> dict:
    """The parameters a default render uses (report_params.yaml, validated), for the floor."""
    from bakhmut_report.load import params  # the package applies its import fix (rfc3987) on import

    return params.load(PROJECT / "report_params.yaml")


def naive_pipeline(out: Path) -> dict:
    """The papermill CLI, then the jupyter nbconvert CLI: two fresh processes, timed together."""
    nb_out = out / "out.ipynb"
    a = check(
        run([str(VENV_BIN / "papermill"), "notebooks/bakhmut.ipynb", str(nb_out), "-f", "report_params.yaml"]),
        "papermill CLI",
    )
    b = check(run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(nb_out)]), "jupyter nbconvert")
    roles: dict[str, int] = {}
    for part in (a, b):
        for role, kb in part.get("peak_rss_kb_by_role", {}).items():
            roles[role] = max(roles.get(role, 0), kb)
    return {
        "seconds": a["seconds"] + b["seconds"],
        "cpu_seconds": a["cpu_seconds"] + b["cpu_seconds"],
        "papermill_s": a["seconds"],
        "nbconvert_s": b["seconds"],
        "rc": 0,
        "maxrss_kb_tree": max(a["maxrss_kb_tree"], b["maxrss_kb_tree"]),
        "peak_rss_kb_by_role": roles,
        "peak_total_rss_kb": max(a.get("peak_total_rss_kb", 0), b.get("peak_total_rss_kb", 0)),
    }


def previous_version(target: Path) -> dict:
    """The project as of the last commit of bench/results.json, unpacked read-only (git archive) into ``target``.

    Returns {"commit", "date", "root", "cmd"}: ``cmd`` runs that version's CLI with its own package first on
    PYTHONPATH (the venv's editable install is a plain path entry, which PYTHONPATH precedes), so a render
    executes that version's notebook with that version's package and data, in the same venv.
    """
    git = ["git", "-C", str(PROJECT)]
    commit = subprocess.run(
        [*git, "log", "-1", "--format=%H %cs", "--", "bench/results.json"], capture_output=True, text=True, check=True
    ).stdout.split()
    if not commit:
        return {}
    paths = ["src", "notebooks", "data", "report_params.yaml", "requirements.lock", "pyproject.toml"]
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run([*git, "archive", commit[0], *paths], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    scripts = tomllib.loads((target / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, func = scripts["bakhmut-report"].split(":")
    code = f"import sys; from {module} import {func}; sys.exit({func}())"
    return {"commit": commit[0], "date": commit[1], "root": target, "cmd": [PY, "-c", code]}


def size(path: Path) -> int | None:
    """Bytes of the file behind ``path`` (render outputs are symbolic links), or None."""
    return path.resolve().stat().st_size if path.exists() else None


def previous_run(previous: dict) -> dict:
    """Render and floor medians of the last committed bench/results.json (this harness's format or the old one)."""
    fig = harness.previous_figure(previous, "render") or previous.get("render") or {}
    m = fig.get("median_s") or {}
    if not (m.get("render") and m.get("floor")):
        return {}
    return {
        "date": (previous.get("meta") or {}).get("date"),
        "render_s": m["render"],
        "floor_s": m["floor"],
        "ratio": m["render"] / m["floor"],
    }


def measure(ctx: harness.Context) -> dict:
    params = default_params()
    out_render, out_floor, out_naive = ctx.tmp / "render", ctx.tmp / "floor", ctx.tmp / "naive"
    out_naive.mkdir(parents=True, exist_ok=True)
    floor_cmd = [PY, str(harness.fixture("floor.py")), str(out_floor), json.dumps(params)]
    sides = {
        "render": lambda: check(run(harness.render_cmd(out_render)), "render"),
        "floor": lambda: check(run(floor_cmd), "floor"),
        "naive": lambda: naive_pipeline(out_naive),
    }
    try:
        prev = previous_version(ctx.tmp / "previous-version")
    except (OSError, subprocess.CalledProcessError, KeyError, ValueError) as exc:  # no git, no such commit, ...
        harness.log(f"  no previous version to compare with: {exc}")
        prev = {}
    if prev:
        root, out_prev = prev["root"], ctx.tmp / "previous-out"
        extra = {"PYTHONPATH": str(root / "src")}
        sides["previous"] = lambda: check(
            run([*prev["cmd"], "render", "--force", "--out", str(out_prev)], cwd=root, extra_env=extra),
            "render of the previous version",
        )
    data = harness.alternate(ctx, sides, RENDER_ROUNDS, rounds_for={"naive": NAIVE_ROUNDS}, min_rounds=3)
    runs = data["runs"]

    def ratios(a: str, b: str) -> list[float]:
        return [
            x["seconds"] / y["seconds"]
            for x, y in zip(runs.get(a, []), runs.get(b, []), strict=False)
            if x.get("seconds") and y.get("seconds")
        ]

    stats = harness.summarise(runs)
    return {
        "parameter_names_match": parameter_names(PROJECT / "notebooks" / "bakhmut.ipynb")
        == parameter_names(harness.fixture("floor.ipynb")),
        "parameters": params,
        "runs": runs,
        "warmup": data["warmup"],
        "failures": data["failures"],
        "median_s": stats["seconds"],
        "median_cpu_s": stats["cpu_seconds"],
        "round_ratios": ratios("render", "floor"),
        "previous_version": {
            "commit": prev.get("commit"),
            "date": prev.get("date"),
            "round_ratios": ratios("render", "previous"),
        }
        if prev
        else {},
        "previous": previous_run(ctx.previous),
        "html_bytes": {
            "render": size(out_render / "report.html"),
            "floor": size(out_floor / "floor.html"),
            "naive": size(out_naive / "out.html"),
            "previous": size(ctx.tmp / "previous-out" / "report.html"),
        },
    }


def rows(result: dict) -> list[Row]:
    m, cpu = result["median_s"], result["median_cpu_s"]
    r, f, n = m.get("render"), m.get("floor"), m.get("naive")
    rc, fc, nc = cpu.get("render"), cpu.get("floor"), cpu.get("naive")
    out = [
        Row(
            "Default render (fresh process, --force)",
            fmt_s(r),
            f"toolchain floor {fmt_s(f)}",
            f"{r / f:.2f}× (CPU {rc / fc:.2f}×)" if r and f and rc and fc else "—",
            f"≤ {TARGET_FLOOR_RATIO}× floor",
            (r / f <= TARGET_FLOOR_RATIO) if r and f else None,
            f"{r - TARGET_FLOOR_RATIO * f:.2f} s over {TARGET_FLOOR_RATIO} × floor" if r and f else "",
        ),
        Row(
            "Default render vs naive two-CLI pipeline",
            fmt_s(r),
            f"papermill + nbconvert CLIs {fmt_s(n)}",
            f"{n / r:.1f}× faster (CPU {nc / rc:.1f}×)" if r and n and rc and nc else "—",
            f"≥ {TARGET_NAIVE_SPEEDUP:g}× faster",
            (n / r >= TARGET_NAIVE_SPEEDUP) if r and n else None,
            f"{r - n / TARGET_NAIVE_SPEEDUP:.2f} s over half the naive time" if r and n else "",
        ),
    ]
    pv = result.get("previous_version") or {}
    p, pairs = m.get("previous"), pv.get("round_ratios") or []
    if r and p and pairs:
        low, high = min(pairs), max(pairs)
        out.append(
            Row(
                "Render time unchanged within noise (same run, previous version)",
                f"{fmt_s(r)} (rounds {low:.2f}–{high:.2f}× the previous)",
                f"commit {pv['commit'][:9]} ({pv['date']}, the last bench run) {fmt_s(p)}",
                f"{r / p:.2f}× (CPU {rc / cpu['previous']:.2f}×)" if rc and cpu.get("previous") else f"{r / p:.2f}×",
                "some round ≤ 1.00× (within noise or faster)",
                low <= 1.0,
                f"slower than the previous version in every round ({low:.2f}–{high:.2f}×, median {r / p:.2f}×)",
            )
        )
    return out


def details(result: dict) -> str:
    n = {k: len(ok_runs(v)) for k, v in result["runs"].items()}
    m, cpu, size = result["median_s"], result["median_cpu_s"], result["html_bytes"]
    naive = ok_runs(result["runs"]["naive"])
    lines = [
        f"Method. Up to {RENDER_ROUNDS} renders and floors and {NAIVE_ROUNDS} naive pipelines, run in turn (render, "
        "floor, naive, render, ...) after one warm-up of each; every run is a fresh process from the project "
        "directory with `.venv/bin` first on PATH; CPU is that of the whole process tree (wait4).",
        "",
        "- **render**: `bakhmut-report render --force --out TMP` (report_params.yaml).",
        "- **toolchain floor**: `bench/fixtures/floor.py`, one fresh Python process that imports papermill and "
        "nbconvert, executes `bench/fixtures/floor.ipynb` (only a `parameters` cell with the same names and "
        "values) with papermill's API, exports it with nbconvert's stock `HTMLExporter` and writes the HTML and "
        'the notebook. It applies the same `sys.modules.setdefault("rfc3987_syntax", None)` import fix as '
        "`bakhmut_report/__init__.py`, so the floor is the toolchain at its best.",
        "- **naive**: `papermill notebooks/bakhmut.ipynb OUT.ipynb -f report_params.yaml`, then `jupyter nbconvert "
        "--to html OUT.ipynb`, two processes timed together (no import fix; it also runs the live-only cells).",
        "- **previous**: the project as of the last commit of `bench/results.json` (the last bench run), unpacked "
        "read-only with `git archive` (src, notebooks, data, report_params.yaml, requirements.lock) into a temporary "
        "directory and rendered from there with `render --force`, its own package first on PYTHONPATH (in the CLI "
        "process and so in its kernel), the same venv. **Unchanged within noise**: render / previous by round; met "
        "when at least one round is ≤ 1.00× (the difference is inside the run-to-run spread, or this version is "
        "faster).",
        "",
        harness.table(
            ["", "runs", "median wall", "median CPU (tree)", "HTML"],
            [[k, n[k], fmt_s(m[k]), fmt_s(cpu[k]), fmt_mb(size.get(k))] for k in result["runs"]],
        ),
        "",
        f"Render runs: {harness.fmt_list(harness.seconds_of(result['runs']['render']), 's', 2)}; floor: "
        f"{harness.fmt_list(harness.seconds_of(result['runs']['floor']), 's', 2)}; render / floor by round: "
        f"{harness.fmt_list(result['round_ratios'], '', 2)}. Naive split: papermill "
        f"{fmt_s(median([r['papermill_s'] for r in naive]))}, nbconvert "
        f"{fmt_s(median([r['nbconvert_s'] for r in naive]))}.",
    ]
    pv = result.get("previous_version") or {}
    if pv:
        lines.append(
            f"Previous version: commit {pv['commit']} ({pv['date']}); render / previous by round: "
            f"{harness.fmt_list(pv['round_ratios'], '', 2)}."
        )
    prev = result.get("previous")
    if prev:
        lines.append(
            f"For reference, the numbers committed by that run ({prev['date']}, another machine state): render "
            f"{fmt_s(prev['render_s'])}, floor {fmt_s(prev['floor_s'])}, ratio {prev['ratio']:.2f}× — compare ratios "
            "across runs, not seconds."
        )
    if not result["parameter_names_match"]:
        lines.append("**Warning**: bench/fixtures/floor.ipynb's parameter names differ from notebooks/bakhmut.ipynb's.")
    for side, errors in (result.get("failures") or {}).items():
        lines.append(f"**{len(errors)} failed {side} run(s)** (left out of the medians): {errors[0][:300]}")
    return "\n".join(lines)
