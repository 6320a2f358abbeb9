"""The live explorer in a real JupyterLab: run the notebook, move the month slider, see the map follow.

A real ``jupyter lab`` subprocess (127.0.0.1, random free port, random token,
every Jupyter/IPython dir temporary) serves a throw-away copy of notebooks/,
data/ and report_params.yaml (why a copy: see bench/lab_step.py). Headless
Chromium opens the notebook, runs all cells, and presses arrow keys on the
month slider of the ``explore(report)`` cell. The server, its kernel and the
page code are shared with the benchmark in bench/lab_step.py.
"""

from __future__ import annotations

import re
import time

import pytest

from bench.lab_step import LOCAL_HOST, TOPOJSON_PATH, changing_step, default_report, lab_session, marker_traces
from helpers import PROJECT

pytestmark = [pytest.mark.lab, pytest.mark.slow, pytest.mark.browser]

JUPYTER_LITTER = (".ipynb_checkpoints", ".virtual_documents")


def holder_of(traces: list[dict]) -> dict[str, int]:
    """Settlement name -> index of the marker trace (0 UA, 1 RU, 2 contested) it is drawn in."""
    out = {}
    for index, trace in enumerate(traces):
        for hover in trace["customdata"]:
            out[re.match(r"<b>(.*?)</b>", hover).group(1)] = index
    return out


def page_markers(state: dict) -> list[dict]:
    return [{"text": t["text"], "customdata": t["customdata"]} for t in state["traces"][1:4]]


def expected_markers(report, month: str) -> list[dict]:
    return [{"text": t["text"], "customdata": t["customdata"]} for t in marker_traces(report, month)]


def assert_map_drawn(state: dict) -> None:
    assert state["config"] == {"topojsonURL": "/files/data/geo/"}, state["config"]
    layers = state["baseLayers"]
    assert layers["land"] > 100 and layers["countries"] > 100, f"base layers not drawn: {layers}"


def test_month_slider_moves_map_and_events_in_jupyterlab(browser, tmp_path):
    from bakhmut_report.present.i18n import texts

    report = default_report()
    months, language = report.months.months, report.language
    start = months.index(report.params["initial_month"])
    low = changing_step(report)  # the map's markers differ between months[low] and months[low + 1]
    litter_before = {p for d in (PROJECT, PROJECT / "notebooks") for p in d.iterdir() if p.name in JUPYTER_LITTER}
    began = time.monotonic()

    with lab_session(browser, tmp_path) as (server, lab):
        opened = time.monotonic() - began
        kernels = server.kernel_processes()
        assert kernels, "no ipykernel process found under the JupyterLab server"

        # the explorer rendered at the initial month, with its base map from the server's /files/
        first = lab.state()
        assert first["month"] == texts(language).month(months[start])
        assert page_markers(first) == expected_markers(report, months[start])
        assert_map_drawn(first)
        assert 200 in lab.traffic.status_of(TOPOJSON_PATH), lab.traffic.statuses

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
    print(f"lab open + run all {opened:.1f} s, slider steps {stepped:.1f} s, moved: {moved}")
