"""Writing outputs so that a failure never leaves a half-written or mixed report."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..model.errors import ReportError


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
        refuse_directories(files)
        for target, text in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temps.append((Path(tmp_name), target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, target in temps:
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        temps = []
    except OSError as exc:
        raise ReportError(
            f"cannot write {target}: {exc.strerror or exc}; the previous outputs are unchanged "
            "(choose another --out or free some space)"
        ) from None
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()


def refuse_directories(paths) -> None:
    for path in paths:
        if path.is_dir():
            raise ReportError(
                f"cannot write {path}: a directory of that name is in the way; remove it or choose another --out"
            )


def prepare_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"cannot create the output directory {out_dir}: {exc.strerror} "
            "(a file is in the way?): choose another with --out"
        ) from None
    if not os.access(out_dir, os.W_OK):
        raise ReportError(
            f"the output directory {out_dir} is not writable: choose another with --out or fix its permissions"
        )
