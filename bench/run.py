"""``make bench``: every performance figure of the report against its baseline, in one run.

Each figure and its baseline are measured in the same run, alternating (A, B, A, B, ...)
after a warm-up, and medians are quoted. Commands run as fresh processes the way a user
runs them (``.venv/bin`` first on PATH, as after ``source .venv/bin/activate``, cwd = the
project). Writes bench/results.md (the table, the growth curve, the profile, notes) and
bench/results.json (every raw number), and prints the table. Designed to finish in well
under 10 minutes on 2 cores: run counts are fixed, and a time budget drops optional
extra rounds (never the minimum) when an earlier figure ran long.

Helper modes (used by the bench itself): ``--floor OUT PARAMS_JSON`` (the toolchain floor
in one process) and ``--profile OUT RESULT_JSON`` (one render, phase by phase, in process).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BENCH = PROJECT / "bench"
VENV_BIN = PROJECT / ".venv" / "bin"
PY = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
CLI = str(VENV_BIN / "bakhmut-report")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
MB = 1024 * 1024
BUDGET_S = 540.0  # soft: optional rounds stop when the projected end passes this (hard limit 600 s)
T0 = time.perf_counter()

# Runs per figure (after one warm-up of each side). Chosen to fit ~7 minutes on 2 cores.
RENDER_ROUNDS, NAIVE_ROUNDS = 5, 3
CACHE_ROUNDS = 7
BATCH_ROUNDS = 3
PAGE_LOADS = 7
SLIDER_STEPS = 20
LAB_RUNS = 15
SCALE_FACTORS = (1, 10, 100)
SCALE_ROUNDS = 3
SCALE_TIMEOUT_S = 150

# Rough cost of each figure still to come (seconds), used to decide optional rounds.
RESERVE = {"cache": 15, "batch": 75, "size": 8, "browser": 60, "lab": 45, "profile": 25, "scale": 110}


def elapsed() -> float:
    return time.perf_counter() - T0


def may_continue(round_seconds: float, still_to_come: tuple[str, ...]) -> bool:
    """True if one more optional round still leaves time for the figures after this one."""
    reserve = sum(RESERVE[k] for k in still_to_come)
    return elapsed() + round_seconds + reserve < BUDGET_S


def log(msg: str) -> None:
    print(f"[{elapsed():6.1f}s] {msg}", file=sys.stderr, flush=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def env() -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("BAKHMUT_")}
    e["PATH"] = f"{VENV_BIN}{os.pathsep}{e.get('PATH', '')}"
    e["VIRTUAL_ENV"] = str(PROJECT / ".venv")
    return e


# --------------------------------------------------------------------------- measuring processes


def _status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _role(cmdline: list[str], root: bool) -> str:
    text = " ".join(cmdline)
    if "ipykernel" in text:
        return "kernel"
    return "main" if root else "child"


class TreeWatcher(threading.Thread):
    """Polls a process tree (every 50 ms): peak RSS (VmHWM) per process and the peak total RSS."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.psutil, self.pid = psutil, pid
        self.peaks: dict[int, tuple[str, int]] = {}
        self.peak_total_kb = 0
        self.done = threading.Event()

    def run(self):
        try:
            root = self.psutil.Process(self.pid)
        except self.psutil.Error:
            return
        roles: dict[int, str] = {}
        while not self.done.is_set():
            try:
                procs = [root] + root.children(recursive=True)
            except self.psutil.Error:
                procs = []
            total = 0
            for proc in procs:
                pid = proc.pid
                if pid not in roles:
                    try:
                        roles[pid] = _role(proc.cmdline(), pid == self.pid)
                    except self.psutil.Error:
                        continue
                hwm, rss = _status_kb(pid, "VmHWM"), _status_kb(pid, "VmRSS")
                if hwm:
                    old = self.peaks.get(pid, (roles[pid], 0))[1]
                    self.peaks[pid] = (roles[pid], max(old, hwm))
                total += rss or 0
            self.peak_total_kb = max(self.peak_total_kb, total)
            self.done.wait(0.05)

    def summary(self) -> dict:
        by_role: dict[str, int] = {}
        for role, kb in self.peaks.values():
            by_role[role] = max(by_role.get(role, 0), kb)
        return {"peak_rss_kb_by_role": by_role, "peak_total_rss_kb": self.peak_total_kb, "processes": len(self.peaks)}


def run(cmd: list[str], cwd: Path = PROJECT, timeout: float = 300, watch: bool = True) -> dict:
    """Run one command as a fresh process; wall time, CPU time, exit code, output, memory."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - read back after the process ends
    err = tempfile.TemporaryFile()  # noqa: SIM115
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=out, stderr=err, start_new_session=True)
    watcher = TreeWatcher(proc.pid) if watch else None
    if watcher:
        watcher.start()
    timer = threading.Timer(timeout, lambda: _kill_group(proc.pid))
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = {
        "cmd": " ".join(cmd),
        "seconds": seconds,
        "rc": proc.returncode,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "maxrss_kb_tree": usage.ru_maxrss,
        "timed_out": seconds >= timeout,
    }
    if watcher:
        watcher.done.set()
        watcher.join(1)
        result.update(watcher.summary())
    for name, handle in (("stdout", out), ("stderr", err)):
        handle.seek(0)
        result[name] = handle.read().decode("utf-8", "replace")[-3000:]
        handle.close()
    return result


def _kill_group(pid: int) -> None:
    import signal

    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)  # the group of the command this bench started


def check(result: dict, what: str) -> dict:
    if result["rc"] != 0:
        raise RuntimeError(f"{what} failed (exit {result['rc']}): {result['stderr'][-800:]}")
    return result


def alternate(
    sides: dict,
    rounds: int,
    warmup: int = 1,
    min_rounds: int = 2,
    still_to_come: tuple[str, ...] = (),
    rounds_for: dict | None = None,
) -> dict:
    """Run each side's callable in turn, ``warmup`` discarded rounds then up to ``rounds``.

    ``sides``: name -> zero-argument callable returning a result dict with "seconds".
    ``rounds_for``: name -> fewer rounds for an expensive side (it joins the first rounds).
    Rounds after ``min_rounds`` are optional: skipped when the time budget runs short.
    """
    results = {name: [] for name in sides}
    warm = {name: [] for name in sides}

    def attempt(name, fn) -> dict:
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the others go on
            log(f"  {name} run failed: {str(exc)[:300]}")
            return {"seconds": None, "error": str(exc)[:1000]}

    for _ in range(warmup):
        for name, fn in sides.items():
            warm[name].append(attempt(name, fn))
    for index in range(rounds):
        started = time.perf_counter()
        for name, fn in sides.items():
            if rounds_for and index >= rounds_for.get(name, rounds):
                continue
            results[name].append(attempt(name, fn))
        took = time.perf_counter() - started
        if index + 1 >= min_rounds and index + 1 < rounds and not may_continue(took, still_to_come):
            log(f"  time budget: stopping after {index + 1} rounds")
            break
    return {"runs": results, "warmup": warm}


def seconds_of(runs: list[dict]) -> list[float]:
    return [r["seconds"] for r in runs if r.get("seconds") is not None and not r.get("error")]


def ok_runs(runs: list[dict]) -> list[dict]:
    return [r for r in runs if r.get("seconds") is not None and not r.get("error")]


def failures(data: dict) -> dict:
    return {
        name: [r["error"] for r in runs if r.get("error")]
        for name, runs in data.items()
        if any(r.get("error") for r in runs)
    }


# --------------------------------------------------------------------------- helper modes


def floor_main(out_dir: str, params_json: str) -> int:
    """The toolchain floor: papermill's API on bench/floor.ipynb + nbconvert's HTMLExporter, one process."""
    sys.modules.setdefault("rfc3987_syntax", None)  # the import fix bakhmut_report applies
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    params = json.loads(params_json)
    nb = papermill.execute_notebook(
        str(BENCH / "floor.ipynb"), None, parameters=params, kernel_name="python3", progress_bar=False, cwd=str(BENCH)
    )
    body, _ = HTMLExporter().from_notebook_node(nb)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "floor.html").write_text(body, encoding="utf-8")
    (out / "floor.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    return 0


def _iso(value: str) -> float:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def profile_main(out_dir: str, result_path: str, data_dir: str = "", *overrides: str) -> int:
    """One ``render --force`` in this process, timed phase by phase.

    It calls the package's own ``bakhmut_report.render.render`` with thin timing
    wrappers around the functions it uses (Dataset.load, Report, input_hash, execute,
    normalize, to_html, notebook.write, atomic_write_all), so it follows whatever
    render does; the wrapper around ``notebook.normalize`` reads papermill's per-cell
    timings before they are normalised away.
    """
    phases: list[tuple[str, float]] = []
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases.append((name, now - mark))
        mark = now

    import bakhmut_report  # noqa: F401  (applies the rfc3987 import fix)
    from bakhmut_report import params as params_mod

    phase("import bakhmut_report, params (yaml)")
    from bakhmut_report import dataset as dataset_mod
    from bakhmut_report import notebook
    from bakhmut_report import render as render_mod
    from bakhmut_report import report as report_mod

    phase("import render, dataset, report (nbformat, jsonschema, ...)")
    import papermill  # noqa: F401  (render imports it lazily: counted here instead)

    phase("import papermill (nbclient, jupyter_client, zmq)")
    import nbconvert  # noqa: F401

    from bakhmut_report import export

    phase("import nbconvert (jinja2, pygments, mistune, ...)")
    params = params_mod.load(PROJECT / "report_params.yaml", list(overrides))
    phase("read and validate parameters")

    spent: dict[str, float] = {}
    cells: list[dict] = []
    execute_wall: list[float] = []
    originals = []

    def wrap(owner, attr: str, label: str, before=None):
        original = owner.__dict__[attr] if attr in owner.__dict__ else getattr(owner, attr)
        bound = getattr(owner, attr)

        def wrapper(*args, **kwargs):
            if before:
                before(*args)
            start = time.perf_counter()
            try:
                return bound(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

        originals.append((owner, attr, original))
        setattr(owner, attr, wrapper)

    def read_cells(nb, *_):
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("papermill", {})
            if cell.get("cell_type") != "code" or not meta.get("start_time"):
                continue
            tags = cell.get("metadata", {}).get("tags", [])
            source = "".join(cell.get("source", ""))
            label = (
                "injected-parameters"
                if "injected-parameters" in tags
                else ("parameters" if "parameters" in tags else str(cell.get("id", "")))
            )
            cells.append(
                {
                    "cell": label,
                    "source": source.splitlines()[0][:60] if source else "",
                    "start": _iso(meta["start_time"]),
                    "end": _iso(meta["end_time"]),
                    "duration": meta.get("duration"),
                }
            )

    wrap(dataset_mod.Dataset, "load", "Dataset.load")
    wrap(report_mod.Report, "__init__", "Report()")
    wrap(render_mod, "input_hash", "input_hash")
    wrap(render_mod, "execute", "execute", before=lambda *a: execute_wall.append(time.time()))
    wrap(notebook, "normalize", "normalize", before=read_cells)
    wrap(export, "to_html", "to_html")
    wrap(notebook, "write", "notebook.write")
    wrap(render_mod, "atomic_write_all", "atomic_write_all")
    start = time.perf_counter()
    render_mod.render(params, out_dir, force=True, data_dir=data_dir or None)
    total_render = time.perf_counter() - start
    for owner, attr, original in reversed(originals):
        setattr(owner, attr, original)
    mark = time.perf_counter()

    ex = spent.get("execute", 0.0) - spent.get("normalize", 0.0)
    kernel_start = (min(c["start"] for c in cells) - execute_wall[0]) if cells and execute_wall else None
    cells_total = sum(c["duration"] or 0 for c in cells)
    rows = [
        ("Dataset.load: read, schema, consistency (CLI process)", spent.get("Dataset.load", 0.0)),
        ("Report(): focus city check (CLI process)", spent.get("Report()", 0.0)),
        ("input hash (parameters, data, notebook, package, pins)", spent.get("input_hash", 0.0)),
    ]
    if kernel_start is not None:
        rows += [
            ("papermill: read notebook, kernel start (launch, connect, ready)", kernel_start),
            ("papermill: notebook cells in the kernel (see the cell table)", cells_total),
            ("papermill: between cells, kernel shutdown, bookkeeping", ex - kernel_start - cells_total),
        ]
    else:
        rows.append(("execute (papermill)", ex))
    rows += [
        ("normalise the executed notebook", spent.get("normalize", 0.0)),
        ("export: nbconvert HTMLExporter, template, inline plotly.js", spent.get("to_html", 0.0)),
        ("serialise the notebook (nbformat)", spent.get("notebook.write", 0.0)),
        ("write both files atomically (fsync)", spent.get("atomic_write_all", 0.0)),
    ]
    rows.append(("render(): everything else", total_render - sum(v for _, v in rows)))
    phases += rows

    # The kernel's work, in this process, under cProfile: which package functions dominate.
    extra_start = time.perf_counter()
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    blocks = {}
    if data_dir:
        os.environ["BAKHMUT_DATA_DIR"] = str(Path(data_dir).resolve())
    profiler.enable()
    fresh = report_mod.Report.from_parameters(**params)
    profiler.disable()
    for block in ("header", "article", "map", "events_table", "method", "sources"):
        start = time.perf_counter()
        profiler.enable()
        getattr(fresh, block)()
        profiler.disable()
        blocks[block] = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    top = []
    for (filename, line, func), (_cc, nc, tt, ct, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):
        if "bakhmut_report" in filename and len(top) < 12:
            top.append(
                {
                    "function": f"{Path(filename).name}:{line}({func})",
                    "calls": nc,
                    "cumulative_s": round(ct, 4),
                    "own_s": round(tt, 4),
                }
            )
    Path(result_path).write_text(
        json.dumps(
            {
                "data_dir": data_dir,
                "overrides": list(overrides),
                "phases": [{"phase": n, "seconds": v} for n, v in phases],
                "cells": cells,
                "blocks_in_process_s": blocks,
                "top_functions": top,
                "in_process_total_s": sum(v for _, v in phases),
                "cprofile_rerun_s": time.perf_counter() - extra_start,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return 0


# --------------------------------------------------------------------------- figures


def params_defaults() -> dict:
    """The parameters a default render uses (report_params.yaml, validated), for the floor."""
    sys.modules.setdefault("rfc3987_syntax", None)
    from bakhmut_report import params

    return params.load(PROJECT / "report_params.yaml")


def parameter_names(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    return re.findall(r"^([A-Za-z_]\w*)\s*:", "".join(cell["source"]), flags=re.M)


def figure_render(tmp: Path, results: dict) -> None:
    log("1. default render vs toolchain floor vs naive two-CLI pipeline (+ 7. peak memory)")
    names_nb = parameter_names(PROJECT / "notebooks" / "bakhmut.ipynb")
    names_floor = parameter_names(BENCH / "floor.ipynb")
    params = params_defaults()
    out_render, out_floor, out_naive = tmp / "render", tmp / "floor", tmp / "naive"
    out_naive.mkdir()
    sides = {
        "render": lambda: check(run([CLI, "render", "--force", "--out", str(out_render)]), "render"),
        "floor": lambda: check(
            run([PY, str(BENCH / "run.py"), "--floor", str(out_floor), json.dumps(params)]), "floor"
        ),
        "naive": lambda: naive_pipeline(out_naive),
    }
    data = alternate(
        sides, RENDER_ROUNDS, rounds_for={"naive": NAIVE_ROUNDS}, still_to_come=tuple(RESERVE), min_rounds=3
    )
    results["render"] = {
        "parameter_names_match": names_nb == names_floor,
        "parameters": params,
        "runs": data["runs"],
        "warmup": data["warmup"],
        "median_s": {k: median(seconds_of(v)) for k, v in data["runs"].items()},
        "median_cpu_s": {k: median([r["cpu_seconds"] for r in ok_runs(v)]) for k, v in data["runs"].items()},
        "html_bytes": {
            k: (path.stat().st_size if path.exists() else None)
            for k, path in (
                ("render", out_render / "report.html"),
                ("floor", out_floor / "floor.html"),
                ("naive", out_naive / "out.html"),
            )
        },
        "failures": failures(data["runs"]),
    }
    mem = {}
    for side, runs in data["runs"].items():
        runs = ok_runs(runs)
        roles: dict[str, list[int]] = {}
        for r in runs:
            for role, kb in r.get("peak_rss_kb_by_role", {}).items():
                roles.setdefault(role, []).append(kb)
        mem[side] = {
            "peak_rss_kb_by_role_median": {k: median(v) for k, v in roles.items()},
            "peak_total_rss_kb_median": median([r.get("peak_total_rss_kb") for r in runs]),
            "maxrss_kb_tree_median": median([r["maxrss_kb_tree"] for r in runs]),
        }
    results["memory"] = mem


def naive_pipeline(out: Path) -> dict:
    """papermill CLI then jupyter nbconvert CLI, as two separate processes, timed together."""
    nb_out = out / "out.ipynb"
    a = check(
        run([str(VENV_BIN / "papermill"), "notebooks/bakhmut.ipynb", str(nb_out), "-f", "report_params.yaml"]),
        "papermill CLI",
    )
    b = check(run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", str(nb_out)]), "jupyter nbconvert")
    roles = {}
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


def figure_cache(tmp: Path, results: dict) -> None:
    log("2. cache-hit re-render vs CLI start-up floor (bakhmut-report params)")
    out = tmp / "render"  # rendered by figure 1 with the same inputs

    def hit():
        r = check(run([CLI, "render", "--out", str(out)]), "cache-hit render")
        r["cache_hit"] = "cache hit" in r["stdout"]
        return r

    data = alternate(
        {"cache_hit": hit, "cli_floor": lambda: check(run([CLI, "params"]), "params")},
        CACHE_ROUNDS,
        still_to_come=tuple(k for k in RESERVE if k != "cache"),
    )
    results["cache"] = {
        "runs": data["runs"],
        "warmup": data["warmup"],
        "all_cache_hits": all(r["cache_hit"] for r in ok_runs(data["runs"]["cache_hit"])),
        "failures": failures(data["runs"]),
        "median_s": {k: median(seconds_of(v)) for k, v in data["runs"].items()},
    }


BATCH_YAML = """# bench: 8 variants, 4 focus cities x 2 languages
product:
  focus_city: [Bakhmut, Soledar, Kramatorsk, Sloviansk]
  language: [nl, en]
"""
BATCH_WARMUP_YAML = """product:
  focus_city: [Bakhmut, Soledar]
"""


def figure_batch(tmp: Path, results: dict) -> None:
    log("3. batch of 8 variants vs one render")
    variants, warm = tmp / "variants.yaml", tmp / "warm.yaml"
    variants.write_text(BATCH_YAML, encoding="utf-8")
    warm.write_text(BATCH_WARMUP_YAML, encoding="utf-8")
    out_batch, out_one = tmp / "batch", tmp / "one"
    # warm-up: a 2-variant batch (same code path: process pool, workers, kernels) and one render
    warmup = [
        run([CLI, "batch", str(warm), "--out", str(tmp / "batch-warm"), "--force"]),
        run([CLI, "render", "--force", "--out", str(out_one)]),
    ]

    def batch():
        r = check(run([CLI, "batch", str(variants), "--out", str(out_batch), "--force"]), "batch")
        r["variants_written"] = len(list(out_batch.glob("*.html")))
        r["variant_seconds"] = [
            float(x) for x in re.findall(r"^report\S*\s+(?:ok|cached)\s+([\d.]+)s", r["stdout"], re.M)
        ]
        return r

    data = alternate(
        {
            "batch8": batch,
            "one_render": lambda: check(run([CLI, "render", "--force", "--out", str(out_one)]), "render"),
        },
        BATCH_ROUNDS,
        warmup=0,
        still_to_come=tuple(k for k in RESERVE if k not in ("cache", "batch")),
    )
    results["batch"] = {
        "runs": data["runs"],
        "warmup": warmup,
        "cpu_count": os.cpu_count(),
        "median_s": {k: median(seconds_of(v)) for k, v in data["runs"].items()},
        "median_cpu_s": {k: median([r["cpu_seconds"] for r in ok_runs(v)]) for k, v in data["runs"].items()},
        "failures": failures(data["runs"]),
    }


def plotly_min_js() -> Path:
    out = subprocess.run(
        [PY, "-c", "import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip()) / "package_data" / "plotly.min.js"


def figure_size(tmp: Path, results: dict) -> None:
    log("4. HTML size: default, plotly.min.js alone, cdn")
    out = tmp / "cdn"
    r = check(run([CLI, "render", "--force", "-p", "plotly_js=cdn", "--out", str(out)]), "cdn render")
    cdn_files = list(out.glob("*.html"))
    default = tmp / "render" / "report.html"
    results["size"] = {
        "default_bytes": default.stat().st_size,
        "plotly_min_js_bytes": plotly_min_js().stat().st_size,
        "cdn_bytes": cdn_files[0].stat().st_size,
        "cdn_file": cdn_files[0].name,
        "cdn_render_s": r["seconds"],
        "sections_default": html_sections(default.read_text("utf-8")),
    }


def html_sections(html: str) -> dict:
    """Bytes of the page's parts: plotly.js, geometry, figure JSON, month data, each notebook cell."""
    sizes = {}

    def script_span(pattern: str) -> tuple[int, int] | None:
        m = re.search(pattern, html)
        if not m:
            return None
        end = html.find("</script>", m.end())
        return (m.end(), end) if end >= 0 else None

    spans = {
        "plotly.js": None,
        "geometry": script_span(r"<script>window\.PlotlyGeoAssets"),
        "map figure JSON (bk-figure)": script_span(r'<script type="application/json" id="bk-figure">'),
        "month data JSON (bk-data)": script_span(r'<script type="application/json" id="bk-data">'),
    }
    for m in re.finditer(r"<script>", html):
        end = html.find("</script>", m.end())
        if end - m.end() > 500_000:
            spans["plotly.js"] = (m.end(), end)
            break
    for key, span in spans.items():
        sizes[key] = len(html[span[0] : span[1]].encode()) if span else 0
    cells = [(m.start(), m.group(1)) for m in re.finditer(r'id="cell-id=([^"]+)"', html)]
    bounds = cells + [(len(html), None)]
    sizes["head and page frame"] = len(html[: cells[0][0]].encode()) if cells else len(html.encode())
    for (start, name), (end, _) in zip(bounds, bounds[1:], strict=False):
        sizes[f"cell {name}"] = len(html[start:end].encode())
    # the map cell minus the JSON it carries; its month-event list separately
    if "cell map" in sizes:
        events = re.search(r'id="bk-month-events".*?</ul>', html, flags=re.S)
        sizes["  of which month-event lists"] = len(events.group(0).encode()) if events else 0
    for key in ("map figure JSON (bk-figure)", "month data JSON (bk-data)"):
        if "cell map" in sizes:
            sizes["cell map"] -= sizes[key]
    head_blobs = sizes["plotly.js"] + sizes["geometry"]
    sizes["head and page frame"] -= min(head_blobs, sizes["head and page frame"])
    sizes["total"] = len(html.encode())
    return sizes


def inlined_plotly(html: str) -> str | None:
    """The plotly.js bundle a report inlines (its largest <script>), or None."""
    best = None
    for m in re.finditer(r"<script>", html):
        end = html.find("</script>", m.end())
        if end - m.end() > 500_000 and (best is None or end - m.end() > len(best)):
            best = html[m.end() : end]
    return best


def dangling_links(html: str) -> dict:
    """In-page links whose target id is not in the page (e.g. events left out of a capped table)."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    hrefs = re.findall(r'href="#([^"]+)"', html)
    missing = [h for h in hrefs if h not in ids]
    return {"links": len(hrefs), "dangling": len(missing), "examples": sorted(set(missing))[:3]}


# ---- browser

OBSERVER_JS = """
(() => {
  window.__bench = {ready: null, painted: null};
  const seen = () => {
    const div = document.getElementById('bakhmut-map');
    if (div && div.getAttribute('data-ready') === 'true' && window.__bench.ready === null) {
      window.__bench.ready = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.painted = performance.now(); }));
      return true;
    }
    return false;
  };
  new MutationObserver((_, obs) => { if (seen()) obs.disconnect(); })
    .observe(document, {subtree: true, attributes: true, attributeFilter: ['data-ready']});
})();
"""

FLOOR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>plotly floor</title>
<script>window.PlotlyGeoAssets = {{"topojson": {{"{geo_name}": {geometry}}}}};</script>
<script>{plotly}</script></head>
<body><div id="bakhmut-map" style="width:{width}px"></div>
<script type="application/json" id="bk-figure">{figure}</script>
<script>
document.addEventListener("DOMContentLoaded", function () {{
  var div = document.getElementById("bakhmut-map");
  var fig = JSON.parse(document.getElementById("bk-figure").textContent);
  window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(function () {{
    div.setAttribute("data-ready", "true");
  }});
}});
</script></body></html>
"""

STEP_JS = """async ([value]) => {
  const div = document.getElementById('bakhmut-map'), slider = document.getElementById('bk-month');
  return await new Promise(resolve => {
    let t0, tSync;
    const done = () => {
      const tRestyle = performance.now();
      div.removeListener('plotly_restyle', done);
      requestAnimationFrame(() => requestAnimationFrame(() =>
        resolve({sync: tSync - t0, restyle: tRestyle - t0, frames: performance.now() - t0,
                 month: div.getAttribute('data-month')})));
    };
    div.on('plotly_restyle', done);
    setTimeout(() => resolve(null), 10000);
    t0 = performance.now();
    slider.value = String(value);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    tSync = performance.now();
  });
}"""

FLOOR_STEP_JS = """async ([update]) => {
  const div = document.getElementById('bakhmut-map');
  return await new Promise(resolve => {
    let t0, tSync;
    const done = () => {
      const tRestyle = performance.now();
      div.removeListener('plotly_restyle', done);
      requestAnimationFrame(() => requestAnimationFrame(() =>
        resolve({sync: tSync - t0, restyle: tRestyle - t0, frames: performance.now() - t0})));
    };
    div.on('plotly_restyle', done);
    setTimeout(() => resolve(null), 10000);
    t0 = performance.now();
    window.Plotly.restyle(div, JSON.parse(update), [0, 1, 2, 3]);
    tSync = performance.now();
  });
}"""

CAPTURE_JS = """async ([value]) => {
  const div = document.getElementById('bakhmut-map'), slider = document.getElementById('bk-month');
  const original = window.Plotly.restyle;
  let captured = null;
  window.Plotly.restyle = function (gd, update, traces) {
    captured = JSON.stringify(update);
    return original.apply(this, arguments);
  };
  slider.value = String(value);
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  window.Plotly.restyle = original;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return captured;
}"""

CHANGING_MONTH_JS = """() => {
  const data = JSON.parse(document.getElementById('bk-data').textContent);
  const start = Number(document.getElementById('bk-month').value);
  for (let i = start; i < data.months.length - 1; i++) {
    if (JSON.stringify(data.holders[i]) !== JSON.stringify(data.holders[i + 1])) return i;
  }
  return start > 0 ? start - 1 : 0;
}"""


def figure_browser(tmp: Path, results: dict) -> None:
    log("5. page load to first painted map, and one slider step (headless Chromium)")
    report = tmp / "render" / "report.html"
    html = report.read_text(encoding="utf-8")
    figure = re.search(r'<script type="application/json" id="bk-figure">(.*?)</script>', html, flags=re.S).group(1)
    sys.modules.setdefault("rfc3987_syntax", None)
    from playwright.sync_api import sync_playwright

    from bakhmut_report import mapfig
    from bakhmut_report.dataset import DEFAULT_DATA_DIR

    geometry = (DEFAULT_DATA_DIR / "geo" / f"{mapfig.GEO_ASSET_NAME}.json").read_text(encoding="utf-8").strip()
    plotly = inlined_plotly(html) or plotly_min_js().read_text(encoding="utf-8")  # the bundle the report ships
    floor = tmp / "plotly-floor.html"
    out: dict = {"loads": {"report": [], "floor": []}, "steps": {"report": [], "floor": []}, "errors": []}
    alt_js = os.environ.get("BENCH_ALT_PLOTLY_JS")  # optional: a bare page with another plotly.js bundle
    alt = tmp / "plotly-alt.html" if alt_js and Path(alt_js).is_file() else None
    if alt:
        out["loads"]["alt_bundle"] = []
        out["alt_bundle"] = {"path": alt_js, "bytes": Path(alt_js).stat().st_size}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:

            def load(path: Path, keep: bool = False):
                context = browser.new_context()
                page = context.new_page()
                requests = []
                page.on("request", lambda r: requests.append(r.url))
                page.on("pageerror", lambda e: out["errors"].append(str(e)))
                page.add_init_script(OBSERVER_JS)
                page.goto(path.as_uri(), wait_until="load", timeout=30000)
                page.wait_for_function("window.__bench && window.__bench.painted !== null", timeout=30000)
                timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                    return {ready: window.__bench.ready, painted: window.__bench.painted,
                            dom_content_loaded: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                            width: document.getElementById('bakhmut-map').clientWidth}; }""")
                timing["foreign_requests"] = [u for u in requests if not u.startswith("file://")]
                if keep:
                    return timing, context, page
                context.close()
                return timing

            first, context, page = load(report, keep=True)  # warm-up of the report; its width sizes the floor
            context.close()
            floor.write_text(
                FLOOR_PAGE.format(
                    geo_name=mapfig.GEO_ASSET_NAME,
                    geometry=geometry.replace("</", "<\\/"),
                    plotly=plotly,
                    width=first["width"] or 900,
                    figure=figure,
                ),
                encoding="utf-8",
            )
            out["warmup"] = {"report": first, "floor": load(floor)}
            if alt:
                alt.write_text(
                    FLOOR_PAGE.format(
                        geo_name=mapfig.GEO_ASSET_NAME,
                        geometry=geometry.replace("</", "<\\/"),
                        plotly=Path(alt_js).read_text(encoding="utf-8"),
                        width=first["width"] or 900,
                        figure=figure,
                    ),
                    encoding="utf-8",
                )
                out["warmup"]["alt_bundle"] = load(alt)
            for _ in range(PAGE_LOADS):
                out["loads"]["report"].append(load(report))
                out["loads"]["floor"].append(load(floor))
                if alt:
                    out["loads"]["alt_bundle"].append(load(alt))

            # slider steps: two neighbouring months whose markers differ, alternating between them
            timing, rctx, rpage = load(report, keep=True)
            low = rpage.evaluate(CHANGING_MONTH_JS)
            updates = [rpage.evaluate(CAPTURE_JS, [low + 1]), rpage.evaluate(CAPTURE_JS, [low])]
            timing, fctx, fpage = load(floor, keep=True)
            months = rpage.evaluate("() => JSON.parse(document.getElementById('bk-data').textContent).months")
            out["step_months"] = [months[low], months[low + 1]]
            for i in range(3 + SLIDER_STEPS):  # 3 warm-up steps each
                value = low + 1 if i % 2 == 0 else low
                rpage.bring_to_front()
                r = rpage.evaluate(STEP_JS, [value])
                fpage.bring_to_front()
                f = fpage.evaluate(FLOOR_STEP_JS, [updates[i % 2]])
                if i >= 3 and r and f:
                    out["steps"]["report"].append(r)
                    out["steps"]["floor"].append(f)
                elif not (r and f):
                    out["errors"].append(f"step {i}: no plotly_restyle event within 10 s")
            rctx.close()
            fctx.close()
        finally:
            browser.close()
    for kind in ("loads", "steps"):
        for side, runs in out[kind].items():
            keys = (
                ("ready", "painted", "dom_content_loaded", "load") if kind == "loads" else ("sync", "restyle", "frames")
            )
            out.setdefault(f"{kind}_median_ms", {})[side] = {k: median([r[k] for r in runs]) for k in keys}
    out["foreign_requests"] = sorted({u for r in out["loads"]["report"] for u in r["foreign_requests"]})
    results["browser"] = out


LAB_CODE = """
import json, sys
sys.path.insert(0, {project!r})
from bench.lab_step import measure_lab_month_step
value = measure_lab_month_step({runs})
print("BENCH_JSON " + json.dumps(value))
"""


def figure_lab(tmp: Path, results: dict) -> None:
    log("6. JupyterLab month change -> updated map (bench/lab_step.py)")
    lab: dict = {"median_ms": None}
    if not (BENCH / "lab_step.py").exists():
        lab["not_measured"] = "bench/lab_step.py is missing"
    else:
        timeout = max(60, min(180, BUDGET_S - elapsed() - RESERVE["profile"] - RESERVE["scale"]))
        r = run([PY, "-c", LAB_CODE.format(project=str(PROJECT), runs=LAB_RUNS)], timeout=timeout, watch=False)
        lab["seconds"] = r["seconds"]
        found = re.search(r"^BENCH_JSON (.*)$", r["stdout"], flags=re.M)
        if r["rc"] != 0 or not found:
            reason = (
                f"timed out after {timeout:.0f} s"
                if r["timed_out"]
                else ((r["stderr"].strip().splitlines() or ["no output"])[-1])
            )
            lab["not_measured"] = f"measure_lab_month_step failed: {reason}"
            lab["stderr_tail"] = r["stderr"][-1500:]
        else:
            value = json.loads(found.group(1))
            runs = value if isinstance(value, list) else [value]
            lab["runs_ms"] = runs
            lab["median_ms"] = median(runs)
    results["lab"] = lab


def figure_profile(tmp: Path, results: dict) -> None:
    log("9. profile of one render (phases in process, cells from papermill): defaults, then 100x")
    runs = {"default": []}
    big = tmp / "synthetic-100x"
    if big.is_dir() and elapsed() < BUDGET_S - 30:
        runs["100x"] = [str(big), "start_month=2022-02", "end_month=2024-12"]
    profiles = {}
    for name, extra in runs.items():
        target = tmp / f"profile-{name}.json"
        r = run(
            [PY, str(BENCH / "run.py"), "--profile", str(tmp / f"profile-{name}"), str(target), *extra],
            timeout=max(30, min(120, 590 - elapsed())),
            watch=False,
        )
        if r["rc"] != 0:
            profiles[name] = {"error": (r["stderr"] or "timed out")[-1500:]}
            continue
        prof = json.loads(target.read_text(encoding="utf-8"))
        prof["process_wall_s"] = r["seconds"] - prof["cprofile_rerun_s"]  # without the cProfile re-run at the end
        prof["interpreter_start_and_exit_s"] = prof["process_wall_s"] - prof["in_process_total_s"]
        profiles[name] = prof
    results["profile"] = profiles


def figure_scale(tmp: Path, results: dict) -> None:
    log("8. scale: synthetic data at 1x, 10x, 100x events (35 months)")
    sys.path.insert(0, str(PROJECT))
    from bench import synthetic

    data_dirs, info = {}, {}
    for factor in SCALE_FACTORS:
        directory = tmp / f"synthetic-{factor}x"
        start = time.perf_counter()
        info[factor] = synthetic.generate(directory, factor, seed=0)
        info[factor]["generate_s"] = time.perf_counter() - start
        c = run([CLI, "check", "--data", str(directory), "-p", "end_month=2024-12"], watch=False)
        info[factor]["check_s"], info[factor]["check_ok"] = c["seconds"], c["rc"] == 0
        if c["rc"] != 0:
            info[factor]["check_error"] = c["stderr"][-1500:]
        data_dirs[factor] = directory
    runs: dict = {f: [] for f in SCALE_FACTORS}

    def render(factor):
        timeout = max(30.0, min(SCALE_TIMEOUT_S, 585 - elapsed()))  # never past the 10-minute limit
        r = run(
            [
                CLI,
                "render",
                "--data",
                str(data_dirs[factor]),
                "-p",
                "start_month=2022-02",
                "-p",
                "end_month=2024-12",
                "--out",
                str(tmp / f"scale-{factor}x"),
                "--force",
            ],
            timeout=timeout,
        )
        files = list((tmp / f"scale-{factor}x").glob("*.html"))
        r["html_bytes"] = files[0].stat().st_size if files and r["rc"] == 0 else None
        return r

    # warm-up: the 1x render (the code and the real data are warm from the other figures)
    warm = render(1)
    for index in range(SCALE_ROUNDS):
        started = time.perf_counter()
        for factor in SCALE_FACTORS:
            if not info[factor]["check_ok"]:
                continue
            if index > 0 and runs[factor] and runs[factor][-1]["timed_out"]:
                continue  # it timed out once: not again
            runs[factor].append(render(factor))
            log(f"  {factor}x: {runs[factor][-1]['seconds']:.1f} s")
        took = time.perf_counter() - started
        if index + 1 < SCALE_ROUNDS and elapsed() + took + RESERVE["profile"] > BUDGET_S:
            log(f"  time budget: {index + 1} round(s) of the scale renders")
            break
    sections, dangling = {}, {}
    for factor in SCALE_FACTORS:
        files = list((tmp / f"scale-{factor}x").glob("*.html"))
        if files:
            text = files[0].read_text(encoding="utf-8")
            sections[factor] = html_sections(text)
            dangling[factor] = dangling_links(text)
    browser = {}
    pages = {f: next(iter((tmp / f"scale-{f}x").glob("*.html")), None) for f in (1, 100)}
    if all(pages.values()) and elapsed() < BUDGET_S - RESERVE["profile"] - 40:
        try:
            browser = scale_browser(pages)
        except Exception as exc:  # noqa: BLE001 - extra information only
            browser = {"error": f"{type(exc).__name__}: {exc}"}
    results["scale"] = {
        "browser": browser,
        "info": {str(k): v for k, v in info.items()},
        "warmup": warm,
        "runs": {str(k): v for k, v in runs.items()},
        "median_s": {str(k): median([r["seconds"] for r in v if r["rc"] == 0]) for k, v in runs.items()},
        "timed_out": {str(k): any(r["timed_out"] for r in v) for k, v in runs.items()},
        "html_bytes": {str(k): (v[-1]["html_bytes"] if v else None) for k, v in runs.items()},
        "sections": {str(k): v for k, v in sections.items()},
        "dangling_links": {str(k): v for k, v in dangling.items()},
        "months": 35,
        "timeout_s": SCALE_TIMEOUT_S,
    }


def scale_browser(pages: dict, loads: int = 3, steps: int = 10) -> dict:
    """Page load and slider step of the 1x and 100x reports (35 months), alternating: how the page scales."""
    from playwright.sync_api import sync_playwright

    out = {str(f): {"ready_ms": [], "step_ms": []} for f in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for i in range(loads + 1):  # the first load of each is a warm-up
                for factor, path in pages.items():
                    context = browser.new_context()
                    page = context.new_page()
                    page.add_init_script(OBSERVER_JS)
                    page.goto(path.as_uri(), wait_until="load", timeout=60000)
                    page.wait_for_function("window.__bench && window.__bench.painted !== null", timeout=60000)
                    if i:
                        out[str(factor)]["ready_ms"].append(page.evaluate("window.__bench.ready"))
                    if i == 1:
                        low = page.evaluate(CHANGING_MONTH_JS)
                        for j in range(steps + 2):
                            r = page.evaluate(STEP_JS, [low + 1 if j % 2 == 0 else low])
                            if j >= 2 and r:
                                out[str(factor)]["step_ms"].append(r["restyle"])
                    context.close()
        finally:
            browser.close()
    for v in out.values():
        v["ready_median_ms"], v["step_median_ms"] = median(v["ready_ms"]), median(v["step_ms"])
    return out


# --------------------------------------------------------------------------- report


def fmt_s(value) -> str:
    return "—" if value is None else (f"{value:.2f} s" if value < 10 else f"{value:.1f} s")


def fmt_ms(value) -> str:
    return "—" if value is None else f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def fmt_mb(value) -> str:
    return "—" if value is None else f"{value / MB:.2f} MB ({value:,} B)"


def verdict(ok) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**NO**")


def _rows_render(results: dict, row: Callable[..., None]) -> None:
    """Rows 1a and 1b: the default render against the toolchain floor and the naive pipeline."""
    rd = results.get("render", {})
    m = rd.get("median_s", {})
    if m:
        r, f, n = m.get("render"), m.get("floor"), m.get("naive")
        cpu = rd.get("median_cpu_s", {})
        rc, fc, nc = cpu.get("render"), cpu.get("floor"), cpu.get("naive")
        row(
            "1a. Default render (fresh process, --force)",
            fmt_s(r),
            f"toolchain floor {fmt_s(f)}",
            (f"{r / f:.2f}× (CPU {rc / fc:.2f}×)" if rc and fc else f"{r / f:.2f}×") if r and f else "—",
            "≤ 1.3× floor",
            (r / f <= 1.3) if r and f else None,
            gap=f"{r - 1.3 * f:.2f} s over 1.3 × floor ({1.3 * f:.2f} s)" if r and f else "",
        )
        row(
            "1b. Default render vs naive two-CLI pipeline",
            fmt_s(r),
            f"papermill + nbconvert CLIs {fmt_s(n)}",
            (f"{n / r:.1f}× faster (CPU {nc / rc:.1f}×)" if rc and nc else f"{n / r:.1f}× faster") if r and n else "—",
            "≥ 2× faster",
            (n / r >= 2) if r and n else None,
            gap=f"{r - n / 2:.2f} s over half the naive time ({n / 2:.2f} s)" if r and n else "",
        )


def _rows_cache(results: dict, row: Callable[..., None]) -> None:
    """Row 2: the cache-hit re-render against the CLI start-up."""
    c = results.get("cache", {}).get("median_s", {})
    if c:
        hit = c.get("cache_hit")
        row(
            "2. Cache-hit re-render (fresh process)",
            fmt_s(hit),
            f"`bakhmut-report params` {fmt_s(c.get('cli_floor'))}",
            f"{hit / c['cli_floor']:.2f}×" if hit and c.get("cli_floor") else "—",
            "≤ 0.5 s",
            (hit <= 0.5 and results["cache"]["all_cache_hits"]) if hit else None,
            gap=f"{hit - 0.5:.2f} s over 0.5 s" if hit else "",
        )


def _rows_batch(results: dict, row: Callable[..., None]) -> None:
    """Row 3: the batch of 8 variants against one render."""
    b = results.get("batch", {}).get("median_s", {})
    bc = results.get("batch", {}).get("median_cpu_s", {})
    if b:
        row(
            "3. Batch of 8 variants (4 cities × 2 languages)",
            fmt_s(b.get("batch8")),
            f"one render {fmt_s(b.get('one_render'))}",
            f"{b['batch8'] / b['one_render']:.2f}× (CPU {bc['batch8'] / bc['one_render']:.2f}×)",
            "≤ 3× one render",
            b["batch8"] / b["one_render"] <= 3,
            gap=f"{b['batch8'] - 3 * b['one_render']:.1f} s over 3 × one render ({3 * b['one_render']:.1f} s)",
        )


def _rows_size(results: dict, row: Callable[..., None]) -> None:
    """Rows 4a-4c: the HTML size, inline and with the plotly.js CDN."""
    s = results.get("size")
    if s:
        d, pj, cdn = s["default_bytes"], s["plotly_min_js_bytes"], s["cdn_bytes"]
        row(
            "4a. HTML size, default (inline plotly.js)",
            fmt_mb(d),
            f"plotly.min.js {fmt_mb(pj)}",
            f"{(d - pj) / MB:+.3f} MB",
            "≤ +0.4 MB (419,430 B)",
            d - pj <= 419_430,
            gap=f"{d - pj - 419_430:,} bytes over",
        )
        inl = s["sections_default"].get("plotly.js")
        if inl and inl != pj:
            row(
                "4a′. HTML size over the plotly.js bundle it inlines",
                fmt_mb(d),
                f"inlined bundle {fmt_mb(inl)}",
                f"{(d - inl) / MB:+.3f} MB",
                "≤ +0.4 MB (419,430 B)",
                d - inl <= 419_430,
                gap=f"{d - inl - 419_430:,} bytes over",
            )
        row(
            "4b. HTML size, default, absolute",
            fmt_mb(d),
            "—",
            "—",
            "≤ 5.3 MB",
            d <= 5.3 * MB,
            gap=f"{d - 5.3 * MB:,.0f} bytes over",
        )
        row(
            "4c. HTML size, `-p plotly_js=cdn`",
            fmt_mb(cdn),
            f"default {fmt_mb(d)}",
            f"{cdn / d:.3f}×",
            "≤ 0.5 MB",
            cdn <= 0.5 * MB,
            gap=f"{cdn - 0.5 * MB:,.0f} bytes over",
        )


def _rows_browser(results: dict, row: Callable[..., None]) -> None:
    """Rows 5a and 5b: page load and slider step in the browser."""
    br = results.get("browser", {})
    if br.get("loads_median_ms"):
        lr, lf = br["loads_median_ms"]["report"]["ready"], br["loads_median_ms"]["floor"]["ready"]
        row(
            "5a. Page load from disk → map drawn (data-ready)",
            fmt_ms(lr),
            f"bare page, same figure + same plotly.js {fmt_ms(lf)}",
            f"{lr / lf:.2f}×",
            "≤ 1.5 s",
            lr <= 1500,
            gap=f"{lr - 1500:.0f} ms over 1.5 s; the bare plotly.js page alone takes {lf:.0f} ms",
        )
        sr, sf = br["steps_median_ms"]["report"]["restyle"], br["steps_median_ms"]["floor"]["restyle"]
        row(
            "5b. Slider step → restyle done",
            fmt_ms(sr),
            f"Plotly.restyle alone {fmt_ms(sf)}",
            f"{sr / sf:.2f}×" if sf else "—",
            "≤ 50 ms",
            sr <= 50,
            gap=f"{sr - 50:.0f} ms over 50 ms",
        )
    elif br.get("not_measured"):
        row("5. Page load / slider step", "not measured", "—", "—", "≤ 1.5 s / ≤ 50 ms", None, br["not_measured"])


def _rows_lab(results: dict, row: Callable[..., None]) -> None:
    """Row 6: the JupyterLab month change, against the static page step."""
    br = results.get("browser", {})
    lab = results.get("lab", {})
    if lab:
        ref = br.get("steps_median_ms", {}).get("report", {}).get("restyle") if br else None
        if lab.get("median_ms") is not None:
            row(
                "6. JupyterLab month change → updated map",
                fmt_ms(lab["median_ms"]),
                f"static page step {fmt_ms(ref)} (reference)",
                f"{lab['median_ms'] / ref:.1f}×" if ref else "—",
                "≤ 150 ms",
                lab["median_ms"] <= 150,
                gap=f"{lab['median_ms'] - 150:.0f} ms over 150 ms",
            )
        else:
            row(
                "6. JupyterLab month change → updated map",
                "not measured",
                "—",
                "—",
                "≤ 150 ms",
                None,
                lab.get("not_measured", ""),
            )


def _rows_memory(results: dict, row: Callable[..., None]) -> None:
    """Row 7: the peak memory of a render."""
    mem = results.get("memory", {})
    if mem.get("render"):
        rr, fr = mem["render"]["peak_rss_kb_by_role_median"], mem["floor"]["peak_rss_kb_by_role_median"]
        row(
            "7. Peak memory of a render: CLI process + kernel",
            f"{rr.get('main', 0) / 1024:.0f} + {rr.get('kernel', 0) / 1024:.0f} MB",
            f"floor {fr.get('main', 0) / 1024:.0f} + {fr.get('kernel', 0) / 1024:.0f} MB",
            f"{(rr.get('main', 0) + rr.get('kernel', 0)) / max(1, fr.get('main', 0) + fr.get('kernel', 0)):.2f}×",
            "— (reported)",
            None,
        )


def _rows_scale(results: dict, row: Callable[..., None]) -> None:
    """Rows 8a and 8b: render time and HTML growth at 100x events."""
    sc = results.get("scale", {})
    if sc.get("median_s"):
        t1, t100 = sc["median_s"].get("1"), sc["median_s"].get("100")
        timed_out = sc["timed_out"].get("100")
        this = f"> {sc['timeout_s']} s (timed out)" if timed_out and t100 is None else fmt_s(t100)
        row(
            "8a. Render at 100× events (540 settlements, 8,400 events, 35 months)",
            this,
            f"1× (real data, 35 months) {fmt_s(t1)}",
            f"{t100 / t1:.1f}×" if t1 and t100 else "—",
            "≤ 2× the default",
            (t100 / t1 <= 2) if t1 and t100 else (False if timed_out else None),
            gap=(
                f"{t100 - 2 * t1:.1f} s over 2 × 1× ({2 * t1:.1f} s)"
                if t1 and t100
                else f"did not finish within {sc['timeout_s']} s"
            ),
        )
        growth = size_growth(sc)
        if growth:
            flagged = growth["flagged"]
            row(
                f"8b. HTML growth 10× → 100× (events ×10, settlements ×{growth['settlement_factor']:.2f}, months ×1)",
                f"page minus plotly.js ×{growth['payload_factor']:.2f}",
                f"settlements × months ×{growth['settlement_factor']:.2f}",
                ", ".join(f"{k.strip()} ×{v['factor']:.1f}" for k, v in flagged.items()) or "no part outgrows S×M",
                "grows with settlements × months, not events",
                not flagged,
                gap="; ".join(
                    f"{k.strip()} grows ×{v['factor']:.1f} (+{v['bytes']:,} B) while settlements × months "
                    f"grow ×{growth['settlement_factor']:.2f}"
                    for k, v in flagged.items()
                ),
            )


TABLE_ROWS = [
    _rows_render,
    _rows_cache,
    _rows_batch,
    _rows_size,
    _rows_browser,
    _rows_lab,
    _rows_memory,
    _rows_scale,
]  # in table order


def build_rows(results: dict) -> list[dict]:
    """The summary table's rows; a figure whose rows fail gets one row that says so."""
    rows = []

    def row(figure, this, baseline, ratio, target, met, note="", gap=""):
        rows.append(
            {
                "figure": figure,
                "this": this,
                "baseline": baseline,
                "ratio": ratio,
                "target": target,
                "met": met,
                "note": note,
                "gap": gap,
            }
        )

    for add_rows in TABLE_ROWS:
        try:
            add_rows(results, row)
        except Exception as exc:  # noqa: BLE001 - one broken figure must not lose the table
            row(f"(a row could not be built: {type(exc).__name__}: {exc})", "—", "—", "—", "—", None)
    return rows


FIXED_PARTS = ("plotly.js", "geometry", "head and page frame", "cell load", "cell header", "total")


def size_growth(sc: dict) -> dict | None:
    """How each part of the page grows from 10x to 100x, against the growth of settlements x months.

    A part is flagged when it grows more than 1.5x faster than settlements x months
    (months are fixed at 35) and by more than 50 kB: it then follows events (or things
    that grow with them: changes of control, sources) rather than the map's size.
    """
    sec, info = sc.get("sections", {}), sc.get("info", {})
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
    fixed = a.get("plotly.js", 0) + a.get("geometry", 0)
    payload_factor = (b["total"] - fixed) / max(1, a["total"] - fixed)
    return {
        "settlement_factor": settlement_factor,
        "event_factor": info["100"]["events"] / info["10"]["events"],
        "payload_factor": payload_factor,
        "parts": parts,
        "flagged": flagged,
    }


def markdown(results: dict, rows: list[dict]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`bench/run.py`) on {results['meta']['date']} — "
        f"{results['meta']['cpus']} CPUs, Python {results['meta']['python']}, "
        f"load average {results['meta']['load_start']} at the start, {results['meta'].get('load_end')} at the end; "
        f"the whole bench took {results['meta'].get('total_s', 0):.0f} s. Raw numbers: `bench/results.json`.",
        "",
        "| figure | this project | baseline | ratio | target | met? |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(
            f"| {r['figure']} | {r['this']}{note} | {r['baseline']} | {r['ratio']} | {r['target']} | "
            f"{verdict(r['met'])} |"
        )
    missed = [r for r in rows if r["met"] is False]
    lines += [
        "",
        "Missed: " + ("; ".join(f"{r['figure'].split(' ')[0]} {r['gap']}" for r in missed) if missed else "none") + ".",
    ]
    lines += ["", *details(results)]
    return "\n".join(lines) + "\n"


def _details_render(results: dict, out: list[str]) -> None:
    """Section 1: render time against the toolchain floor and the naive pipeline."""
    rd = results.get("render")
    if rd:
        n = {k: len(ok_runs(v)) for k, v in rd["runs"].items()}
        cpu = rd["median_cpu_s"]
        out += [
            "## 1. Render time",
            "",
            f"Medians of {n['render']} renders, {n['floor']} floors and {n['naive']} naive pipelines, run in "
            "turn (render, floor, naive, render, ...) after one warm-up of each; every run is a fresh process "
            "from the project directory with `.venv/bin` first on PATH.",
            "",
            "- **render**: `bakhmut-report render --force --out TMP` (report_params.yaml).",
            "- **toolchain floor**: one fresh Python process that imports papermill and nbconvert, executes "
            "`bench/floor.ipynb` (only a `parameters` cell with the same names, same values) with papermill's "
            "API, exports it with nbconvert's stock `HTMLExporter` and writes the HTML (and the notebook). "
            'It applies the same `sys.modules.setdefault("rfc3987_syntax", None)` import fix as '
            "`bakhmut_report/__init__.py`, so the floor is the toolchain at its best (without it each of "
            "these processes pays ~2.6 s to build rfc3987's grammar).",
            "- **naive**: `papermill notebooks/bakhmut.ipynb OUT.ipynb -f report_params.yaml`, then "
            "`jupyter nbconvert --to html OUT.ipynb`, two processes timed together (without the import fix; "
            "the naive run also executes the live-only explorer cell).",
            "",
            "| | median wall | median CPU (process tree) | HTML |",
            "| --- | --- | --- | --- |",
        ]
        for k in ("render", "floor", "naive"):
            out.append(f"| {k} | {fmt_s(rd['median_s'][k])} | {fmt_s(cpu[k])} | {fmt_mb(rd['html_bytes'][k])} |")
        naive = ok_runs(rd["runs"]["naive"])
        out += [
            "",
            f"Naive pipeline split: papermill {fmt_s(median([r['papermill_s'] for r in naive]))}, "
            f"nbconvert {fmt_s(median([r['nbconvert_s'] for r in naive]))}. "
            f"Render runs: {', '.join(f'{r:.2f}' for r in seconds_of(rd['runs']['render']))} s; floor: "
            f"{', '.join(f'{r:.2f}' for r in seconds_of(rd['runs']['floor']))} s.",
            "",
        ]
        if not rd["parameter_names_match"]:
            out += ["**Warning**: bench/floor.ipynb's parameter names differ from notebooks/bakhmut.ipynb's.", ""]


def _details_memory(results: dict, out: list[str]) -> None:
    """Section 7: peak memory of each process of a render."""
    mem = results.get("memory")
    if mem:
        out += [
            "## 7. Peak memory",
            "",
            "Peak resident set (VmHWM from /proc, polled every 50 ms) of each process of the tree, median over "
            "the runs of figure 1; `tree max` is the kernel's ru_maxrss of the whole tree (the largest process).",
            "",
            "| | CLI / main process | kernel | tree max | peak sum of the tree |",
            "| --- | --- | --- | --- | --- |",
        ]
        for k, v in mem.items():
            roles = v["peak_rss_kb_by_role_median"]
            out.append(
                f"| {k} | {(roles.get('main') or 0) / 1024:.0f} MB | {(roles.get('kernel') or 0) / 1024:.0f} MB | "
                f"{(v['maxrss_kb_tree_median'] or 0) / 1024:.0f} MB | "
                f"{(v['peak_total_rss_kb_median'] or 0) / 1024:.0f} MB |"
            )
        out.append("")


def _details_cache(results: dict, out: list[str]) -> None:
    """Section 2: the cache-hit re-render."""
    c = results.get("cache")
    if c:
        out += [
            "## 2. Cache hit",
            "",
            f"`bakhmut-report render --out TMP` on the output of figure 1 (unchanged inputs): "
            f"median {fmt_s(c['median_s']['cache_hit'])} over {len(c['runs']['cache_hit'])} runs; every run reported a "
            f"cache hit: {c['all_cache_hits']}. Baseline: `bakhmut-report params` (interpreter + CLI start-up, no "
            f"data), median {fmt_s(c['median_s']['cli_floor'])}.",
            "",
        ]


def _details_batch(results: dict, out: list[str]) -> None:
    """Section 3: the batch of 8 variants."""
    b = results.get("batch")
    if b:
        out += [
            "## 3. Batch",
            "",
            f"`bakhmut-report batch variants.yaml --force` with 4 focus cities × 2 languages "
            f"({b['cpu_count']} workers = CPU count) vs `bakhmut-report render --force`, alternating, "
            f"{len(b['runs']['batch8'])} runs each after a warm-up (a 2-variant batch and one render). Median "
            f"wall {fmt_s(b['median_s']['batch8'])} vs {fmt_s(b['median_s']['one_render'])}; median CPU of the "
            f"process tree {fmt_s(b['median_cpu_s']['batch8'])} vs {fmt_s(b['median_cpu_s']['one_render'])}. "
            f"CPU-bound floor on {b['cpu_count']} cores: 8 × one render's CPU / cores = "
            f"{fmt_s(8 * b['median_cpu_s']['one_render'] / b['cpu_count'])}.",
        ]
        per = [r["variant_seconds"] for r in ok_runs(b["runs"]["batch8"]) if r.get("variant_seconds")]
        if per:
            inside = median([sum(v) / b["cpu_count"] for v in per])
            out += [
                f"Per variant (the batch's own summary), median {fmt_s(median([x for v in per for x in v]))}; "
                f"the variants' times divided by the {b['cpu_count']} workers add up to {fmt_s(inside)} of the "
                f"{fmt_s(b['median_s']['batch8'])} wall time, the rest is start-up (pool, worker imports) and "
                "the uneven last round."
            ]
        out.append("")


def _details_size(results: dict, out: list[str]) -> None:
    """Section 4: the default report's bytes by part."""
    s = results.get("size")
    if s:
        out += ["## 4. HTML size", "", "Default report by part (bytes):", "", "| part | bytes |", "| --- | ---: |"]
        out += [f"| {k} | {v:,} |" for k, v in s["sections_default"].items()]
        out += ["", f"`-p plotly_js=cdn` writes {s['cdn_file']}: {s['cdn_bytes']:,} bytes.", ""]


def _details_browser(results: dict, out: list[str]) -> None:
    """Section 5: page load and slider step in headless Chromium."""
    br = results.get("browser")
    if br and br.get("loads_median_ms"):
        lm, sm = br["loads_median_ms"], br["steps_median_ms"]
        out += [
            "## 5. Browser",
            "",
            f"Headless Debian Chromium (Playwright, {', '.join(CHROMIUM_ARGS)}), a fresh browser context and page per "
            f"load, {len(br['loads']['report'])} loads of each page in turn after a warm-up. Times are "
            "`performance.now()` in the page (0 = navigation start): **ready** = a MutationObserver sees "
            '`data-ready="true"` on the map div (report.js sets it when Plotly.newPlot resolves); **painted** = two '
            "animation frames later. Baseline: a bare page with only the geometry, the same plotly.js bundle the "
            "report inlines and the same figure JSON, drawn with Plotly.newPlot.",
            "",
            "| page | ready | painted | DOMContentLoaded | load |",
            "| --- | --- | --- | --- | --- |",
        ]
        for k in lm:
            v = lm[k]
            out.append(
                f"| {k} | {fmt_ms(v['ready'])} | {fmt_ms(v['painted'])} | {fmt_ms(v['dom_content_loaded'])} | "
                f"{fmt_ms(v['load'])} |"
            )
        if br.get("alt_bundle"):
            out += [
                "",
                f"alt_bundle: the bare page with `$BENCH_ALT_PLOTLY_JS` = {br['alt_bundle']['path']} "
                f"({br['alt_bundle']['bytes']:,} bytes) instead of the bundle the report inlines.",
            ]
        out += [
            "",
            f"Slider steps between {br['step_months'][0]} and {br['step_months'][1]} (markers differ), "
            f"{len(br['steps']['report'])} steps after 3 warm-up steps, alternating with the baseline. In the page: "
            "t0 = performance.now(); set #bk-month's value; dispatch `input`; **restyle** = the `plotly_restyle` event "
            "(after report.js's whole handler: restyle, event list, reach list); **frames** = two animation frames "
            "after that. Baseline: `Plotly.restyle` with the very same update object (captured from report.js) on the "
            "bare page.",
            "",
            "| | handler returned | restyle done | + 2 frames |",
            "| --- | --- | --- | --- |",
        ]
        for k in ("report", "floor"):
            v = sm[k]
            out.append(f"| {k} | {fmt_ms(v['sync'])} | {fmt_ms(v['restyle'])} | {fmt_ms(v['frames'])} |")
        out += [
            "",
            f"Requests other than file://: {br['foreign_requests'] or 'none'}; page errors: {br['errors'] or 'none'}.",
            "",
        ]


def _details_lab(results: dict, out: list[str]) -> None:
    """Section 6: the JupyterLab month change."""
    lab = results.get("lab")
    if lab:
        out += ["## 6. JupyterLab", ""]
        if lab.get("median_ms") is not None:
            out += [
                f"`bench.lab_step.measure_lab_month_step({LAB_RUNS})` (a real JupyterLab on a copy of the notebook, "
                f"key press on the month slider → map markers changed in the DOM): median {fmt_ms(lab['median_ms'])}; "
                f"runs: {', '.join(f'{v:.0f}' for v in lab['runs_ms'])} ms ({fmt_s(lab.get('seconds'))} in all).",
                "",
            ]
        else:
            out += [f"Not measured: {lab.get('not_measured')}", ""]


def _details_profile(results: dict, out: list[str]) -> None:
    """Section 9: where a render's time goes, phase by phase."""
    profiles = {k: v for k, v in (results.get("profile") or {}).items() if isinstance(v, dict) and "phases" in v}
    if profiles:
        names = list(profiles)
        out += [
            "## 9. Where a render's time goes",
            "",
            "One `render --force` in one fresh process (`bench/run.py --profile`): it calls the package's own "
            "`bakhmut_report.render.render` with timing wrappers around the functions it uses, and reads papermill's "
            "per-cell timings (`metadata.papermill.duration`) before the package normalises them. The heavy imports "
            "(which the CLI does lazily inside render) are timed first. Columns: the defaults, and the 100× synthetic "
            "data with 35 months (if the scale figure ran).",
            "",
            "| phase | " + " | ".join(f"{n} s | share" for n in names) + " |",
            "| --- |" + " ---: | ---: |" * len(names),
        ]
        order = ["interpreter start-up, bench script import, exit"] + [
            ph["phase"] for ph in profiles[names[0]]["phases"]
        ]
        for label in order:
            cells_ = []
            for n in names:
                prof = profiles[n]
                value = (
                    prof["interpreter_start_and_exit_s"]
                    if label == "interpreter start-up, bench script import, exit"
                    else next((ph["seconds"] for ph in prof["phases"] if ph["phase"] == label), None)
                )
                cells_.append("— | —" if value is None else f"{value:.3f} | {value / prof['process_wall_s']:.0%}")
            out.append(f"| {label} | " + " | ".join(cells_) + " |")
        out.append(
            "| **process wall** | "
            + " | ".join(f"**{profiles[n]['process_wall_s']:.3f}** | 100%" for n in names)
            + " |"
        )
        out += [
            "",
            "Kernel side: papermill's per-cell durations (seconds):",
            "",
            "| cell | first line | " + " | ".join(names) + " |",
            "| --- | --- |" + " ---: |" * len(names),
        ]
        first = profiles[names[0]]["cells"]
        for _i, cell in enumerate(first):
            values = []
            for n in names:
                match = next((c for c in profiles[n]["cells"] if c["cell"] == cell["cell"]), None)
                values.append(f"{match['duration'] or 0:.3f}" if match else "—")
            out.append(f"| {cell['cell']} | `{cell['source'].replace('|', '/')}` | " + " | ".join(values) + " |")
        for n in names:
            out += [
                "",
                f"{n}: the report's blocks re-run in process (warm imports) under cProfile; the heaviest "
                "package functions by cumulative time:",
                "",
                "| function | calls | cumulative s | own s |",
                "| --- | ---: | ---: | ---: |",
            ]
            for f in profiles[n]["top_functions"]:
                out.append(f"| `{f['function']}` | {f['calls']} | {f['cumulative_s']:.3f} | {f['own_s']:.3f} |")
        out.append("")


def _details_scale(results: dict, out: list[str]) -> None:
    """Section 8: render time and HTML size on synthetic data."""
    sc = results.get("scale")
    if sc and sc.get("info"):
        out += [
            "## 8. Scale (synthetic data, `bench/synthetic.py`)",
            "",
            "Synthetic rows in the project's own schema appended to a copy of data/ (seed 0; passes `bakhmut-report "
            "check --data DIR`). Events grow by the factor (84 → 840 → 8,400); settlements by factor^0.65 "
            "(27 → 121 → 540, i.e. 20× at 100× events: the map gets denser and each place's history longer); sources "
            "one per 8 added events. Claims/confirmations are ~45–50 % of the synthetic rows, in consistent chains. "
            "Dates span 2022-02-24..2024-12-31, the validator's window (2025-01 would be refused), so every render "
            "uses `-p start_month=2022-02 -p end_month=2024-12`: 35 months. 1× is the real data unchanged. Renders "
            f"alternate 1×, 10×, 100× per round; a render is stopped after {sc['timeout_s']} s.",
            "",
            "| factor | settlements | events | sources | check | render (median) | runs | HTML |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        for k, info in sc["info"].items():
            runs = sc["runs"].get(k, [])
            out.append(
                f"| {k}× | {info['settlements']} | {info['events']:,} | {info['sources']:,} | "
                f"{fmt_s(info['check_s'])} | {fmt_s(sc['median_s'].get(k))} | "
                f"{', '.join(format(r['seconds'], '.1f') for r in runs)} s | "
                f"{fmt_mb(sc['html_bytes'].get(k))} |"
            )
        if sc.get("sections"):
            keys = list(next(iter(sc["sections"].values())).keys())
            out += [
                "",
                "HTML bytes by part:",
                "",
                "| part | " + " | ".join(f"{k}×" for k in sc["sections"]) + " |",
                "| --- |" + " ---: |" * len(sc["sections"]),
            ]
            for key in keys:
                out.append(f"| {key} | " + " | ".join(f"{v.get(key, 0):,}" for v in sc["sections"].values()) + " |")
            growth = size_growth(sc)
            if growth:
                out += [
                    "",
                    f"From 10× to 100× events grow ×{growth['event_factor']:.0f}, settlements "
                    f"×{growth['settlement_factor']:.2f}, months ×1. Growth of each part: "
                    + ", ".join(f"{k.strip()} ×{v['factor']:.1f}" for k, v in growth["parts"].items())
                    + ". Target 8b counts as met when no part grows more than 1.5× faster than settlements × "
                    "months (and by more than 50 kB); flagged: "
                    + (", ".join(k.strip() for k in growth["flagged"]) or "none")
                    + ".",
                ]
            sb = sc.get("browser") or {}
            if sb.get("1") and sb.get("100"):
                out += [
                    "",
                    f"In headless Chromium (as in figure 5, 35 months): page load to map ready 1× "
                    f"{fmt_ms(sb['1']['ready_median_ms'])}, 100× {fmt_ms(sb['100']['ready_median_ms'])}; "
                    f"one slider step 1× {fmt_ms(sb['1']['step_median_ms'])}, 100× "
                    f"{fmt_ms(sb['100']['step_median_ms'])} (medians of {len(sb['100']['ready_ms'])} loads and "
                    f"{len(sb['100']['step_ms'])} steps; targets 1.5 s and 50 ms are for the default report).",
                ]
            elif sb.get("error"):
                out += ["", f"Browser check of the scaled reports failed: {sb['error'][:300]}"]
            links = sc.get("dangling_links", {})
            if links:
                examples = next((v["examples"] for v in links.values() if v["examples"]), [])
                out += [
                    "",
                    'In-page links (`href="#..."`) that point to no element: '
                    + ", ".join(f"{k}×: {v['dangling']:,} of {v['links']:,}" for k, v in links.items())
                    + (f" (e.g. {', '.join(examples[:2])})" if examples else "")
                    + ".",
                ]
        out.append("")


def _details_notes(results: dict, out: list[str]) -> None:
    """The closing notes."""
    notes = results.get("notes") or []
    if notes:
        out += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]


# (place in the document, writer) of each details section, in the order they are written; a section
# that fails is reported by its 1-based position in this list.
DETAIL_SECTIONS = [
    (1, _details_render),
    (7, _details_memory),
    (2, _details_cache),
    (3, _details_batch),
    (4, _details_size),
    (5, _details_browser),
    (6, _details_lab),
    (9, _details_profile),
    (8, _details_scale),
    (99, _details_notes),
]


def details(results: dict) -> list[str]:
    """The sections after the table; a section that fails says so and the others still appear."""
    out = []
    chunks: list[tuple[int, list[str]]] = []  # sections, put in figure order at the end
    for name in ("render", "cache", "batch"):
        for side, errors in (results.get(name, {}).get("failures") or {}).items():
            out += [
                f"**{len(errors)} failed {side} run(s)** in figure {name} (left out of the medians): {errors[0][:400]}",
                "",
            ]
    for number, (place, write_section) in enumerate(DETAIL_SECTIONS, start=1):
        section: list[str] = []  # a section that fails keeps the lines it wrote before the error
        try:
            write_section(results, section)
        except Exception as exc:  # noqa: BLE001
            section += [f"(section {number} of the details could not be written: {type(exc).__name__}: {exc})", ""]
        chunks.append((place, section))
    for _, chunk in sorted(chunks, key=lambda c: c[0]):
        out += chunk
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--floor"]:
        return floor_main(*argv[1:3])
    if argv[:1] == ["--profile"]:
        return profile_main(*argv[1:])
    only = set(argv[1].split(",")) if argv[:1] == ["--only"] and len(argv) > 1 else None
    results: dict = {
        "meta": {
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_start": os.getloadavg()[0].__round__(2),
            "machine": platform.platform(),
        },
        "notes": [],
    }
    tmp = Path(tempfile.mkdtemp(prefix="bakhmut-bench-"))
    figures = [
        ("render", figure_render),
        ("cache", figure_cache),
        ("batch", figure_batch),
        ("size", figure_size),
        ("browser", figure_browser),
        ("lab", figure_lab),
        ("scale", figure_scale),
        ("profile", figure_profile),
    ]
    try:
        if only and "render" not in only:  # the other figures reuse figure 1's default render
            check(run([CLI, "render", "--force", "--out", str(tmp / "render")]), "render")
        for name, fn in figures:
            if only and name not in only:
                continue
            started = time.perf_counter()
            try:
                fn(tmp, results)
            except Exception as exc:  # noqa: BLE001 - one figure failing must not lose the others
                results.setdefault(name, {})["not_measured"] = f"{type(exc).__name__}: {exc}"
                results["notes"].append(f"figure {name} not measured: {type(exc).__name__}: {str(exc)[:300]}")
                log(f"  {name} failed: {traceback.format_exc(limit=3)}")
            results["meta"].setdefault("figure_seconds", {})[name] = time.perf_counter() - started
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["meta"]["load_end"] = round(os.getloadavg()[0], 2)
    results["meta"]["total_s"] = elapsed()
    if max(results["meta"]["load_start"], results["meta"]["load_end"]) > 1.5:
        results["notes"].append(
            f"The machine was busy (load average {results['meta']['load_start']} at the start, "
            f"{results['meta']['load_end']} at the end, on {os.cpu_count()} CPUs): other processes shared the cores, "
            "so "
            "wall times are inflated and noisy; alternating A/B keeps the ratios fair, and the CPU times in the "
            "details are steadier than the wall times."
        )
    t1 = results.get("scale", {}).get("median_s", {}).get("100")
    t0 = results.get("render", {}).get("median_s", {}).get("render")
    if t1 and t0:
        results["notes"].append(
            f"8a against the default render of figure 1 (23 months, real data): "
            f"{t1:.1f} s / {t0:.2f} s = {t1 / t0:.1f}×."
        )
    rows = build_rows(results)
    results["table"] = rows
    if only:  # a partial run (development): print, keep the last full results
        print(markdown(results, rows))
        (Path(tempfile.gettempdir()) / "bakhmut-bench-partial.json").write_text(
            json.dumps(results, indent=1, default=str), encoding="utf-8"
        )
        return 0
    (BENCH / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    md = markdown(results, rows)
    (BENCH / "results.md").write_text(md, encoding="utf-8")
    table_end = md.index("\n\n", md.index("| figure |"))
    print(md[md.index("| figure |") : md.index("\n\n", table_end + 2)])
    print(f"\nbench/results.md and bench/results.json written; the bench took {elapsed():.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
