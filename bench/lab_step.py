"""A real JupyterLab with the live explorer, and how long one month step takes to reach the map.

Shared by ``tests/test_jupyterlab.py`` (the end-to-end test) and the benchmark
``measure_lab_month_step`` (``python bench/lab_step.py`` prints the median).

Why a temporary root directory instead of the repository itself: running the
notebook in JupyterLab changes it (outputs, widget state, trust), and JupyterLab
writes what it changes — autosave, ``.ipynb_checkpoints/``, jupyter-lsp's
``.virtual_documents/`` — into its root directory. Other people edit
``notebooks/bakhmut.ipynb`` while tests run, so a save from the test could
overwrite their work. The server therefore serves a throw-away copy of
``notebooks/``, ``data/`` and ``report_params.yaml``, laid out like the repository.
The kernel still imports the editable ``bakhmut_report`` package, which reads
``data/`` next to its own source (read-only); the copied ``data/`` is what the
server's ``/files/data/geo/`` route serves to plotly.js, the same URL as in
``make lab``. JUPYTER_CONFIG_DIR/DATA_DIR/RUNTIME_DIR and IPYTHONDIR point into
the same temporary directory, so nothing user-level is read or written.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.browser import CHROMIUM, CHROMIUM_ARGS

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/bakhmut.ipynb"
VIEWPORT = (1400, 1000)  # the benchmark's window; the layout test uses 1280x900
CELL = ".jp-NotebookPanel .jp-Notebook .jp-CodeCell"
TOPOJSON_PATH = "/files/data/geo/europe_50m.json"
LOCAL_HOST = "127.0.0.1"

# JupyterLab settings for the throw-away user: no autosave (the copy stays as
# opened and no write lands in the middle of a measurement), no news, no update check.
USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOCAL_HOST, 0))
        return s.getsockname()[1]


def lab_root(target: Path) -> Path:
    """A copy of notebooks/, data/ and report_params.yaml laid out like the repository."""
    target.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns(".ipynb_checkpoints", ".virtual_documents", "__pycache__")
    shutil.copytree(PROJECT / "notebooks", target / "notebooks", ignore=skip)
    shutil.copytree(PROJECT / "data", target / "data", ignore=skip)
    shutil.copy2(PROJECT / "report_params.yaml", target / "report_params.yaml")
    return target


class LabServer:
    """``jupyter lab`` as a subprocess on 127.0.0.1, a random token, every Jupyter dir temporary."""

    def __init__(self, root: Path, home: Path):
        self.root, self.home = Path(root), Path(home)
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.home / "jupyter-lab.log"
        self._kernels: dict[int, object] = {}  # pid -> psutil.Process, every kernel seen

    @property
    def base(self) -> str:
        return f"http://{LOCAL_HOST}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}{'&' if '?' in path else '?'}token={self.token}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("config", "data", "runtime", "ipython"):
            (self.home / name).mkdir(parents=True, exist_ok=True)
        env.update(
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_DATA_DIR=str(self.home / "data"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            IPYTHONDIR=str(self.home / "ipython"),
        )
        env.pop("BAKHMUT_DATA_DIR", None)
        env.pop("JUPYTER_TOKEN", None)
        return env

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--ServerApp.ip={LOCAL_HOST}",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            # window.jupyterapp: the test runs commands and reads kernel status through it
            "--LabApp.expose_app_in_browser=True",
            # safety net if the test process is killed hard: idle kernel culled, then the server exits
            "--MappingKernelManager.cull_idle_timeout=900",
            "--MappingKernelManager.cull_interval=60",
            "--ServerApp.shutdown_no_activity_timeout=900",
        ] + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])

    def start(self, timeout: float = 90) -> LabServer:
        settings = self.home / "config" / "lab" / "user-settings"
        env = self.env()
        for name, value in USER_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value), encoding="utf-8")
        log = open(self.log_path, "wb")  # noqa: SIM115 - the server writes it until it stops
        self.proc = subprocess.Popen(
            self.command(), cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status = self.api("/api/status")
                if "started" in status:
                    return self
            except (OSError, urllib.error.URLError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"jupyter lab did not answer /api/status in {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.25)

    def api(self, path: str, method: str = "GET", timeout: float = 5):
        request = urllib.request.Request(
            self.base + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def kernel_processes(self) -> list:
        """Kernel processes started by this server (remembered, so they are checked after it exits)."""
        import psutil

        if self.proc is not None and self.proc.poll() is None:
            try:
                for child in psutil.Process(self.proc.pid).children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        if any("ipykernel" in part for part in child.cmdline()):
                            self._kernels.setdefault(child.pid, child)
            except psutil.NoSuchProcess:
                pass
        alive = []
        for process in self._kernels.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(process)
        return alive

    def stop(self, timeout: float = 20) -> list[int]:
        """Terminate the server (it shuts its kernels down), kill what is left; returns pids that had to be killed."""
        import psutil

        if self.proc is None:
            return []
        self.kernel_processes()  # remember the kernels before the server goes
        killed = []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                killed.append(self.proc.pid)
                self.proc.kill()
                self.proc.wait(10)
        kernels = list(self._kernels.values())
        _, alive = psutil.wait_procs(kernels, timeout=10)
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                killed.append(process.pid)
                process.kill()
        psutil.wait_procs(alive, timeout=5)
        return killed

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- the page -----------------------------------------------------------------------------------

# Installed once per page as window.__bk: finds the explorer's parts in the notebook's last code
# cell (the live-only `report.explore()` cell) and summarises what a month step changes.
HELPERS_JS = r"""
(labels) => {
  const H = window.__bk = {labels, panel: window.jupyterapp.shell.currentWidget};
  H.kernelStatus = () => {
    const session = H.panel.sessionContext.session;
    return session && session.kernel ? session.kernel.status : 'none';
  };
  // The kernel sends a step's updates (map, month label, then the panes) between a busy and an
  // idle status on the same channel, and the page applies them in order: once the month label
  // shows the new month and the kernel is idle again, every update of that step has landed.
  H.settledAt = (month) => {
    const s = H.state();
    return !!s && s.month === month && H.kernelStatus() === 'idle';
  };
  H.cell = () => {
    const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell');
    return cells.length ? cells[cells.length - 1] : null;
  };
  H.label = (el) => ((el && el.querySelector('.widget-label')) || {}).textContent || '';
  H.parts = () => {
    const cell = H.cell();
    if (!cell) return {};
    const widgets = cell.querySelector('.jp-OutputArea .jupyter-widgets');
    const plot = cell.querySelector('.jp-OutputArea .js-plotly-plot');
    const slider = [...cell.querySelectorAll('.widget-hslider')].find(s => H.label(s).trim() === labels.month);
    const handle = slider ? slider.querySelector('.noUi-handle') : null;
    const panes = [...cell.querySelectorAll('.widget-html')];
    const heading = (p) => ((p.querySelector('h4') || {}).textContent || '').trim();
    const events = panes.find(p => heading(p) === labels.events) || null;
    const month = slider ? slider.parentElement.querySelector('.widget-html') : null;
    return {cell, widgets, plot, slider, handle, events, month};
  };
  // what the map shows, from the DOM: per scattergeo trace, its labels and where its points are drawn
  // (a place moving from one holder's trace to another's changes this even when the counts stay)
  H.markerDom = (plot) => [...plot.querySelectorAll('.trace.scattergeo')].map(t =>
    [...t.querySelectorAll('text')].map(x => x.textContent).join('|') + '#' +
    [...t.querySelectorAll('path.point')].map(x => x.getAttribute('transform') || '').join(';')
  ).join('/');
  H.baseLayers = (plot) => {
    const out = {};
    for (const name of ['land', 'countries', 'coastlines', 'rivers', 'ocean', 'lakes']) {
      const paths = plot.querySelectorAll(`.geo .layer.${name} path`);
      out[name] = [...paths].reduce((n, p) => n + (p.getAttribute('d') || '').length, 0);
    }
    return out;
  };
  // the share of the map the land layer covers (the view of eastern Ukraine is nearly all land, so
  // its path is short: one clipped outline)
  H.landCover = (plot) => {
    let area = 0;
    for (const path of plot.querySelectorAll('.geo .layer.land path')) {
      const b = path.getBBox();
      area = Math.max(area, b.width * b.height);
    }
    return plot.clientWidth && plot.clientHeight ? area / (plot.clientWidth * plot.clientHeight) : 0;
  };
  H.state = () => {
    const p = H.parts();
    if (!p.plot || !p.plot.data || !p.handle || !p.events) return null;
    return {
      traces: p.plot.data.map(t => ({name: t.name, text: t.text ? [...t.text] : [],
                                     customdata: t.customdata ? [...t.customdata] : [],
                                     n: t.lat ? t.lat.length : 0})),
      markerDom: H.markerDom(p.plot),
      baseLayers: H.baseLayers(p.plot),
      landCover: H.landCover(p.plot),
      config: p.plot._context ? {topojsonURL: p.plot._context.topojsonURL} : null,
      slider: p.handle.getAttribute('aria-valuenow'),
      month: p.month ? p.month.textContent.trim() : '',
      events: p.events.innerText.trim(),
    };
  };
  // Time from dispatching the key event on the slider handle to the end of the JS task that
  // changed the map's markers in the DOM (MutationObserver, with a requestAnimationFrame poll
  // as a fallback); the change must show in the marker labels/points, not just any mutation.
  H.step = (key, timeoutMs) => new Promise((resolve, reject) => {
    const p = H.parts();
    const before = H.markerDom(p.plot);
    let done = false;
    const finish = (value, error) => {
      if (done) return;
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      error ? reject(error) : resolve(value);
    };
    const check = () => {
      if (!done && H.markerDom(p.plot) !== before) finish(performance.now() - t0);
    };
    const observer = new MutationObserver(check);
    observer.observe(p.plot, {subtree: true, childList: true, attributes: true, characterData: true});
    const poll = () => { check(); if (!done) requestAnimationFrame(poll); };
    const timer = setTimeout(() => finish(null, new Error(`map did not change within ${timeoutMs} ms`)), timeoutMs);
    p.handle.focus();
    const t0 = performance.now();
    p.handle.dispatchEvent(new KeyboardEvent('keydown', {key, code: key, bubbles: true, cancelable: true}));
    requestAnimationFrame(poll);
  });
  // The explorer's layout as drawn: boxes of the output area, the map, the legend, the three panes,
  // the control rows and the preset buttons (with their scroll and client widths), the legend's
  // entries and the events pane's links.
  H.box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height,
            scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, text: (el.innerText || '').trim().slice(0, 200)};
  };
  H.layout = () => {
    const p = H.parts();
    if (!p.cell) return null;
    const q = (sel) => p.cell.querySelector(sel);
    const output = p.widgets ? p.widgets.closest('.jp-OutputArea-output') : null;
    const panes = {};
    for (const name of ['events', 'reach', 'article']) panes[name] = H.box(q(`.bk-live-pane.bk-pane-${name}`));
    const legend = q('.bk-live-legend');
    return {
      viewport: {width: window.innerWidth, height: window.innerHeight},
      output: H.box(output),
      explorer: H.box(q('.bk-live-explorer')),
      plot: H.box(p.plot),
      legend: H.box(legend),
      panes,
      controls: [...p.cell.querySelectorAll('.bk-live-controls > .widget-hbox')].map(H.box),
      presets: [...p.cell.querySelectorAll('.widget-toggle-buttons button')].map(H.box),
      checkboxes: [...p.cell.querySelectorAll('.bk-live-controls .widget-checkbox')].map(H.box),
      legendItems: legend ? [...legend.querySelectorAll('li')].map(li => {
        const shape = li.querySelector('svg [fill]');
        return {key: li.dataset.legend, text: li.innerText.trim(),
                symbol: (li.querySelector('svg') || {dataset: {}}).dataset.symbol || null,
                fill: shape ? shape.getAttribute('fill') : null, shown: li.getBoundingClientRect().height > 0};
      }) : [],
      eventLinks: p.events ? [...p.events.querySelectorAll('a')].map(a => ({
        text: a.textContent.trim(), href: a.getAttribute('href'), target: a.getAttribute('target'),
        rel: a.getAttribute('rel')})) : [],
    };
  };
  return true;
}
"""

KERNEL_STATUS_JS = """
() => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return 'no app';
  const panel = app.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.content) return 'no notebook';
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel) return 'no kernel';
  return `${kernel.status}/${kernel.connectionStatus}/${panel.context.isReady ? 'ready' : 'loading'}`;
}
"""

RUN_ALL_JS = """
async (timeoutMs) => {
  const run = window.jupyterapp.commands.execute('notebook:run-all-cells');
  const late = new Promise((_, reject) => setTimeout(
    () => reject(new Error(`Run All Cells did not finish within ${timeoutMs} ms`)), timeoutMs));
  const ok = await Promise.race([run, late]);
  return ok === undefined ? true : ok;
}
"""

CELL_ERRORS_JS = """
() => {
  const out = [];
  for (const cell of window.jupyterapp.shell.currentWidget.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const outputs = cell.model.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs.get(i).toJSON();
      if (o.output_type === 'error') out.push(`${o.ename}: ${o.evalue}\\n${(o.traceback || []).join('\\n')}`);
    }
    if (cell.model.executionCount === null) out.push(`not run: ${cell.model.sharedModel.getSource().slice(0, 80)}`);
  }
  return out;
}
"""

EXPLORER_READY_JS = """
() => {
  const H = window.__bk;
  const s = H && H.state();
  if (s && s.traces.length >= 5 && s.slider && s.month && s.baseLayers.land > 0 && s.baseLayers.countries > 0)
    return 'ready';
  // A map drawn without traces while the kernel is idle never recovers (see EMPTY_MAP): give up early.
  const plot = H && H.parts().plot;
  if (plot && plot.data && plot.data.length === 0 && H.kernelStatus() === 'idle') {
    H.emptySince = H.emptySince || performance.now();
    if (performance.now() - H.emptySince > 10000) return 'empty';
  } else {
    H.emptySince = null;
  }
  return false;
}
"""

EMPTY_MAP = """\
The live explorer's map (the FigureWidget) was drawn empty — no traces, plotly's default
height and topojsonURL — and stays empty: its model never received the figure.
Cause (reproduced by delaying the widget's ESM by 2.5 s in the page): anywidget 0.11.0 rejects a
model's `ready` 2 s after creation (AbortSignal.timeout(2000) in its Runtime) and its
_handle_comm_msg awaits `ready`, so when plotly's 5 MB widget ESM takes longer than 2 s to load
(a busy 2-core machine) every comm update to that FigureWidget — _widget_data, _widget_layout,
_config, and every later restyle — is dropped; plotly's FigureView reads the data only once at render.
Proposed fix (package): in bakhmut_report/explorer.py observe the figure's _js2py_traceDeltas (each
view reports its traces after drawing) and, if it reports fewer traces than the figure has, build a
new FigureWidget and swap it into the explorer's VBox. Upstream: anywidget should not drop comm
updates after its 2 s initialisation timeout."""

EXPLORER_DIAGNOSTICS_JS = """
() => {
  const H = window.__bk;
  if (!H) return 'helpers not installed';
  const p = H.parts();
  const out = {found: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, !!v])),
               plots: document.querySelectorAll('.js-plotly-plot').length};
  if (p.cell) out.output = p.cell.querySelector('.jp-OutputArea').innerText.slice(0, 600);
  if (p.plot) {
    out.traces = p.plot.data ? p.plot.data.length : null;
    out.baseLayers = H.baseLayers(p.plot);
    out.size = [p.plot.clientWidth, p.plot.clientHeight];
    out.topojsonURL = p.plot._context && p.plot._context.topojsonURL;
  }
  out.sliders = p.cell ? [...p.cell.querySelectorAll('.widget-hslider')].map(H.label) : [];
  return JSON.stringify(out);
}
"""


def explorer_labels() -> dict[str, str]:
    """Texts the page shows in the notebook's default language (the month slider, the events heading)."""
    from bakhmut_report.load import params
    from bakhmut_report.present.i18n import texts

    language = params.DEFAULTS["language"]
    t = texts(language)
    return {
        "month": t.label("month"),
        "events": t.label("events_in_month"),
        "reach": t.label("range_list"),
        "article": t.label("article"),
        "no_events": t.label("no_events"),
        "all_kinds": t.label("col_kind"),
        "language": language,
    }


@dataclass
class Traffic:
    """Every request and websocket of a browser context, and the non-local ones."""

    requests: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, context, page) -> None:
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("response", lambda r: self.statuses.__setitem__(r.url, r.status))
        context.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("console", lambda m: m.type in ("error", "warning") and self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def foreign(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname != LOCAL_HOST:
                out.append(url)
        return out

    def status_of(self, path: str) -> list[int]:
        return [status for url, status in self.statuses.items() if urlsplit(url).path == path]


class LabPage:
    """The notebook open in JupyterLab, run, with the live explorer rendered."""

    def __init__(
        self, browser, server: LabServer, labels: dict[str, str] | None = None, viewport: tuple[int, int] = VIEWPORT
    ):
        self.server = server
        self.labels = labels or explorer_labels()
        self.traffic = Traffic()
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.traffic.attach(self.context, self.page)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()

    def wait_for(self, js: str, what: str, timeout: float, arg=None, polling="raf") -> object:
        try:
            return self.page.wait_for_function(js, arg=arg, timeout=timeout * 1000, polling=polling).json_value()
        except Exception as error:  # playwright's TimeoutError: add what the page and server said
            raise TimeoutError(f"{what} (waited {timeout:.0f} s): {error}\n{self.diagnostics()}") from error

    def diagnostics(self) -> str:
        try:
            status = self.page.evaluate(KERNEL_STATUS_JS)
        except Exception as error:  # the page may be gone
            status = f"? ({error})"
        try:
            explorer = self.page.evaluate(EXPLORER_DIAGNOSTICS_JS)
        except Exception as error:
            explorer = f"? ({error})"
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(self.server.home / "failure.png"))
        return (
            f"kernel: {status}\nexplorer: {explorer}\nscreenshot: {self.server.home / 'failure.png'}\n"
            f"console: {self.traffic.console[-15:]}\n"
            f"failed requests: {self.traffic.failed[-10:]}\nserver log:\n{self.server.log_tail(3000)}"
        )

    def open(self, timeout: float = 60) -> LabPage:
        self.page.goto(self.server.url(f"/lab/tree/{NOTEBOOK}"), wait_until="domcontentloaded", timeout=timeout * 1000)
        self.wait_for(
            f"() => ({KERNEL_STATUS_JS})().startsWith('idle/connected/ready')",
            "the notebook's kernel did not become idle",
            timeout,
            polling=200,
        )
        self.page.evaluate(HELPERS_JS, self.labels)
        return self

    def run_all(self, timeout: float = 90) -> LabPage:
        """Run > Run All Cells (the command behind the menu item), then wait for the explorer."""
        ok = self.page.evaluate(RUN_ALL_JS, timeout * 1000)
        errors = self.page.evaluate(CELL_ERRORS_JS)
        if errors or not ok:
            text = re.sub(r"\x1b\[[0-9;]*m", "", "\n---\n".join(errors))  # no ANSI colours
            raise AssertionError(f"Run All Cells failed ({ok=}):\n{text}")
        self.page.locator(CELL).last.scroll_into_view_if_needed()
        state = self.wait_for(
            EXPLORER_READY_JS, "the live explorer (FigureWidget map and widgets) did not render", timeout, polling=200
        )
        if state == "empty":
            raise AssertionError(f"{EMPTY_MAP}\n{self.diagnostics()}")
        self.page.locator(CELL).last.locator(".js-plotly-plot").scroll_into_view_if_needed()
        return self

    def state(self) -> dict:
        return self.page.evaluate("() => window.__bk.state()")

    def month_handle(self):
        """The month IntSlider's handle (noUiSlider; focusable, arrow keys step it)."""
        return (
            self.page.locator(CELL)
            .last.locator(".widget-hslider", has=self.page.locator(".widget-label", has_text=self.labels["month"]))
            .locator(".noUi-handle")
        )

    def press(self, key: str, expect_month: str, timeout: float = 30) -> dict:
        """Press a key on the month slider (a real key press) and wait until the month label shows it."""
        self.month_handle().press(key)
        self.wait_month(expect_month, timeout)
        return self.state()

    def wait_month(self, month_name: str, timeout: float = 30) -> None:
        """Wait until the month label shows ``month_name`` and the kernel has sent all of the step."""
        self.wait_for(
            "(m) => window.__bk.settledAt(m)",
            f"the month label did not become {month_name!r} (with the kernel idle)",
            timeout,
            arg=month_name,
        )

    def layout(self) -> dict:
        """The explorer as drawn: boxes (page pixels, with scroll and client widths) of its parts."""
        return self.page.evaluate("() => window.__bk.layout()")

    def click_checkbox(self, label: str, timeout: float = 30) -> dict:
        """Click the explorer's checkbox named ``label`` and wait until the events pane changed (kernel idle)."""
        before = self.state()["events"]
        self.page.locator(CELL).last.get_by_role("checkbox", name=label, exact=True).click()
        self.wait_for(
            "(b) => { const s = window.__bk.state(); "
            "return !!s && s.events !== b && window.__bk.kernelStatus() === 'idle'; }",
            f"the events pane did not change after clicking the checkbox {label!r}",
            timeout,
            arg=before,
        )
        return self.state()

    def timed_step(self, key: str, timeout: float = 30) -> float:
        """Milliseconds from the key event (dispatched in the page) to the map's marker DOM changing."""
        return self.page.evaluate("([key, ms]) => window.__bk.step(key, ms)", [key, timeout * 1000])


@contextlib.contextmanager
def lab_session(browser, tmp: Path | None = None, viewport: tuple[int, int] = VIEWPORT):
    """A LabServer on a copy of the notebook and data, and a LabPage with the explorer rendered."""
    with contextlib.ExitStack() as stack:
        if tmp is None:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bakhmut-lab-")))
        server = LabServer(lab_root(Path(tmp) / "root"), Path(tmp) / "home")
        stack.callback(server.stop)
        server.start()
        lab = LabPage(browser, server, viewport=viewport)
        stack.callback(lab.close)
        lab.open().run_all()
        yield server, lab


def launch_chromium(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError("Chromium is missing: `apt-get install -y chromium` (Debian)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def default_report():
    """The report with the notebook's default parameters, as the kernel builds it."""
    from bakhmut_report.load import params
    from bakhmut_report.present.report import Report
    from bakhmut_report.validate import load_valid_dataset

    return Report(dict(params.DEFAULTS), load_valid_dataset())


def marker_trace_indices() -> list[int]:
    """Indices of the explorer's holder traces (UA, RU, contested) in its figure (mapfig.TRACES)."""
    from bakhmut_report.present import mapfig

    return [mapfig.TRACES[holder] for holder in mapfig.HOLDER_ORDER]


def marker_traces(report, month: str) -> list[dict]:
    """What the explorer's holder traces (UA, RU, contested) hold at ``month``: lat, lon, customdata."""
    from bakhmut_report.present import mapfig

    return [mapfig.holder_trace_data(report.months, month, holder, report.t) for holder in mapfig.HOLDER_ORDER]


def changing_step(report) -> int:
    """Index of the first month from the initial one on whose next month a marker is in another trace."""
    months = report.months.months

    def where(month: str) -> list[list[tuple]]:
        return [list(zip(t["lat"], t["lon"], strict=True)) for t in marker_traces(report, month)]

    for index in range(months.index(report.params["initial_month"]), len(months) - 1):
        if where(months[index]) != where(months[index + 1]):
            return index
    raise LookupError("no month after the initial one changes the map's markers")


def measure_lab_month_step(runs: int = 15, warmup: int = 3) -> list[float]:
    """Milliseconds from a month-slider key press to the updated map in the DOM, for ``runs`` steps.

    The steps alternate (ArrowRight, ArrowLeft, ...) between two neighbouring
    months whose markers differ, so every step must change the map; the first
    ``warmup`` steps are not counted. After each step the month label must show
    the new month before the next step starts, so steps never overlap.
    """
    from playwright.sync_api import sync_playwright

    report = default_report()
    months = report.months.months
    start, low = months.index(report.params["initial_month"]), changing_step(report)

    def name(index: int) -> str:
        return report.t.month(months[index])

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            with lab_session(browser) as (server, lab):
                for index in range(start + 1, low + 1):  # walk to the lower of the two months
                    lab.press("ArrowRight", name(index))
                times = []
                for i in range(warmup + runs):
                    key, target = ("ArrowRight", low + 1) if i % 2 == 0 else ("ArrowLeft", low)
                    ms = lab.timed_step(key)
                    lab.wait_month(name(target))
                    if i >= warmup:
                        times.append(ms)
                foreign = lab.traffic.foreign()
                if foreign:
                    raise AssertionError(f"requests left {LOCAL_HOST}: {foreign[:10]}")
                return times
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    times = measure_lab_month_step(args.runs)
    print("JupyterLab month step (key press -> map updated in the DOM), ms: " + ", ".join(f"{t:.0f}" for t in times))
    print(f"median {statistics.median(times):.1f} ms  (min {min(times):.1f}, max {max(times):.1f}, n={len(times)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
