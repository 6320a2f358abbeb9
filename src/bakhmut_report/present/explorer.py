"""Live exploration in JupyterLab: ipywidgets controls linked to the map, events and article.

Only for a running kernel (the notebook's ``live-only`` cell); the static report
uses report.js instead. A month step restyles the changed traces of one
``go.FigureWidget`` inside ``batch_update`` (no figure rebuild) and swaps the
small HTML panes; a kind checkbox only swaps the events and article panes.

Layout (ipywidgets flex boxes, nothing of a fixed width but the map): three control rows that
wrap (month; focus, range and presets with their full labels; one checkbox per event kind), then
the map (its view's 500 px) with its legend under it and, beside it when 320 px are left or else
under it, a column of the three panes (the month's events with their sources, the places within
range, the article paragraphs), then the month summary. The panes wrap their text and scroll
vertically, so none is wider than its box (tests/test_jupyterlab.py measures this at 1280 px,
where JupyterLab with its file browser open leaves an 848 px output area).
"""

from __future__ import annotations

import os
from pathlib import Path

from markupsafe import Markup

from ..derive.periods import RING_CENTRES, Months
from ..model.paths import NOTEBOOK
from ..model.records import Event, Source
from . import mapfig, sections
from .html import render
from .report import Report
from .styles import BASE_STYLE, HOLDER_ORDER, HOLDER_STYLE

MAX_EVENTS = 60  # per month in the events pane (claims and confirmations first), like the page's capped lists
PANE_HEIGHT = "280px"  # each of the three panes; together about the map's height
PANES_MIN_WIDTH = "320px"  # below this the pane column wraps under the map instead of shrinking
KM_LIMITS = (1, 200)  # the artillery_range_km parameter's limits
# plotly's line dash names as SVG stroke-dasharray values, for the legend's swatches
DASHARRAY = {"solid": "", "dot": "1.5 2.5", "dash": "5 3", "longdash": "8 3", "dashdot": "6 2.5 1.5 2.5"}


def topojson_url() -> str:
    """Where JupyterLab serves data/geo/ (its /files/ route), so the map needs no CDN."""
    geo = NOTEBOOK.parent.parent / "data" / "geo"
    session = os.environ.get("JPY_SESSION_NAME", "")
    root = NOTEBOOK.parents[len(Path(session).parts) - 1] if session and not os.path.isabs(session) else None
    if root is None or root / session != NOTEBOOK:
        root = NOTEBOOK.parent.parent
    return "/files/" + "/".join(geo.relative_to(root).parts) + "/"


def kind_order(kinds: set[str], known: dict[str, str]) -> list[str]:
    """The kinds present, in the catalogue's order (claims and confirmations first), unknown ones last."""
    return [k for k in known if k in kinds] + sorted(kinds - set(known))


def line_swatch(style: dict) -> dict:
    """A base layer's line style as SVG stroke attributes."""
    return {"color": style["color"], "width": style["width"], "dasharray": DASHARRAY[style.get("dash", "solid")]}


class Explorer:
    """Month slider with play, focus city, range and event kinds, linked to map, events and article."""

    def __init__(self, report: Report):
        import ipywidgets as w

        self.report = report
        self.language = report.language
        self.months: Months = report.months
        t, L = report.t, report.label
        months = self.months.months
        start = months.index(report.params["initial_month"])
        labelled = {"description_width": "initial"}  # a description as wide as its text, never cut

        # row 1: play, month slider, month name
        self.play = w.Play(min=0, max=len(months) - 1, value=start, interval=900, description=L("play"))
        self.slider = w.IntSlider(
            min=0,
            max=len(months) - 1,
            value=start,
            readout=False,
            description=L("month"),
            continuous_update=True,
            style=labelled,
            layout=w.Layout(width="420px", max_width="100%"),
        )
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.month_label = w.HTML(layout=w.Layout(min_width="10em"))

        # row 2: focus, range (whole km) and the presets with their full labels
        names = sorted(s.name for s in report.dataset.settlements.values())
        self.focus = w.Dropdown(
            options=names,
            value=report.focus.name,
            description=L("focus"),
            style=labelled,
            layout=w.Layout(width="auto"),
        )
        self.range_km = w.IntSlider(
            min=KM_LIMITS[0],
            max=KM_LIMITS[1],
            step=1,
            value=self._whole_km(report.params["artillery_range_km"]),
            description=L("range"),
            readout_format="d",
            continuous_update=False,
            style=labelled,
            layout=w.Layout(width="440px", max_width="100%"),
        )
        presets = report.dataset.presets  # data/range_presets.csv, with their sources
        self.presets = w.ToggleButtons(
            options=[
                (p.label(self.language) + ": " + format(p.km, "g") + " km", self._whole_km(p.km)) for p in presets
            ],
            value=None,
            tooltips=[p.note or "" for p in presets],
            style={"button_width": "auto"},
            layout=w.Layout(width="auto", max_width="100%"),
        )

        if self.range_km.value in self.presets_km:
            self.presets.value = self.range_km.value

        # row 3: one checkbox per event kind, and one for all of them
        kinds = kind_order({e.kind for e in report.dataset.events}, t.kinds)
        self.kind_boxes = {
            k: w.Checkbox(
                value=True, description=t.kind(k), indent=False, layout=w.Layout(width="auto", margin="0 14px 0 0")
            )
            for k in kinds
        }
        self.all_kinds = w.Checkbox(
            value=True, description=L("col_kind"), indent=False, layout=w.Layout(width="auto", margin="0 22px 0 0")
        ).add_class("bk-live-all-kinds")
        self._bulk = False  # True while the all/none box sets every kind box (one pane update, not 19)

        # the panes: each about a third of the map's height; the text wraps (explorer_style.html.j2), so
        # a pane scrolls vertically only
        def pane(name: str):
            html = w.HTML(layout=w.Layout(max_height=PANE_HEIGHT, overflow="auto"))
            return html.add_class("bk-live-pane").add_class("bk-pane-" + name)

        self.summary = w.HTML()
        self.events = pane("events")
        self.reach = pane("reach")
        self.article = pane("article")
        self.legend = w.HTML().add_class("bk-live-legend")
        # the explorer's scoped CSS (a <style> applies while its hidden widget is on the page)
        self.style = w.HTML(render("explorer_style.html.j2"), layout=w.Layout(display="none"))

        self._rebuilds = 0
        self.map_layout = report.map_layout
        self.figure = self._new_figure(months[start])

        self.slider.observe(lambda change: self.show_month(), "value")
        self.range_km.observe(self._range_changed, "value")
        for box in self.kind_boxes.values():
            box.observe(self._kind_changed, "value")
        self.all_kinds.observe(self._all_kinds_changed, "value")
        self.focus.observe(lambda change: self.set_focus(change["new"]), "value")
        self.presets.observe(self._apply_preset, "value")

        def row(children, **layout):
            return w.HBox(children, layout=w.Layout(flex_flow="row wrap", align_items="center", **layout))

        self.controls = w.VBox(
            [
                row([self.play, self.slider, self.month_label], grid_gap="4px 12px"),
                row([self.focus, self.range_km, self.presets], grid_gap="4px 16px"),
                row([self.all_kinds, *self.kind_boxes.values()]),
            ]
        ).add_class("bk-live-controls")
        width = self.map_layout.wide.width
        self.map_column = w.VBox(
            [self.figure, self.legend], layout=w.Layout(width=str(width) + "px", max_width="100%", flex="0 0 auto")
        ).add_class("bk-live-map")
        self.panes = w.VBox(
            [self.events, self.reach, self.article],
            layout=w.Layout(
                flex="1 1 " + PANES_MIN_WIDTH, min_width=PANES_MIN_WIDTH, max_width="100%", grid_gap="10px"
            ),
        ).add_class("bk-live-panes")
        self.widget = w.VBox(
            [
                self.style,
                self.controls,
                w.HBox(
                    [self.map_column, self.panes],
                    layout=w.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="12px 20px"),
                ),
                self.summary,  # the map in words (who holds what): long, so after the map and its panes
            ]
        ).add_class("bk-live-explorer")
        self.show_legend()
        self.show_month()

    @staticmethod
    def _whole_km(km: float) -> int:
        return min(max(round(km), KM_LIMITS[0]), KM_LIMITS[1])

    def _new_figure(self, month: str):
        import plotly.graph_objects as go

        layout = self.map_layout
        fig = mapfig.figure(self.months, month, layout, self.report.t, self.range_km.value)
        fig["layout"].update(width=layout.wide.width, height=layout.wide.height, autosize=False)
        # skip_invalid: the page's labels trace carries plotly.js options plotly.py does not know for
        # scattergeo (cliponaxis); plotly.js ignores them there too.
        figure = go.FigureWidget(data=fig["data"], layout=fig["layout"], skip_invalid=True)
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
        self.map_column.children = tuple(self.figure if child is old else child for child in self.map_column.children)
        old.close()

    def _apply_preset(self, change) -> None:
        if change["new"]:
            self.range_km.value = change["new"]

    def _range_changed(self, change) -> None:
        # the preset that matches the range shows as chosen; any other range clears it, so a preset
        # can be chosen again after the slider moved
        self.presets.value = change["new"] if change["new"] in self.presets_km else None
        self.show_legend()
        self.show_month()

    @property
    def presets_km(self) -> list[int]:
        return [value for _, value in self.presets.options]

    # --- event kinds ---------------------------------------------------------------------------

    @property
    def selected_kinds(self) -> tuple[str, ...]:
        return tuple(k for k, box in self.kind_boxes.items() if box.value)

    def select_kinds(self, kinds) -> None:
        """Tick exactly ``kinds`` (one pane update)."""
        wanted = set(kinds)
        self._bulk = True
        try:
            for kind, box in self.kind_boxes.items():
                box.value = kind in wanted
        finally:
            self._bulk = False
        self._kinds_updated()

    def _kind_changed(self, change) -> None:
        if not self._bulk:
            self._kinds_updated()

    def _all_kinds_changed(self, change) -> None:
        if not self._bulk:
            self.select_kinds(self.kind_boxes if change["new"] else ())

    def _kinds_updated(self) -> None:
        """The all-kinds box shows whether every kind is ticked; the map does not depend on kinds."""
        self._bulk = True
        try:
            self.all_kinds.value = all(box.value for box in self.kind_boxes.values())
        finally:
            self._bulk = False
        self.show_panes(self.month)

    # --- month and focus -----------------------------------------------------------------------

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
            self.figure.data[mapfig.TRACES["focus"]].update(
                lat=[focus.lat], lon=[focus.lon], name=self.report.label("focus") + ": " + focus.name
            )
            self.figure.data[mapfig.TRACES["labels"]].update(
                lat=labels["lat"], lon=labels["lon"], text=labels["text"], textposition=labels["textposition"]
            )
        self.show_legend()
        self.show_month()

    def show_month(self) -> None:
        """Restyle only the ring and holder traces, then the text panes."""
        month, t, focus = self.month, self.report.t, self.report.focus
        ring_lat, ring_lon = mapfig.rings_trace_data(self.months, month, focus, self.range_km.value)
        with self.figure.batch_update():
            self.figure.data[mapfig.TRACES["rings"]].update(lat=ring_lat, lon=ring_lon)
            for holder in HOLDER_ORDER:
                self.figure.data[mapfig.TRACES[holder]].update(mapfig.holder_trace_data(self.months, month, holder, t))
        self.month_label.value = render("explorer_month.html.j2", month=t.month(month))
        self.summary.value = render("explorer_summary.html.j2", summary=mapfig.month_summary(self.months, month, t))
        self.reach.value = self.reach_html(month)
        self.show_panes(month)

    def show_panes(self, month: str) -> None:
        """The panes that follow the event kinds: the month's events and the article paragraphs."""
        events = self.month_events(month)
        self.events.value = self.events_html(month, events)
        self.article.value = self.article_html(month, events)

    def show_legend(self) -> None:
        self.legend.value = self.legend_html()

    # --- the panes' HTML -----------------------------------------------------------------------

    def month_events(self, month: str) -> list[Event]:
        kinds = set(self.selected_kinds)
        return [e for e in self.months.events_in(month) if e.kind in kinds]

    def sources_of(self, event: Event) -> list[Source]:
        sources = self.report.dataset.sources
        return [sources[sid] for sid in event.sources if sid in sources]

    def events_html(self, month: str, events: list[Event] | None = None) -> Markup:
        """The month's events of the ticked kinds, each with its sources linked (new tab, http(s) only)."""
        events = self.month_events(month) if events is None else events
        shown, left_out = sections.shown_events(events, MAX_EVENTS)
        return render(
            "explorer_events.html.j2", t=self.report.t, events=shown, left_out=left_out, sources_of=self.sources_of
        )

    def reach_html(self, month: str) -> Markup:
        t, dataset = self.report.t, self.report.dataset
        return render(
            "explorer_reach.html.j2",
            t=t,
            reach=sections.reach_list(self.months, month, t, self.range_km.value),
            presets=dataset.presets,
            preset_sources=lambda p: [dataset.sources[sid] for sid in p.sources if sid in dataset.sources],
        )

    def article_html(self, month: str, events: list[Event] | None = None) -> Markup:
        """Article paragraphs whose claims rest on this month's events (of the ticked kinds)."""
        events = self.month_events(month) if events is None else events
        ids = {e.event_id for e in events}
        blocks = {v.claim.block_id for v in self.report.verdicts if ids & set(v.events)}
        paragraphs = [b for b in self.report.dataset.article if b.block_id in blocks]
        return render("explorer_article.html.j2", t=self.report.t, paragraphs=paragraphs)

    def legend_html(self) -> Markup:
        """What the map draws: the holders (colour and shape), focus, range rings, rivers, oblasts, roads."""
        return render(
            "explorer_legend.html.j2",
            t=self.report.t,
            holders=[(h, HOLDER_STYLE[h]) for h in HOLDER_ORDER],
            focus=self.report.focus,
            range_km=self.range_km.value,
            ring_count=RING_CENTRES,
            lines={name: line_swatch(BASE_STYLE[name]) for name in ("donets", "oblasts", "routes")},
        )

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore(report: Report) -> Explorer:
    """The live explorer for a report (the notebook's live-only cell)."""
    return Explorer(report)
