"""Render one report: validate, execute (execute.py), export (export.py), write atomically.

One Python process does everything (papermill's API and nbconvert's exporter).
Inputs are hashed; when the outputs already carry that hash the render is a
cache hit and no kernel starts. Outputs are written to temporary files in the
output directory and moved into place only when both are complete, so a failed
or interrupted render leaves the previous report byte-for-byte intact.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..load.params import variant_name
from ..model.dataset import Dataset
from ..model.paths import PACKAGE_DIR, PROJECT_DIR
from ..model.vocabulary import VERSION
from ..present.report import Report
from ..validate import load_valid_dataset
from . import notebook
from .execute import execute, notebook_path
from .export import to_html
from .files import atomic_write_all, prepare_out_dir, refuse_directories

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
    digest.update(f"{VERSION} {sys.version_info[:3]}".encode())
    return digest.hexdigest()[:16]


def _cached_hash(html_path: Path) -> str | None:
    try:
        with html_path.open("r", encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return None
    found = HASH_META.search(head)
    return found.group(1) if found else None


def render(
    params: dict, out_dir: Path | str = "build", force: bool = False, data_dir: Path | str | None = None
) -> Rendered:
    """Render one report variant into ``out_dir`` (validated parameters expected)."""
    dataset = load_valid_dataset(data_dir)
    report = Report(params, dataset)  # checks the focus city before any kernel starts
    out_dir = Path(out_dir)
    prepare_out_dir(out_dir)
    name = variant_name(params)
    html_path, nb_path = out_dir / f"{name}.html", out_dir / f"{name}.ipynb"
    refuse_directories((html_path, nb_path))  # found now, not after a whole render
    key = input_hash(params, dataset)
    if not force and nb_path.exists() and _cached_hash(html_path) == key:
        return Rendered(html_path, nb_path, key, cached=True)
    executed = execute(params, data_dir)
    executed.metadata["bakhmut"] = {"input_hash": key, "data_version": dataset.version}
    html = to_html(executed, dataset, params["language"], report.title, key, params["plotly_js"])
    atomic_write_all({nb_path: notebook.write(executed), html_path: html})
    return Rendered(html_path, nb_path, key, cached=False)
