"""Execute the report notebook with papermill (in process) and make the result deterministic.

The kernel is owned by a guard so that Ctrl-C, SIGTERM, a crash or a failing
cell always ends with a clear ``RenderError`` and no kernel left running.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from ..model.errors import RenderError
from . import notebook
from .notebook import notebook_path


def execute(params: dict, data_dir: Path | str | None = None):
    """Run the report notebook with papermill and return the normalised executed notebook."""
    return notebook.normalize(run_notebook(params, data_dir))


def run_notebook(params: dict, data_dir: Path | str | None = None):
    """Run the report notebook with papermill under the kernel guard; the executed notebook as papermill
    left it (with its per-cell timings, which ``execute`` normalises away)."""
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    nb_path = notebook_path()
    nb = notebook.for_report(notebook.read(nb_path))  # a file that is not a notebook: exit 2, no kernel
    env_backup = os.environ.get("BAKHMUT_DATA_DIR")
    if data_dir:
        os.environ["BAKHMUT_DATA_DIR"] = str(Path(data_dir).resolve())
    guard = KernelGuard()
    # nbclient logs kernel deaths through papermill's logger; the RenderError below says it once, clearly
    papermill_log = logging.getLogger("papermill")
    log_level = papermill_log.level
    papermill_log.setLevel(logging.CRITICAL)
    try:
        with guard:
            executed = papermill.execute_notebook(
                nb,
                None,
                parameters=params,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(nb_path.parent),
                log_output=False,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no TCP-transport warning on stderr
                kernel_manager_class=guard.manager_class(),
                shutdown_kernel="immediate",
            )  # a graceful stop of a busy kernel prints its traceback
    except PapermillExecutionError as exc:
        raise RenderError(_cell_failure(exc)) from None
    except DeadKernelError:
        raise RenderError(
            "the notebook kernel died while running a cell (it crashed, was killed or ran "
            "out of memory); the previous report is unchanged"
        ) from None
    except RuntimeError as exc:  # failed to start
        raise RenderError(f"the notebook kernel failed: {exc}") from None
    finally:
        papermill_log.setLevel(log_level)
        if data_dir:
            if env_backup is None:
                os.environ.pop("BAKHMUT_DATA_DIR", None)
            else:
                os.environ["BAKHMUT_DATA_DIR"] = env_backup
    return executed


class KernelGuard:
    """Owns the render's kernels so Ctrl-C and SIGTERM never leave one behind.

    A KeyboardInterrupt raised inside nbclient/jupyter_client while a kernel
    starts or runs can orphan the kernel (nbclient cleans up only once the
    client is ready), break the client's state (InvalidStateError) or hang the
    process at exit in zmq's context.term(); raised in the middle of an import it
    can even turn into a RuntimeError (Python 3.11 wraps errors in __set_name__).
    So the signal handler never raises: it kills the kernels' process groups and
    remembers the signal; a kernel launched after that is killed as soon as it
    exists. nbclient then fails on the dead kernel and cleans up normally, and
    leaving the guard raises KeyboardInterrupt. (Off the main thread, where
    handlers cannot be set, signals act as before.)
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.managers: list = []
        self.socket_dirs: list[str] = []
        self.received: list[int] = []
        self._previous: dict = {}

    def manager_class(self):
        """nbclient's kernel manager class, remembering each instance it creates."""
        from jupyter_client.manager import AsyncKernelManager

        guard = self

        class TrackedKernelManager(AsyncKernelManager):
            def __init__(self, *args, **kwargs):
                # Unix sockets in a directory of this kernel's own, not TCP ports: a port jupyter_client
                # picked as free can be taken by a kernel a parallel render starts meanwhile ("Address
                # already in use", seen in batch); a private directory cannot be shared
                guard.socket_dirs.append(tempfile.mkdtemp(prefix="bakhmut-kernel-"))
                kwargs.setdefault("transport", "ipc")
                kwargs.setdefault("ip", os.path.join(guard.socket_dirs[-1], "k"))
                super().__init__(*args, **kwargs)
                guard.managers.append(self)

            async def _async_launch_kernel(self, kernel_cmd, **kw):
                await super()._async_launch_kernel(kernel_cmd, **kw)
                if guard.received:  # interrupted while papermill was still starting: stop it at once
                    guard._kill()

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
        self.received.append(signum)
        self._kill()

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handle) for s in self.SIGNALS}
        return self

    def __exit__(self, kind, value, tb):
        for process in self._kill():  # e.g. an error while the kernel was starting: kill and reap it
            with contextlib.suppress(Exception):
                process.wait(timeout=5)
        for directory in self.socket_dirs:
            shutil.rmtree(directory, ignore_errors=True)
        for signum, handler in self._previous.items():  # only now: a signal above was still ours to handle
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if self.received:
            raise KeyboardInterrupt from None
        return False


def _cell_failure(exc) -> str:
    source = "\n".join(f"    {line}" for line in (exc.source or "").splitlines()[:4])
    return (
        f"cell {exc.exec_count} failed with {exc.ename}: {exc.evalue}\n"
        f"  its first lines:\n{source}\n"
        "  fix the cell or the data it uses, then render again (the previous report is unchanged)"
    )
