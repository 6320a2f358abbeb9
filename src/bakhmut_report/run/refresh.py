"""Re-execute the committed notebook so its stored outputs match a fresh run (what nbval checks)."""

from __future__ import annotations

import threading
from pathlib import Path

from ..model.vocabulary import LIVE_ONLY_TAG
from . import notebook
from .execute import KernelGuard
from .files import atomic_write_all


def refresh_notebook(path: Path | None = None) -> Path:
    """Run every cell with the notebook's own default parameters; live-only cells keep no output.

    ``path``: notebooks/bakhmut.ipynb, or $BAKHMUT_NOTEBOOK (as for a render)."""
    from nbclient import NotebookClient

    path = path or notebook.notebook_path()
    nb = notebook.read(path)
    guard = KernelGuard()
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(path.parent)}},
        kernel_manager_class=guard.manager_class(),
        shutdown_kernel="immediate",
    )
    failed: list[BaseException] = []

    def run() -> None:
        try:
            client.execute()
        except BaseException as exc:  # handed to the main thread below
            failed.append(exc)

    # nbclient run on the main thread replaces the signal handlers with its own, whose clean-up fails
    # (an AssertionError with a traceback); on a worker thread it cannot, and the kernel guard keeps
    # Ctrl-C and SIGTERM: it kills the kernel, and leaving it raises KeyboardInterrupt (exit 130)
    with guard:
        worker = threading.Thread(target=run, name="refresh-notebook")
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
        if failed and not guard.received:
            raise failed[0]
    for cell in nb.cells:
        if cell.cell_type == "code" and LIVE_ONLY_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
    atomic_write_all({path: notebook.write(notebook.normalize(nb))})
    return path
