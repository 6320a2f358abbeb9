"""The command line: one report or many, bad input caught before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bakhmut_report.load import params
from helpers import edit_csv

pytestmark = pytest.mark.slow
SOLEDAR_EN = params.variant_name(params.load(None, ["focus_city=Soledar", "language=en"]))


def outputs(out: Path) -> dict[str, bytes]:
    """What the output directory shows: every report's bytes, by file name."""
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.html")) + sorted(out.glob("*.ipynb"))}


@pytest.fixture(scope="module")
def soledar_en(tmp_path_factory, run_cli):
    out = tmp_path_factory.mktemp("x")
    run = run_cli("render", "-p", "focus_city=Soledar", "-p", "language=en", "--out", str(out))
    assert run.returncode == 0, run.stderr
    return out


def test_render_a_variant(soledar_en):
    assert SOLEDAR_EN.startswith("report-language=en-focus_city=Soledar-")
    html = (soledar_en / f"{SOLEDAR_EN}.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "How Russia and Ukraine are fighting over a city of little strategic value" in html
    assert "Focus: Soledar" in html and "Who holds what, month by month" in html
    assert (soledar_en / f"{SOLEDAR_EN}.ipynb").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["-p", "focus_cty=Soledar"], "unknown parameter 'focus_cty'. Did you mean 'focus_city'?"),
        (["-p", "start_month=2024-01", "-p", "end_month=2023-01"], "months out of order"),
        (["-p", "focus_city=Artemovskk"], "Did you mean 'Artemovsk'?"),
    ],
)
def test_bad_parameters_exit_2_and_keep_the_previous_report(soledar_en, args, message, run_cli):
    before = outputs(soledar_en)
    run = run_cli("render", "-p", "focus_city=Soledar", "-p", "language=en", *args, "--out", str(soledar_en))
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr
    assert outputs(soledar_en) == before


def test_cache_hit_and_force(soledar_en, run_cli):
    run = run_cli("render", "-p", "focus_city=Soledar", "-p", "language=en", "--out", str(soledar_en))
    assert run.returncode == 0 and "cache hit" in run.stdout
    run = run_cli("render", "-p", "focus_city=Soledar", "-p", "language=en", "--out", str(soledar_en), "--force")
    assert run.returncode == 0 and "cache hit" not in run.stdout


def test_batch_renders_every_variant_and_reports_failures(tmp_path, run_cli):
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        'base:\n  end_month: "2023-06"\n'
        "product:\n  focus_city: [Bakhmut, Soledar, Kramatorsk, Sloviansk]\n  language: [nl, en]\n",
        encoding="utf-8",
    )
    run = run_cli("batch", str(variants), "--out", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    htmls = sorted(p.name for p in (tmp_path / "out").glob("*.html"))
    assert len(htmls) == 8 and len(set(htmls)) == 8
    assert "8 of 8 variants rendered" in run.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text('- {focus_city: Bakhmut, end_month: "2023-06"}\n- {focus_cty: Soledar}\n', encoding="utf-8")
    run = run_cli("batch", str(bad), "--out", str(tmp_path / "out"))
    assert run.returncode == 2
    assert "1 of 2 variants rendered" in run.stdout and "Did you mean 'focus_city'" in run.stdout


def test_params_lists_every_parameter_with_help(run_cli):
    run = run_cli("params")
    from bakhmut_report.load.params import SCHEMA

    for spec in SCHEMA:
        assert spec.name in run.stdout and spec.help in run.stdout


def test_bad_data_stops_the_render_before_anything_is_written(soledar_en, data_copy, run_cli):
    before = outputs(soledar_en)
    line = edit_csv(
        data_copy / "events.csv", ("event_id", "ev-2023-01-25-ua-confirms-soledar-withdrawal"), "holder_after", "XX"
    )
    run = run_cli(
        "render",
        "-p",
        "focus_city=Soledar",
        "-p",
        "language=en",
        "--force",
        "--data",
        str(data_copy),
        "--out",
        str(soledar_en),
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"data/events.csv:{line}: column 'holder_after', value 'XX': not allowed; use one of UA, RU." in run.stderr
    assert outputs(soledar_en) == before
