"""The rendered report: one self-contained, deterministic HTML file."""

from __future__ import annotations

import html
import re

import nbformat
import pytest

from bakhmut_report.load import params
from bakhmut_report.run.export import plotly_js, to_html
from bakhmut_report.run.render import render

pytestmark = pytest.mark.slow
EARLY_START = "<script>BakhmutReport.mapParsed();</script>"  # the export template's call after the map cell
MAX_BYTES = int(5.3 * 1024 * 1024)  # the limit; the geo bundle keeps it near 1.6 MB


def page_without_plotly(html: str) -> str:
    js, _ = plotly_js()
    return html.replace(js, "")


def test_report_is_self_contained(rendered):
    html = rendered.html.read_text(encoding="utf-8")
    assert rendered.html.name == "report.html" and rendered.notebook.name == "report.ipynb"
    assert rendered.html.stat().st_size <= MAX_BYTES
    js, _ = plotly_js()
    assert html.count(js[:200]) == 1, "plotly.js must be inlined exactly once"
    assert 'window.PlotlyGeoAssets = {"topojson": {"europe_50m":' in html
    html = page_without_plotly(html)
    assert not re.search(r"<script[^>]+src=", html), "no external scripts"
    assert not re.search(r"<link[^>]+href=\"?https?:", html), "no external stylesheets"
    assert "require.min.js" not in html and "MathJax" not in html
    assert "application/vnd.jupyter.widget" not in html, "no widgets that need a kernel"


def test_report_shows_article_table_and_map(rendered, dataset):
    html = rendered.html.read_text(encoding="utf-8")
    assert "Hoe Rusland en Oekraïne vechten om een stad met weinig strategische waarde" in html
    for block in dataset.article:
        assert f'id="{block.block_id}"' in html
    assert html.count('<tr id="ev-') == len(dataset.events)
    assert 'id="bakhmut-map"' in html and 'id="bk-month"' in html and 'id="bk-play"' in html
    assert "def " not in html.split("<main>")[1], "code cells must not be shown"


def test_outputs_carry_no_uuids_paths_or_times(rendered, dataset):
    for path in (rendered.html, rendered.notebook):
        text = page_without_plotly(path.read_text(encoding="utf-8"))
        for source in dataset.sources.values():  # a publisher's own URL may hold a UUID: that is data, not a leak
            text = text.replace(html.escape(source.url), "").replace(source.url, "")
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text)
        assert not re.search(r"/(work|tmp|root|home)/", text)
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)


def test_rendering_twice_gives_the_same_bytes(rendered, tmp_path):
    again = render(params.load(None), tmp_path, force=True)
    assert again.html.read_bytes() == rendered.html.read_bytes()
    assert again.notebook.read_bytes() == rendered.notebook.read_bytes()


def test_report_states_its_input_hash_and_data_version(rendered, dataset):
    html = rendered.html.read_text(encoding="utf-8")
    footer = re.search(r'<footer class="bk-footer">(.*?)</footer>', html, re.S).group(1)
    assert f"input {rendered.input_hash}" in footer and f"data {dataset.version}" in footer


def test_unchanged_inputs_hit_the_cache(rendered):
    before = rendered.html.stat().st_mtime_ns
    again = render(params.load(None), rendered.html.parent)
    assert again.cached and again.html.stat().st_mtime_ns == before


def test_vendored_plotly_geo_bundle_is_the_version_plotly_py_writes_for():
    from bakhmut_report.run.export import plotly_py_js_version

    js, version = plotly_js()
    assert version == plotly_py_js_version() == "4.1.1"
    assert "scattergeo" in js and len(js) < 1_500_000


def test_capped_table_keeps_every_event_the_page_links_to(dataset):
    """With many events the table is capped, but never drops an event a link points at."""
    from bakhmut_report.present import sections as page
    from bakhmut_report.present.report import Report

    report = Report(dict(params.DEFAULTS), dataset)
    html = "".join(part().html for part in (report.story, report.events_table, report.method))
    old = page.MAX_TABLE_ROWS
    page.MAX_TABLE_ROWS = 5
    try:
        capped = report.story().html + report.events_table().html + report.method().html
    finally:
        page.MAX_TABLE_ROWS = old
    targets = set(re.findall(r'href="#(ev-[^"]+)"', capped))
    rows = set(re.findall(r'<tr id="(ev-[^"]+)"', capped))
    assert targets and targets <= rows
    assert len(rows) < len(set(re.findall(r'<tr id="(ev-[^"]+)"', html)))


def test_plotly_follows_the_map_cell_or_ends_the_body(rendered, dataset):
    """plotly.js and the early start follow the cell with the map's data; a notebook without one gets
    plotly.js at the end of the body, no early start and no render-blocking wait (the map then starts
    when the page is parsed)."""
    nb = nbformat.read(rendered.notebook, as_version=4)
    page = to_html(nb, dataset, "nl", "t", "0" * 16)
    assert page.index('id="bk-data"') < page.index('id="bk-plotly-src"') < page.index('id="events"')
    assert page.count(EARLY_START) == 1 and 'rel="expect"' in page
    for cell in nb.cells:
        if cell.get("id") == "story":
            cell.outputs = []
    page = to_html(nb, dataset, "nl", "t", "0" * 16)
    assert page.index('id="bk-plotly-src"') > page.index('id="events"')
    assert page.rstrip().endswith("</html>") and page.index('id="bk-plotly-src"') > page.index("</main>")
    assert EARLY_START not in page and 'rel="expect"' not in page
