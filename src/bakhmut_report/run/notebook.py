"""Reading the report notebook and making executed notebooks deterministic."""

from __future__ import annotations

import copy
from pathlib import Path

from ..model.paths import NOTEBOOK
from ..model.vocabulary import INJECTED_TAG, LIVE_ONLY_TAG

INJECTED_ID = INJECTED_TAG  # papermill gives its injected cell a random id; ours is fixed


def read(path: Path = NOTEBOOK):
    import nbformat  # imported here: a cache-hit render never needs it

    return nbformat.read(path, as_version=4)


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
