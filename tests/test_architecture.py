"""The package's shape: layers without cycles, HTML only from templates, one source of truth per fact."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import grimp
import pytest

from bakhmut_report.derive.claims import CHECKS
from bakhmut_report.model import vocabulary
from bakhmut_report.validate.rules import CLAIM_ARGUMENTS
from helpers import PROJECT

SRC = PROJECT / "src" / "bakhmut_report"
LAYERS = ("model", "load", "validate", "derive", "present", "run")
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")  # the start of an HTML (or plotly markup) tag


def python_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "vendor" not in p.parts)


def test_every_module_lives_in_a_layer_and_every_layer_says_what_it_is():
    loose = [p.name for p in SRC.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == [], "modules belong in a layer subpackage"
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((SRC / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc and doc.startswith(f"The {layer} layer"), layer


def test_no_import_cycles_between_modules():
    graph = grimp.build_graph("bakhmut_report")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if module != imported and graph.chain_exists(importer=imported, imported=module):
                cycles.append((module, imported))
    assert cycles == []


def _html_building_calls(tree: ast.AST) -> list[int]:
    """Lines where an f-string, a % or a .format() call writes text containing a tag."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if TAG.search(literal):
                found.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str) and TAG.search(node.left.value):
                found.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            target = node.func.value
            if isinstance(target, ast.Constant) and isinstance(target.value, str) and TAG.search(target.value):
                found.append(node.lineno)
    return found


def test_no_python_string_formatting_builds_html():
    offenders = {
        str(p.relative_to(SRC)): lines
        for p in python_files()
        if (lines := _html_building_calls(ast.parse(p.read_text(encoding="utf-8"))))
    }
    assert offenders == {}, "build HTML in present/templates (autoescaped), not with f-strings, % or format()"


def test_the_html_check_would_catch_an_f_string():
    assert _html_building_calls(ast.parse('x = f"<b>{name}</b>"')) == [1]
    assert _html_building_calls(ast.parse('x = "<p>%s</p>" % name')) == [1]
    assert _html_building_calls(ast.parse('x = "<p>{}</p>".format(name)')) == [1]
    assert _html_building_calls(ast.parse('x = f"{a} < {b}"')) == []


def test_check_names_agree_in_the_data_package_the_vocabulary_and_the_code():
    descriptor = json.loads((PROJECT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    claims = next(r for r in descriptor["resources"] if r["name"] == "article_claims")
    enum = next(f for f in claims["schema"]["fields"] if f["name"] == "check")["constraints"]["enum"]
    assert tuple(enum) == vocabulary.CHECK_NAMES
    assert tuple(CHECKS) == vocabulary.CHECK_NAMES == tuple(CLAIM_ARGUMENTS)
    for name, check in CHECKS.items():
        assert check.__name__ == f"check_{name}"


def test_enumerations_in_the_data_package_come_from_the_vocabulary():
    descriptor = json.loads((PROJECT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {
        (r["name"], f["name"]): f.get("constraints", {}).get("enum")
        for r in descriptor["resources"]
        for f in r.get("schema", {}).get("fields", [])
    }
    assert tuple(fields[("settlements", "holder_at_start")]) == vocabulary.HOLDERS
    assert tuple(fields[("events", "holder_before")]) == vocabulary.HOLDERS
    assert tuple(fields[("events", "holder_after")]) == vocabulary.HOLDERS
    assert set(vocabulary.TABLES) <= {r["name"] for r in descriptor["resources"]}


@pytest.mark.parametrize("layer", ["model", "load", "validate", "derive"])
def test_data_layers_import_no_toolchain(layer):
    graph = grimp.build_graph("bakhmut_report", include_external_packages=True)
    for module in graph.find_descendants(f"bakhmut_report.{layer}") | {f"bakhmut_report.{layer}"}:
        imported = graph.find_modules_directly_imported_by(module)
        assert not imported & {"papermill", "nbconvert", "nbformat", "plotly", "ipywidgets", "jinja2"}, module
