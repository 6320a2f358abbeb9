"""Render one report: validate, hash, check the cache, execute (execute.py), export (export.py), write.

One Python process does everything (papermill's API and nbconvert's exporter).
Everything a render depends on is hashed (parameters, the data package's files
with the content they resolve to, the notebook, the package, the pinned
environment). A render is a cache hit, and no kernel starts, only when the
outputs' manifest records that input hash and both outputs still have the size
and sha256 it recorded (files.verified). Outputs are switched together with one
rename (files.write_outputs), so a failed, interrupted or killed render leaves
the previous report byte-for-byte intact, and never a mixed pair.

A cache hit imports no notebook or page toolchain (papermill, nbconvert, jinja2,
babel): those are imported only once a render is needed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..load.dataset import data_dir_of
from ..load.geometry import load_geometry
from ..load.package import DESCRIPTOR, Unreadable, load_descriptor, read_data_file, read_regular_file
from ..load.params import variant_name
from ..model.dataset import Dataset
from ..model.errors import DataError, ReportError
from ..model.paths import PACKAGE_DIR, PROJECT_DIR
from ..model.vocabulary import VERSION
from ..validate import load_valid_dataset
from . import notebook
from .files import Outputs, prepare_out_dir, refuse_in_the_way, verified, write_outputs

PHASES = ("validate", "hash", "cache check", "execute", "export", "write")
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    html: Path
    notebook: Path
    input_hash: str
    cached: bool


def load_inputs(data_dir: Path | str | None = None) -> tuple[Dataset, dict]:
    """The validated dataset and its checked base map; one DataError lists the problems of both."""
    directory = data_dir_of(data_dir)
    try:
        dataset = load_valid_dataset(directory)  # checks the base map too (load.geometry)
    except DataError as exc:
        problems = list(exc.problems)
        with contextlib.suppress(DataError):  # a broken descriptor is already listed; else add the map's problems
            descriptor = load_descriptor(directory)
            try:
                load_geometry(directory, descriptor)
            except DataError as geometry:
                problems += [p for p in geometry.problems if p not in problems]
        raise DataError(problems) from None
    return dataset, dataset.topology


def _file_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def input_hash(params: dict, dataset: Dataset, nb_path: Path | None = None) -> str:
    """Hash of everything a render depends on: parameters, data, notebook, package, pins.

    Each data package resource is hashed with the content its path resolves to (through
    symbolic links), besides every file in the data directory; only contents and relative
    names go in, so the same inputs give the same hash in any checkout.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps(params, sort_keys=True).encode())
    digest.update(dataset.version.encode())
    names = [DESCRIPTOR] + [str(r["path"]) for r in dataset.descriptor.get("resources", []) if "path" in r]
    for name in names:
        try:
            data = read_data_file(dataset.data_dir, name)
        except Unreadable as exc:
            raise DataError.at(f"data/{name}", f"cannot be read: {exc}") from None
        digest.update(name.encode() + b"\0" + _file_digest(data))
    path = nb_path or notebook.notebook_path()
    try:
        digest.update(_file_digest(read_regular_file(path, MAX_NOTEBOOK_BYTES)))
    except Unreadable as exc:
        raise ReportError(f"the notebook {path} cannot be read: {exc}; check $BAKHMUT_NOTEBOOK") from None
    for package_file in sorted(PACKAGE_DIR.rglob("*")):
        if package_file.is_file() and "__pycache__" not in package_file.parts:
            digest.update(package_file.relative_to(PACKAGE_DIR).as_posix().encode() + package_file.read_bytes())
    lock = PROJECT_DIR / "requirements.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    digest.update(f"{VERSION} {sys.version_info[:3]}".encode())
    return digest.hexdigest()[:16]


def execute(params: dict, data_dir: Path | str | None = None):
    """The executed notebook (run/execute.py, imported here on first use: a cache hit never loads papermill)."""
    from .execute import execute as run

    return run(params, data_dir)


def render(
    params: dict,
    out_dir: Path | str = "build",
    force: bool = False,
    data_dir: Path | str | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> Rendered:
    """Render one report variant into ``out_dir`` (validated parameters expected).

    ``on_phase(name)`` is called as each phase starts (PHASES: validate, hash, cache check,
    execute, export, write); a phase lasts until the next call or until render returns.
    A cache hit ends after "cache check".
    """
    phase = on_phase or (lambda name: None)
    phase("validate")
    dataset, geometry = load_inputs(data_dir)
    dataset.settlement_named(params["focus_city"])  # a ParameterError before any kernel starts
    out_dir = Path(out_dir)
    prepare_out_dir(out_dir)
    outputs = Outputs(out_dir, variant_name(params))
    refuse_in_the_way(outputs)  # found now, not after a whole render
    phase("hash")
    key = input_hash(params, dataset)
    phase("cache check")
    if not force and verified(outputs, key):
        return Rendered(outputs.html, outputs.notebook, key, cached=True)
    phase("execute")
    from ..present.report import Report
    from .export import to_html

    report = Report(params, dataset)
    executed = execute(params, data_dir)
    executed.metadata["bakhmut"] = {"input_hash": key, "data_version": dataset.version}
    phase("export")
    html = to_html(executed, dataset, params["language"], report.title, key, params["plotly_js"], geometry)
    text = notebook.write(executed)
    phase("write")
    write_outputs(outputs, {".ipynb": text, ".html": html}, key)
    return Rendered(outputs.html, outputs.notebook, key, cached=False)
