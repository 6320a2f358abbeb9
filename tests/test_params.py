"""Parameters: one schema, defaults that agree everywhere, clear errors."""

from __future__ import annotations

import ast
import json
import re

import pytest

from bakhmut_report.load import params
from bakhmut_report.model.errors import ParameterError
from helpers import PROJECT


def notebook_defaults() -> dict:
    nb = json.loads((PROJECT / "notebooks" / "bakhmut.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    return {node.target.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.AnnAssign)}


def test_defaults_agree_in_yaml_notebook_and_schema():
    from_yaml = params.read_params_file(PROJECT / "report_params.yaml")
    assert from_yaml == params.DEFAULTS
    assert notebook_defaults() == params.DEFAULTS


def test_notebook_parameter_cell_follows_name_type_default_help():
    nb = json.loads((PROJECT / "notebooks" / "bakhmut.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    lines = [line for line in "".join(cell["source"]).splitlines() if not line.startswith("#")]
    for line, spec in zip(lines, params.SCHEMA, strict=True):
        assert line.startswith(f"{spec.name}: {spec.type.__name__} = ")
        assert line.endswith(f"# {spec.help}")


def test_months_stay_strings():
    loaded = params.parse_yaml("start_month: 2022-02\ninitial_month: 2022-03-01\n", "x.yaml")
    assert loaded == {"start_month": "2022-02", "initial_month": "2022-03-01"}


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["focus_cty=Soledar"], "unknown parameter 'focus_cty'. Did you mean 'focus_city'?"),
        (["start_month=2024-01", "end_month=2023-01"], "months out of order"),
        (["language=de"], "language: 'de' is not allowed; use one of nl, en (default 'nl')."),
        (["artillery_range_km=0"], "artillery_range_km: 0.0 is out of range"),
        (["initial_month=2021-05"], "a month YYYY-MM between 2022-02 and 2024-12"),
        (["control_basis=claim"], "Did you mean 'claimed'?"),
        (["big_city_population=many"], "big_city_population: 'many' is not allowed"),
        (["nonsense"], "write KEY=VALUE"),
    ],
)
def test_bad_parameters_say_how_to_fix(overrides, message):
    with pytest.raises(ParameterError) as err:
        params.load(None, overrides)
    assert message in str(err.value)


def test_yaml_refuses_duplicates_aliases_and_tags():
    with pytest.raises(ParameterError, match="appears twice"):
        params.parse_yaml("language: nl\nlanguage: en\n", "p.yaml")
    with pytest.raises(ParameterError, match="aliases"):
        params.parse_yaml("a: &x nl\nlanguage: *x\n", "p.yaml")
    with pytest.raises(ParameterError, match="not valid YAML"):
        params.parse_yaml("language: !!python/object:os.system nl\n", "p.yaml")


def test_variant_names_differ_per_variant():
    assert params.variant_name(params.DEFAULTS) == "report"
    a = params.variant_name(params.load(None, ["focus_city=Soledar", "language=en"]))
    assert re.fullmatch(r"report-language=en-focus_city=Soledar-[0-9a-f]{12}", a), a


def test_focus_city_finds_name_variants(dataset):
    assert dataset.settlement_named("Artemivsk").name == "Bakhmut"
    with pytest.raises(ParameterError, match="Did you mean 'Bakhmut'"):
        dataset.settlement_named("Bakhmutt")
