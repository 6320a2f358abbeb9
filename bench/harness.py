"""The benchmark's harness: timing, fresh processes, Chromium, the figure protocol, the results files.

A figure is a module under ``bench/figures/`` with

* ``TITLE``: the section title;
* ``COST_S``: a rough cost in seconds (the time budget keeps room for the figures still to come);
* ``measure(ctx) -> dict``: runs the figure and its baseline (same run, alternating) and returns
  every raw number (it goes into results.json as is);
* ``rows(result) -> list[Row]``: the figure's lines of the summary table;
* ``details(result) -> str``: the figure's section of results.md (method, then the numbers).

``Context`` is what figures share: a temporary directory, the default report (rendered once),
the synthetic data sets, the results of the figures that already ran (``ctx.results``) and the
previous committed ``bench/results.json`` (``ctx.previous``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bench.browser import CHROMIUM, CHROMIUM_ARGS

PROJECT = Path(__file__).resolve().parents[1]
BENCH = PROJECT / "bench"
JS_DIR = BENCH / "js"
FIXTURES = BENCH / "fixtures"
VENV_BIN = PROJECT / ".venv" / "bin"
PY = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
CLI = str(VENV_BIN / "bakhmut-report")
VIEWPORT = {"width": 1440, "height": 900}
MB = 1024 * 1024
BUDGET_S = 330.0  # soft: optional rounds stop when the projected end passes this (aim: the whole bench ≤ 6 min)
T0 = time.perf_counter()


def elapsed() -> float:
    return time.perf_counter() - T0


def log(msg: str) -> None:
    print(f"[{elapsed():6.1f}s] {msg}", file=sys.stderr, flush=True)


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def js(name: str) -> str:
    """The text of bench/js/NAME.js (a function expression for page.evaluate, or an init script)."""
    return (JS_DIR / f"{name}.js").read_text(encoding="utf-8")


def fixture(name: str) -> Path:
    return FIXTURES / name


# --------------------------------------------------------------------------- formatting


def fmt_s(value) -> str:
    return "—" if value is None else (f"{value:.2f} s" if value < 10 else f"{value:.1f} s")


def fmt_ms(value) -> str:
    return "—" if value is None else (f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms")


def fmt_mb(value) -> str:
    return "—" if value is None else f"{value / MB:.2f} MB ({value:,} B)"


def fmt_list(values, unit: str = "", digits: int = 0) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values if v is not None) + (f" {unit}" if unit else "")


def verdict(ok) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**NO**")


def table(header: list[str], rows: list[list], align: str = "") -> str:
    """A markdown table; ``align`` is one letter per column (l or r), default left."""
    marks = [("---:" if (align[i : i + 1] == "r") else "---") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- fresh processes


def env() -> dict:
    """The environment of a user who activated the venv (no BAKHMUT_* overrides)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("BAKHMUT_")}
    e["PATH"] = f"{VENV_BIN}{os.pathsep}{e.get('PATH', '')}"
    e["VIRTUAL_ENV"] = str(PROJECT / ".venv")
    return e


def _status_kb(pid: int, name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


class TreeWatcher(threading.Thread):
    """Polls a process tree every 50 ms: peak RSS (VmHWM) of each process and the peak total RSS."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.psutil, self.pid = psutil, pid
        self.peaks: dict[int, tuple[str, int]] = {}
        self.peak_total_kb = 0
        self.done = threading.Event()

    def _role(self, proc) -> str:
        text = " ".join(proc.cmdline())
        if "ipykernel" in text:
            return "kernel"
        return "main" if proc.pid == self.pid else "child"

    def run(self) -> None:
        try:
            root = self.psutil.Process(self.pid)
        except self.psutil.Error:
            return
        roles: dict[int, str] = {}
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except self.psutil.Error:
                procs = []
            total = 0
            for proc in procs:
                if proc.pid not in roles:
                    try:
                        roles[proc.pid] = self._role(proc)
                    except self.psutil.Error:
                        continue
                hwm, rss = _status_kb(proc.pid, "VmHWM"), _status_kb(proc.pid, "VmRSS")
                if hwm:
                    old = self.peaks.get(proc.pid, (roles[proc.pid], 0))[1]
                    self.peaks[proc.pid] = (roles[proc.pid], max(old, hwm))
                total += rss or 0
            self.peak_total_kb = max(self.peak_total_kb, total)
            self.done.wait(0.05)

    def summary(self) -> dict:
        by_role: dict[str, int] = {}
        for role, kb in self.peaks.values():
            by_role[role] = max(by_role.get(role, 0), kb)
        return {"peak_rss_kb_by_role": by_role, "peak_total_rss_kb": self.peak_total_kb, "processes": len(self.peaks)}


def run(
    cmd: list[str], cwd: Path = PROJECT, timeout: float = 300, watch: bool = True, extra_env: dict | None = None
) -> dict:
    """Run one command as a fresh process (its own session): wall time, CPU of the whole tree, exit code, memory.

    CPU is ru_utime + ru_stime from wait4 of the command, which includes its reaped children
    (the kernel of a render, the workers of a batch).
    """
    out = tempfile.TemporaryFile()  # noqa: SIM115 - read back after the process ends
    err = tempfile.TemporaryFile()  # noqa: SIM115
    environment = env() | (extra_env or {})
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=environment, stdout=out, stderr=err, start_new_session=True)
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
    result: dict[str, Any] = {
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
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)  # the session of a command this bench started


def check(result: dict, what: str) -> dict:
    if result["rc"] != 0:
        raise RuntimeError(f"{what} failed (exit {result['rc']}): {result['stderr'][-800:]}")
    return result


def render_cmd(out: Path, *extra: str, force: bool = True) -> list[str]:
    return [CLI, "render", *(["--force"] if force else []), *extra, "--out", str(out)]


def seconds_of(runs: list[dict]) -> list[float]:
    return [r["seconds"] for r in ok_runs(runs) if r.get("seconds") is not None]


def ok_runs(runs: list[dict]) -> list[dict]:
    """The runs that did not fail (a failed run is {"seconds": None, "error": ...})."""
    return [r for r in runs if not r.get("error")]


def page_loads(data: dict, keys: tuple[str, ...]) -> dict:
    """The result of alternated page loads (``alternate``): the runs, their medians per key, and what
    went wrong in any of them (requests other than file://, page errors)."""
    runs = data["runs"]
    return {
        "runs": runs,
        "warmup": data["warmup"],
        "failures": data["failures"],
        "median_ms": {s: {k: median([r.get(k) for r in ok_runs(v)]) for k in keys} for s, v in runs.items()},
        "foreign_requests": sorted({u for v in runs.values() for r in v for u in r.get("foreign_requests", [])}),
        "errors": sorted({e for v in runs.values() for r in v for e in r.get("errors", [])}),
    }


def failures(runs_by_side: dict) -> dict:
    return {
        name: [r["error"] for r in runs if r.get("error")]
        for name, runs in runs_by_side.items()
        if any(r.get("error") for r in runs)
    }


def summarise(runs_by_side: dict, *keys: str) -> dict:
    """Medians of ``keys`` (default: seconds and cpu_seconds) of each side's good runs."""
    keys = keys or ("seconds", "cpu_seconds")
    return {k: {side: median([r.get(k) for r in ok_runs(runs)]) for side, runs in runs_by_side.items()} for k in keys}


def alternate(
    ctx: Context,
    sides: dict[str, Callable[[], dict]],
    rounds: int,
    warmup: int = 1,
    min_rounds: int = 2,
    rounds_for: dict | None = None,
) -> dict:
    """Each side's callable in turn (A, B, A, B, ...): ``warmup`` discarded rounds, then up to ``rounds``.

    ``rounds_for``: side -> fewer rounds for an expensive side (it joins the first rounds).
    Rounds after ``min_rounds`` are optional: skipped when the time budget runs short.
    """
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    warm: dict[str, list[dict]] = {name: [] for name in sides}

    def attempt(name: str, fn: Callable[[], dict]) -> dict:
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
            runs[name].append(attempt(name, fn))
        took = time.perf_counter() - started
        if index + 1 >= min_rounds and index + 1 < rounds and not ctx.may_continue(took):
            log(f"  time budget: stopping after {index + 1} rounds")
            break
    return {"runs": runs, "warmup": warm, "failures": failures(runs)}


# --------------------------------------------------------------------------- Chromium


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright's Python package (``playwright install`` cannot download here)."""
    if not CHROMIUM.exists():
        raise RuntimeError("Chromium is missing: `apt-get install -y chromium` (Debian), or `make chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """One page in a fresh browser context, with the requests it made and the errors it raised."""

    context: Any
    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file://", "data:", "about:", "blob:"))]

    def close(self) -> None:
        self.context.close()


def open_tab(browser, init_scripts: tuple[str, ...] = (), viewport: dict | None = None) -> Tab:
    """A fresh context (no cache shared with other loads) and page, init scripts installed before any page script."""
    context = browser.new_context(viewport=viewport or VIEWPORT)
    page = context.new_page()
    tab = Tab(context, page)
    page.on("request", lambda r: tab.requests.append(r.url))
    page.on("pageerror", lambda e: tab.errors.append(str(e)))
    for script in init_scripts:
        page.add_init_script(script)
    return tab


def load(browser, path: Path, init_scripts: tuple[str, ...] = (), wait_for: str = "", timeout_ms: int = 60000) -> Tab:
    """Open ``path`` (file://) in a fresh tab; wait for the ``load`` event, then for ``wait_for`` (a JS expression)."""
    tab = open_tab(browser, init_scripts)
    tab.page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
    if wait_for:
        tab.page.wait_for_function(wait_for, timeout=timeout_ms)
    return tab


MAP_READY = "document.getElementById('bakhmut-map') && document.getElementById('bakhmut-map').dataset.ready === 'true'"


# --------------------------------------------------------------------------- the figure protocol


@dataclass
class Row:
    """One line of the summary table. ``met``: True, False, or None (reported, no target)."""

    figure: str
    this: str
    baseline: str
    ratio: str
    target: str
    met: bool | None
    gap: str = ""  # why it is missed (used in the "Missed:" line)


class Figure(Protocol):
    TITLE: str
    COST_S: float

    def measure(self, ctx: Context) -> dict: ...

    def rows(self, result: dict) -> list[Row]: ...

    def details(self, result: dict) -> str: ...


class Context:
    """What the figures of one run share."""

    def __init__(self, tmp: Path, previous: dict | None = None):
        self.tmp = tmp
        self.results: dict[str, dict] = {}
        self.previous = previous or {}
        self.still_to_come: list[Figure] = []
        self.shared: dict[str, Any] = {}  # e.g. the baseline page, built by the first browser figure
        self._default: Path | None = None
        self._synthetic: dict[float, tuple[Path, dict]] = {}

    def may_continue(self, round_seconds: float) -> bool:
        """True if one more optional round still leaves time for the figures after this one."""
        reserve = sum(getattr(f, "COST_S", 0) for f in self.still_to_come)
        return elapsed() + round_seconds + reserve < BUDGET_S

    def time_left(self) -> float:
        reserve = sum(getattr(f, "COST_S", 0) for f in self.still_to_come)
        return BUDGET_S - elapsed() - reserve

    def default_out(self) -> Path:
        """An output directory with the default report (report_params.yaml), rendered once per run."""
        if self._default is None:
            out = self.tmp / "default"
            check(run(render_cmd(out, force=False), watch=False), "default render")
            self._default = out
        return self._default

    def default_html(self) -> Path:
        """The default report's HTML file itself (OUT/report.html is a symbolic link into OUT/.bakhmut-report)."""
        return (self.default_out() / "report.html").resolve()

    def synthetic(self, factor: float) -> tuple[Path, dict]:
        """A data directory with ``factor`` x the real events (bench/synthetic.py, seed 0) and its counts."""
        if factor not in self._synthetic:
            from bench import synthetic

            directory = self.tmp / f"synthetic-{factor:g}x"
            start = time.perf_counter()
            info = synthetic.generate(directory, factor, seed=0)
            info["generate_s"] = time.perf_counter() - start
            self._synthetic[factor] = (directory, info)
        return self._synthetic[factor]


def previous_figure(previous: dict, name: str) -> dict:
    """A figure's result in a results.json written by this harness (``figures``) or by the old monolith."""
    return (previous.get("figures") or {}).get(name) or {}


# --------------------------------------------------------------------------- the run and the results files


def machine_facts() -> dict:
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.platform(),
        "load_start": load_average(),
    }


def run_figures(ctx: Context, figures: list[tuple[str, Figure]]) -> dict:
    """Measure each figure in turn; a figure that fails is recorded as not measured and the others go on."""
    meta: dict[str, dict] = {}
    for index, (name, module) in enumerate(figures):
        ctx.still_to_come = [m for _, m in figures[index + 1 :]]
        log(f"{name}: {module.TITLE}")
        started, load_before = time.perf_counter(), load_average()
        try:
            ctx.results[name] = module.measure(ctx)
        except Exception as exc:  # noqa: BLE001 - one figure failing must not lose the others
            import traceback

            log(f"  {name} failed: {traceback.format_exc(limit=4)}")
            ctx.results[name] = {"not_measured": f"{type(exc).__name__}: {str(exc)[:600]}"}
        meta[name] = {
            "seconds": time.perf_counter() - started,
            "load_before": load_before,
            "load_after": load_average(),
        }
        log(f"  {name} took {meta[name]['seconds']:.1f} s")
    return meta


def build_rows(numbers: dict[str, int], figures: list[tuple[str, Figure]], results: dict) -> list[dict]:
    """The summary table: each figure's rows, numbered 1a, 1b, ... by the figure's place in the fixed order."""
    out = []
    for name, module in figures:
        result = results.get(name, {})
        try:
            rows = (
                [Row(module.TITLE, "not measured", "—", "—", "—", None, result["not_measured"])]
                if ("not_measured" in result)
                else module.rows(result)
            )
        except Exception as exc:  # noqa: BLE001 - one broken figure must not lose the table
            rows = [Row(module.TITLE, f"(rows failed: {type(exc).__name__}: {exc})", "—", "—", "—", None)]
        for i, row in enumerate(rows):
            label = f"{numbers[name]}{chr(ord('a') + i) if len(rows) > 1 else ''}"
            out.append({"number": label, "name": name, **asdict(row)})
    return out


def summary_table(rows: list[dict]) -> str:
    body = [
        [f"{r['number']}. {r['figure']}", r["this"], r["baseline"], r["ratio"], r["target"], verdict(r["met"])]
        for r in rows
    ]
    missed = [r for r in rows if r["met"] is False]
    missed_line = "Missed: " + ("; ".join(f"{r['number']}: {r['gap']}" for r in missed) if missed else "none") + "."
    return table(["figure", "this project", "baseline", "ratio", "target", "met?"], body) + "\n\n" + missed_line


def sections(numbers: dict[str, int], figures: list[tuple[str, Figure]], results: dict) -> str:
    out = []
    for name, module in figures:
        result = results.get(name, {})
        head = f"## {numbers[name]}. {module.TITLE}\n\n"
        if "not_measured" in result:
            out.append(head + f"Not measured: {result['not_measured']}\n")
            continue
        try:
            out.append(head + module.details(result).strip() + "\n")
        except Exception as exc:  # noqa: BLE001
            out.append(head + f"(the section could not be written: {type(exc).__name__}: {exc})\n")
    return "\n".join(out)


def notes(meta: dict) -> list[str]:
    busy = max(meta["load_start"], meta["load_end"])
    out = []
    if busy > 0.75 * (meta["cpus"] or 1):
        out.append(
            f"The machine was busy (load average {meta['load_start']} at the start, {meta['load_end']} at the end, "
            f"on {meta['cpus']} CPUs): other processes shared the cores, so wall times are inflated and noisy; "
            "alternating A/B keeps the ratios fair, and CPU times are steadier than wall times."
        )
    return out


def markdown(meta: dict, rows: list[dict], body: str, partial: bool) -> str:
    figure_times = ", ".join(f"{k} {v['seconds']:.0f} s" for k, v in meta["figures"].items())
    head = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`bench/run.py`{' ' + ' '.join(meta['only']) if partial else ''}) on "
        f"{meta['date']} — {meta['cpus']} CPUs, Python {meta['python']}, {meta['machine']}; load average "
        f"{meta['load_start']} at the start, {meta['load_end']} at the end; the whole bench took "
        f"{meta['total_s']:.0f} s ({figure_times}). Raw numbers: `bench/results.json`. Each figure and its "
        "baseline are measured in the same run, in turn, after a warm-up; medians are quoted. Methods: "
        "`bench/figures/*.py`, page scripts: `bench/js/*.js`.",
        "",
        summary_table(rows),
        "",
        body,
    ]
    if meta.get("notes"):
        head += ["## Notes", "", *[f"- {n}" for n in meta["notes"]], ""]
    return "\n".join(head).rstrip() + "\n"


def write_results(meta: dict, figures: list[tuple[str, Figure]], numbers: dict[str, int], results: dict, target: Path):
    """results.md (table, then a section per figure) and results.json (machine facts, every raw number, the table)."""
    meta["load_end"] = load_average()
    meta["total_s"] = elapsed()
    meta["notes"] = notes(meta)
    rows = build_rows(numbers, figures, results)
    md = markdown(meta, rows, sections(numbers, figures, results), partial=bool(meta.get("only")))
    payload = {"meta": meta, "table": rows, "figures": {name: results.get(name) for name, _ in figures}}
    target.mkdir(parents=True, exist_ok=True)
    (target / "results.json").write_text(json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8")
    (target / "results.md").write_text(md, encoding="utf-8")
    return md


def print_table(md: str) -> None:
    start = md.index("| figure |")
    end = md.index("\n\n", md.index("Missed:", start))
    print(md[start:end])


def temporary_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="bakhmut-bench-"))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def hygiene(result: dict) -> str:
    """The sentence every browser figure ends with: page errors and requests that left file://."""
    return (
        f"Page errors: {result.get('errors') or 'none'}; requests other than file://: "
        f"{result.get('foreign_requests') or 'none'}."
    )


def first_line(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def find(pattern: str, text: str, flags: int = 0) -> str | None:
    m = re.search(pattern, text, flags)
    return m.group(1) if m else None
