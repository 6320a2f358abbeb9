"""The month map as a plain plotly figure dict, plus the per-month payload report.js animates.

The figure is built as JSON-ready dicts (no plotly.graph_objects import on the render path). Its traces,
in drawing order (``TRACES`` names their indices): the oblast boundaries, the Siverskyi Donets, the other
rivers, the supply roads (schematic straight lines between the places they connect), the scale bar, the
range rings, one trace per holder (UA, RU, contested: colour *and* marker shape differ) and the focus.
No front line or shaded area is drawn: no open-licence source of front lines exists for this period, and
an area interpolated from points would look surveyed when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from ..derive.control import timelines
from ..derive.periods import RING_CENTRES, Months
from ..model.calendar import month_end
from ..model.dataset import Dataset
from ..model.geo import destination, ring
from ..model.records import Settlement
from ..model.vocabulary import WAR_START, MapState
from .html import plotly_text
from .i18n import Texts
from .labels import FONT_FAMILY, FONT_SIZE, MARKER_RADIUS, POSITIONS, Label, place_labels, short_name
from .styles import BASE_STYLE, HOLDER_ORDER, HOLDER_STYLE
from .theatre import LABEL_WIDTHS, View, inside_theatre, narrow_view, wide_view

GEO_ASSET_NAME = "europe_50m"  # what plotly.js looks up for scope=europe, resolution=50
TRACE_NAMES = ("oblasts", "donets", "rivers", "routes", "scale", "rings", "UA", "RU", "contested", "focus", "labels")
TRACES = {name: i for i, name in enumerate(TRACE_NAMES)}
SCALE_KM = 20
MANY_EVENTS = 6  # a place with this many recorded events must be named on the map


def article_places(dataset: Dataset) -> frozenset[str]:
    """Settlements the article names (by name or variant, Dutch or English text)."""
    text = " ".join(b.text_nl + " " + b.text_en for b in dataset.article)
    found = set()
    for s in dataset.settlements.values():
        if any(f" {n} " in f" {text} ".replace(",", " ").replace(".", " ") for n in (s.name, *s.name_variants)):
            found.add(s.settlement_id)
    return frozenset(found)


def label_tiers(dataset: Dataset, focus: Settlement) -> dict[str, float]:
    """Which places must be named on the map, in order: 0 the focus, 1 the places the article names,
    2 the places the data says most about (at least MANY_EVENTS events; more events first). The rest
    follow by population."""
    counts: dict[str, int] = {}
    for event in dataset.events:
        for sid in event.settlements:
            counts[sid] = counts.get(sid, 0) + 1
    tiers: dict[str, float] = {sid: 2 + 1 / (1 + n) for sid, n in counts.items() if n >= MANY_EVENTS}
    tiers.update(dict.fromkeys(article_places(dataset), 1))
    tiers[focus.settlement_id] = 0
    return tiers


@dataclass(eq=False)
class MapLayout:
    """The views of the map and their labels, for one dataset and focus (computed once per report)."""

    months: Months
    focus: Settlement
    tiers: dict[str, float]  # label_tiers()

    @cached_property
    def wide(self) -> View:
        return wide_view(self.months.settlements)

    @cached_property
    def narrow(self) -> View:
        return narrow_view(self.wide, self.focus)

    @property
    def views(self) -> tuple[View, View]:
        return self.wide, self.narrow

    def labels(self, view: View) -> dict[str, Label]:
        return place_labels(view, self.months.settlements, self.tiers)

    @cached_property
    def outside(self) -> list[Settlement]:
        """Places of the data outside the theatre: named in a note, left out of the map's range list."""
        return [s for s in self.months.settlements if not inside_theatre(s)]


def _bold(text: str) -> str:
    return "<b>" + plotly_text(text) + "</b>"


def hover_text(months: Months, month: str, index: int, t: Texts) -> str:
    """'<b>Name</b> (population)<br>holder, since date<br>cause' — report.js builds the same string."""
    state = months.states[month][index]
    settlement = months.settlements[index]
    parts = [
        _bold(settlement.name) + " (" + t.number(settlement.population) + ")",
        t.label("holder_" + state.holder) + ", " + t.label("since") + " " + t.date(state.since),
    ]
    if state.event:
        parts.append(plotly_text(state.event.title(t.language)))
    return "<br>".join(parts)


def month_summary(months: Months, month: str, t: Texts) -> str:
    """One sentence for screen readers: who holds what at the end of the month."""
    names = months.names_by_state(month)
    none = t.label("none")
    parts = [
        t.label("in") + " " + t.month(month) + " " + t.label("summary_ru") + ": " + (", ".join(names["RU"]) or none),
        t.label("summary_contested") + ": " + (", ".join(names["contested"]) or none),
        t.label("summary_ua") + ": " + (", ".join(names["UA"]) or none),
    ]
    return "; ".join(parts) + "."


def rings_trace_data(months: Months, month: str, focus: Settlement, range_km: float) -> tuple[list, list]:
    """Circles of ``range_km`` around the Russian-held or contested places inside the theatre nearest the focus."""
    lats: list = []
    lons: list = []
    for centre in months.ring_centres(month, focus):
        la, lo = ring(centre.lat, centre.lon, range_km)
        lats += la + [None]
        lons += lo + [None]
    return lats, lons


def holder_trace_data(months: Months, month: str, holder: MapState, t: Texts) -> dict:
    """lat, lon and customdata (hover) of one holder's markers."""
    out: dict[str, list] = {"lat": [], "lon": [], "customdata": []}
    for i, (settlement, state) in enumerate(zip(months.settlements, months.states[month], strict=True)):
        if state.holder != holder:
            continue
        out["lat"].append(settlement.lat)
        out["lon"].append(settlement.lon)
        out["customdata"].append(hover_text(months, month, i, t))
    return out


def labels_trace(months: Months, labels: dict[str, Label]) -> dict:
    """The place names, a text-only trace drawn above every marker (the same for every month)."""
    out: dict[str, list] = {"lat": [], "lon": [], "text": [], "textposition": []}
    for settlement in months.settlements:
        label = labels.get(settlement.settlement_id)
        if label:
            out["lat"].append(settlement.lat)
            out["lon"].append(settlement.lon)
            out["text"].append(plotly_text(label.text))
            out["textposition"].append(label.position)
    # invisible markers of the holders' size: plotly.js then sets each name off its marker, as for a holder trace
    return {
        "type": "scattergeo",
        "mode": "markers+text",
        "name": "labels",
        "hoverinfo": "skip",
        "showlegend": False,
        "marker": {"size": 2 * MARKER_RADIUS, "opacity": 0},
        # a halo in the land's colour keeps a name legible where it crosses a ring, a road or a river
        "textfont": {"size": FONT_SIZE, "color": "#1a1a1a", "family": FONT_FAMILY, "shadow": LABEL_HALO},
        **out,
    }


LABEL_HALO = ", ".join(f"{x}px {y}px 1px {BASE_STYLE['land']['color']}" for x in (-1, 1) for y in (-1, 1))


def _lines(lines) -> tuple[list, list]:
    """Lines as one trace's lon and lat lists, separated by None."""
    lons: list = []
    lats: list = []
    for line in lines:  # 3 decimals: about 100 m, finer than the 1:10m source
        lons += [round(p[0], 3) for p in line] + [None]
        lats += [round(p[1], 3) for p in line] + [None]
    return lons, lats


def _line_trace(name: str, lines, style: dict, hover: bool = False) -> dict:
    lons, lats = _lines(lines)
    return {
        "type": "scattergeo",
        "mode": "lines",
        "name": plotly_text(name),
        "lon": lons,
        "lat": lats,
        "line": {"color": style["color"], "width": style["width"], "dash": style.get("dash", "solid")},
        "hoverinfo": "skip" if not hover else "name",
        "showlegend": False,
    }


def base_traces(dataset: Dataset, view: View, t: Texts) -> list[dict]:
    """The static traces under the markers: boundaries, rivers, roads, scale bar."""
    layers = dataset.layers
    empty: tuple = ()
    roads = []
    for route in dataset.routes:
        points = [dataset.settlements[sid] for sid in route.waypoints]
        roads.append(tuple((s.lon, s.lat) for s in points))
    traces = [
        _line_trace(
            t.label("legend_oblasts"),
            layers["oblast_lines"].lines if "oblast_lines" in layers else empty,
            BASE_STYLE["oblasts"],
        ),
        _line_trace(
            t.label("legend_donets"),
            layers["rivers_donets"].lines if "rivers_donets" in layers else empty,
            BASE_STYLE["donets"],
        ),
        _line_trace(
            t.label("legend_rivers"),
            layers["rivers_region"].lines if "rivers_region" in layers else empty,
            BASE_STYLE["rivers"],
        ),
        _line_trace(t.label("legend_routes"), roads, BASE_STYLE["routes"]),
    ]
    traces.append(scale_bar(view, t))
    return traces


def scale_bar(view: View, t: Texts) -> dict:
    """A bar of SCALE_KM kilometres near the lower left corner, true at any zoom (it is drawn in degrees)."""
    lat = view.lat[0] + (view.lat[1] - view.lat[0]) * 0.035
    lon = view.lon[0] + (view.lon[1] - view.lon[0]) * 0.04
    end_lat, end_lon = destination(lat, lon, SCALE_KM, 90)
    return {
        "type": "scattergeo",
        "mode": "lines+text",
        "name": plotly_text(t.label("legend_scale")),
        "lon": [round(lon, 4), round(end_lon, 4)],
        "lat": [round(lat, 4), round(end_lat, 4)],
        "text": ["", plotly_text(f"{SCALE_KM} km")],
        "textposition": ["top right", "top left"],
        "textfont": {"size": 10, "color": "#333333", "family": FONT_FAMILY},
        "line": {"color": "#333333", "width": 3},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def figure(months: Months, month: str, layout: MapLayout, t: Texts, range_km: float, view: View | None = None) -> dict:
    """The map at ``month`` as a plotly figure dict {data, layout}, labelled for ``view`` (default: wide)."""
    view, focus = view or layout.wide, layout.focus
    ring_lat, ring_lon = rings_trace_data(months, month, focus, range_km)
    data = base_traces(months.dataset, view, t)
    data.append(
        {
            "type": "scattergeo",
            "mode": "lines",
            "lat": ring_lat,
            "lon": ring_lon,
            "name": plotly_text(t.label("range") + ": " + format(range_km, "g") + " km"),
            "hoverinfo": "skip",
            "line": {"color": "#333333", "width": 1.2, "dash": "dot"},
            "showlegend": False,
        }
    )
    for holder in HOLDER_ORDER:
        style = HOLDER_STYLE[holder]
        trace = {
            "type": "scattergeo",
            "mode": "markers",
            "name": plotly_text(t.label("holder_" + holder)),
            "marker": {
                "symbol": style["symbol"],
                "color": style["color"],
                "size": 12,
                "line": {"color": "#1a1a1a", "width": 1},
            },
            "hovertemplate": "%{customdata}<extra></extra>",
            "showlegend": False,
        }
        trace.update(holder_trace_data(months, month, holder, t))
        data.append(trace)
    data.append(
        {
            "type": "scattergeo",
            "mode": "markers",
            "lat": [focus.lat],
            "lon": [focus.lon],
            "name": plotly_text(t.label("focus") + ": " + focus.name),
            "hoverinfo": "skip",
            "showlegend": False,
            "marker": {"symbol": "circle-open", "size": 24, "color": "#000000", "line": {"width": 2}},
        }
    )
    data.append(labels_trace(months, layout.labels(view)))
    return {"data": data, "layout": figure_layout(view, t)}


DYNAMIC = ("rings", "UA", "RU", "contested", "labels")  # the traces report.js fills (labels: for the width drawn)


def page_figure(figure: dict, t: Texts) -> dict:
    """The figure as the page embeds it: report.js fills the month's traces, so they travel empty."""
    data = [dict(trace) for trace in figure["data"]]
    for name in DYNAMIC:
        trace = data[TRACES[name]]
        for key in ("lat", "lon", "text", "textposition", "customdata"):
            if key in trace:
                trace[key] = []
    return {"data": data, "layout": figure["layout"], "config": plotly_config(t)}


def figure_layout(view: View, t: Texts) -> dict:
    return {
        "height": view.height,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "font": {"family": FONT_FAMILY},
        "showlegend": False,  # the page's own legend lists every holder and layer, also in months without one
        "dragmode": False,  # no pan or zoom unless the reader asks for it (the page's zoom button)
        "uirevision": "keep-zoom",
        "geo": {
            "scope": "europe",
            "resolution": 50,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": list(view.lon)},
            "lataxis": {"range": list(view.lat)},
            "showland": True,
            "landcolor": BASE_STYLE["land"]["color"],
            "showocean": True,
            "oceancolor": BASE_STYLE["water"]["color"],
            "showlakes": True,
            "lakecolor": BASE_STYLE["water"]["color"],
            "showrivers": False,  # the 1:10m rivers are traces of their own
            "showcountries": True,
            "countrycolor": "#555555",
            "countrywidth": 1.4,
            "showcoastlines": True,
            "coastlinecolor": "#7a9cb8",
            "showframe": False,
            "bgcolor": "rgba(0,0,0,0)",
        },
    }


MODEBAR_NL = {
    "Download plot as a PNG": "Kaart downloaden als png",
    "Download plot as a png": "Kaart downloaden als png",
    "Reset": "Beginbeeld",
    "Reset view": "Beginbeeld",
    "Zoom in": "Inzoomen",
    "Zoom out": "Uitzoomen",
}


def plotly_config(t: Texts) -> dict:
    """Only what works offline: image download and reset; no cloud button; no wheel zoom until asked."""
    config = {
        "responsive": True,
        "displaylogo": False,
        "scrollZoom": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "modeBarButtons": [["toImage", "resetGeo"]],
        "toImageButtonOptions": {"filename": "bakhmut-map", "format": "png"},
        "locale": t.language,
    }
    if t.language == "nl":
        config["locales"] = {"nl": {"dictionary": MODEBAR_NL, "format": {"decimal": ",", "thousands": "."}}}
    return config


def steps_payload(months: Months, t: Texts) -> tuple[list, list[str]]:
    """Per settlement its dated steps [day number, cause index], and the cause titles.

    Aggregated per settlement: its size grows with the changes shown, bounded by
    settlements x months, not with the number of events.
    """
    lines = timelines(months.dataset, months.basis)
    last_day = month_end(months.months[-1])
    causes: list[str] = []
    index: dict[str, int] = {}
    steps = []
    for settlement in months.settlements:
        own = []
        for step in lines[settlement.settlement_id]:
            if step.date > last_day:
                break
            cause = -1
            if step.event is not None:
                if step.event.event_id not in index:
                    index[step.event.event_id] = len(causes)
                    causes.append(plotly_text(step.event.title(t.language)))
                cause = index[step.event.event_id]
            own.append([(step.date - WAR_START).days, cause])
        steps.append(own)
    return steps, causes


def view_payload(layout: MapLayout, view: View, settlements: list[Settlement]) -> dict:
    """The view's box and its label layouts, one per width in LABEL_WIDTHS, compact: ``at`` has one
    character per settlement (an index into POSITIONS, or "-" for no label); ``texts`` only the
    names shown shortened (the others show the settlement's ``label``)."""
    sets = []
    for width in LABEL_WIDTHS:
        labels = layout.labels(replace(view, width=width))
        at = "".join(
            str(POSITIONS.index(labels[s.settlement_id].position)) if s.settlement_id in labels else "-"
            for s in settlements
        )
        texts = {
            s.settlement_id: labels[s.settlement_id].text
            for s in settlements
            if s.settlement_id in labels and labels[s.settlement_id].text != short_name(s)
        }
        sets.append({"width": width, "at": at, **({"texts": texts} if texts else {})})
    return {**view.as_dict(), "labelSets": sets}


def payload(months: Months, layout: MapLayout, t: Texts, range_km: float) -> dict:
    """Everything report.js needs to redraw the map and lists for any month, without a kernel."""
    steps, causes = steps_payload(months, t)
    return {
        "months": months.months,
        "monthNames": [t.month(m) for m in months.months],
        "monthEnds": [(month_end(m) - WAR_START).days for m in months.months],
        "calendar": {
            "start": WAR_START.isoformat(),
            "months": t.month_names,
            "since": t.label("since"),
            "thousands": t.group_symbol,
            "decimal": t.decimal_symbol,
        },
        "settlements": [
            {
                "id": s.settlement_id,
                "name": s.name,
                "label": short_name(s),
                "lat": s.lat,
                "lon": s.lon,
                "pop": s.population,
                "theatre": inside_theatre(s),
                **({"variants": list(s.name_variants)} if s.name_variants else {}),
            }
            for s in months.settlements
        ],
        "views": {view.name: view_payload(layout, view, months.settlements) for view in layout.views},
        "positions": POSITIONS,
        "traces": TRACES,
        "holders": ["".join(HOLDER_STYLE[st.holder]["code"] for st in months.states[m]) for m in months.months],
        "steps": steps,
        "causes": causes,
        "focus": layout.focus.settlement_id,
        "rangeKm": range_km,
        "rangeLimits": [1, 200],
        "ringCentres": RING_CENTRES,
        "language": t.language,
        "labels": {
            k: t.label(k)
            for k in (
                "play",
                "pause",
                "km_to",
                "inside",
                "outside",
                "range_never",
                "holder_UA",
                "holder_RU",
                "holder_contested",
                "range",
                "range_invalid",
                "zoom_on",
                "zoom_off",
                "follow",
                "following",
                "copied",
                "copy_link",
                "in",
                "summary_ru",
                "summary_ua",
                "summary_contested",
                "none",
            )
        },
        "templates": {"ring_legend": t.template("ring_legend")},
        "kinds": dict(t.kinds),
    }
