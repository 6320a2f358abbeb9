"""bench/synthetic.py: seeded, and its output is valid data in the project's own schema."""

from __future__ import annotations

import filecmp

import pytest

from bakhmut_report.load.dataset import load_dataset
from bakhmut_report.model.paths import DATA_DIR as DEFAULT_DATA_DIR
from bakhmut_report.validate import load_valid_dataset
from bench import synthetic

FILES = ("settlements.csv", "events.csv", "sources.csv")


@pytest.fixture(scope="module")
def ten_x(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic") / "data"
    return out, synthetic.generate(out, factor=10, seed=7)


def test_same_seed_gives_identical_files(ten_x, tmp_path):
    first, _ = ten_x
    again = tmp_path / "again"
    synthetic.generate(again, factor=10, seed=7)
    match, mismatch, errors = filecmp.cmpfiles(first, again, FILES, shallow=False)
    assert (mismatch, errors) == ([], [])
    other = tmp_path / "other-seed"
    synthetic.generate(other, factor=10, seed=8)
    assert (other / "events.csv").read_bytes() != (first / "events.csv").read_bytes()


def test_ten_x_passes_validation(ten_x):
    out, counts = ten_x
    dataset = load_valid_dataset(out)  # schema, keys and consistency rules: raises DataError on any problem
    assert len(dataset.events) == counts["events"] == 10 * synthetic.REAL_EVENTS
    assert len(dataset.settlements) == counts["settlements"] == synthetic.settlement_count(10)
    assert len(dataset.sources) == counts["sources"]
    assert counts["changes"] > 0 and counts["added_control_rows"] > 0


def test_real_rows_are_kept_and_new_ones_fit_the_window(ten_x):
    out, _ = ten_x
    for name in FILES:
        real = (DEFAULT_DATA_DIR / name).read_text(encoding="utf-8")
        assert (out / name).read_text(encoding="utf-8").startswith(real)
    dataset = load_dataset(out)
    synthetic_events = [e for e in dataset.events if "-synth-" in e.event_id]
    assert min(e.date for e in synthetic_events) >= synthetic.WAR_START
    assert max(e.date for e in synthetic_events) <= synthetic.WINDOW_END
    for s in dataset.settlements.values():
        assert 44.0 <= s.lat <= 52.5 and 22.0 <= s.lon <= 40.3


def test_factor_one_is_the_real_data(tmp_path):
    synthetic.generate(tmp_path / "one", factor=1, seed=0)
    match, mismatch, errors = filecmp.cmpfiles(DEFAULT_DATA_DIR, tmp_path / "one", FILES, shallow=False)
    assert (mismatch, errors) == ([], [])
