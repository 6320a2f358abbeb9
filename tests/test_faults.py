"""Faults during a render, through the real CLI in a subprocess.

A cell that raises, a kernel that dies, an output directory that cannot be
written, Ctrl-C and SIGTERM: each must end with one clear message on stderr
(no traceback), the documented exit code, the previous report byte-for-byte
unchanged, no temporary files in the output directory and no kernel left
running. Faulty notebooks are copies of the real one with one cell added,
run through $BAKHMUT_NOTEBOOK.

Kernels are recognised by an environment tag only this test's render (and so
its kernel, which inherits the environment) carries; other renders running on
the machine at the same time cannot confuse the check. The render's stdout and
stderr go to files, not pipes: an orphan kernel inherits them, and waiting for
a pipe to close would wait for the orphan to die and hide it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest

from bakhmut_report.model.errors import ReportError
from bakhmut_report.run.files import atomic_write_all
from helpers import PROJECT

pytestmark = pytest.mark.slow
OUTPUTS = ["report.html", "report.ipynb"]


@pytest.fixture(scope="module")
def good_report(rendered) -> dict[str, bytes]:
    """The bytes of a good report (the session's default render) that every fault must leave alone."""
    assert sorted(p.name for p in (rendered.html, rendered.notebook)) == OUTPUTS
    return {p.name: p.read_bytes() for p in (rendered.html, rendered.notebook)}


@pytest.fixture
def out_dir(tmp_path, good_report) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name, data in good_report.items():
        (out / name).write_bytes(data)
    return out


def notebook_with(tmp_path: Path, code: str) -> Path:
    """A copy of the report notebook with ``code`` as a new cell right after the parameters cell."""
    nb = nbformat.read(PROJECT / "notebooks" / "bakhmut.ipynb", as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    path = tmp_path / "faulty.ipynb"
    nbformat.write(nb, path)
    return path


class Render:
    """``bakhmut-report render`` (or another command) in a subprocess whose processes carry a unique tag."""

    def __init__(
        self, tmp_path: Path, out: Path | None, notebook: Path | None = None, args: tuple = (), command: str = "render"
    ):
        self.tag = uuid.uuid4().hex
        env = dict(os.environ, BAKHMUT_FAULT_TAG=self.tag)
        if notebook:
            env["BAKHMUT_NOTEBOOK"] = str(notebook)
        self.stdout_path, self.stderr_path = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
        with self.stdout_path.open("wb") as stdout, self.stderr_path.open("wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bakhmut_report", command, *(("--out", str(out)) if out else ()), *args],
                cwd=PROJECT,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )

    def processes(self, kernels_only: bool = False) -> list[psutil.Process]:
        """Live (not zombie) processes carrying this render's tag: the render and its kernel."""
        found = []
        for proc in psutil.process_iter():
            try:
                if proc.status() == psutil.STATUS_ZOMBIE or proc.environ().get("BAKHMUT_FAULT_TAG") != self.tag:
                    continue
                if not kernels_only or "ipykernel_launcher" in " ".join(proc.cmdline()):
                    found.append(proc)
            except psutil.Error:
                continue
        return found

    def wait_for(self, condition, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                pytest.fail(f"the render ended (exit {self.proc.returncode}) before {what}: {self.stderr()}")
            if time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail(f"timed out waiting for {what}")
            time.sleep(0.02)

    def finish(self, timeout: float = 90) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            for proc in self.processes():
                proc.kill()
            pytest.fail(f"the render did not end within {timeout} s (hung?): {self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")


def assert_clean_failure(render: Render, code: int, message: str, out: Path, good: dict[str, bytes]) -> None:
    """The exit code, the message, no traceback, no orphan kernel, outputs as before, no temporaries."""
    orphans = render.processes()  # right after the render exited: nothing of it may still run
    for proc in orphans:
        proc.kill()
    err = render.stderr()
    assert render.proc.returncode == code, err
    assert message in err, err
    assert "Traceback" not in err and not re.search(r"(?m)^\w*(Error|Exception|Interrupt)\b", err), err
    assert err.strip().startswith("bakhmut-report render:"), err
    assert render.stdout() == ""
    assert not orphans, f"kernel/processes left running after the render ended: {[p.cmdline() for p in orphans]}"
    assert sorted(os.listdir(out)) == sorted(good), f"left in the output directory: {sorted(os.listdir(out))}"
    for name, data in good.items():
        assert (out / name).read_bytes() == data, f"{name} changed"


def test_a_cell_raising_exits_1_naming_the_cell(tmp_path, out_dir, good_report):
    nb = notebook_with(tmp_path, "raise ValueError('boom from a test cell')")
    render = Render(tmp_path, out_dir, nb)
    render.finish()
    assert_clean_failure(render, 1, "failed with ValueError: boom from a test cell", out_dir, good_report)
    assert "raise ValueError('boom from a test cell')" in render.stderr(), "the message quotes the cell"


def test_the_kernel_dying_mid_run_exits_1(tmp_path, out_dir, good_report):
    nb = notebook_with(tmp_path, "import os\nos._exit(1)")
    render = Render(tmp_path, out_dir, nb)
    render.finish()
    assert_clean_failure(render, 1, "the notebook kernel died while running a cell", out_dir, good_report)


@pytest.mark.parametrize("signame, when", [("SIGTERM", "cell"), ("SIGINT", "start")])
def test_interrupting_the_render_exits_130_and_stops_the_kernel(tmp_path, out_dir, good_report, signame, when):
    """'cell': while a cell sleeps; 'start': as soon as the kernel process exists (nbclient is still connecting)."""
    marker = tmp_path / "cell-started"
    nb = notebook_with(tmp_path, f"import pathlib, time\npathlib.Path({str(marker)!r}).write_text('1')\ntime.sleep(60)")
    render = Render(tmp_path, out_dir, nb)
    render.wait_for(lambda: render.processes(kernels_only=True), "the kernel process to exist")
    if when == "cell":
        render.wait_for(marker.exists, "the sleeping cell to run")
    render.proc.send_signal(getattr(signal, signame))
    started = time.monotonic()
    render.finish(timeout=30)
    assert time.monotonic() - started < 15, "the render must stop promptly, not finish the 60 s cell"
    assert_clean_failure(render, 130, "interrupted; the previous outputs are unchanged", out_dir, good_report)


def test_interrupting_refresh_notebook_exits_130_stops_the_kernel_and_keeps_the_notebook(tmp_path):
    marker = tmp_path / "cell-started"
    nb = notebook_with(tmp_path, f"import pathlib, time\npathlib.Path({str(marker)!r}).write_text('1')\ntime.sleep(60)")
    before = nb.read_bytes()
    refresh = Render(tmp_path, None, nb, command="refresh-notebook")
    refresh.wait_for(marker.exists, "the sleeping cell to run")
    refresh.proc.send_signal(signal.SIGINT)
    refresh.finish(timeout=30)
    orphans = refresh.processes()
    for proc in orphans:
        proc.kill()
    err = refresh.stderr()
    assert refresh.proc.returncode == 130, err
    assert "bakhmut-report refresh-notebook: interrupted" in err and "Traceback" not in err, err
    assert not orphans, [p.cmdline() for p in orphans]
    assert nb.read_bytes() == before, "an interrupted refresh leaves the notebook as it was"


def test_out_under_a_regular_file_exits_2(tmp_path):
    """Fails for root too (chmod does not stop root): a path below a file can never be a directory."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    render = Render(tmp_path, blocker / "out")
    render.finish()
    err = render.stderr()
    assert render.proc.returncode == 2, err
    assert f"cannot create the output directory {blocker / 'out'}: Not a directory" in err, err
    assert "Traceback" not in err and blocker.read_text() == "not a directory\n"


def test_out_that_is_a_file_exits_2(tmp_path):
    blocker = tmp_path / "report-out"
    blocker.write_text("x")
    render = Render(tmp_path, blocker)
    render.finish()
    assert render.proc.returncode == 2 and "cannot create the output directory" in render.stderr()
    assert "Traceback" not in render.stderr() and blocker.read_text() == "x"


def test_a_directory_in_place_of_the_html_exits_2_before_rendering(tmp_path, out_dir, good_report):
    (out_dir / "report.html").unlink()
    (out_dir / "report.html").mkdir()
    render = Render(tmp_path, out_dir)
    started = time.monotonic()
    render.finish()
    err = render.stderr()
    assert render.proc.returncode == 2, err
    assert f"cannot write {out_dir / 'report.html'}: a directory of that name is in the way" in err, err
    assert "Traceback" not in err and time.monotonic() - started < 20
    assert sorted(os.listdir(out_dir)) == OUTPUTS and (out_dir / "report.html").is_dir()
    assert (out_dir / "report.ipynb").read_bytes() == good_report["report.ipynb"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o555 directory; the tests above cover root")
def test_read_only_out_dir_exits_2(tmp_path, out_dir, good_report):
    out_dir.chmod(0o555)
    try:
        render = Render(tmp_path, out_dir, args=("--force",))
        render.finish()
        assert_clean_failure(render, 2, "is not writable", out_dir, good_report)
    finally:
        out_dir.chmod(0o755)


def test_unwritable_out_dir_is_refused_before_any_kernel(tmp_path, monkeypatch):
    """The read-only check itself, for root too: os.access reports the directory as not writable."""
    from bakhmut_report.load import params
    from bakhmut_report.run import render

    out = tmp_path / "out"
    out.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode, **kw: False if Path(path) == out else real_access(path, mode, **kw)
    )
    monkeypatch.setattr(render, "execute", lambda *a, **k: pytest.fail("a kernel was started"))
    with pytest.raises(ReportError, match=f"the output directory {out} is not writable: choose another with --out"):
        render.render(params.load(None), out)
    assert os.listdir(out) == []


def test_atomic_write_is_all_or_nothing(tmp_path):
    """A failure on the second file leaves the first target untouched and no temporary file behind."""
    first = tmp_path / "report.ipynb"
    first.write_text("old notebook")
    with pytest.raises(ReportError, match="cannot write .*missing.*report.html: No such file or directory"):
        atomic_write_all({first: "new notebook", tmp_path / "missing" / "report.html": "new page"})
    assert first.read_text() == "old notebook"
    assert sorted(os.listdir(tmp_path)) == ["report.ipynb"]
