"""Who holds what per month, derived from the events (never typed by hand)."""

from __future__ import annotations

import pytest

from bakhmut_report.derive.control import control_table
from bakhmut_report.model.calendar import month_end, months_between
from bakhmut_report.model.changes import control_changes
from helpers import parse_csv


def holders(dataset, basis="confirmed", start="2022-02", end="2024-12"):
    return {
        (s.month, dataset.settlements[s.settlement_id].name): s.holder
        for s in control_table(dataset, start, end, basis)
    }


@pytest.mark.parametrize("basis", ["confirmed", "claimed"])
@pytest.mark.parametrize(
    "settlement, month, holder",
    [
        ("Lysychansk", "2022-06", "UA"),
        ("Lysychansk", "2022-07", "RU"),
        ("Lysychansk", "2024-12", "RU"),
        ("Kherson", "2022-02", "UA"),
        ("Kherson", "2022-03", "RU"),
        ("Kherson", "2022-10", "RU"),
        ("Kherson", "2022-11", "UA"),
        ("Bakhmut", "2022-06", "UA"),
        ("Bakhmut", "2023-01", "contested"),
        ("Bakhmut", "2023-04", "contested"),
        ("Bakhmut", "2023-05", "RU"),
        ("Bakhmut", "2023-06", "RU"),
        ("Soledar", "2022-12", "UA"),
        ("Soledar", "2023-01", "RU"),
        ("Izium", "2022-04", "RU"),
        ("Izium", "2022-09", "UA"),
        ("Kupiansk", "2022-02", "RU"),
        ("Kupiansk", "2022-09", "UA"),
        ("Horlivka", "2022-02", "RU"),
        ("Donetsk", "2024-12", "RU"),
        ("Kramatorsk", "2024-12", "UA"),
        ("Sloviansk", "2023-06", "UA"),
        ("Avdiivka", "2024-01", "UA"),
        ("Avdiivka", "2024-02", "RU"),
        ("Vuhledar", "2024-08", "UA"),
        ("Vuhledar", "2024-09", "contested"),
        ("Vuhledar", "2024-10", "RU"),
        ("Chasiv Yar", "2024-06", "UA"),
        ("Chasiv Yar", "2024-07", "contested"),
        # the audit's corrections: retaken in September 2023 and Ukrainian until Russia's May 2024 claim
        ("Klishchiivka", "2023-10", "UA"),
        ("Klishchiivka", "2024-04", "UA"),
        ("Andriivka (Bakhmut Raion)", "2023-10", "UA"),
        ("Andriivka (Bakhmut Raion)", "2024-04", "UA"),
        # fought over from April 2022 until the Russian MoD's claim, which Ukraine's commander-in-chief confirmed
        ("Marinka", "2022-03", "UA"),
        ("Marinka", "2022-05", "contested"),
        ("Marinka", "2023-11", "contested"),
        ("Marinka", "2023-12", "RU"),
    ],
)
def test_control_agrees_with_sourced_facts(dataset, basis, settlement, month, holder):
    assert holders(dataset, basis)[(month, settlement)] == holder


def test_claims_and_confirmations_can_differ(dataset):
    """Russia's May 2024 claim to Klishchiivka was never confirmed: Ukraine kept reporting fighting there."""
    claimed, confirmed = holders(dataset, "claimed"), holders(dataset, "confirmed")
    assert claimed[("2024-06", "Klishchiivka")] == "RU"
    assert confirmed[("2024-06", "Klishchiivka")] == "contested"


def test_soledar_keeps_claim_and_confirmation_dates(dataset):
    change = next(c for c in control_changes(dataset) if c.change_id == "soledar-2023-01")
    assert change.takes_effect("claimed").isoformat() == "2023-01-10"
    assert change.takes_effect("confirmed").isoformat() == "2023-01-25"
    bakhmut = next(c for c in control_changes(dataset) if c.change_id == "bakhmut-2023-05")
    assert [e.date.isoformat() for e in bakhmut.claims] == ["2023-05-20", "2023-05-21"]


def test_month_is_judged_at_its_last_day():
    assert month_end("2024-02").isoformat() == "2024-02-29"
    assert month_end("2023-12").isoformat() == "2023-12-31"
    assert months_between("2022-11", "2023-02") == ["2022-11", "2022-12", "2023-01", "2023-02"]


def test_every_settlement_every_month(dataset):
    table = control_table(dataset, "2022-02", "2024-12")
    assert len(table) == 35 * len(dataset.settlements)
    assert {s.holder for s in table} == {"UA", "RU", "contested"}


def test_cli_prints_csv(dataset, run_cli):
    run = run_cli("control", "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = parse_csv(run.stdout)
    assert rows[0] == ["month", "settlement", "holder"]
    assert ["2023-05", "Bakhmut", "RU"] in rows
    assert ["2022-07", "Lysychansk", "RU"] in rows
    assert len(rows) == 1 + 35 * len(dataset.settlements)
