"""Live exploration in JupyterLab: ipywidgets controls linked to the map, events and article.

Only for a running kernel (the notebook's ``live-only`` cell); the static report
uses report.js instead. A month step restyles the changed traces of one
``go.FigureWidget`` inside ``batch_update`` (no figure rebuild) and swaps two
small HTML panes.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..derive.periods import Months
from ..model.paths import NOTEBOOK
from . import mapfig, sections
from .html import render
from .report import Report


def topojson_url() -> str:
    """Where JupyterLab serves data/geo/ (its /files/ route), so the map needs no CDN."""
    geo = NOTEBOOK.parent.parent / "data" / "geo"
    session = os.environ.get("JPY_SESSION_NAME", "")
    root = NOTEBOOK.parents[len(Path(session).parts) - 1] if session and not os.path.isabs(session) else None
    if root is None or root / session != NOTEBOOK:
        root = NOTEBOOK.parent.parent
    return "/files/" + "/".join(geo.relative_to(root).parts) + "/"


class Explorer:
    """Month slider with play, focus city, range and event kinds, linked to map, events and article."""

    def __init__(self, report: Report):
        import ipywidgets as w

        self.report = report
        self.language = report.language
        self.months: Months = report.months
        L = report.label
        months = self.months.months
        start = months.index(report.params["initial_month"])
        self.play = w.Play(min=0, max=len(months) - 1, value=start, interval=900, description=L("play"))
        self.slider = w.IntSlider(
            min=0,
            max=len(months) - 1,
            value=start,
            readout=False,
            description=L("month"),
            continuous_update=True,
            layout=w.Layout(width="420px"),
        )
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.month_label = w.HTML()
        names = sorted(s.name for s in report.dataset.settlements.values())
        self.focus = w.Dropdown(options=names, value=report.focus.name, description=L("focus"))
        self.range_km = w.FloatSlider(
            min=5, max=120, step=5, value=report.params["artillery_range_km"], description="km", continuous_update=False
        )
        presets = report.dataset.presets  # data/range_presets.csv, with their sources
        self.presets = w.ToggleButtons(
            options=[(f"{p.label(self.language)} {p.km:g} km", p.km) for p in presets],
            value=None,
            tooltips=[p.note or "" for p in presets],
        )
        kinds = sorted({e.kind for e in report.dataset.events})
        self.kinds = w.SelectMultiple(
            options=[(report.t.kind(k), k) for k in kinds], value=tuple(kinds), rows=6, description=L("col_kind")
        )
        self.summary = w.HTML()
        self.events = w.HTML(layout=w.Layout(max_height="320px", overflow="auto"))
        self.reach = w.HTML(layout=w.Layout(max_height="320px", overflow="auto"))
        self.article = w.HTML(layout=w.Layout(max_height="320px", overflow="auto"))
        self._rebuilds = 0
        self.map_layout = report.map_layout
        self.figure = self._new_figure(months[start])
        self.slider.observe(lambda change: self.show_month(), "value")
        self.range_km.observe(lambda change: self.show_month(), "value")
        self.kinds.observe(lambda change: self.show_month(), "value")
        self.focus.observe(lambda change: self.set_focus(change["new"]), "value")
        self.presets.observe(self._apply_preset, "value")
        controls = w.VBox(
            [
                w.HBox([self.play, self.slider, self.month_label]),
                w.HBox([self.focus, self.range_km, self.presets]),
                self.kinds,
            ]
        )
        self.widget = w.VBox(
            [
                controls,
                self.summary,
                self.figure,
                w.HBox([self.events, self.reach, self.article], layout=w.Layout(grid_gap="12px")),
            ]
        )
        self.show_month()

    def _new_figure(self, month: str):
        import plotly.graph_objects as go

        layout = self.map_layout
        fig = mapfig.figure(self.months, month, layout, self.report.t, self.range_km.value)
        fig["layout"].update(width=layout.wide.width, height=layout.wide.height, autosize=False)
        figure = go.FigureWidget(data=fig["data"], layout=fig["layout"])
        figure._config = {**mapfig.plotly_config(self.report.t), "topojsonURL": topojson_url()}
        figure.observe(self._check_render, "_js2py_traceDeltas")  # each view reports its traces once drawn
        return figure

    def _check_render(self, change) -> None:
        """Replace a map whose view drew without its traces.

        anywidget 0.11 gives up on a widget whose ~5 MB of JavaScript takes over 2 s to load
        (a busy machine) and then drops every update to it, leaving an empty map; a fresh
        widget loads from the browser cache and draws. Upstream: manzt/anywidget#803.
        """
        deltas = change["new"]
        if not deltas or change["owner"] is not self.figure or self._rebuilds >= 3:
            return
        if len(deltas.get("trace_deltas") or []) == len(self.figure.data):
            return
        self._rebuilds += 1
        old, self.figure = self.figure, self._new_figure(self.month)
        self.widget.children = tuple(self.figure if child is old else child for child in self.widget.children)
        old.close()

    def _apply_preset(self, change) -> None:
        if change["new"]:
            self.range_km.value = change["new"]

    @property
    def month(self) -> str:
        return self.months.months[self.slider.value]

    def set_focus(self, name: str) -> None:
        """A new focus: its marker, its label first, and rings around the places nearest it."""
        focus = self.report.dataset.settlement_named(name)
        self.report.focus = focus
        self.map_layout = mapfig.MapLayout(self.months, focus, mapfig.label_tiers(self.report.dataset, focus))
        labels = mapfig.labels_trace(self.months, self.map_layout.labels(self.map_layout.wide))
        with self.figure.batch_update():
            self.figure.data[mapfig.TRACES["focus"]].update(lat=[focus.lat], lon=[focus.lon])
            self.figure.data[mapfig.TRACES["labels"]].update(
                lat=labels["lat"], lon=labels["lon"], text=labels["text"], textposition=labels["textposition"])
        self.show_month()

    def show_month(self) -> None:
        """Restyle only the ring and holder traces, then the three text panes."""
        month, t, focus = self.month, self.report.t, self.report.focus
        ring_lat, ring_lon = mapfig.rings_trace_data(self.months, month, focus, self.range_km.value)
        with self.figure.batch_update():
            self.figure.data[mapfig.TRACES["rings"]].update(lat=ring_lat, lon=ring_lon)
            for holder in mapfig.HOLDER_ORDER:
                self.figure.data[mapfig.TRACES[holder]].update(mapfig.holder_trace_data(self.months, month, holder, t))
        self.month_label.value = render("explorer_month.html.j2", month=t.month(month))
        self.summary.value = render("explorer_summary.html.j2", summary=mapfig.month_summary(self.months, month, t))
        self.events.value = self.events_html(month)
        self.reach.value = render(
            "explorer_reach.html.j2", reach=sections.reach_list(self.months, month, t, self.range_km.value)
        )
        self.article.value = self.article_html(month)

    def month_events(self, month: str):
        kinds = set(self.kinds.value)
        return [e for e in self.months.events_in(month) if e.kind in kinds]

    def events_html(self, month: str) -> str:
        return render("explorer_events.html.j2", t=self.report.t, events=self.month_events(month))

    def article_html(self, month: str) -> str:
        """Article paragraphs whose claims rest on this month's events."""
        ids = {e.event_id for e in self.month_events(month)}
        blocks = {v.claim.block_id for v in self.report.verdicts if ids & set(v.events)}
        paragraphs = [b for b in self.report.dataset.article if b.block_id in blocks]
        return render("explorer_article.html.j2", t=self.report.t, paragraphs=paragraphs)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore(report: Report) -> Explorer:
    """The live explorer for a report (the notebook's live-only cell)."""
    return Explorer(report)
