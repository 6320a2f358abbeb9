"""The live explorer's logic without a browser: a month step restyles traces and panes."""

from __future__ import annotations

from bakhmut_report.load import params
from bakhmut_report.present.explorer import Explorer, topojson_url
from bakhmut_report.present.report import Report


def test_month_step_updates_map_events_and_article(dataset):
    explorer = Explorer(Report(dict(params.DEFAULTS), dataset))
    months = explorer.months.months
    explorer.slider.value = months.index("2022-06")
    ua_before = explorer.figure.data[1].customdata
    assert any(c.startswith("<b>Bakhmut</b>") for c in ua_before)
    explorer.slider.value = months.index("2023-05")
    ru = explorer.figure.data[2].customdata
    assert any(c.startswith("<b>Bakhmut</b>") for c in ru)
    assert "Prigozhin" in explorer.events.value or "Wagner" in explorer.events.value
    assert "mei 2023" in explorer.month_label.value


def test_range_and_focus_controls(dataset):
    explorer = Explorer(Report(dict(params.DEFAULTS), dataset))
    explorer.slider.value = explorer.months.months.index("2023-06")
    assert "Kramatorsk</b>: 35,1 km tot Bakhmut — buiten bereik" in explorer.reach.value
    explorer.range_km.value = 40
    assert "Kramatorsk</b>: 35,1 km tot Bakhmut — binnen bereik" in explorer.reach.value
    explorer.focus.value = "Soledar"
    assert list(explorer.figure.data[4].lat) == [dataset.settlements["soledar"].lat]


def test_event_kind_filter(dataset):
    explorer = Explorer(Report(dict(params.DEFAULTS), dataset))
    explorer.slider.value = explorer.months.months.index("2023-01")
    assert "claim" in explorer.events.value
    explorer.kinds.value = ("visit",)
    assert "<li>" not in explorer.events.value


def test_geometry_served_by_jupyter_files_route():
    assert topojson_url() == "/files/data/geo/"


def test_a_map_that_drew_empty_is_replaced(dataset):
    """anywidget's 2 s load timeout can leave an empty view; the explorer swaps in a fresh map."""
    explorer = Explorer(Report(dict(params.DEFAULTS), dataset))
    first = explorer.figure
    first._js2py_traceDeltas = {"trace_deltas": [{}] * len(first.data), "trace_edit_id": -1}
    assert explorer.figure is first  # drew fine: kept
    first._js2py_traceDeltas = {"trace_deltas": [], "trace_edit_id": -2}
    assert explorer.figure is not first and explorer.figure in explorer.widget.children
    assert first not in explorer.widget.children
