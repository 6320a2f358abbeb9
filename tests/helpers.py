"""Helpers the tests share: reading and editing CSV files, the project's paths."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from bakhmut_report.model.paths import DATA_DIR, PROJECT_DIR
from bench.browser import CHROMIUM  # one place names the browser the tests and the bench use

PROJECT = PROJECT_DIR

__all__ = [
    "CHROMIUM",
    "DATA_DIR",
    "PROJECT",
    "edit_csv",
    "format_csv",
    "parse_csv",
    "read_csv",
    "remove_events",
    "remove_rows",
    "write_csv",
]


def parse_csv(text: str) -> list[list[str]]:
    """Every record of CSV text, header first."""
    return list(csv.reader(io.StringIO(text, newline="")))


def format_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def read_csv(path: Path) -> list[list[str]]:
    return parse_csv(path.read_text(encoding="utf-8"))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    path.write_text(format_csv(rows), encoding="utf-8")


def edit_csv(path: Path, row_key: tuple[str, str], column: str, value: str) -> int:
    """Set one cell (row found by key column=value); returns the row's physical line number."""
    rows = read_csv(path)
    header = rows[0]
    key_col, key_value = row_key
    for index, row in enumerate(rows):
        if index and row[header.index(key_col)] == key_value:
            row[header.index(column)] = value
            break
    else:
        raise KeyError(row_key)
    write_csv(path, rows)
    return format_csv(rows[:index]).count("\n") + 1


def remove_rows(path: Path, predicate: Callable[[dict[str, str]], bool]) -> None:
    """Drop the records for which ``predicate(record as a dict)`` is true."""
    rows = read_csv(path)
    header = rows[0]
    write_csv(path, [header] + [r for r in rows[1:] if not predicate(dict(zip(header, r, strict=True)))])


def remove_events(data_dir: Path, predicate: Callable[[dict[str, str]], bool]) -> None:
    """Drop events and every reference to them (article blocks, disputes), so the copy stays loadable."""
    events = read_csv(data_dir / "events.csv")
    header = events[0]
    gone = {r[0] for r in events[1:] if predicate(dict(zip(header, r, strict=True)))}
    remove_rows(data_dir / "events.csv", predicate)
    for name, column in (("article.csv", "events"), ("events.csv", "disputes")):
        rows = read_csv(data_dir / name)
        i = rows[0].index(column)
        for row in rows[1:]:
            row[i] = ";".join(x for x in row[i].split(";") if x and x not in gone)
        write_csv(data_dir / name, rows)
