"""The article's claims, checked against the data: verdicts follow the data and the parameters."""

from __future__ import annotations

import re

import pytest

from bakhmut_report.derive import claims
from bakhmut_report.load import params
from bakhmut_report.present.i18n import texts
from bakhmut_report.validate import load_valid_dataset
from helpers import remove_events


def verdicts(dataset, **overrides):
    return {v.claim.claim_id: v for v in claims.verdicts(dataset, {**params.DEFAULTS, **overrides})}


def explanation(verdict, language="en") -> str:
    """The verdict's sentence as the page writes it."""
    return texts(language).message(verdict.message, verdict.args)


def test_shipped_verdicts(dataset):
    found = {k: v.verdict for k, v in verdicts(dataset).items()}
    assert found["c04"] == "supported"  # Kramatorsk and Sloviansk: the last big Donetsk cities
    assert found["c08"] == "supported"
    # villages Russia took between Lysychansk and Soledar (Berestove, Opytne) make these only partly true
    assert found["c07"] == found["c09"] == "partly_supported"
    assert found["c18"] == "disputed"  # Prigozhin's "only one way out", contradicted by RFE/RL
    assert found["c12"] == "supported"  # three sides
    assert found["c14"] == "not_checkable"


def test_big_city_threshold_is_a_parameter(dataset):
    v = verdicts(dataset, big_city_population=50000)["c04"]
    assert v.verdict == "contradicted"
    assert "Bakhmut" in explanation(v) and "Kostiantynivka" in explanation(v)


def test_artillery_range_is_a_parameter(dataset):
    assert verdicts(dataset, artillery_range_km=30.0)["c05"].verdict == "supported"
    assert verdicts(dataset, artillery_range_km=10.0)["c05"].verdict == "contradicted"


def soledar_capture(row: dict) -> bool:
    """Every claim and confirmation of Soledar's capture, and the fighting inside before it."""
    return row["change_id"] == "soledar-2023-01" or row["event_id"] == "ev-2023-01-07-fighting-inside-soledar"


def test_flipping_a_fact_flips_the_verdict(data_copy):
    remove_events(data_copy, soledar_capture)
    flipped = verdicts(load_valid_dataset(data_copy))
    assert flipped["c08"].verdict == "contradicted"
    assert "no capture of Soledar" in explanation(flipped["c08"])


@pytest.mark.slow
def test_flipped_fact_shows_in_a_rerender(data_copy, tmp_path, run_cli):
    remove_events(data_copy, soledar_capture)
    run = run_cli("render", "--data", data_copy, "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")

    def verdict_in_page(claim_id):
        tag = re.search(rf'<li[^>]*id="claim-{claim_id}"[^>]*>', html).group(0)
        return re.search(r'data-verdict="([a-z_]+)"', tag).group(1)

    assert verdict_in_page("c08") == "contradicted"
    assert verdict_in_page("c06") == "supported"


def test_control_basis_changes_the_map_and_the_report_says_so(dataset):
    from bakhmut_report.present.report import Report

    confirmed = Report({**params.DEFAULTS, "end_month": "2024-12"}, dataset)
    claimed = Report({**params.DEFAULTS, "end_month": "2024-12", "control_basis": "claimed"}, dataset)
    assert "bevestigde wisselingen" in confirmed.story().html
    assert "volgt claims" in claimed.story().html
    # Russia's unconfirmed May 2024 claim: the claimed map follows it, the default map says contested
    assert confirmed.months.holders("2024-06")["klishchiivka"] == "contested"
    assert claimed.months.holders("2024-06")["klishchiivka"] == "RU"
