"""The live explorer in a real JupyterLab: run the notebook, move the month slider, see the map follow.

A real ``jupyter lab`` subprocess (127.0.0.1, random free port, random token,
every Jupyter/IPython dir temporary) serves a throw-away copy of notebooks/,
data/ and report_params.yaml (why a copy: see bench/lab_step.py). Headless
Chromium (a 1280x900 window, JupyterLab's file browser open) opens the
notebook, runs all cells, measures the ``explore(report)`` cell's layout (no
pane clipped or outside the output area, preset labels whole, the legend under
the map), presses arrow keys on its month slider, and clicks a kind checkbox.
The server, its kernel and the page code are shared with the benchmark in
bench/lab_step.py.
"""

from __future__ import annotations

import re
import time

import pytest

from bench.lab_step import (
    LOCAL_HOST,
    TOPOJSON_PATH,
    changing_step,
    default_report,
    explorer_labels,
    lab_session,
    marker_trace_indices,
    marker_traces,
)
from helpers import PROJECT

pytestmark = [pytest.mark.lab, pytest.mark.slow, pytest.mark.browser]

JUPYTER_LITTER = (".ipynb_checkpoints", ".virtual_documents")
VIEWPORT = (1280, 900)


def holder_of(traces: list[dict]) -> dict[str, int]:
    """Settlement name -> index of the marker trace (0 UA, 1 RU, 2 contested) it is drawn in."""
    out = {}
    for index, trace in enumerate(traces):
        for hover in trace["customdata"]:
            out[re.match(r"<b>(.*?)</b>", hover).group(1)] = index
    return out


def page_markers(state: dict) -> list[dict]:
    return [
        {"customdata": state["traces"][i]["customdata"], "n": state["traces"][i]["n"]} for i in marker_trace_indices()
    ]


def expected_markers(report, month: str) -> list[dict]:
    return [{"customdata": t["customdata"], "n": len(t["lat"])} for t in marker_traces(report, month)]


def assert_map_drawn(state: dict) -> None:
    assert state["config"] == {"topojsonURL": "/files/data/geo/"}, state["config"]
    layers = state["baseLayers"]
    # the view is nearly all land: the land layer is one short outline that must fill the map
    assert layers["land"] > 0 and state["landCover"] > 0.9, f"land not drawn: {layers}, {state['landCover']}"
    assert layers["countries"] > 100, f"base layers not drawn: {layers}"


def inside(box: dict, outer: dict, slack: float = 1) -> bool:
    return (
        box["left"] >= outer["left"] - slack
        and box["right"] <= outer["right"] + slack
        and box["top"] >= outer["top"] - slack
        and box["bottom"] <= outer["bottom"] + slack
    )


def not_clipped(box: dict, slack: int = 1) -> bool:
    return box["scrollWidth"] <= box["clientWidth"] + slack


def assert_layout_readable(layout: dict, report) -> dict[str, float]:
    """No pane clipped or outside the output area; preset labels whole; returns the pane widths."""
    from bakhmut_report.present.styles import HOLDER_ORDER, HOLDER_STYLE

    t = report.t
    assert layout["viewport"] == {"width": VIEWPORT[0], "height": VIEWPORT[1]}
    output = layout["output"]
    assert not_clipped(output), f"the output area scrolls sideways: {output}"
    for name, pane in {**layout["panes"], "legend": layout["legend"], "map": layout["plot"]}.items():
        assert pane and pane["width"] > 0 and pane["height"] > 0, f"{name} pane not shown: {pane}"
        assert not_clipped(pane), f"{name} pane clipped: {pane}"
        assert inside(pane, output), f"{name} pane outside the output area {output}: {pane}"
    for pane in layout["panes"].values():
        assert pane["width"] >= 300, f"pane too narrow to read: {pane}"
    for row in layout["controls"]:
        assert not_clipped(row) and inside(row, output), f"control row clipped: {row}"
    presets = layout["presets"]
    assert [b["text"] for b in presets] == [
        p.label(report.language) + ": " + format(p.km, "g") + " km" for p in report.dataset.presets
    ]
    for box in presets + layout["checkboxes"]:
        assert box["scrollWidth"] <= box["clientWidth"], f"label cut: {box}"
        assert inside(box, output), f"control outside the output area: {box}"
    assert [b["text"] for b in layout["checkboxes"]] == [t.label("col_kind")] + [
        t.kind(k) for k in t.kinds if any(e.kind == k for e in report.dataset.events)
    ]

    # the legend, under the map: each holder's colour and shape, focus, rings, rivers, oblasts, roads
    legend, plot = layout["legend"], layout["plot"]
    assert legend["top"] >= plot["bottom"] - 1 and legend["left"] >= plot["left"] - 1, (legend, plot)
    items = {item["key"]: item for item in layout["legendItems"]}
    assert list(items) == [*HOLDER_ORDER, "focus", "rings", "rivers", "oblasts", "routes"]
    assert all(item["shown"] for item in items.values())
    for holder in HOLDER_ORDER:
        assert items[holder]["text"] == t.label("holder_" + holder)
        assert (items[holder]["symbol"], items[holder]["fill"]) == (
            HOLDER_STYLE[holder]["symbol"],
            HOLDER_STYLE[holder]["color"],
        )
    assert items["focus"]["text"] == t.label("focus") + ": " + report.focus.name
    assert items["rings"]["text"] == t.message("ring_legend", {"km": report.params["artillery_range_km"]})
    assert [items[k]["text"] for k in ("rivers", "oblasts", "routes")] == [
        t.label(k) for k in ("legend_rivers", "legend_oblasts", "legend_routes")
    ]
    return {name: pane["width"] for name, pane in layout["panes"].items()}


def expected_links(report, month: str, kinds=None) -> list[dict]:
    from bakhmut_report.present.html import safe_url

    out = []
    for event in report.months.events_in(month):
        if kinds is None or event.kind in kinds:
            for sid in event.sources:
                source = report.dataset.sources[sid]
                if safe_url(source.url):
                    out.append({"text": source.origin, "href": source.url, "target": "_blank", "rel": "noopener"})
    return out


def test_month_slider_moves_map_and_events_in_jupyterlab(browser, tmp_path):
    from bakhmut_report.present.i18n import texts

    report = default_report()
    months, language = report.months.months, report.language
    start = months.index(report.params["initial_month"])
    low = changing_step(report)  # the map's markers differ between months[low] and months[low + 1]
    litter_before = {p for d in (PROJECT, PROJECT / "notebooks") for p in d.iterdir() if p.name in JUPYTER_LITTER}
    began = time.monotonic()

    with lab_session(browser, tmp_path, viewport=VIEWPORT) as (server, lab):
        opened = time.monotonic() - began
        kernels = server.kernel_processes()
        assert kernels, "no ipykernel process found under the JupyterLab server"

        # the explorer rendered at the initial month, with its base map from the server's /files/
        first = lab.state()
        assert first["month"] == texts(language).month(months[start])
        assert page_markers(first) == expected_markers(report, months[start])
        assert_map_drawn(first)
        assert 200 in lab.traffic.status_of(TOPOJSON_PATH), lab.traffic.statuses

        # at 1280 px every pane is readable: none clipped or outside the output area, the legend shown
        layout = lab.layout()
        widths = assert_layout_readable(layout, report)
        assert layout["eventLinks"] == expected_links(report, months[start])
        assert layout["eventLinks"], "the events pane has no source links"

        # ArrowRight on the month slider until the month whose markers change
        states = [first]
        for index in range(start + 1, low + 2):
            states.append(lab.press("ArrowRight", texts(language).month(months[index])))
        before, after = states[-2], states[-1]

        # (a) the map changed: the FigureWidget's traces hold the new month, a marker moved trace
        assert page_markers(after) == expected_markers(report, months[low + 1])
        assert page_markers(after) != page_markers(before)
        moved = {
            name: (holder_of(page_markers(before))[name], trace)
            for name, trace in holder_of(page_markers(after)).items()
            if holder_of(page_markers(before)).get(name) != trace
        }
        assert moved, "no settlement changed holder on the map"
        assert after["markerDom"] != before["markerDom"], "the SVG markers were not redrawn"

        # (b) the month's events pane changed with it
        assert after["events"] != first["events"]
        for event in report.months.events_in(months[low + 1]):
            assert event.title(language) in after["events"]

        assert lab.layout()["eventLinks"] == expected_links(report, months[low + 1])

        # a kind checkbox filters the events pane (and ticking it again restores the pane)
        events = report.months.events_in(months[low + 1])
        kind = events[0].kind
        labels = explorer_labels()
        filtered = lab.click_checkbox(texts(language).kind(kind))
        for event in events:
            assert (event.title(language) in filtered["events"]) == (event.kind != kind), event.event_id
        if all(e.kind == kind for e in events):
            assert labels["no_events"] in filtered["events"]
        assert page_markers(filtered) == page_markers(after), "the map does not filter by kind"
        others = {e.kind for e in report.dataset.events} - {kind}
        assert lab.layout()["eventLinks"] == expected_links(report, months[low + 1], others)
        restored = lab.click_checkbox(texts(language).kind(kind))
        assert restored["events"] == after["events"]
        # the all-kinds box: none, then all
        assert labels["no_events"] in lab.click_checkbox(labels["all_kinds"])["events"]
        assert lab.click_checkbox(labels["all_kinds"])["events"] == after["events"]

        # and back: ArrowLeft restores the previous month's markers
        back = lab.press("ArrowLeft", texts(language).month(months[low]))
        assert page_markers(back) == page_markers(before)
        assert back["markerDom"] == before["markerDom"]
        assert back["events"] == before["events"]
        assert_map_drawn(back)

        foreign = lab.traffic.foreign()
        assert not foreign, f"requests left {LOCAL_HOST}: {foreign}"
        assert not lab.traffic.failed, lab.traffic.failed
        stepped = time.monotonic() - began - opened

        lab.close()
        server.stop()
        assert not server.kernel_processes(), "the kernel outlived the JupyterLab server"
        assert server.proc.returncode is not None

    litter_after = {p for d in (PROJECT, PROJECT / "notebooks") for p in d.iterdir() if p.name in JUPYTER_LITTER}
    assert litter_after == litter_before, "JupyterLab wrote into the repository"
    shown = ", ".join(f"{name} {width:.0f} px" for name, width in widths.items())
    print(f"lab open + run all {opened:.1f} s, slider steps and checkboxes {stepped:.1f} s, moved: {moved}")
    output, plot = layout["output"]["width"], layout["plot"]["width"]
    print(f"at {VIEWPORT[0]}x{VIEWPORT[1]}: output area {output:.0f} px, map {plot:.0f} px, panes: {shown}")
