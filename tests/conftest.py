"""Shared fixtures: the shipped data, copies of it to break, and one rendered report."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from bakhmut_report.dataset import DEFAULT_DATA_DIR, Dataset

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return Dataset.load(DEFAULT_DATA_DIR)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ to put mistakes in."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def edit_csv(path: Path, row_key: tuple[str, str], column: str, value: str) -> int:
    """Set one cell (row found by key column=value); returns the row's line number."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    key_col, key_value = row_key
    for index, row in enumerate(rows):
        if index and row[header.index(key_col)] == key_value:
            row[header.index(column)] = value
            break
    else:
        raise KeyError(row_key)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    # physical line of the record: count newlines in the records before it
    before = io.StringIO()
    csv.writer(before, lineterminator="\n").writerows(rows[:index])
    return before.getvalue().count("\n") + 1


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The default report, rendered once for the render and browser tests."""
    from bakhmut_report import params
    from bakhmut_report.render import render

    out = tmp_path_factory.mktemp("build")
    return render(params.load(PROJECT / "report_params.yaml"), out)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make test` (installs Debian's chromium) or "
                    "`apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"])
        yield browser
        browser.close()
