"""Render one report: validate, execute (execute.py), export (export.py), write atomically.

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
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__, notebook
from .dataset import Dataset
from .errors import ReportError
from .execute import execute, notebook_path
from .params import variant_name

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]
HASH_META = re.compile(r'<meta name="bakhmut-input-hash" content="([0-9a-f]+)">')


@dataclass(frozen=True)
class Rendered:
    html: Path
    notebook: Path
    input_hash: str
    cached: bool


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
    return found.group(1) if found else None


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
