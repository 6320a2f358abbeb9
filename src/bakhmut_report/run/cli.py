"""``bakhmut-report``: render, batch, check, control, params.

Exit codes: 0 ok; 2 bad input (data or parameters: the message says how to fix
it); 1 the render failed (a cell raised, the kernel died). No tracebacks for
expected failures; outputs are never left half-written.
"""

from __future__ import annotations

import argparse
import csv
import json
import signal
import sys

from ..model.calendar import is_month
from ..model.errors import ReportError
from ..model.vocabulary import BASES

EPILOG = """examples:
  bakhmut-report render                                  # build/report.html with report_params.yaml
  bakhmut-report render -p focus_city=Soledar -p language=en --out /tmp/x
  bakhmut-report batch variants.yaml --out build/variants
  bakhmut-report check                                   # validate data and parameters, no kernel
  bakhmut-report control --format csv                    # month,settlement,holder
  bakhmut-report params                                  # every parameter with help and default
"""


def _params_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--file",
        default=None,
        help="parameters YAML (default: report_params.yaml in the current directory if present)",
    )
    parser.add_argument(
        "-p", "--param", action="append", default=[], metavar="KEY=VALUE", help="override one parameter (repeatable)"
    )
    parser.add_argument("--data", default=None, help="data directory (default: the project's data/)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bakhmut-report",
        description=__doc__.splitlines()[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    render = sub.add_parser("render", help="render one report (executed notebook + HTML)")
    _params_args(render)
    render.add_argument("--out", default="build", help="output directory (default: build)")
    render.add_argument("--force", action="store_true", help="render even if the outputs are up to date")

    batch = sub.add_parser("batch", help="render many variants in parallel")
    batch.add_argument("variants", help="YAML: a list of parameter mappings, or {product: {key: [values]}}")
    _params_args(batch)
    batch.add_argument("--out", default="build", help="output directory (default: build)")
    batch.add_argument("--jobs", type=int, default=0, help="parallel renders (default: CPU count)")
    batch.add_argument("--force", action="store_true")

    check = sub.add_parser("check", help="validate data and parameters only (no kernel)")
    _params_args(check)

    control = sub.add_parser("control", help="print the derived month x settlement holder table")
    control.add_argument("--format", choices=("csv", "json"), default="csv")
    control.add_argument(
        "--basis",
        choices=BASES,
        default=None,
        help="follow confirmations or claims (default: control_basis of the parameters)",
    )
    control.add_argument("--from", dest="start", default=None, help="first month YYYY-MM (default 2022-02)")
    control.add_argument("--to", dest="end", default=None, help="last month YYYY-MM (default 2024-12)")
    _params_args(control)

    sub.add_parser("params", help="list the parameters with their help and defaults")
    sub.add_parser("refresh-notebook", help="re-execute notebooks/bakhmut.ipynb with the defaults and store outputs")
    return parser


def _load_params(args) -> dict:
    from ..load import params

    return params.load(params.default_file(args.file), args.param)


def cmd_render(args) -> int:
    from .render import render

    result = render(_load_params(args), args.out, force=args.force, data_dir=args.data)
    state = "up to date (cache hit)" if result.cached else "rendered"
    print(f"{result.html} {state} [input {result.input_hash}]")
    return 0


def cmd_check(args) -> int:
    from ..validate import load_valid_dataset

    params = _load_params(args)
    dataset = load_valid_dataset(args.data)
    dataset.settlement_named(params["focus_city"])
    print(
        f"ok: data {dataset.version} ({len(dataset.settlements)} settlements, {len(dataset.events)} events, "
        f"{len(dataset.sources)} sources, {len(dataset.article)} article blocks); parameters valid"
    )
    return 0


def cmd_control(args) -> int:
    from ..derive.control import control_table, data_months
    from ..validate import load_valid_dataset

    params = _load_params(args)
    dataset = load_valid_dataset(args.data)
    first, last = data_months(dataset)
    start, end = args.start or first, args.end or last
    for name, month in (("--from", start), ("--to", end)):
        if not is_month(month):
            raise ReportError(f"{name} {month!r}: write a month as YYYY-MM, e.g. 2023-05")
    if start > end:
        raise ReportError(f"--from {start} is after --to {end}")
    basis = args.basis or params["control_basis"]
    rows = [
        (s.month, dataset.settlements[s.settlement_id].name, s.holder)
        for s in control_table(dataset, start, end, basis)
    ]
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["month", "settlement", "holder"])
        writer.writerows(rows)
    else:
        json.dump(
            {
                "basis": basis,
                "rule": "holder at the end of the month's last day",
                "rows": [dict(zip(("month", "settlement", "holder"), r, strict=True)) for r in rows],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        print()
    return 0


def cmd_params(args) -> int:
    from ..load.params import describe

    print(describe())
    return 0


def cmd_refresh_notebook(args) -> int:
    from .refresh import refresh_notebook

    path = refresh_notebook()
    print(f"{path} re-executed with the default parameters")
    return 0


def cmd_batch(args) -> int:
    from .batch import run_batch

    return run_batch(args)


COMMANDS = {
    "render": cmd_render,
    "check": cmd_check,
    "control": cmd_control,
    "params": cmd_params,
    "refresh-notebook": cmd_refresh_notebook,
    "batch": cmd_batch,
}


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return COMMANDS[args.command](args)
    except ReportError as exc:
        print(f"bakhmut-report {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"bakhmut-report {args.command}: interrupted; the previous outputs are unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
