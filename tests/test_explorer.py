"""The live explorer's logic without a browser: a month step restyles traces and panes.

The layout itself is measured in a real JupyterLab (tests/test_jupyterlab.py); here: what each
widget is, how it is laid out (wrapping rows, a pane column with a minimum width, the legend under
the map), and what the panes, the legend and the controls show.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import ipywidgets as w
import pytest

from bakhmut_report.load import params
from bakhmut_report.present import mapfig
from bakhmut_report.present.explorer import MAX_EVENTS, Explorer, topojson_url
from bakhmut_report.present.i18n import texts
from bakhmut_report.present.report import Report
from bakhmut_report.present.styles import BASE_STYLE, HOLDER_ORDER, HOLDER_STYLE

UA, RU, FOCUS, LABELS = (mapfig.TRACES[n] for n in ("UA", "RU", "focus", "labels"))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each <a> and <li>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.links: list[dict] = []
        self.items: list[dict] = []
        self._open: list[dict] = []
        self.feed(str(html))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in ("a", "li"):
            element = {**attrs, "text": ""}
            (self.links if tag == "a" else self.items).append(element)
            self._open.append(element)

    def handle_endtag(self, tag):
        if tag in ("a", "li") and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data


def explorer_for(dataset, **overrides) -> Explorer:
    return Explorer(Report({**params.DEFAULTS, **overrides}, dataset))


@pytest.fixture(scope="module")
def explorer(dataset):
    return explorer_for(dataset)


def test_month_step_updates_map_events_and_article(dataset):
    explorer = explorer_for(dataset)
    months = explorer.months.months
    explorer.slider.value = months.index("2022-06")
    ua_before = explorer.figure.data[UA].customdata
    assert any(c.startswith("<b>Bakhmut</b>") for c in ua_before)
    explorer.slider.value = months.index("2023-05")
    ru = explorer.figure.data[RU].customdata
    assert any(c.startswith("<b>Bakhmut</b>") for c in ru)
    assert "Prigozhin" in explorer.events.value or "Wagner" in explorer.events.value
    assert "mei 2023" in explorer.month_label.value
    assert explorer.article.value.count("<p><i>") >= 1  # a paragraph whose claims rest on May 2023


def test_widget_traces_are_mapfig_traces(explorer):
    """The FigureWidget has every trace of mapfig.figure, in mapfig.TRACES order (labels included)."""
    assert [t.name for t in explorer.figure.data][-1] == "labels"
    assert len(explorer.figure.data) == len(mapfig.TRACE_NAMES)
    assert explorer.figure.data[LABELS].text  # the place names are drawn
    assert explorer.figure.layout.width == explorer.map_layout.wide.width


def test_range_and_focus_controls(dataset):
    explorer = explorer_for(dataset)
    explorer.slider.value = explorer.months.months.index("2023-06")
    assert "Kramatorsk</b>: 32,8 km tot Paraskoviivka — buiten bereik" in explorer.reach.value
    explorer.range_km.value = 40
    assert "Kramatorsk</b>: 32,8 km tot Paraskoviivka — binnen bereik" in explorer.reach.value
    assert "Bereik artillerie: 40 km" in explorer.legend.value
    explorer.focus.value = "Soledar"
    assert list(explorer.figure.data[FOCUS].lat) == [dataset.settlements["soledar"].lat]
    assert explorer.figure.data[FOCUS].name == "Focus: Soledar"
    assert "Focus: Soledar" in explorer.legend.value and "Focus: Bakhmut" not in explorer.legend.value


def test_km_in_whole_kilometres(dataset):
    explorer = explorer_for(dataset, artillery_range_km=22.6)
    assert isinstance(explorer.range_km, w.IntSlider)
    assert explorer.range_km.readout_format == "d" and explorer.range_km.value == 23
    assert (explorer.range_km.min, explorer.range_km.max) == (1, 200)  # the parameter's limits
    assert explorer.range_km.description == texts("nl").label("range")
    assert "Bereik artillerie: 23 km" in explorer.legend.value


def test_presets_full_labels_and_selection_follows_range(dataset):
    for language in ("nl", "en"):
        explorer = explorer_for(dataset, language=language)
        labels = [label for label, _ in explorer.presets.options]
        assert labels == [p.label(language) + ": " + format(p.km, "g") + " km" for p in dataset.presets]
        assert "buisartillerie (houwitsers 155/152 mm): 25 km" in labels or language == "en"
        assert explorer.presets.style.button_width == "auto"  # as wide as its label: never cut
    explorer = explorer_for(dataset)
    tube, rocket = (int(p.km) for p in dataset.presets)
    assert explorer.presets.value is None  # 30 km is no preset
    assert explorer_for(dataset, artillery_range_km=float(tube)).presets.value == tube
    explorer.presets.value = rocket
    assert explorer.range_km.value == rocket
    explorer.range_km.value = 40  # no preset has 40 km: none shows as chosen
    assert explorer.presets.value is None
    explorer.presets.value = rocket  # so the same preset can be chosen again
    assert explorer.range_km.value == rocket
    explorer.range_km.value = tube
    assert explorer.presets.value == tube


def test_kind_checkboxes_filter_events_and_article(dataset):
    explorer = explorer_for(dataset)
    t = texts("nl")
    kinds = {e.kind for e in dataset.events}
    assert set(explorer.kind_boxes) == kinds
    for kind, box in explorer.kind_boxes.items():
        assert isinstance(box, w.Checkbox) and box.description == t.kind(kind) and box.value and not box.indent
    assert list(explorer.kind_boxes)[:2] == ["control_claim", "control_confirmation"]  # the catalogue's order

    explorer.slider.value = explorer.months.months.index("2023-01")
    january = explorer.months.events_in("2023-01")
    shown = {item["data-event"] for item in Elements(explorer.events.value).items}
    assert shown == {e.event_id for e in january}
    markers = [list(explorer.figure.data[i].customdata) for i in (UA, RU)]

    explorer.kind_boxes["control_claim"].value = False
    shown = {item["data-event"] for item in Elements(explorer.events.value).items}
    assert shown == {e.event_id for e in january if e.kind != "control_claim"}
    assert explorer.all_kinds.value is False
    assert [list(explorer.figure.data[i].customdata) for i in (UA, RU)] == markers  # the map does not filter

    explorer.all_kinds.value = True  # some kinds unticked: the all-kinds box ticks all of them
    assert all(box.value for box in explorer.kind_boxes.values())
    explorer.all_kinds.value = False  # and unticked, none
    assert all(not box.value for box in explorer.kind_boxes.values())
    assert t.label("no_events") in explorer.events.value and "<li" not in explorer.events.value
    assert "<p><i>" not in explorer.article.value

    explorer.all_kinds.value = True  # all
    assert all(box.value for box in explorer.kind_boxes.values())
    assert {item["data-event"] for item in Elements(explorer.events.value).items} == {e.event_id for e in january}

    explorer.select_kinds(("visit",))
    assert explorer.selected_kinds == ("visit",)
    assert "<li" not in explorer.events.value
    explorer.kind_boxes["visit"].value = False
    for box in explorer.kind_boxes.values():  # ticking every kind by hand ticks the all-kinds box
        box.value = True
    assert explorer.all_kinds.value is True


def test_events_pane_links_each_source_to_its_page(dataset):
    explorer = explorer_for(dataset)
    explorer.slider.value = explorer.months.months.index("2023-01")
    links = Elements(explorer.events.value).links
    expected = []
    for event in explorer.months.events_in("2023-01"):
        expected += [(dataset.sources[sid].origin, dataset.sources[sid].url) for sid in event.sources]
    assert expected and [(a["text"], a["href"]) for a in links] == expected
    assert all(a["target"] == "_blank" and a["rel"] == "noopener" for a in links)
    item = Elements(explorer.events.value).items[0]
    assert texts("nl").label("sources") in item["text"]


def test_events_pane_links_only_http_urls_and_escapes(dataset, monkeypatch):
    explorer = explorer_for(dataset)
    real = next(iter(dataset.sources.values()))
    hostile = dataclasses.replace(
        real, url="javascript:alert(1)", publisher="<b>Copy</b>", original_publisher="<script>x</script>"
    )
    monkeypatch.setattr(explorer, "sources_of", lambda event: [hostile, real])
    html = explorer.events_html("2023-01")
    links = Elements(html).links
    assert [a["href"] for a in links] == [real.url] * len(explorer.month_events("2023-01"))
    assert "javascript:" not in html and "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "(via &lt;b&gt;Copy&lt;/b&gt;)" in html


def test_events_pane_is_capped(dataset, monkeypatch):
    explorer = explorer_for(dataset)
    many = [dataclasses.replace(e, event_id=f"{e.event_id}-{i}") for i in range(40) for e in dataset.events[:3]]
    monkeypatch.setattr(explorer, "month_events", lambda month: many)
    html = explorer.events_html("2023-01")
    assert len(Elements(html).items) == MAX_EVENTS
    assert texts("nl").label("more_events").format(n=len(many) - MAX_EVENTS) in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_legend_under_the_map(dataset, language):
    explorer = explorer_for(dataset, language=language)
    t = texts(language)
    assert explorer.map_column.children == (explorer.figure, explorer.legend)  # under the map
    parsed = Elements(explorer.legend.value)
    items = {item["data-legend"]: item["text"] for item in parsed.items}
    assert list(items) == [*HOLDER_ORDER, "focus", "rings", "rivers", "oblasts", "routes"]
    for holder in HOLDER_ORDER:
        assert items[holder] == t.label("holder_" + holder)
    shapes = [(tag, a) for tag, a in parsed.tags if tag in ("circle", "rect", "polygon") and a.get("fill") != "none"]
    assert [(a["fill"], tag) for tag, a in shapes] == [
        (
            HOLDER_STYLE[h]["color"],
            {"circle": "circle", "square": "rect", "diamond": "polygon"}[HOLDER_STYLE[h]["symbol"]],
        )
        for h in HOLDER_ORDER
    ]
    assert [a["data-symbol"] for tag, a in parsed.tags if tag == "svg" and "data-symbol" in a] == [
        HOLDER_STYLE[h]["symbol"] for h in HOLDER_ORDER
    ]
    assert items["focus"] == t.label("focus") + ": Bakhmut"
    assert items["rings"] == t.message("ring_legend", {"km": 30})
    assert (items["rivers"], items["oblasts"], items["routes"]) == (
        t.label("legend_rivers"),
        t.label("legend_oblasts"),
        t.label("legend_routes"),
    )
    strokes = [a["stroke"] for tag, a in parsed.tags if tag == "line"]
    assert strokes == [BASE_STYLE[n]["color"] for n in ("donets", "oblasts", "routes")]


def test_layout_wraps_instead_of_clipping(explorer):
    """Rows wrap; the pane column has a minimum width and wraps under the map when there is no room."""
    for row in explorer.controls.children:
        assert row.layout.flex_flow == "row wrap"
    assert [b.layout.width for b in (*explorer.kind_boxes.values(), explorer.all_kinds)] == ["auto"] * (
        len(explorer.kind_boxes) + 1
    )
    main = next(c for c in explorer.widget.children if explorer.map_column in getattr(c, "children", ()))
    assert main.layout.flex_flow == "row wrap" and main.children == (explorer.map_column, explorer.panes)
    assert explorer.panes.children == (explorer.events, explorer.reach, explorer.article)
    assert explorer.panes.layout.min_width == "320px" and explorer.panes.layout.flex == "1 1 320px"
    assert explorer.map_column.layout.max_width == "100%"
    for pane in explorer.panes.children:
        assert pane.layout.overflow == "auto" and pane.layout.max_height == "280px"
        assert 'class="bk-live' in pane.value  # wraps long words (overflow-wrap: anywhere)
    for widget in (explorer.focus, explorer.range_km, explorer.slider):
        assert widget.style.description_width == "initial"  # the label is never cut


def test_geometry_served_by_jupyter_files_route():
    assert topojson_url() == "/files/data/geo/"


def test_a_map_that_drew_empty_is_replaced(dataset):
    """anywidget's 2 s load timeout can leave an empty view; the explorer swaps in a fresh map."""
    explorer = explorer_for(dataset)
    first = explorer.figure
    first._js2py_traceDeltas = {"trace_deltas": [{}] * len(first.data), "trace_edit_id": -1}
    assert explorer.figure is first  # drew fine: kept
    first._js2py_traceDeltas = {"trace_deltas": [], "trace_edit_id": -2}
    assert explorer.figure is not first and explorer.map_column.children == (explorer.figure, explorer.legend)
    assert first not in explorer.map_column.children
    explorer.slider.value = explorer.months.months.index("2023-05")  # the new map follows the controls
    assert any(c.startswith("<b>Bakhmut</b>") for c in explorer.figure.data[RU].customdata)
