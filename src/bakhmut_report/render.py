"""Render one report: validate, execute with papermill, export with nbconvert, write atomically.

One Python process does everything (papermill's API and nbconvert's exporter).
Inputs are hashed; when the outputs already carry that hash the render is a
cache hit and no kernel starts. Outputs are written to temporary files in the
output directory and moved into place only when both are complete, so a failed
or interrupted render leaves the previous report byte-for-byte intact.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from . import __version__, notebook
from .dataset import Dataset
from .errors import RenderError, ReportError
from .params import variant_name

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]
HASH_META = re.compile(r'<meta (?:content="([0-9a-f]+)" name="bakhmut-input-hash"|name="bakhmut-input-hash" content="([0-9a-f]+)")')


@dataclass(frozen=True)
class Rendered:
    html: Path
    notebook: Path
    input_hash: str
    cached: bool


def notebook_path() -> Path:
    """The notebook a render executes: notebooks/bakhmut.ipynb, or the path in $BAKHMUT_NOTEBOOK.

    The override exists for the fault tests, which run a copy with a failing,
    crashing or sleeping cell; it is part of the input hash like the real one.
    """
    path = Path(os.environ.get("BAKHMUT_NOTEBOOK") or notebook.NOTEBOOK)
    if not path.is_file():
        raise ReportError(f"the notebook {path} does not exist: check $BAKHMUT_NOTEBOOK")
    return path


def input_hash(params: dict, dataset: Dataset, nb_path: Path | None = None) -> str:
    """Hash of everything a render depends on: parameters, data, notebook, package, pins."""
    digest = hashlib.sha256()
    digest.update(json.dumps(params, sort_keys=True).encode())
    digest.update(dataset.version.encode())
    digest.update((nb_path or notebook_path()).read_bytes())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + path.read_bytes())
    lock = PROJECT_DIR / "requirements.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    digest.update(f"{__version__} {sys.version_info[:3]}".encode())
    return digest.hexdigest()[:16]


def _cached_hash(html_path: Path) -> str | None:
    try:
        with html_path.open("r", encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return None
    found = HASH_META.search(head)
    return (found.group(1) or found.group(2)) if found else None


def atomic_write_all(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling, then move all into place.

    Every temporary file is complete before the first target is replaced, and
    targets that are directories are refused first, so a failure (disk full, no
    permission) leaves the previous outputs as they were and no temporary file
    behind; it is raised as a ReportError naming the cause.
    """
    temps: list[tuple[Path, Path]] = []
    target = next(iter(files), Path("."))
    try:
        _refuse_directories(files)
        for target, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temps.append((Path(tmp), target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, target in temps:
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        temps = []
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}; the previous outputs are unchanged "
                          "(choose another --out or free some space)") from None
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _refuse_directories(paths) -> None:
    for path in paths:
        if path.is_dir():
            raise ReportError(f"cannot write {path}: a directory of that name is in the way; remove it or "
                              "choose another --out")


def _prepare_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the output directory {out_dir}: {exc.strerror} "
                          "(a file is in the way?): choose another with --out") from None
    if not os.access(out_dir, os.W_OK):
        raise ReportError(f"the output directory {out_dir} is not writable: choose another with --out "
                          "or fix its permissions")


def execute(params: dict, data_dir: Path | None = None):
    """Run the report notebook with papermill and return the normalised executed notebook."""
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    nb_path = notebook_path()
    nb = notebook.for_report(notebook.read(nb_path))
    env_backup = os.environ.get("BAKHMUT_DATA_DIR")
    if data_dir:
        os.environ["BAKHMUT_DATA_DIR"] = str(Path(data_dir).resolve())
    guard = _KernelGuard()
    # nbclient logs kernel deaths through papermill's logger; the RenderError below says it once, clearly
    papermill_log = logging.getLogger("papermill")
    log_level = papermill_log.level
    papermill_log.setLevel(logging.CRITICAL)
    try:
        with guard:
            executed = papermill.execute_notebook(
                nb, None, parameters=params, kernel_name="python3", progress_bar=False,
                cwd=str(nb_path.parent), log_output=False,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no TCP-transport warning on stderr
                kernel_manager_class=guard.manager_class(),
                shutdown_kernel="immediate")  # a graceful stop of a busy kernel prints its traceback
    except PapermillExecutionError as exc:
        raise RenderError(_cell_failure(exc)) from None
    except DeadKernelError:
        raise RenderError("the notebook kernel died while running a cell (it crashed, was killed or ran "
                          "out of memory); the previous report is unchanged") from None
    except RuntimeError as exc:  # failed to start
        raise RenderError(f"the notebook kernel failed: {exc}") from None
    finally:
        papermill_log.setLevel(log_level)
        if data_dir:
            if env_backup is None:
                os.environ.pop("BAKHMUT_DATA_DIR", None)
            else:
                os.environ["BAKHMUT_DATA_DIR"] = env_backup
    return notebook.normalize(executed)


class _KernelGuard:
    """Owns the render's kernels so Ctrl-C and SIGTERM never leave one behind.

    A KeyboardInterrupt raised inside nbclient/jupyter_client while a kernel
    starts or runs can orphan the kernel (nbclient cleans up only once the
    client is ready), break the client's state (InvalidStateError) or hang the
    process at exit in zmq's context.term(). So while a kernel is alive the
    signal handler only kills the kernel's process group and remembers the
    signal; nbclient then fails on the dead kernel and cleans up normally, and
    leaving the guard raises KeyboardInterrupt. Without a live kernel (or off
    the main thread, where handlers cannot be set) signals act as before.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.managers: list = []
        self.received: list[int] = []
        self._previous: dict = {}

    def manager_class(self):
        """nbclient's kernel manager class, remembering each instance it creates."""
        from jupyter_client.manager import AsyncKernelManager

        managers = self.managers

        class TrackedKernelManager(AsyncKernelManager):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                managers.append(self)

        return TrackedKernelManager

    def _processes(self) -> list:
        """Kernel processes still running (poll() reaps exited ones, so their pids are never reused here)."""
        found = [getattr(km.provisioner, "process", None) for km in self.managers]
        return [process for process in found if process is not None and process.poll() is None]

    def _kill(self) -> list:
        """SIGKILL every running kernel's process group (it leads its own session); returns the processes."""
        processes = self._processes()
        for process in processes:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
        return processes

    def _handle(self, signum, frame):
        if not self._kill():
            raise KeyboardInterrupt
        self.received.append(signum)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handle) for s in self.SIGNALS}
        return self

    def __exit__(self, kind, value, tb):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        for process in self._kill():  # e.g. an error while the kernel was starting: kill and reap it
            with contextlib.suppress(Exception):
                process.wait(timeout=5)
        if self.received:
            raise KeyboardInterrupt from None
        return False


def _cell_failure(exc) -> str:
    source = "\n".join(f"    {line}" for line in (exc.source or "").splitlines()[:4])
    return (f"cell {exc.exec_count} failed with {exc.ename}: {exc.evalue}\n"
            f"  its first lines:\n{source}\n"
            "  fix the cell or the data it uses, then render again (the previous report is unchanged)")


def render(params: dict, out_dir: Path | str = "build", force: bool = False,
           data_dir: Path | None = None) -> Rendered:
    """Render one report variant into ``out_dir`` (validated parameters expected)."""
    from .export import to_html
    from .report import Report

    dataset = Dataset.load(data_dir)
    report = Report(params, dataset)  # checks the focus city before any kernel starts
    out_dir = Path(out_dir)
    _prepare_out_dir(out_dir)
    name = variant_name(params)
    html_path, nb_path = out_dir / f"{name}.html", out_dir / f"{name}.ipynb"
    _refuse_directories((html_path, nb_path))  # found now, not after a whole render
    key = input_hash(params, dataset)
    if not force and nb_path.exists() and _cached_hash(html_path) == key:
        return Rendered(html_path, nb_path, key, cached=True)
    executed = execute(params, data_dir)
    executed.metadata["bakhmut"] = {"input_hash": key, "data_version": dataset.version}
    html = to_html(executed, dataset, params["language"], report.title, key, params["plotly_js"])
    atomic_write_all({nb_path: notebook.write(executed), html_path: html})
    return Rendered(html_path, nb_path, key, cached=False)
