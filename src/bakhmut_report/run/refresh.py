"""Re-execute the committed notebook so its stored outputs match a fresh run (what nbval checks)."""

from __future__ import annotations

from pathlib import Path

from ..model.vocabulary import LIVE_ONLY_TAG
from . import notebook
from .files import atomic_write_all


def refresh_notebook(path: Path = notebook.NOTEBOOK) -> Path:
    """Run every cell with the notebook's own default parameters; live-only cells keep no output."""
    from nbclient import NotebookClient

    nb = notebook.read(path)
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    for cell in nb.cells:
        if cell.cell_type == "code" and LIVE_ONLY_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
    atomic_write_all({path: notebook.write(notebook.normalize(nb))})
    return path
