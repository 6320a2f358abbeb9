"""Finding and reading the report notebook, and making executed notebooks deterministic."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from ..load.package import Unreadable, read_regular_file
from ..model.errors import ReportError
from ..model.paths import NOTEBOOK
from ..model.vocabulary import INJECTED_TAG, LIVE_ONLY_TAG

INJECTED_ID = INJECTED_TAG  # papermill gives its injected cell a random id; ours is fixed
MAX_BYTES = 64 * 1024 * 1024  # a notebook file (the report's is 0.3 MB with its outputs)


def notebook_path() -> Path:
    """The notebook a render executes: notebooks/bakhmut.ipynb, or the path in $BAKHMUT_NOTEBOOK.

    The override exists for the fault tests, which run a copy with a failing,
    crashing or sleeping cell; it is part of the input hash like the real one.
    """
    path = Path(os.environ.get("BAKHMUT_NOTEBOOK") or NOTEBOOK)
    if not path.is_file():
        raise ReportError(f"the notebook {path} does not exist or is not a file: check $BAKHMUT_NOTEBOOK")
    return path


def read(path: Path = NOTEBOOK):
    """The notebook at ``path`` (nbformat v4), or a ReportError saying why it is not one."""
    import nbformat  # imported here: a cache-hit render never needs it

    def refuse(why: str) -> ReportError:
        return ReportError(f"the notebook {path} {why}: check $BAKHMUT_NOTEBOOK (a Jupyter .ipynb file)")

    try:
        text = read_regular_file(path, MAX_BYTES).decode("utf-8")
    except Unreadable as exc:
        raise refuse(f"cannot be read: {exc}") from None
    except UnicodeDecodeError:
        raise refuse("is not UTF-8 text, so not a notebook") from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise refuse("is not a notebook (not JSON)") from None
    if not (isinstance(document, dict) and document.get("nbformat") == 4 and isinstance(document.get("cells"), list)):
        raise refuse('is not a notebook (no "nbformat": 4 and "cells")')
    errors: dict = {}
    try:
        nb = nbformat.reads(text, as_version=4, capture_validation_error=errors)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a damaged file
        raise refuse(f"is not a valid notebook ({type(exc).__name__})") from None
    if errors.get("ValidationError") is not None:
        first = str(getattr(errors["ValidationError"], "message", errors["ValidationError"])).splitlines()[0][:120]
        raise refuse(f"is not a valid notebook ({first})")
    return nb


def for_report(nb):
    """A copy without the live-only cells: the static report runs no widget code."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if LIVE_ONLY_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def normalize(nb):
    """Drop what differs between runs: timings, papermill's random cell id, paths."""
    papermill = nb.metadata.get("papermill")
    if papermill is not None:
        nb.metadata["papermill"] = {"parameters": papermill.get("parameters", {}), "version": papermill.get("version")}
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        meta.pop("execution", None)
        meta.pop("papermill", None)
        if INJECTED_TAG in meta.get("tags", []):
            cell["id"] = INJECTED_ID
        if cell.get("cell_type") == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)
    return nb


def write(nb) -> str:
    """Serialised notebook text (nbformat's stable layout)."""
    import nbformat

    return nbformat.writes(nb) + "\n"
