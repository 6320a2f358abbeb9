"""``bakhmut-report``: render, batch, check, control, params.

Exit codes: 0 ok; 2 bad input (data or parameters: the message says how to fix
it); 1 the render failed (a cell raised, the kernel died); 130 interrupted
(Ctrl-C or SIGTERM, at any moment). No tracebacks for expected failures;
outputs are never left half-written. Terminal control characters in messages
are shown escaped, so data cannot drive the terminal.
"""

# Ctrl-C handling comes first, before any other import: a SIGINT while the program is still
# starting must end it with 130 and no traceback, like one that arrives later. (Only the
# interpreter's own start-up comes before this line: the package's __init__ and run/__init__ import
# nothing of ours.)
#
# Outside the few sections that must clean up, a signal ends the program at once: the handler
# writes one line and exits 130. It does not raise KeyboardInterrupt, which, arriving at an
# arbitrary moment, can be turned into another error by the code it interrupts (Python 3.11
# wraps it in a RuntimeError inside a class body's __set_name__, i.e. in many imports) and
# then shows a traceback. Until a render writes its outputs nothing needs undoing, so the
# message "the previous outputs are unchanged" is true. The sections with cleanup install
# their own handlers for their duration: the kernel guard (execute.py: kill the kernel, then
# KeyboardInterrupt), the switch of the outputs (files.py: finish it, then say so) and the
# batch's worker pool (batch.py: stop the workers).
import os
import signal
import sys

_ARGV0 = (sys.argv[0] if sys.argv else "").replace("\\", "/")
#: imported as the program (the bakhmut-report script or python -m bakhmut_report), not as a library
AS_PROGRAM = _ARGV0.rsplit("/", 1)[-1] == "bakhmut-report" or _ARGV0.endswith("bakhmut_report/__main__.py")
_state = {"message": b"bakhmut-report: interrupted\n"}


def _signalled(signum, frame):
    """SIGINT/SIGTERM outside a section with cleanup: one line on stderr, exit 130 (as a library: raise)."""
    if not AS_PROGRAM:
        raise KeyboardInterrupt
    try:
        os.write(2, _state["message"])
    finally:
        os._exit(130)


def _uncaught(kind, value, tb, _default=sys.excepthook):
    if issubclass(kind, KeyboardInterrupt):
        _signalled(signal.SIGINT, None)
    _default(kind, value, tb)


def _install() -> tuple:
    """Our handlers for SIGINT and SIGTERM (and the uncaught-exception hook); returns what they replace."""
    previous = {signum: signal.signal(signum, _signalled) for signum in (signal.SIGINT, signal.SIGTERM)}
    hook, sys.excepthook = sys.excepthook, _uncaught
    return previous, hook


if AS_PROGRAM:
    _install()

import argparse  # noqa: E402 - after the signal handlers, on purpose
import contextlib  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

from ..model.calendar import is_month  # noqa: E402
from ..model.errors import ReportError  # noqa: E402
from ..model.vocabulary import BASES, DATA_WINDOW  # noqa: E402

EPILOG = """examples:
  bakhmut-report render                                  # build/report.html with report_params.yaml
  bakhmut-report render -p focus_city=Soledar -p language=en --out /tmp/x
  bakhmut-report batch variants.yaml --out build/variants
  bakhmut-report check                                   # validate data and parameters, no kernel
  bakhmut-report control --format csv                    # month,settlement,holder
  bakhmut-report params                                  # every parameter with help and default
"""

#: characters shown escaped in messages: C0 and C1 controls (but the newline), DEL, lone
#: surrogates and the bidirectional overrides that reorder what a terminal shows
UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: the OWASP rule for CSV injection: cells a spreadsheet would read as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """``text`` with control characters written as escapes ('\\x1b[31m' instead of the escape itself)."""
    return UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)


def say(text: str, stream=None) -> None:
    print(printable(text), file=stream or sys.stdout)


def spreadsheet_safe(cell: object) -> object:
    """A text cell that starts like a formula gets a leading single quote (OWASP CSV injection rule)."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_START) else cell


class _Parser(argparse.ArgumentParser):
    """argparse quotes unrecognised arguments as they are: its messages are escaped like ours."""

    def _print_message(self, message, file=None):
        if message:
            (file or sys.stderr).write(printable(message))


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
    parser = _Parser(
        prog="bakhmut-report",
        description=(__doc__ or "").splitlines()[0],
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


def _data_dir(args) -> str | None:
    """``--data`` if given: it must be a directory (a file there is refused with exit 2)."""
    if args.data is not None and not Path(args.data).is_dir():
        what = "does not exist" if not Path(args.data).exists() else "is not a directory"
        raise ReportError(f"--data {args.data}: {what}; give the data directory (the one with datapackage.json)")
    return args.data


def _load_params(args) -> dict:
    from ..load import params

    return params.load(params.default_file(args.file), args.param)


def cmd_render(args) -> int:
    from .render import render

    params = _load_params(args)
    result = render(params, args.out, force=args.force, data_dir=_data_dir(args))
    state = "up to date (cache hit)" if result.cached else "rendered"
    say(f"{result.html} {state} [input {result.input_hash}]; notebook: {result.notebook}")
    return 0


def cmd_check(args) -> int:
    from .render import load_inputs

    params = _load_params(args)
    dataset, geometry = load_inputs(_data_dir(args))
    dataset.settlement_named(params["focus_city"])
    say(
        f"ok: data {dataset.version} ({len(dataset.settlements)} settlements, {len(dataset.events)} events, "
        f"{len(dataset.sources)} sources, {len(dataset.article)} article blocks, base map with "
        f"{len(geometry['arcs'])} arcs); parameters valid"
    )
    return 0


def _month_option(name: str, month: str) -> str:
    first, last = DATA_WINDOW
    if not (is_month(month) and first <= month <= last):
        raise ReportError(f"{name} {month!r}: write a month as YYYY-MM between {first} and {last}, e.g. 2023-05")
    return month


def cmd_control(args) -> int:
    from ..derive.control import control_table, data_months
    from ..validate import load_valid_dataset

    params = _load_params(args)
    start = _month_option("--from", args.start) if args.start is not None else None
    end = _month_option("--to", args.end) if args.end is not None else None
    dataset = load_valid_dataset(_data_dir(args))
    first, last = data_months(dataset)
    start, end = start or first, end or last
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
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
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

    path = refresh_notebook()  # the kernel guard inside handles Ctrl-C: kernel killed, then exit 130
    say(f"{path} re-executed with the default parameters")
    return 0


def cmd_batch(args) -> int:
    from .batch import run_batch

    _data_dir(args)
    return run_batch(args, say)


COMMANDS = {
    "render": cmd_render,
    "check": cmd_check,
    "control": cmd_control,
    "params": cmd_params,
    "refresh-notebook": cmd_refresh_notebook,
    "batch": cmd_batch,
}


def _interrupted(command: str, exc: KeyboardInterrupt) -> str:
    written = getattr(exc, "written", None)
    if written:
        shown = " and ".join(str(p) for p in written)
        return f"bakhmut-report {command}: interrupted after the new outputs were complete: {shown} are the new render"
    if command == "batch":
        return f"bakhmut-report {command}: interrupted; variants that finished are in place, the others unchanged"
    if command in ("render", "refresh-notebook"):
        return f"bakhmut-report {command}: interrupted; the previous outputs are unchanged"
    return f"bakhmut-report {command}: interrupted"


def main(argv: list[str] | None = None) -> int:
    previous, hook = _install()
    try:
        code = _main(argv)
    finally:
        if not AS_PROGRAM:  # called as a function (tests): leave the caller's handlers as they were
            sys.excepthook = hook
            for signum, handler in previous.items():
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
    if AS_PROGRAM:  # end here: a signal during the interpreter's shutdown would meet its default handler
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    return code


def _main(argv: list[str] | None) -> int:
    command = "?"
    try:
        try:
            args = build_parser().parse_args(argv)
            command = args.command
            _state["message"] = (printable(_interrupted(command, KeyboardInterrupt())) + "\n").encode(errors="replace")
            return COMMANDS[command](args)
        finally:
            if command != "?":
                sys.stdout.flush()
    except ReportError as exc:
        say(f"bakhmut-report {command}: {exc}", sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        say(_interrupted(command, exc), sys.stderr)
        return 130
    except BrokenPipeError:
        with open(os.devnull, "w") as devnull:  # noqa: PTH123 - stdout is gone: let the exit flush go nowhere
            os.dup2(devnull.fileno(), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
