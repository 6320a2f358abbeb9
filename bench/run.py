"""``make bench``: every performance figure of the report against its baseline, in one run.

    python bench/run.py                      # every figure, in the fixed order; writes bench/results.md and .json
    python bench/run.py first_paint month_step   # only those (in the fixed order); writes to a temporary directory
    python bench/run.py --list               # the figures' names

Each figure is a module of bench/figures/ (bench/figures/__init__.py has the order; the protocol
and the helpers are in bench/harness.py, the page scripts in bench/js/). A partial run writes its
results.md and results.json to $TMPDIR/bakhmut-bench-partial/ (``--out DIR`` elsewhere) and leaves
the committed full results alone.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
from pathlib import Path
from typing import cast

PROJECT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(PROJECT)  # import bench.* as a package, not the bench/ directory's files
elif str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench import harness  # noqa: E402
from bench.figures import ORDER  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"figures to run (default: all): {', '.join(ORDER)}")
    parser.add_argument("--out", type=Path, help="where a partial run writes results.md and results.json")
    parser.add_argument("--list", action="store_true", help="print the figures' names and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(ORDER))
        return 0
    unknown = [n for n in args.names if n not in ORDER]
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(ORDER)}")
    names = [n for n in ORDER if not args.names or n in args.names]
    partial = bool(args.names)
    target = args.out or (Path(tempfile.gettempdir()) / "bakhmut-bench-partial" if partial else harness.BENCH)

    meta = harness.machine_facts()  # the machine first, before anything runs
    meta["only"] = names if partial else []
    results_json = harness.BENCH / "results.json"
    previous = json.loads(results_json.read_text(encoding="utf-8")) if results_json.exists() else {}
    figures = [(name, cast(harness.Figure, importlib.import_module(f"bench.figures.{name}"))) for name in names]
    numbers = {name: ORDER.index(name) + 1 for name in names}
    tmp = harness.temporary_dir()
    ctx = harness.Context(tmp, previous)
    try:
        meta["figures"] = harness.run_figures(ctx, figures)
    finally:
        harness.remove(tmp)
    md = harness.write_results(meta, figures, numbers, ctx.results, target)
    harness.print_table(md)
    print(f"\n{target / 'results.md'} and results.json written; the bench took {harness.elapsed():.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
