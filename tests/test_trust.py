"""The trust machinery: nothing from a file runs, no stale report is served, every bad input exits 2.

One test (or a parametrised family) per class of issue 12's examples. Each reproduces the
example and checks the outcome: exit 2 (or 130) with a one-line message and no traceback,
the previous outputs byte-identical (the whole output directory, links included), no kernel
started for bad input (a tripwire notebook would leave a marker), and in Chromium no request
other than file: and no script run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pages import READY, open_page

from bakhmut_report.load import params
from bakhmut_report.load.geometry import load_geometry
from bakhmut_report.load.package import (
    MAX_DATA_FILE_BYTES,
    MAX_FIELD_CHARS,
    SafePattern,
    UnsafePattern,
    load_descriptor,
)
from bakhmut_report.model.errors import DataError, ParameterError, ReportError
from bakhmut_report.present.html import plotly_text
from bakhmut_report.run import files
from bakhmut_report.run.cli import printable, spreadsheet_safe
from bakhmut_report.run.export import plotly_js
from helpers import PROJECT, edit_csv, read_csv, write_csv

REPORT_JS = PROJECT / "src" / "bakhmut_report" / "present" / "assets" / "report.js"
HOSTILE_TEXT = [
    '<a href="http://evil.example/x">link</a>',
    '<span style="fill:url(http://evil.example/f.svg)">x</span>',
    "<b>bold</b> &amp; &lt;entity&gt; &#60;script&#62;",
    "</script><script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "a < b > c & d",
    "&",
    "<br>",
    "",
    "\u202e\U0001f642 unicode",
]


# --- helpers --------------------------------------------------------------------------------------------------


def snapshot(directory: Path) -> dict[str, object]:
    """Everything in a directory tree: each link's text, each file's sha256 (so 'unchanged' means unchanged)."""
    found: dict[str, object] = {}
    if not directory.exists():
        return found
    for path in sorted(directory.rglob("*")):
        key = path.relative_to(directory).as_posix()
        if path.is_symlink():
            found[key] = ("link", os.readlink(path))
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[key] = "dir"
    return found


def shown(out: Path, name: str = "report") -> tuple[bytes | None, bytes | None]:
    """What the two output names show (through their links), None for a name that shows nothing."""
    pair = []
    for suffix in (".html", ".ipynb"):
        try:
            pair.append((out / f"{name}{suffix}").read_bytes())
        except OSError:
            pair.append(None)
    return pair[0], pair[1]


def assert_refused(run: subprocess.CompletedProcess, message: str, code: int = 2) -> None:
    err = run.stderr
    assert run.returncode == code, (run.returncode, err)
    assert message in err, err
    assert "Traceback" not in err and not re.search(r"(?m)^\w*(Error|Exception)\b", err), err
    assert err.startswith("bakhmut-report "), err
    assert "\x1b" not in err, "a raw terminal escape reached stderr"


@pytest.fixture(scope="module")
def tripwire(tmp_path_factory) -> dict[str, str]:
    """Environment whose notebook leaves a marker file as soon as a kernel runs it (for 'no kernel started')."""
    base = tmp_path_factory.mktemp("tripwire")
    marker = base / "kernel-ran"
    nb = nbformat.read(PROJECT / "notebooks" / "bakhmut.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(f"import pathlib; pathlib.Path({str(marker)!r}).write_text('1')"))
    path = base / "tripwire.ipynb"
    nbformat.write(nb, path)
    return {"BAKHMUT_NOTEBOOK": str(path), "marker": str(marker)}


def env_with(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAKHMUT_")}
    env.update({k: v for k, v in extra.items() if k.startswith("BAKHMUT_")})
    return env


@pytest.fixture
def previous(tmp_path, rendered) -> Path:
    """An output directory holding the session's good default report (a copy, links and manifest included)."""
    out = tmp_path / "out"
    shutil.copytree(rendered.html.parent, out, symlinks=True)
    return out


def render_refused(run_cli, tripwire, out: Path, message: str, *args: str, env: dict | None = None) -> None:
    """``render`` with bad input: exit 2 with ``message``, the output directory as it was, no kernel started."""
    before = snapshot(out)
    marker = Path(tripwire["marker"])
    marker.unlink(missing_ok=True)
    run = run_cli("render", "--out", out, *args, env=env_with({**tripwire, **(env or {})}), timeout=120)
    assert_refused(run, message)
    assert snapshot(out) == before, "the previous outputs changed"
    assert not marker.exists(), "a kernel ran for bad input"


# --- 1. files that reach the page are parsed and re-serialised ------------------------------------------------


def geometry_file(data: Path) -> Path:
    return data / "geo" / "europe_50m.json"


def break_geometry(data: Path, how: str) -> None:
    path = geometry_file(data)
    text = path.read_text(encoding="utf-8").rstrip()
    if how == "script":
        path.write_text(text[:-2] + '1}};alert("geo");//', encoding="utf-8")
    elif how == "invalid json":
        path.write_text(text[:-1], encoding="utf-8")
    elif how == "missing":
        path.unlink()
    elif how == "not utf-8":
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    elif how == "directory":
        path.unlink()
        path.mkdir()
    elif how == "not topology":
        path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    elif how == "bad arc index":
        value = json.loads(text)
        value["objects"]["land"]["geometries"][0]["arcs"][0][0] = 9999
        path.write_text(json.dumps(value, indent=1), encoding="utf-8")
    elif how == "no land":
        value = json.loads(text)
        del value["objects"]["land"]
        path.write_text(json.dumps(value), encoding="utf-8")
    elif how == "nan":
        path.write_text(text.replace('"scale":[', '"scale":[NaN,', 1).replace("[NaN,0.009000900090009001,", "[NaN,"))
    elif how == "link outside":
        path.unlink()
        path.symlink_to(PROJECT / "data" / "geo" / "europe_50m.json")
    elif how == "lone surrogate":  # valid JSON, but no text that can be written as UTF-8
        value = json.loads(text)
        value["objects"]["countries"]["geometries"][0]["properties"] = {"name": "\ud800"}
        path.write_text(json.dumps(value), encoding="utf-8")
    else:
        raise ValueError(how)


GEOMETRY_DAMAGE = {
    "script": "data/geo/europe_50m.json:1: invalid JSON",
    "invalid json": "data/geo/europe_50m.json:1: invalid JSON",
    "missing": "data/geo/europe_50m.json: cannot be read: No such file or directory",
    "not utf-8": "data/geo/europe_50m.json:1: not valid UTF-8",
    "directory": "data/geo/europe_50m.json: cannot be read: is a directory",
    "not topology": 'data/geo/europe_50m.json:1: type: must be "Topology"',
    "bad arc index": "objects.land.geometries[0].arcs: uses arc 9999, but the topology has",
    "no land": "objects: lacks the layer land the map draws",
    "nan": "NaN/Infinity",
    "link outside": "leads outside the data directory",
    "lone surrogate": "data/geo/europe_50m.json: contains a \\ud800-\\udfff escape",
}


@pytest.mark.parametrize("how", GEOMETRY_DAMAGE)
def test_a_broken_geometry_file_exits_2_in_check(data_copy, run_cli, how):
    break_geometry(data_copy, how)
    run = run_cli("check", "--data", data_copy)
    assert_refused(run, GEOMETRY_DAMAGE[how])


@pytest.mark.slow
@pytest.mark.parametrize("how", ["script", "invalid json", "missing", "not utf-8", "directory"])
def test_a_broken_geometry_file_stops_render_before_any_kernel(data_copy, run_cli, tripwire, previous, how):
    break_geometry(data_copy, how)
    render_refused(run_cli, tripwire, previous, GEOMETRY_DAMAGE[how], "--data", str(data_copy))


def test_structure_problems_name_the_line(data_copy):
    break_geometry(data_copy, "bad arc index")  # written with indent=1: many lines
    with pytest.raises(DataError) as err:
        load_geometry(data_copy, load_descriptor(data_copy))
    problem = err.value.problems[0]
    lines = geometry_file(data_copy).read_text(encoding="utf-8").splitlines()
    assert problem.line and problem.line > 1 and '"arcs"' in lines[problem.line - 1], (problem, lines[problem.line - 1])


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=30,
    )
)
def test_any_json_as_geometry_loads_or_is_named(tmp_path_factory, value):
    data = tmp_path_factory.mktemp("geo")
    (data / "geo").mkdir()
    descriptor = {"resources": [{"name": "geometry", "path": "geo/europe_50m.json"}]}
    for candidate in (value, {"type": "Topology", "arcs": value, "objects": value}):
        (data / "geo" / "europe_50m.json").write_text(json.dumps(candidate), encoding="utf-8")
        try:
            assert isinstance(load_geometry(data, descriptor), dict)
        except DataError as exc:
            assert all(p.file == "data/geo/europe_50m.json" for p in exc.problems) and str(exc)


@pytest.mark.slow
@pytest.mark.browser
def test_geometry_is_rewritten_as_json_and_nothing_in_it_runs(tmp_path, data_copy, browser):
    """A valid geometry carrying script text in its properties: the page holds parsed JSON, nothing runs."""
    from bakhmut_report.run.render import render

    path = geometry_file(data_copy)
    value = json.loads(path.read_text(encoding="utf-8"))
    hostile = '</script><script>window.__pwned="geo"</script><!--'
    value["objects"]["countries"]["geometries"][0]["properties"] = {"name": hostile, "note": "\u2028&<>"}
    path.write_text(json.dumps(value), encoding="utf-8")
    result = render(params.load(None), tmp_path / "out", data_dir=data_copy)
    html = result.html.read_text(encoding="utf-8")
    assert hostile not in html and "window.__pwned" in html  # present, but only as escaped JSON
    page_minus_bundle = html.replace(plotly_js()[0], "")
    assert "cdn.plot.ly" not in page_minus_bundle, "the page references the plotly CDN"
    pg = open_page(browser, result.html.as_uri())
    requests, dialogs, context = pg.requests, pg.dialogs, pg.context
    pg.wait_for_selector(READY, timeout=20000)
    embedded = pg.evaluate("window.PlotlyGeoAssets.topojson.europe_50m")
    context.close()
    assert embedded == value, "the page's geometry is the file's parsed JSON"
    assert dialogs == [] and all(u.startswith("file://") for u in requests), (dialogs, requests)


# --- 2. plotly markup: one escape in Python, one in report.js, the same -----------------------------------------


def js_plotly_text_source() -> str:
    text = REPORT_JS.read_text(encoding="utf-8")
    found = re.search(r"function plotlyText\(text\) \{.*?\n  \}", text, re.S)
    assert found, "report.js has no plotlyText(text)"
    return found.group(0)


def test_report_js_puts_data_into_plotly_text_only_through_plotly_text():
    text = REPORT_JS.read_text(encoding="utf-8")
    assert "t.text.push(plotlyText(label))" in text, "map labels"
    assert '"<b>" + plotlyText(s.name) + "</b>' in text, "hover names"
    assert "escapeText" not in text, "one function, not two"


@pytest.mark.browser
def test_plotly_text_is_the_same_in_python_and_in_chromium(browser):
    """Both functions on the same hostile strings; and plotly, given the result, shows the original text."""
    context = browser.new_context()
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.set_content('<div id="plot" style="width:600px;height:400px"></div>')

    pg.add_script_tag(content=plotly_js()[0])  # the page's own bundle
    js = pg.evaluate(
        "([source, samples]) => { const f = new Function(source + '; return plotlyText;')(); return samples.map(f); }",
        [js_plotly_text_source(), HOSTILE_TEXT],
    )
    python = [plotly_text(s) for s in HOSTILE_TEXT]
    assert js == python
    drawn = pg.evaluate(
        """async labels => {
            const div = document.getElementById('plot');
            await Plotly.newPlot(div, [{type: 'scatter', mode: 'markers+text', x: labels.map((_, i) => i),
                                        y: labels.map(() => 1), text: labels, name: labels[0]}],
                                 {showlegend: true, title: {text: labels[1]}}, {displayModeBar: false});
            return {texts: [...div.querySelectorAll('.textpoint text')].map(t => t.textContent),
                    links: div.querySelectorAll('svg a').length};
        }""",
        python,
    )
    context.close()
    assert drawn["links"] == 0, "plotly made a link from data"
    assert drawn["texts"] == [s for s in HOSTILE_TEXT if s], drawn["texts"]  # an empty label draws nothing
    assert all(u.startswith(("about:", "data:")) for u in requests), requests


@pytest.mark.slow
@pytest.mark.browser
def test_markup_in_settlement_names_is_shown_as_text_on_the_map(tmp_path, data_copy, browser):
    """Bakhmut (the focus: always labelled) named with plotly markup: its label and hover are text, no link."""
    from bakhmut_report.run.render import render

    payload = HOSTILE_TEXT[0] + " " + HOSTILE_TEXT[1]
    edit_csv(data_copy / "settlements.csv", ("settlement_id", "bakhmut"), "name", f"Bakhmut {payload}")
    result = render(params.load(None, ["focus_city=bakhmut"]), tmp_path / "out", data_dir=data_copy)
    pg = open_page(browser, result.html.as_uri())
    requests, dialogs, context = pg.requests, pg.dialogs, pg.context
    pg.wait_for_selector(READY, timeout=20000)
    months = pg.evaluate("JSON.parse(document.getElementById('bk-data').textContent).months.length")
    labels = []
    for i in (0, months // 2, months - 1):  # report.js redraws the labels from the data on every step
        pg.eval_on_selector(
            "#bk-month", "(el, i) => { el.value = String(i); el.dispatchEvent(new Event('input')); }", i
        )
        labels.append(pg.evaluate("[...document.querySelectorAll('#bakhmut-map svg text')].map(t => t.textContent)"))
    pg.evaluate("""() => {
        const div = document.getElementById('bakhmut-map');
        div.data.forEach((trace, curve) => (trace.lat || []).forEach((_, point) => {
            if (trace.hoverinfo !== 'skip') Plotly.Fx.hover(div, [{curveNumber: curve, pointNumber: point}], 'geo');
        }));
    }""")
    links = pg.evaluate("document.querySelectorAll('#bakhmut-map svg a').length")
    context.close()
    assert links == 0 and dialogs == []
    assert [u for u in requests if not u.startswith("file://")] == [], requests
    name = f"Bakhmut {payload}"  # as text; shortened with an ellipsis when it does not fit the map

    def named(label: str) -> bool:
        return label == name or (label.endswith("\u2026") and len(label) > 20 and name.startswith(label[:-1]))

    assert all(any(named(label) for label in shown) for shown in labels), labels


# --- 3. a cache hit means verified outputs -----------------------------------------------------------------------


def tamper(out: Path, how: str) -> None:
    html, notebook = out / "report.html", out / "report.ipynb"
    if how == "truncated":
        os.truncate(html, 4096)
    elif how == "edited body":
        text = html.read_text(encoding="utf-8")
        html.write_text(text.replace("Bakhmut", "Bachmoet", 1), encoding="utf-8")
    elif how == "forged small file":
        key = re.search(r'name="bakhmut-input-hash" content="(\w+)"', html.read_text(encoding="utf-8")).group(1)
        forged = f'<html><head><meta name="bakhmut-input-hash" content="{key}"></head><body>forged</body></html>'
        html.unlink()
        html.write_text(forged.ljust(299), encoding="utf-8")
    elif how == "garbage notebook":
        notebook.write_bytes(b"\x00garbage")
    elif how == "link to a forged file":
        forged = out.parent / "forged.html"
        forged.write_bytes(html.read_bytes()[:-10] + b"<!--x-->\n")
        html.unlink()
        html.symlink_to(forged)
    elif how == "manifest edited":
        generation = files.current_generation(files.Outputs(out, "report"))
        manifest = json.loads((generation / files.MANIFEST).read_text())
        manifest["outputs"]["report.html"]["bytes"] += 1
        (generation / files.MANIFEST).write_text(json.dumps(manifest))
    elif how == "plain files":
        for path in (html, notebook):
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    else:
        raise ValueError(how)


TAMPERING = ["truncated", "edited body", "forged small file", "garbage notebook", "link to a forged file"]


@pytest.mark.parametrize("how", TAMPERING + ["manifest edited", "plain files"])
def test_tampered_outputs_are_not_a_cache_hit(previous, rendered, how):
    outputs = files.Outputs(previous, "report")
    assert files.verified(outputs, rendered.input_hash)
    tamper(previous, how)
    assert not files.verified(outputs, rendered.input_hash)


def test_a_different_input_hash_is_not_a_cache_hit(previous, rendered):
    assert not files.verified(files.Outputs(previous, "report"), rendered.input_hash[::-1])


@pytest.mark.slow
@pytest.mark.parametrize("how", TAMPERING)
def test_tampered_outputs_are_rendered_again(previous, rendered, run_cli, how):
    good = shown(rendered.html.parent)
    tamper(previous, how)
    run = run_cli("render", "--out", previous)
    assert run.returncode == 0, run.stderr
    assert "rendered" in run.stdout and "cache hit" not in run.stdout, run.stdout
    assert shown(previous) == good, "the render restored the report"
    again = run_cli("render", "--out", previous)
    assert "cache hit" in again.stdout, again.stdout


def test_a_data_file_reached_through_a_link_is_hashed_by_its_content(data_copy, dataset):
    """A resource that is a link inside data/ counts with what it points to; a link out of data/ is refused."""
    from bakhmut_report.run.render import input_hash, load_inputs

    real = data_copy / "store" / "events.csv"
    real.parent.mkdir()
    shutil.move(data_copy / "events.csv", real)
    (data_copy / "events.csv").symlink_to(Path("store") / "events.csv")
    loaded, _ = load_inputs(data_copy)
    before = input_hash(params.DEFAULTS, loaded)
    rows = read_csv(real)
    rows[1][rows[0].index("title_en")] += " (edited)"
    write_csv(real, rows)
    assert input_hash(params.DEFAULTS, load_inputs(data_copy)[0]) != before, "a stale cache hit"
    (data_copy / "events.csv").unlink()
    (data_copy / "events.csv").symlink_to(PROJECT / "data" / "events.csv")  # outside the data directory
    with pytest.raises(DataError, match="data/events.csv: cannot be read: leads outside the data directory"):
        load_inputs(data_copy)


# --- 4. the two outputs change together or not at all -------------------------------------------------------------


SWITCH_DRIVER = r"""
import os, signal, sys
from pathlib import Path
from bakhmut_report.run import files
out, step, how = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
count = [0]

def tripwire(original):
    def wrapped(*args, **kwargs):
        count[0] += 1
        if count[0] == step:
            os.kill(os.getpid(), signal.SIGKILL if how == "kill" else signal.SIGINT)
        return original(*args, **kwargs)
    return wrapped

for name in ("replace", "symlink", "mkdir", "link", "fsync", "write", "unlink", "rmdir", "open"):
    setattr(os, name, tripwire(getattr(os, name)))
try:
    files.write_outputs(files.Outputs(out, "report"), {".ipynb": "new notebook\n", ".html": "new page\n"}, "new")
except files.Interrupted as exc:
    print("interrupted after the switch", [str(p) for p in exc.written])
except KeyboardInterrupt:
    print("interrupted before the switch")
print("done", count[0])
"""
OLD = (b"old page\n", b"old notebook\n")
NEW = (b"new page\n", b"new notebook\n")


def old_outputs(out: Path, layout: str) -> None:
    out.mkdir()
    if layout == "plain files":  # as an older version wrote them
        (out / "report.html").write_bytes(OLD[0])
        (out / "report.ipynb").write_bytes(OLD[1])
    else:
        files.write_outputs(files.Outputs(out, "report"), {".ipynb": OLD[1].decode(), ".html": OLD[0].decode()}, "old")


def drive(out: Path, step: int, how: str = "kill") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT / "src"))
    return subprocess.run(
        [sys.executable, "-c", SWITCH_DRIVER, str(out), str(step), how], capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize("layout", ["our layout", "plain files"])
def test_sigkill_at_any_step_of_the_write_leaves_the_old_pair_or_the_new(tmp_path, layout):
    steps = int(drive_count(tmp_path, layout))
    assert steps > 5
    for step in range(1, steps + 1):
        out = tmp_path / f"out{step}"
        old_outputs(out, layout)
        run = drive(out, step)
        assert run.returncode == -signal.SIGKILL, (step, run.stdout, run.stderr)
        assert shown(out) in (OLD, NEW), f"step {step}: a mixed pair {shown(out)}"
        again = drive(out, 0)  # the next render: the new pair, nothing left over
        assert again.returncode == 0, again.stderr
        assert shown(out) == NEW
        state = sorted(os.listdir(out / files.STATE_DIR))
        assert len(state) == 2 and state[0] == "report" and re.fullmatch(r"report\.[0-9a-f]{16}", state[1]), state
        assert sorted(os.listdir(out)) == [files.STATE_DIR, "report.html", "report.ipynb"]


def drive_count(tmp_path: Path, layout: str) -> int:
    out = tmp_path / "count"
    old_outputs(out, layout)
    run = drive(out, 0)
    assert run.returncode == 0, run.stderr
    return int(run.stdout.split()[-1])


def test_ctrl_c_during_the_write_finishes_the_switch_and_says_so(tmp_path):
    steps = drive_count(tmp_path, "our layout")
    for step in (1, steps // 2, steps):
        out = tmp_path / f"int{step}"
        old_outputs(out, "our layout")
        run = drive(out, step, "sigint")
        assert run.returncode == 0, run.stderr
        assert "interrupted after the switch" in run.stdout, run.stdout
        assert shown(out) == NEW


def test_a_failed_write_leaves_the_previous_pair_and_no_temporary_files(tmp_path, monkeypatch):
    out = tmp_path / "out"
    old_outputs(out, "our layout")
    before = snapshot(out)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "_adopt", disk_full)
    with pytest.raises(ReportError, match="No space left on device; the previous outputs are unchanged"):
        files.write_outputs(files.Outputs(out, "report"), {".ipynb": "n", ".html": "h"}, "new")
    assert snapshot(out) == before


# --- 5. output names are unique per variant and bounded -----------------------------------------------------------


COLLIDING_TITLES = ["Report: Bakhmut", "Report; Bakhmut", "Report ? Bakhmut", "x" * 40 + "a", "x" * 40 + "b"]


def test_variant_names_are_unique_and_bounded():
    names = {params.variant_name(params.load(None, [f"title={t}"])) for t in COLLIDING_TITLES}
    assert len(names) == len(COLLIDING_TITLES), names
    every = [
        "language=en",
        "start_month=2022-03",
        "end_month=2024-11",
        "initial_month=2023-04",
        "focus_city=Kostiantynivka",
        "control_basis=claimed",
        "artillery_range_km=27.5",
        "big_city_population=120000",
        "victory_population=2000",
        "plotly_js=cdn",
        "title=" + "T" * 200,
    ]
    name = params.variant_name(params.load(None, every))
    assert len(name) <= 100 and re.fullmatch(r"report-[A-Za-z0-9._=-]+-[0-9a-f]{12}", name), name
    assert params.variant_name(params.DEFAULTS) == "report"


@pytest.mark.slow
def test_a_batch_of_colliding_titles_renders_every_variant(tmp_path, run_cli):
    variants = tmp_path / "titles.yaml"
    variants.write_text(json.dumps([{"title": t} for t in COLLIDING_TITLES]), encoding="utf-8")
    run = run_cli("batch", variants, "--out", tmp_path / "out", timeout=600)
    assert run.returncode == 0, run.stderr
    assert f"{len(COLLIDING_TITLES)} of {len(COLLIDING_TITLES)} variants rendered" in run.stdout
    htmls = sorted((tmp_path / "out").glob("*.html"))
    assert len(htmls) == len(COLLIDING_TITLES)
    for html in htmls:
        assert str(html) in run.stdout, "batch says where each went"
        title = re.search(r"<title>(.*?)</title>", html.read_text(encoding="utf-8"), re.S).group(1)
        assert title in {t.replace("&", "&amp;") for t in COLLIDING_TITLES}


# --- 6. bounded work ----------------------------------------------------------------------------------------------


def test_a_huge_batch_product_is_refused_before_it_is_expanded(tmp_path, run_cli):
    values = {
        "artillery_range_km": list(range(1, 21)),
        "big_city_population": list(range(1000, 21000, 1000)),
        "victory_population": list(range(20)),
        "title": [f"t{i}" for i in range(20)],
        "focus_city": ["Bakhmut"] * 20,
        "initial_month": ["2023-03"] * 20,
    }
    variants = tmp_path / "bomb.yaml"
    variants.write_text(json.dumps({"product": values}), encoding="utf-8")
    assert variants.stat().st_size < 2048
    started = time.monotonic()
    run = run_cli("batch", variants, "--out", tmp_path / "out")
    assert_refused(run, "64,000,000 variants; a batch renders at most 500")
    assert time.monotonic() - started < 20 and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "command", [["render", "-f", "/dev/zero"], ["check", "-f", "/dev/zero"], ["batch", "/dev/zero"]]
)
def test_a_device_as_a_parameters_or_batch_file_exits_2(tmp_path, run_cli, command):
    run = run_cli(*command, "--out", tmp_path / "out") if command[0] != "check" else run_cli(*command)
    assert_refused(run, "/dev/zero: cannot be read: is not a regular file")


def test_a_parameters_file_over_the_size_cap_exits_2(tmp_path, run_cli):
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(params.MAX_FILE_BYTES + 1)
    assert_refused(run_cli("check", "-f", big), "is larger than 1 MB")


@pytest.mark.parametrize(
    "target, message",
    [
        ("/dev/zero", "must be a relative path to a file inside the data directory"),
        ("../../etc/passwd", "must be a relative path to a file inside the data directory"),
        ("link:/dev/zero", "leads outside the data directory"),
        ("link:/etc/passwd", "leads outside the data directory"),
        ("sparse", "is larger than 20 MB"),
        ("fifo", "is not a regular file"),
        ("loop", "is a loop of symbolic links"),
    ],
)
def test_resource_paths_stay_inside_the_data_directory_and_are_bounded(data_copy, run_cli, target, message):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    if target.startswith(("/", "..")):
        events["path"] = target
    else:
        events["path"] = "evil.csv"
        evil = data_copy / "evil.csv"
        if target.startswith("link:"):
            evil.symlink_to(target.split(":", 1)[1])
        elif target == "sparse":
            shutil.copy(data_copy / "events.csv", evil)
            os.truncate(evil, MAX_DATA_FILE_BYTES + 1)
        elif target == "fifo":
            os.mkfifo(evil)
        else:
            evil.symlink_to("evil.csv")
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    started = time.monotonic()
    run = run_cli("check", "--data", data_copy, timeout=60)
    assert_refused(run, message)
    assert time.monotonic() - started < 20
    assert "root:" not in run.stderr and "/bin/" not in run.stderr, "a file's content was printed"


def test_a_resource_that_is_not_its_csv_is_refused_without_quoting_it(data_copy, run_cli):
    """A resource path naming some other file inside data/ (here a copy of /etc/passwd): nothing of it is shown."""
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "events")["path"] = "passwd"
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (data_copy / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin\n", encoding="utf-8")
    run = run_cli("check", "--data", data_copy)
    assert_refused(run, "data/passwd:1: the first line is not the header")
    assert "root" not in run.stderr and "/bin/bash" not in run.stderr and "daemon" not in run.stderr


def test_a_huge_file_anywhere_in_the_data_directory_exits_2(data_copy, run_cli):
    """Every file there goes into the data version's hash: one over the cap is named, not read."""
    with (data_copy / "geo" / "huge.bin").open("wb") as handle:
        handle.truncate(MAX_DATA_FILE_BYTES + 1)
    assert_refused(run_cli("check", "--data", data_copy), "data/geo/huge.bin: is larger than 20 MB")


def test_a_catastrophic_pattern_does_not_hang_check(data_copy, run_cli):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    field = next(r for r in descriptor["resources"] if r["name"] == "sources")["schema"]["fields"][0]
    field["constraints"]["pattern"] = "^(([a-z0-9-])+)+$"
    field["constraints"].pop("maxLength", None)
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    rows = read_csv(data_copy / "sources.csv")
    rows[1][0] = "a" * 30000 + "!"
    write_csv(data_copy / "sources.csv", rows)
    started = time.monotonic()
    run = run_cli("check", "--data", data_copy, timeout=120)
    assert_refused(run, "does not match the pattern ^(([a-z0-9-])+)+$")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "pattern, message",
    [
        (r"^(a)\1$", "a backreference"),
        (r"^(?=a)a$", "a lookahead"),
        (r"(?i)^a$", "inline flags"),
        (r"^a++$", "a possessive quantifier"),
        (r"^(?>a+)$", "an atomic group"),
        (r"^(a{60}){60}$", "too large"),
    ],
)
def test_patterns_the_safe_matcher_cannot_bound_are_refused_at_the_descriptor(data_copy, run_cli, pattern, message):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    field = next(r for r in descriptor["resources"] if r["name"] == "sources")["schema"]["fields"][0]
    field["constraints"]["pattern"] = pattern
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert_refused(run_cli("check", "--data", data_copy), message)


REGEX_ATOMS = st.sampled_from(["a", "b", "-", ".", r"\d", r"\w", r"\s", r"\S", "[ab]", "[^a]", "[a-c0-9]", "é", r"\n"])


def _regex(depth: int = 3) -> st.SearchStrategy[str]:
    if depth == 0:
        return REGEX_ATOMS
    inner = _regex(depth - 1)
    return st.one_of(
        REGEX_ATOMS,
        st.tuples(inner, inner).map("".join),
        st.tuples(inner, inner).map(lambda p: f"(?:{p[0]}|{p[1]})"),
        st.tuples(inner, st.sampled_from(["*", "+", "?", "{2}", "{0,3}", "{1,}", "*?", "+?"])).map(
            lambda p: f"(?:{p[0]}){p[1]}"
        ),
        st.tuples(st.sampled_from(["^", ""]), inner, st.sampled_from(["$", r"\Z", ""])).map("".join),
    )


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(pattern=_regex(), texts=st.lists(st.text(alphabet="ab-1 \né_x", max_size=8), min_size=1, max_size=8))
def test_the_safe_matcher_agrees_with_python_re(pattern, texts):
    safe = SafePattern(pattern)
    compiled = re.compile(pattern)
    for text in texts:
        assert safe.fullmatch(text) == (compiled.fullmatch(text) is not None), (pattern, text)


def test_the_safe_matcher_agrees_on_the_data_packages_own_patterns(dataset):
    for resource in dataset.descriptor["resources"]:
        for spec in resource.get("schema", {}).get("fields", []):
            pattern = spec.get("constraints", {}).get("pattern")
            if pattern:
                safe = SafePattern(pattern)
                for text in (
                    "",
                    "a",
                    "2023-03",
                    "2023-03\n",
                    "ev-2023-01-25-x",
                    "https://x.org/",
                    "c01",
                    "s1-p2",
                    "\n",
                ):
                    assert safe.fullmatch(text) == (re.fullmatch(pattern, text) is not None), (pattern, text)


def test_an_unsafe_pattern_is_refused_by_the_matcher():
    with pytest.raises(UnsafePattern):
        SafePattern(r"(\w+)\1")


def test_an_over_long_csv_field_is_named_by_its_column(data_copy, run_cli):
    line = edit_csv(data_copy / "events.csv", ("event_id", read_csv(data_copy / "events.csv")[1][0]), "title_en", "x")
    rows = read_csv(data_copy / "events.csv")
    rows[1][rows[0].index("title_en")] = "y" * (MAX_FIELD_CHARS + 1)
    write_csv(data_copy / "events.csv", rows)
    assert_refused(run_cli("check", "--data", data_copy), f"data/events.csv:{line}: column 'title_en', value 'yyyyy")
    run = run_cli("check", "--data", data_copy)
    assert f"is {MAX_FIELD_CHARS + 1:,} characters long; a field may have at most {MAX_FIELD_CHARS:,}" in run.stderr


def test_an_unclosed_quote_is_named_by_its_column(data_copy, run_cli):
    path = data_copy / "events.csv"
    text = path.read_text(encoding="utf-8")
    header = text.split("\n", 1)[0].split(",")
    line = text.count("\n") + 1
    path.write_text(text + 'x,2023-01-01,"a quote that never closes\nand more\n', encoding="utf-8")
    assert_refused(
        run_cli("check", "--data", data_copy), f"data/events.csv:{line}: column '{header[2]}': a quoted field"
    )


# --- 7. every hole exits 2 with one line, before any kernel ---------------------------------------------------------


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ('initial_month: "2023-03\\n"\n', "initial_month: '2023-03\\n' is not allowed"),
        ('end_month: "2023-12\\n"\n', "end_month: '2023-12\\n' is not allowed"),
        ('title: "a\\ud800b"\n', "title: contains a lone surrogate ('\\ud800')"),
        ('title: "red \\e[31m text"\n', "title: contains a control character ('\\x1b')"),
        ('title: "two\\nlines"\n', "title: contains a control character ('\\n')"),
        ('focus_city: "Bakh\\u2028mut"\n', "focus_city: contains a line separator"),
    ],
)
def test_bad_text_parameters_exit_2_before_any_kernel(tmp_path, run_cli, tripwire, previous, yaml_text, message):
    path = tmp_path / "p.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    render_refused(run_cli, tripwire, previous, message, "-f", str(path))


def test_a_lone_surrogate_from_the_command_line_exits_2(run_cli, tripwire, previous):
    run = subprocess.run(
        [sys.executable, "-m", "bakhmut_report", "render", "--out", str(previous), b"-p", b"title=caf\xe9"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env_with(tripwire),
    )
    assert_refused(run, "title: contains a lone surrogate ('\\udce9')")


@pytest.mark.parametrize("value", ["2023-03\n", "2023-03\t"])
def test_p_values_keep_their_newlines_and_tabs(value):
    with pytest.raises(ParameterError, match="initial_month"):
        params.load(None, [f"initial_month={value}"])
    assert params.load(None, ["initial_month= 2023-04 "])["initial_month"] == "2023-04"


def test_data_naming_a_file_exits_2(run_cli, tmp_path, previous, tripwire):
    render_refused(
        run_cli, tripwire, previous, "--data data/events.csv: is not a directory", "--data", "data/events.csv"
    )
    assert_refused(run_cli("check", "--data", tmp_path / "nowhere"), "does not exist")


@pytest.mark.parametrize("how", ["directory", "loop", "self loop", "not utf-8", "fifo", "empty"])
def test_a_broken_descriptor_exits_2(data_copy, run_cli, how):
    descriptor = data_copy / "datapackage.json"
    descriptor.unlink()
    if how == "directory":
        descriptor.mkdir()
    elif how == "loop":
        descriptor.symlink_to("other.json")
        (data_copy / "other.json").symlink_to("datapackage.json")
    elif how == "self loop":
        descriptor.symlink_to("datapackage.json")
    elif how == "not utf-8":
        descriptor.write_bytes(b'{"name": "\xff"}')
    elif how == "fifo":
        os.mkfifo(descriptor)
    else:
        descriptor.write_bytes(b"")
    run = run_cli("check", "--data", data_copy, timeout=30)
    assert_refused(run, "data/datapackage.json")


def test_a_lone_surrogate_in_the_descriptor_exits_2(data_copy, run_cli):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] += "\ud800"
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert_refused(run_cli("check", "--data", data_copy), "data/datapackage.json: contains a \\ud800-\\udfff escape")


@pytest.mark.parametrize("option", [["--from", "0000-01"], ["--to", "9999-12"], ["--from", "2023-13"], ["--to", "x"]])
def test_control_months_outside_the_data_window_exit_2(run_cli, option):
    assert_refused(run_cli("control", *option), f"{option[0]} '{option[1]}': write a month as YYYY-MM between")


@pytest.mark.parametrize("content", [b"events,csv\n1,2\n", b'{"cells": "no"}', b"\xff\xfe", b"[]", b""])
def test_bakhmut_notebook_naming_a_non_notebook_exits_2(tmp_path, run_cli, tripwire, previous, content):
    path = tmp_path / "not-a-notebook.ipynb"
    path.write_bytes(content)
    render_refused(
        run_cli, tripwire, previous, f"the notebook {path} is", "--force", env={"BAKHMUT_NOTEBOOK": str(path)}
    )


def test_bakhmut_notebook_naming_a_directory_or_device_exits_2(tmp_path, run_cli, tripwire, previous):
    for target in (tmp_path, Path("/dev/zero")):
        render_refused(
            run_cli, tripwire, previous, "does not exist or is not a file", env={"BAKHMUT_NOTEBOOK": str(target)}
        )


def running_our_code(proc: subprocess.Popen, timeout: float = 30) -> bool:
    """Wait until the command-line module runs (its handlers come before its csv import, whose C module then
    shows in the process's memory map); False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if "_csv." in Path(f"/proc/{proc.pid}/maps").read_text():
                return True
        except OSError:
            pass
        time.sleep(0.0005)
    return False


@pytest.mark.parametrize("delay", [0, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.3, 0.6])
@pytest.mark.parametrize("command", [["check"], ["render", "--force"]])
def test_sigint_at_any_moment_exits_130_without_a_traceback(tmp_path, previous, delay, command):
    """From the command-line module's first line on, Ctrl-C exits 130 with one line and changes nothing.

    Before it come only the interpreter's own start-up and the package's __init__ (about 15 ms on an
    idle machine), where Python's default handling still applies.
    """
    before = snapshot(previous)
    args = [*command, "--out", str(previous)] if command[0] == "render" else command
    proc = subprocess.Popen(
        [sys.executable, "-m", "bakhmut_report", *args], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    running_our_code(proc)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    text = err.decode(errors="replace")
    assert proc.returncode in (130, 0), (proc.returncode, text)  # 0: it had already finished
    assert "Traceback" not in text and "Error" not in text, text
    if proc.returncode == 130:
        assert text.strip().startswith("bakhmut-report") and "interrupted" in text, text
    assert snapshot(previous) == before


# --- 8. smaller: messages, CSV output, batch exit codes ------------------------------------------------------------


def test_terminal_control_characters_from_data_are_shown_escaped(data_copy, run_cli):
    rows = read_csv(data_copy / "sources.csv")
    rows[0][rows[0].index("note")] = "\x1b]0;owned\x07\x1b[2Jnote\u202e"  # a header name is quoted as it is
    rows[1][rows[0].index("url")] = "javascript:\x1b[31m"
    write_csv(data_copy / "sources.csv", rows)
    run = run_cli("check", "--data", data_copy)
    assert_refused(run, "\\x1b]0;owned\\x07\\x1b[2Jnote\\u202e")
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f\u202e]", run.stderr)


def test_unrecognised_arguments_are_shown_escaped(run_cli):
    run = run_cli("check", "\x1b[2J\x1b]0;owned\x07")
    assert run.returncode == 2 and "unrecognized arguments: \\x1b[2J\\x1b]0;owned\\x07" in run.stderr, run.stderr
    assert "\x1b" not in run.stderr and "Traceback" not in run.stderr


def test_printable_escapes_controls_and_keeps_text():
    assert printable("a\x1b[31mb\nc\u202ed\x9b\ud800é🙂") == "a\\x1b[31mb\nc\\u202ed\\x9b\\ud800é🙂"


def test_csv_output_neutralises_formula_cells():
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe("Bakhmut") == "Bakhmut" and spreadsheet_safe("2023-01") == "2023-01"


def test_control_csv_with_formula_names_is_neutralised(data_copy, run_cli):
    sid = "bakhmut"
    line_rows = read_csv(data_copy / "settlements.csv")
    header = line_rows[0]
    row = next(r for r in line_rows[1:] if r[header.index("settlement_id")] == sid)
    row[header.index("name")] = '=HYPERLINK("http://evil.example/","Bakhmut")'
    write_csv(data_copy / "settlements.csv", line_rows)
    run = run_cli("control", "--format", "csv", "--from", "2023-05", "--to", "2023-05", "--data", data_copy)
    if run.returncode == 2:
        pytest.skip(f"the data rules refuse such a name: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    cells = [c for line in read_lines_csv(run.stdout) for c in line]
    assert '\'=HYPERLINK("http://evil.example/","Bakhmut")' in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


def read_lines_csv(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))


@pytest.mark.slow
def test_a_batch_whose_only_failures_are_bad_input_exits_2(tmp_path, run_cli):
    variants = tmp_path / "v.yaml"
    variants.write_text(
        '- {end_month: "2023-06"}\n- {focus_city: Nowhere}\n- {initial_month: "2023-03\\n"}\n', encoding="utf-8"
    )
    run = run_cli("batch", variants, "--out", tmp_path / "out", timeout=600)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "1 of 3 variants rendered" in run.stdout and "no settlement called 'Nowhere'" in run.stdout
    assert "Traceback" not in run.stderr


def test_batch_refuses_bad_data_before_any_variant(tmp_path, data_copy, run_cli):
    break_geometry(data_copy, "script")
    variants = tmp_path / "v.yaml"
    variants.write_text("- {language: en}\n", encoding="utf-8")
    assert_refused(run_cli("batch", variants, "--data", data_copy, "--out", tmp_path / "out"), "invalid JSON")
    assert not (tmp_path / "out").exists()


def test_render_phases_are_reported(previous):
    from bakhmut_report.run.render import PHASES, render

    seen: list[str] = []
    render(params.load(None), previous, on_phase=seen.append)
    assert seen == list(PHASES[:3]), "a cache hit ends after the cache check"


def test_a_cache_hit_imports_no_notebook_or_page_toolchain(previous):
    code = (
        "import sys; from bakhmut_report.run.cli import main; code = main(['render', '--out', sys.argv[1]]);"
        "heavy = [m for m in ('papermill', 'nbconvert', 'nbformat', 'jinja2', 'babel', 'plotly') if m in sys.modules];"
        "print(code, heavy)"
    )
    run = subprocess.run([sys.executable, "-c", code, str(previous)], capture_output=True, text=True, cwd=PROJECT)
    assert run.returncode == 0, run.stderr
    assert "cache hit" in run.stdout and run.stdout.strip().endswith("0 []"), run.stdout
