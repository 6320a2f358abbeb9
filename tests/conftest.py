"""Shared fixtures: the shipped data, copies of it to break, the CLI, one rendered report, a browser."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable

import pytest

from bakhmut_report.model.dataset import Dataset
from bakhmut_report.validate import load_valid_dataset
from bench.browser import CHROMIUM_ARGS
from helpers import CHROMIUM, DATA_DIR, PROJECT


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_valid_dataset(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ to put mistakes in."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _run_cli(*args: str, cwd=PROJECT, env=None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bakhmut_report", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess]:
    """``run_cli("render", "--out", d)``: the real command line in a subprocess (captured, text)."""
    return _run_cli


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The default report, rendered once for the render and browser tests."""
    from bakhmut_report.load import params
    from bakhmut_report.run.render import render

    out = tmp_path_factory.mktemp("build")
    return render(params.load(PROJECT / "report_params.yaml"), out)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is missing: run `make test` (installs Debian's chromium) or `apt-get install -y chromium`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def rendered_en(tmp_path_factory):
    """The report in English (the same data and defaults otherwise)."""
    from bakhmut_report.load import params
    from bakhmut_report.run.render import render

    out = tmp_path_factory.mktemp("build-en")
    return render(params.load(PROJECT / "report_params.yaml", ["language=en"]), out)
