"""Fuzzed loaders: the data files, the parameter YAML and ``-p KEY=VALUE``.

The only outcomes allowed are valid data / parameters, or the project's own
``ReportError`` (a subclass) with a non-empty message. Anything else would reach
the user as a traceback. Data that loads must also build every part of the
report (without a kernel): validation is where unusable data is refused.
YAML is read safely: tags that construct objects never run.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bakhmut_report.load import params
from bakhmut_report.model.errors import DataError, ParameterError, ReportError
from bakhmut_report.model.paths import DATA_DIR as DEFAULT_DATA_DIR
from bakhmut_report.validate import load_valid_dataset
from helpers import format_csv, parse_csv

TABLES = ["sources.csv", "settlements.csv", "events.csv", "article.csv", "article_claims.csv"]
BASE = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz(examples: int) -> settings:
    """Deterministic (derandomized) runs of ``examples`` cases, no example database, no deadline."""
    return settings(BASE, max_examples=examples)


NASTY = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "0",
    "-1",
    "1.5",
    "99999999999999999999",
    "9" * 5000,
    "٣٤",
    "2023-02-30",
    "2022-02-24",
    "0000-01-01",
    "9999-12-31",
    "2023-03",
    "x;y",
    ";",
    "a;;b",
    " a",
    "UA",
    "RU",
    "contested",
    "independent",
    "bakhmut",
    "soledar",
    "c01",
    "s0-p1",
    "title",
    "control_claim",
    "battle_start",
    "<script>",
    "\x00",
    "\r\n",
    '"',
    "\u202e",
    "\U0001f642",
    "null",
    "settlement=bakhmut",
    "months=x",
    "side=independent",
    "https://example.org/",
    "javascript:alert(1)",
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """One writable copy of data/ for the whole module; each example restores what it broke."""
    target = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def outcome(action, *args):
    """Run ``action``: its result, or None when it raised a ReportError with a message. Anything else fails."""
    try:
        return action(*args)
    except ReportError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return None


def build_report(data_dir: Path) -> None:
    """Load, validate and build every part of the report the notebook shows."""
    from bakhmut_report.present.report import Report

    report = Report(params.load(None), load_valid_dataset(data_dir))
    for part in (report.story, report.events_table, report.method, report.sources, report.downloads, report.colophon):
        block = part()
        assert block.html and block.text


class Replaced:
    """Replace one file of the data copy for the duration of a ``with``."""

    def __init__(self, path: Path, raw: bytes):
        self.path, self.raw = path, raw

    def __enter__(self):
        self.original = self.path.read_bytes()
        self.path.write_bytes(self.raw)

    def __exit__(self, *exc):
        self.path.write_bytes(self.original)


# --- data files -----------------------------------------------------------------------------------------------


@fuzz(60)
@given(name=st.sampled_from(TABLES + ["datapackage.json"]), raw=st.binary(max_size=2000))
@example(name="events.csv", raw=b"")
@example(name="events.csv", raw=b"\xef\xbb\xbf")
@example(name="datapackage.json", raw=b"[]")
@example(name="datapackage.json", raw=b"{}")
@example(name="datapackage.json", raw=b"[" * 100000)
@example(name="datapackage.json", raw=b"1" * 5000)
def test_random_bytes_in_a_data_file(data_dir, name, raw):
    with Replaced(data_dir / name, raw):
        outcome(load_valid_dataset, data_dir)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"])
def test_wrong_encodings_are_named(data_dir, encoding):
    for name in TABLES:
        text = (data_dir / name).read_text(encoding="utf-8")
        raw = text.encode(encoding, errors="replace")
        with Replaced(data_dir / name, raw):
            if raw == text.encode("utf-8"):
                assert load_valid_dataset(data_dir)  # plain ASCII: the same bytes in every encoding
                continue
            with pytest.raises(DataError) as err:
                load_valid_dataset(data_dir)
            assert f"data/{name}:" in str(err.value)
            assert "UTF-8" in str(err.value) or "byte-order mark" in str(err.value), str(err.value)


def apply(text: str, op: tuple) -> str:
    """One mutation of a CSV file's text; positions and indices wrap around.

    Row and cell operations need a header and a non-empty row; when an earlier
    operation destroyed those (or left a field too big to re-read) they do nothing.
    """
    kind, *args = op
    if kind in ("cell", "copy", "huge", "drop_column", "extra_column", "rename_header", "short_row", "dup_row"):
        try:
            rows = [r for r in parse_csv(text) if r]
        except csv.Error:
            return text
        if len(rows) < 2:
            return text
        header, body = rows[0], rows[1:]
        row = body[args[0] % len(body)] if kind not in ("extra_column",) else None
        if kind == "cell":
            row[args[1] % len(row)] = args[2]
        elif kind == "copy":  # a value from another row of the same column: odd but well-formed data
            other = body[args[2] % len(body)]
            col = args[1] % min(len(row), len(other))
            row[col] = other[col]
        elif kind == "huge":
            row[args[1] % len(row)] = "x" * (1 << 20)
        elif kind == "drop_column":
            col = args[0] % len(header)
            rows = [r[:col] + r[col + 1 :] for r in rows]
        elif kind == "extra_column":
            rows = [r + [args[0] if r is header else "1"] for r in rows]
        elif kind == "rename_header":
            header[args[0] % len(header)] = args[1]
        elif kind == "short_row":
            del row[-1]
        elif kind == "dup_row":
            rows.insert(1, list(row))
        return format_csv(rows)
    position = args[0] % (len(text) + 1) if args else 0
    if kind == "insert":  # raw characters: quotes, NUL, commas, newlines
        return text[:position] + args[1] + text[position:]
    if kind == "delete_quote":
        quotes = [i for i, c in enumerate(text) if c == '"']
        if quotes:
            i = quotes[args[0] % len(quotes)]
            return text[:i] + text[i + 1 :]
        return text
    if kind == "truncate":
        return text[:position]
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    if kind == "cr":
        return text.replace("\n", "\r")
    if kind == "bom":
        return "\ufeff" + text
    raise AssertionError(kind)


index = st.integers(min_value=0, max_value=10**6)
value = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
OPS = st.one_of(
    st.tuples(st.just("cell"), index, index, value),
    st.tuples(st.just("copy"), index, index, index),
    st.tuples(st.just("huge"), index, index),
    st.tuples(st.just("drop_column"), index),
    st.tuples(st.just("extra_column"), st.sampled_from(["extra", "note ", "Note", ""])),
    st.tuples(st.just("rename_header"), index, st.sampled_from(["ID", "date ", "sourceid", ""])),
    st.tuples(st.just("short_row"), index),
    st.tuples(st.just("dup_row"), index),
    st.tuples(st.just("insert"), index, st.sampled_from(['"', '""', "\x00", ",", "\n", "\r", '",', "\ufeff"])),
    st.tuples(st.just("delete_quote"), index),
    st.tuples(st.just("truncate"), index),
    st.tuples(st.sampled_from(["crlf", "cr", "bom"])),
)


@fuzz(120)
@given(name=st.sampled_from(TABLES), ops=st.lists(OPS, min_size=1, max_size=3))
@example(name="settlements.csv", ops=[("cell", 0, 6, "9" * 5000)])  # found: int() refuses > 4300 digits
@example(name="settlements.csv", ops=[("huge", 0, 10)])  # found: one long field cascaded into 90 problems
@example(name="article_claims.csv", ops=[("cell", 0, 5, "settlement=bakhmut;months=x")])  # found: crash in claims
@example(name="article_claims.csv", ops=[("cell", 6, 5, "after=lysychansk;before=soledar;side=independent")])
@example(name="events.csv", ops=[("crlf",), ("cell", 3, 1, "nan")])
def test_mangled_csv_loads_or_is_refused(data_dir, name, ops):
    text = (data_dir / name).read_text(encoding="utf-8")
    for op in ops:
        text = apply(text, op)
    with Replaced(data_dir / name, text.encode("utf-8")):
        outcome(build_report, data_dir)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _damage(descriptor: dict, path: list, replacement) -> dict:
    """Walk ``path`` down through containers, then delete (replacement is ...) or replace one entry there."""
    descriptor = json.loads(json.dumps(descriptor))
    node = descriptor
    for step in path[:-1]:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        inner = [k for k in keys if isinstance(node[k], (dict, list)) and node[k]]
        if not inner:
            break
        node = node[inner[step % len(inner)]]
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    if keys:
        key = keys[path[-1] % len(keys)]
        if replacement is ...:
            del node[key]
        else:
            node[key] = replacement
    return descriptor


@fuzz(60)
@given(
    document=st.one_of(JSON, st.builds(dict, resources=JSON)),
    path=st.lists(index, min_size=1, max_size=7),
    replacement=st.one_of(st.just(...), st.none(), st.integers(), st.text(max_size=5), st.just([]), st.just({})),
)
def test_damaged_descriptor_is_named(data_dir, document, path, replacement):
    """Random JSON, or the real descriptor with a key deleted or a node replaced at a random place."""
    real = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    for candidate in (document, _damage(real, path, replacement)):
        with Replaced(data_dir / "datapackage.json", json.dumps(candidate).encode()):
            outcome(load_valid_dataset, data_dir)


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


DAMAGE = {  # single mutations that crashed the loader before check_descriptor (found by exhaustive mutation)
    "events without schema": lambda d: _resource(d, "events").pop("schema"),
    "date field without type": lambda d: _resource(d, "events")["schema"]["fields"][1].pop("type"),
    "x-listForeignKeys null": lambda d: _resource(d, "settlements").update({"x-listForeignKeys": None}),
    "foreignKeys an object": lambda d: _resource(d, "article_claims")["schema"].update({"foreignKeys": {}}),
    "reference to a missing field": lambda d: _resource(d, "events")["x-listForeignKeys"][0]["reference"].update(
        {"fields": "x"}
    ),
    "reference resource a list": lambda d: _resource(d, "events")["x-listForeignKeys"][0]["reference"].update(
        {"resource": []}
    ),
    "x-article a string": lambda d: _resource(d, "article").update({"x-article": "x"}),
    "resources an object": lambda d: d.update({"resources": {}}),
    "a pattern that is no regex": lambda d: _resource(d, "sources")["schema"]["fields"][0]["constraints"].update(
        {"pattern": "(["}
    ),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_known_descriptor_damage_is_named(data_dir, damage):
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    damage(descriptor)
    with Replaced(data_dir / "datapackage.json", json.dumps(descriptor).encode()), pytest.raises(DataError) as err:
        load_valid_dataset(data_dir)
    assert str(err.value).startswith("1 problem in the data:\n  data/datapackage.json: ")
    assert "restore the file" in str(err.value)


# --- parameters ------------------------------------------------------------------------------------------------


def read_yaml_bytes(tmp_dir: Path, raw: bytes):
    path = tmp_dir / "params.yaml"
    path.write_bytes(raw)
    return outcome(params.load, path)


@pytest.fixture(scope="module")
def yaml_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("yaml")


def check_valid(result) -> None:
    """A parameter set that passed: complete, typed by the schema, and stable under validation."""
    if result is None:
        return
    assert set(result) == set(params.BY_NAME)
    for key, value in result.items():
        assert type(value) is params.BY_NAME[key].type, (key, value)
    assert params.validate(result) == result


@fuzz(60)
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
@example(raw=b"\xff\xfe" + "language: en".encode("utf-16-le"))
@example(raw=b"language: \xe9n")
def test_random_yaml_bytes(yaml_dir, raw):
    check_valid(read_yaml_bytes(yaml_dir, raw))


KEYS = st.one_of(
    st.sampled_from(list(params.BY_NAME)),
    st.sampled_from(["Language", "focus city", "<<", "? [a]", "1", "null", "!!python/name:os.system"]),
)
VALUES = st.sampled_from(
    [
        "nl",
        "en",
        "'2023-03'",
        "2023-03",
        "2023-03-01",
        "2023-3",
        "Bakhmut",
        "Artemivsk",
        "30",
        "30.0",
        "1e999",
        ".nan",
        "-.inf",
        "0x1F",
        "0o17",
        "1_000",
        "9" * 5000,
        "1:30",
        "~",
        "yes",
        "on",
        "[]",
        "{}",
        "[1, 2]",
        "{a: 1}",
        "&anchor en",
        "*anchor",
        "!!python/object/apply:os.system ['touch {canary}']",
        "!!python/object/new:subprocess.Popen [['touch', '{canary}']]",
        "!!python/name:os.system",
        "!!binary aGk=",
        "!!binary MzA=",
        "!!set {a, b}",
        "!!omap [{a: 1}]",
        "!!timestamp 2023-03-01",
        "!!float '30'",
        "!!str 30",
        "|\n  multi\n  line",
        "'<script>alert(1)</script>'",
        '"\\x00"',
        '"\\ud800"',
        "[" * 200 + "]" * 200,
        "{a: " * 200 + "1" + "}" * 200,
        "\t tab",
        "'unterminated",
        "}",
        "- x",
    ]
)


@fuzz(120)
@given(items=st.lists(st.tuples(KEYS, VALUES), max_size=5), root=st.sampled_from(["map", "list", "doc", "bom"]))
def test_yaml_constructs_are_read_safely(yaml_dir, items, root):
    """Duplicate keys, anchors/aliases, python tags, deep nesting, dates, huge numbers, odd roots."""
    canary = yaml_dir / "canary"
    lines = [f"{key}: {value.replace('{canary}', str(canary))}" for key, value in items]
    if root == "list":
        lines = [f"- {line}" for line in lines]
    elif root == "doc":
        lines = ["%YAML 1.1", "---"] + lines + ["---", "language: en"]
    text = "\n".join(lines) + "\n"
    check_valid(read_yaml_bytes(yaml_dir, (b"\xef\xbb\xbf" if root == "bom" else b"") + text.encode()))
    assert not canary.exists(), "a YAML tag ran code"


@pytest.mark.parametrize(
    "text, message",
    [
        ("title: !!python/object/apply:os.system ['touch {canary}']\n", "could not determine a constructor"),
        ("? !!python/name:os.system\n: 1\n", "could not determine a constructor"),
        ("title: &t x\nfocus_city: *t\n", "aliases (*t) are not allowed"),
        ("language: en\nlanguage: nl\n", "the key 'language' appears twice"),
        ("? [language, title]\n: en\n", "a key must be a plain name, not a list"),
        ("[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("big_city_population: " + "9" * 5000 + "\n", "a value cannot be read"),
        ("- language: en\n", "must be a mapping of parameter: value, found list"),
        ("just text\n", "must be a mapping of parameter: value, found str"),
        ("start_month: 2023-03-01\n", "start_month: '2023-03-01' is not allowed"),
        ("artillery_range_km: !!binary MzA=\n", "artillery_range_km: b'30' is not allowed"),
    ],
)
def test_yaml_refusals_name_the_problem(yaml_dir, text, message):
    canary = yaml_dir / "canary"
    path = yaml_dir / "case.yaml"
    path.write_text(text.replace("{canary}", str(canary)), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        params.load(path)
    assert message in str(err.value) and len(str(err.value)) < 400, str(err.value)
    assert "Traceback" not in str(err.value) and not canary.exists()


def test_non_utf8_yaml_is_refused(yaml_dir):
    path = yaml_dir / "latin.yaml"
    path.write_bytes("focus_city: Kostiantyni\u0308vka\n".encode("utf-16"))
    with pytest.raises(ParameterError, match="not UTF-8; save the file as UTF-8"):
        params.load(path)


OVERRIDE = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda k, v: f"{k}={v}",
        st.sampled_from(list(params.BY_NAME)),
        st.one_of(
            st.sampled_from(
                [
                    "",
                    " ",
                    "nan",
                    "inf",
                    "-inf",
                    "1e999",
                    "1_000",
                    "٣٣",
                    "9" * 5000,
                    "0x10",
                    "30.0",
                    "2023-03",
                    " 2023-03 ",
                    "en",
                    "EN",
                    "Artemivsk",
                    "a=b",
                    "<script>",
                    "1" * 19,
                    "-1",
                    "5000001",
                    "\x00",
                ]
            ),
            st.text(max_size=20),
            st.integers().map(str),
            st.floats().map(str),
        ),
    ),
)


@fuzz(150)
@given(items=st.lists(OVERRIDE, max_size=4))
@example(items=["big_city_population=" + "9" * 5000])  # found: int() refuses > 4300 digits
@example(items=["title=" + "x" * 10**6])
def test_p_key_value_overrides(items):
    result = outcome(params.load, None, items)
    check_valid(result)
    if result is None:
        with pytest.raises(ParameterError) as err:
            params.load(None, items)
        assert len(str(err.value)) < 600, "a hostile value must not be echoed in full"


def test_p_huge_number_is_refused_with_a_short_message():
    with pytest.raises(ParameterError) as err:
        params.load(None, ["big_city_population=" + "9" * 5000])
    assert "big_city_population: '99999" in str(err.value) and len(str(err.value)) < 300


def test_loaded_yaml_module_is_safe():
    """The loader is a SafeLoader subclass: no python/* constructors registered at all."""
    loader = params._SafeStringDateLoader
    assert issubclass(loader, params.yaml.SafeLoader)
    tags = set(loader.yaml_constructors) | set(loader.yaml_multi_constructors)
    assert not [t for t in tags if t and "python" in t], tags
