"""Writing outputs so that a failure, Ctrl-C or even SIGKILL never leaves a half-written or mixed report.

A variant's two outputs are switched together with one rename. ``OUT/NAME.html`` and
``OUT/NAME.ipynb`` are symbolic links into ``OUT/.bakhmut-report/NAME``, itself a link to a
generation directory ``NAME.<16 hex>`` holding both files and their manifest::

    OUT/report.html   -> .bakhmut-report/report/report.html
    OUT/report.ipynb  -> .bakhmut-report/report/report.ipynb
    OUT/.bakhmut-report/report -> report.3f0c...           (the switch)
    OUT/.bakhmut-report/report.3f0c.../report.html, report.ipynb, manifest.json

A render writes a fresh generation directory (files fsynced), then replaces the
``NAME`` link with one ``rename``: before it both names show the previous pair,
after it the new pair, never one of each. Outputs written by an older version
(plain files) are first moved into a generation of their own, name by name, so
they keep showing the previous pair until the switch. The manifest (input hash,
size and sha256 of each output) is what a cache hit is checked against.
Writers of one output directory take turns (an advisory lock on the state
directory), and each removes what an interrupted writer left of its variant.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..load.package import Unreadable, read_regular_file
from ..model.errors import ReportError
from ..model.vocabulary import VERSION

STATE_DIR = ".bakhmut-report"
MANIFEST = "manifest.json"
SUFFIXES = (".ipynb", ".html")
MAX_OUTPUT_BYTES = 512 * 1024 * 1024  # what a cache check reads of one output
_TOKEN = r"[0-9a-f]{16}"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM arrived while the outputs were being written; they were switched to the new ones."""

    def __init__(self, written: list[Path]):
        super().__init__()
        self.written = written


@dataclass(frozen=True)
class Outputs:
    """Where one variant's outputs live in an output directory."""

    out_dir: Path
    name: str

    def path(self, suffix: str) -> Path:
        return self.out_dir / f"{self.name}{suffix}"

    @property
    def html(self) -> Path:
        return self.path(".html")

    @property
    def notebook(self) -> Path:
        return self.path(".ipynb")

    @property
    def state(self) -> Path:
        return self.out_dir / STATE_DIR

    @property
    def switch(self) -> Path:
        return self.state / self.name

    def link_text(self, suffix: str) -> str:
        """What OUT/NAME.suffix points to (relative, so the directory can be moved whole)."""
        return f"{STATE_DIR}/{self.name}/{self.name}{suffix}"

    def leftovers(self) -> re.Pattern:
        """Names in the state directory that belong to this variant, except the switch itself."""
        return re.compile(rf"{re.escape(self.name)}\.{_TOKEN}(\.(html|ipynb))?(\.link)?\Z")


# --- the cache check ------------------------------------------------------------------------------------------


def _readlink(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except (OSError, ValueError):
        return None


def current_generation(outputs: Outputs) -> Path | None:
    """The generation directory both output names show, if they are links of our layout; else None."""
    try:
        if not stat.S_ISDIR(os.lstat(outputs.state).st_mode):
            return None
    except OSError:
        return None
    if any(_readlink(outputs.path(suffix)) != outputs.link_text(suffix) for suffix in SUFFIXES):
        return None
    target = _readlink(outputs.switch)
    if target is None or not re.fullmatch(rf"{re.escape(outputs.name)}\.{_TOKEN}", target):
        return None
    return outputs.state / target


def _digest(path: Path, size: int) -> str | None:
    """sha256 of a regular file (not a link) of exactly ``size`` bytes, else None."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size or size > MAX_OUTPUT_BYTES:
            return None
        data = read_regular_file(path, size)
    except (OSError, Unreadable):
        return None
    return hashlib.sha256(data).hexdigest() if len(data) == size else None


def verified(outputs: Outputs, input_hash: str) -> bool:
    """True only if both outputs are the complete, unmodified result of a render with ``input_hash``.

    The manifest must name this input hash, and each output must be a regular file whose size
    and sha256 are those the manifest recorded; anything else (a truncated or edited file, a
    forged file with the right meta tag, a link to elsewhere, a missing manifest) is a miss.
    """
    generation = current_generation(outputs)
    if generation is None:
        return False
    try:
        manifest = json.loads(read_regular_file(generation / MANIFEST, 64 * 1024).decode("utf-8"))
        recorded = manifest["outputs"]
        if manifest["input_hash"] != input_hash or sorted(recorded) != sorted(outputs.name + s for s in SUFFIXES):
            return False
        return all(
            isinstance(entry, dict)
            and isinstance(entry.get("bytes"), int)
            and _digest(generation / file_name, entry["bytes"]) == entry.get("sha256")
            for file_name, entry in recorded.items()
        )
    except (Unreadable, UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        return False


# --- writing --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def deferred_signals():
    """Hold SIGINT and SIGTERM while the outputs are written (a list of those received is yielded).

    Writing and switching take milliseconds; holding the signals means a Ctrl-C either comes
    before anything is written (nothing changes) or is acted on right after the switch.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda number, frame: received.append(number))
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def refuse_in_the_way(outputs: Outputs) -> None:
    """A directory where an output goes, or a state 'directory' that is not one: refused before any render."""
    refuse_directories(outputs.path(suffix) for suffix in SUFFIXES)
    try:
        info = os.lstat(outputs.state)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ReportError(f"cannot use {outputs.state}: {exc.strerror}; choose another --out") from None
    if not stat.S_ISDIR(info.st_mode):
        raise ReportError(
            f"cannot write into {outputs.state}: it is not a directory (this program keeps its outputs "
            "there); remove it or choose another --out"
        )


def write_outputs(outputs: Outputs, contents: dict[str, str], input_hash: str) -> None:
    """Write both outputs as a fresh generation and switch to it with one rename (see the module docstring).

    On an error nothing the user sees changes and nothing of this render is left; it is
    raised as a ReportError. A Ctrl-C or SIGTERM received meanwhile is acted on afterwards:
    as ``Interrupted`` when the new outputs are complete and in place, as KeyboardInterrupt
    when the write failed (the previous outputs are then unchanged).
    """
    try:
        encoded = {suffix: contents[suffix].encode("utf-8") for suffix in SUFFIXES}
    except UnicodeEncodeError as exc:
        raise ReportError(
            f"cannot write {outputs.html}: the report contains text that is not valid Unicode ({exc.reason}); "
            "the previous outputs are unchanged"
        ) from None
    with deferred_signals() as received:
        try:
            _locked_write(outputs, encoded, input_hash)
        except ReportError:
            if received:
                raise KeyboardInterrupt from None
            raise
    if received:
        raise Interrupted([outputs.html, outputs.notebook])


def _locked_write(outputs: Outputs, contents: dict[str, bytes], input_hash: str) -> None:
    refuse_in_the_way(outputs)
    try:
        os.makedirs(outputs.state, exist_ok=True)
        lock = os.open(outputs.state, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    except OSError as exc:
        raise _cannot_write(outputs.state, exc) from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent renders into this directory take turns here
        _remove_leftovers(outputs, keep=_readlink(outputs.switch))  # what an interrupted writer left
        generation = f"{outputs.name}.{secrets.token_hex(8)}"
        try:
            _write_generation(outputs, generation, contents, input_hash)
            _adopt(outputs)
            _replace_link(outputs.switch, generation, outputs.state / f"{generation}.link")  # the switch
        except OSError as exc:
            _remove(outputs.state / generation)
            _remove_leftovers(outputs, keep=_readlink(outputs.switch))
            raise _cannot_write(outputs.html, exc) from None
        with contextlib.suppress(OSError):
            os.fsync(lock)
        _remove_leftovers(outputs, keep=generation)
    finally:
        os.close(lock)


def _cannot_write(path: Path, exc: OSError) -> ReportError:
    return ReportError(
        f"cannot write {path}: {exc.strerror or exc}; the previous outputs are unchanged "
        "(choose another --out or free some space)"
    )


def _write_generation(outputs: Outputs, generation: str, contents: dict[str, bytes], input_hash: str) -> None:
    directory = outputs.state / generation
    os.mkdir(directory, 0o755)
    recorded = {}
    for suffix in SUFFIXES:
        data = contents[suffix]
        _write_file(directory / f"{outputs.name}{suffix}", data)
        recorded[f"{outputs.name}{suffix}"] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest = {"generator": f"bakhmut-report {VERSION}", "input_hash": input_hash, "outputs": recorded}
    _write_file(directory / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("ascii"))
    _fsync_dir(directory)


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC, 0o644)
    try:
        os.fchmod(fd, 0o644)  # whatever the umask: the outputs are meant to be shared
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_link(target: Path, text: str, temporary: Path) -> None:
    """Make ``target`` a symbolic link to ``text`` with one rename (of a new link made at ``temporary``)."""
    os.symlink(text, temporary)
    try:
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _adopt(outputs: Outputs) -> None:
    """Make both output names links of our layout, without changing what they show.

    If either is not (plain files from an older version, a file copied in, a link to
    elsewhere), what both show now is hard-linked (or copied) into a generation of its own
    and the switch pointed at it; then each name is replaced by its link, one at a time:
    every step shows the same pair as the one before.
    """
    if all(_readlink(outputs.path(suffix)) == outputs.link_text(suffix) for suffix in SUFFIXES):
        return  # the switch that follows makes both show the new pair
    previous = f"{outputs.name}.{secrets.token_hex(8)}"
    directory = outputs.state / previous
    os.mkdir(directory, 0o755)
    for suffix in SUFFIXES:
        _keep(outputs.path(suffix), directory / f"{outputs.name}{suffix}")
    _fsync_dir(directory)
    _replace_link(outputs.switch, previous, outputs.state / f"{previous}.link")
    for suffix in SUFFIXES:
        if _readlink(outputs.path(suffix)) != outputs.link_text(suffix):
            temporary = outputs.state / f"{outputs.name}.{secrets.token_hex(8)}{suffix}.link"
            _replace_link(outputs.path(suffix), outputs.link_text(suffix), temporary)


def _keep(source: Path, target: Path) -> None:
    """Hard-link (or copy) ``source`` to ``target`` if it is a regular file; anything else is not kept."""
    try:
        info = os.stat(source)
    except OSError:
        return
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_OUTPUT_BYTES:
        return
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        with contextlib.suppress(Unreadable):
            _write_file(target, read_regular_file(source, MAX_OUTPUT_BYTES))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _remove_leftovers(outputs: Outputs, keep: str | None) -> None:
    """Remove this variant's generations and temporary links except ``keep`` (what the switch shows)."""
    pattern = outputs.leftovers()
    try:
        names = os.listdir(outputs.state)
    except OSError:
        return
    for name in names:
        if name != keep and pattern.match(name):
            _remove(outputs.state / name)


# --- single files (the committed notebook) and the output directory ------------------------------------------


def atomic_write_all(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling, then move all into place.

    For independent files such as the committed notebook (render's two outputs use
    ``write_outputs``). Every temporary file is complete before the first target is
    replaced, so a failure leaves the previous files as they were and no temporary
    file behind; it is raised as a ReportError naming the cause.
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
        if path.is_dir() and not path.is_symlink():
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
