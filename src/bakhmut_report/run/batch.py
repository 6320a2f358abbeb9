"""``bakhmut-report batch``: many report variants, rendered in parallel.

The variants file is YAML: a list of parameter mappings, or a mapping with
``product`` (key -> list of values, every combination) and an optional ``base``.
The data and every variant are validated first (a batch of at most MAX_VARIANTS,
counted before a product is expanded); a bad variant is reported and skipped, the
others still render. Renders run in worker processes (one kernel each), up to the
CPU count. The exit code is 0 when every variant rendered, 2 when the only
failures are bad input (parameters or data), 1 when a render failed.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..load import params as params_mod
from ..model.errors import ParameterError, ReportError
from .render import load_inputs, render

MAX_VARIANTS = 500


@dataclass
class Outcome:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0
    cached: bool = False
    exit_code: int = 0  # of a failure: 2 bad input, 1 the render failed


def _refuse_count(path: Path, count: int) -> None:
    if count > MAX_VARIANTS:
        raise ParameterError(
            f"{path.name}: {count:,} variants; a batch renders at most {MAX_VARIANTS}: split it into smaller batches"
        )


def read_variants(path: Path | str, base: dict) -> list[dict]:
    """Raw parameter mappings (not yet validated), each on top of ``base``; at most MAX_VARIANTS."""
    path = Path(path)
    text = params_mod.read_text_file(path, "batch file")
    loaded = params_mod.parse_yaml(text, path.name)
    if isinstance(loaded, dict) and "product" in loaded:
        extra = set(loaded) - {"product", "base"}
        if extra:
            raise ParameterError(
                f"{path.name}: unknown top-level key(s) {', '.join(sorted(map(str, extra)))}; "
                "use 'product' and optionally 'base'"
            )
        product, common = loaded["product"], loaded.get("base") or {}
        if not isinstance(product, dict) or not all(isinstance(v, list) and v for v in product.values()):
            raise ParameterError(f"{path.name}: 'product' must map each parameter to a non-empty list of values")
        if not isinstance(common, dict):
            raise ParameterError(f"{path.name}: 'base' must be a mapping of parameter: value")
        keys = list(product)
        _refuse_count(path, math.prod(len(product[k]) for k in keys))  # before expanding anything
        return [
            {**base, **common, **dict(zip(keys, combo, strict=True))}
            for combo in itertools.product(*(product[k] for k in keys))
        ]
    if isinstance(loaded, list) and loaded and all(isinstance(v, dict) for v in loaded):
        _refuse_count(path, len(loaded))
        return [{**base, **v} for v in loaded]
    raise ParameterError(f"{path.name}: write a list of parameter mappings, or 'product: {{key: [values]}}'")


def _render_one(params: dict, out_dir: str, force: bool, data_dir: str | None) -> Outcome:
    name = params_mod.variant_name(params)
    start = time.perf_counter()
    try:
        result = render(params, out_dir, force=force, data_dir=data_dir)
    except ReportError as exc:
        return Outcome(name, False, _first_lines(str(exc)), time.perf_counter() - start, exit_code=exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - one broken variant must not stop the batch
        return Outcome(name, False, f"{type(exc).__name__}: {exc}", time.perf_counter() - start, exit_code=1)
    where = f"{result.html}, {result.notebook}"
    return Outcome(name, True, where, time.perf_counter() - start, result.cached)


@contextlib.contextmanager
def _raising_signals():
    """While the pool runs, SIGINT and SIGTERM raise KeyboardInterrupt here, so the workers can be stopped."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _worker_signals() -> None:
    """A worker leaves Ctrl-C to the batch, which stops it with SIGTERM (its kernel guard and the
    output switch handle that; elsewhere there is nothing to undo, so SIGTERM just ends it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop_workers(pool: ProcessPoolExecutor, patience: float = 20.0) -> None:
    processes = list(getattr(pool, "_processes", {}).values())  # the executor keeps no public list
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + patience
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()


def _first_lines(message: str) -> str:
    """A DataError's head line says only how many problems: keep the first problem too."""
    lines = message.splitlines()
    return " ".join(line.strip() for line in lines[:2]) if lines else message


def run_batch(args, say=print) -> int:
    """Render every variant of ``args.variants``; ``say`` prints a line (the CLI's escapes control characters)."""
    from tqdm import tqdm

    base = params_mod.raw_params(params_mod.default_file(args.file), args.param)
    variants = read_variants(args.variants, base)
    dataset, _ = load_inputs(args.data)  # bad data: exit 2 before any variant starts
    outcomes: list[Outcome] = []
    valid: dict[str, dict] = {}
    for index, raw in enumerate(variants, start=1):
        try:
            checked = params_mod.validate(raw)
            dataset.settlement_named(checked["focus_city"])
        except ParameterError as exc:
            outcomes.append(Outcome(f"variant {index}", False, str(exc), exit_code=2))
            continue
        valid.setdefault(params_mod.variant_name(checked), checked)  # duplicates render once
    jobs = args.jobs or os.cpu_count() or 1
    # Import the heavy toolchain once here; forked workers inherit it instead of each paying ~1 s.
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    started = time.perf_counter()
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(valid) or 1)), initializer=_worker_signals)
    try:
        with _raising_signals():
            futures = [pool.submit(_render_one, p, args.out, args.force, args.data) for p in valid.values()]
            with tqdm(total=len(futures), desc="rendering", unit="report", file=sys.stderr, disable=None) as bar:
                for future in as_completed(futures):
                    outcomes.append(future.result())
                    bar.update(1)
    except KeyboardInterrupt:
        _stop_workers(pool)  # each finishes or undoes its own render: no mixed or half-written report
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    say(summary(outcomes, time.perf_counter() - started, duplicates=len(variants) - len(outcomes)))
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        return 0
    return 2 if all(o.exit_code == 2 for o in failed) else 1


def summary(outcomes: list[Outcome], seconds: float, duplicates: int = 0) -> str:
    """A plain-text table: one row per variant (where its outputs went, or why not), then the totals."""
    rows = sorted(outcomes, key=lambda o: (o.ok, o.name))
    width = max([len(o.name) for o in rows] + [7])
    lines = [f"{'variant':<{width}}  {'status':<7}  {'time':>6}  output or error"]
    for o in rows:
        status = "cached" if o.cached else ("ok" if o.ok else "FAILED")
        lines.append(f"{o.name:<{width}}  {status:<7}  {o.seconds:5.1f}s  {o.detail}")
    done = sum(o.ok for o in outcomes)
    same = f" ({duplicates} duplicate{'s' if duplicates != 1 else ''} rendered once)" if duplicates else ""
    lines.append(f"{done} of {len(outcomes)} variants rendered in {seconds:.1f}s{same}")
    return "\n".join(lines)
