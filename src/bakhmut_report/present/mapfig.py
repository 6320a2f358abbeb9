"""The month map as a plain plotly figure dict, plus the per-month payload report.js animates.

The figure is built as JSON-ready dicts (no plotly.graph_objects import on the
render path). Traces: 0 range rings, 1-3 one per holder (UA, RU, contested:
colour *and* marker shape differ, Okabe-Ito colours), 4 the focus city.
"""

from __future__ import annotations

import math
from functools import lru_cache

from ..derive.control import timelines
from ..derive.periods import RING_CENTRES, Months
from ..model.calendar import month_end
from ..model.geo import ring
from ..model.records import Settlement
from ..model.vocabulary import WAR_START, MapState
from .html import plotly_text
from .i18n import Texts
from .styles import HOLDER_ORDER, HOLDER_STYLE

TRACE_RINGS, TRACE_FOCUS = 0, 4
MAP_HEIGHT = 560
VIEW_HALF_SPAN = (4.2, 1.55)  # degrees of longitude and latitude either side of the focus
GEOMETRY_BOX = ((29.0, 43.0), (44.0, 52.0))  # lon, lat covered by data/geo/europe_50m.json
GEO_ASSET_NAME = "europe_50m"  # what plotly.js looks up for scope=europe, resolution=50
LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left", "top right", "bottom left")


def view_ranges(focus: Settlement) -> tuple[list[float], list[float]]:
    """Lon and lat ranges around the focus, shifted to stay inside the embedded geometry."""
    out = []
    for centre, half, (low, high) in zip((focus.lon, focus.lat), VIEW_HALF_SPAN, GEOMETRY_BOX, strict=True):
        start = min(max(centre - half, low), high - 2 * half)
        out.append([round(start, 3), round(start + 2 * half, 3)])
    return out[0], out[1]


def short_name(settlement: Settlement) -> str:
    """Map label: the name without its disambiguation, 'Andriivka (Bakhmut Raion)' -> 'Andriivka'."""
    return settlement.name.split(" (")[0]


class _Boxes:
    """Placed label and marker boxes, bucketed in a coarse grid so overlap tests stay local."""

    CELL = 64.0

    def __init__(self):
        self.cells: dict[tuple[int, int], list[tuple]] = {}

    def _keys(self, box):
        x0, y0, x1, y1 = (int(v // self.CELL) for v in box)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def add(self, box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def free(self, box) -> bool:
        return not any(
            box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]
            for key in self._keys(box)
            for o in self.cells.get(key, ())
        )


@lru_cache(maxsize=16)
def _label_positions(settlements: tuple[Settlement, ...], focus: Settlement) -> tuple[tuple[str, str], ...]:
    lon_range, lat_range = view_ranges(focus)
    ky = MAP_HEIGHT / (lat_range[1] - lat_range[0])
    kx = ky * math.cos(math.radians(focus.lat))

    def xy(s: Settlement) -> tuple[float, float]:
        return (s.lon - lon_range[0]) * kx, (lat_range[1] - s.lat) * ky

    taken = _Boxes()
    for x, y in map(xy, settlements):
        taken.add((x - 6, y - 6, x + 6, y + 6))
    chosen = []
    for s in sorted(settlements, key=lambda s: (s.settlement_id != focus.settlement_id, -s.population, s.name)):
        x, y = xy(s)
        w, h = 6.2 * len(short_name(s)), 13
        boxes = {
            "top center": (x - w / 2, y - 8 - h, x + w / 2, y - 8),
            "bottom center": (x - w / 2, y + 8, x + w / 2, y + 8 + h),
            "middle right": (x + 8, y - h / 2, x + 8 + w, y + h / 2),
            "middle left": (x - 8 - w, y - h / 2, x - 8, y + h / 2),
            "top right": (x + 4, y - 6 - h, x + 4 + w, y - 6),
            "bottom left": (x - 4 - w, y + 6, x - 4, y + 6 + h),
        }
        position = next((p for p in LABEL_POSITIONS if taken.free(boxes[p])), None)
        if position is None and s.settlement_id == focus.settlement_id:
            position = "top center"
        chosen.append((s.settlement_id, position or ""))
        if position:
            taken.add(boxes[position])
    return tuple(chosen)


def label_positions(settlements: list[Settlement], focus: Settlement) -> dict[str, str]:
    """Greedy label placement at the initial zoom, biggest places first.

    A place whose label fits nowhere without overlap gets none ('': its name stays
    in the hover text); the focus city is always labelled.
    """
    return dict(_label_positions(tuple(settlements), focus))


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
    lats: list = []
    lons: list = []
    for centre in months.ring_centres(month, focus):
        la, lo = ring(centre.lat, centre.lon, range_km)
        lats += la + [None]
        lons += lo + [None]
    return lats, lons


def holder_trace_data(months: Months, month: str, holder: MapState, t: Texts, positions: dict[str, str]) -> dict:
    """lat, lon, text, textposition, customdata (hover) of one holder's markers."""
    out: dict[str, list] = {"lat": [], "lon": [], "text": [], "textposition": [], "customdata": []}
    for i, (settlement, state) in enumerate(zip(months.settlements, months.states[month], strict=True)):
        if state.holder != holder:
            continue
        out["lat"].append(settlement.lat)
        out["lon"].append(settlement.lon)
        position = positions[settlement.settlement_id]
        out["text"].append(plotly_text(short_name(settlement)) if position else "")
        out["textposition"].append(position or "top center")
        out["customdata"].append(hover_text(months, month, i, t))
    return out


def figure(months: Months, month: str, focus: Settlement, t: Texts, range_km: float) -> dict:
    """The map at ``month`` as a plotly figure dict {data, layout}."""
    positions = label_positions(months.settlements, focus)
    ring_lat, ring_lon = rings_trace_data(months, month, focus, range_km)
    data = [
        {
            "type": "scattergeo",
            "mode": "lines",
            "lat": ring_lat,
            "lon": ring_lon,
            "name": plotly_text(t.label("range") + ": " + format(range_km, "g")),
            "hoverinfo": "skip",
            "line": {"color": "#444444", "width": 1.2, "dash": "dot"},
        }
    ]
    for holder in HOLDER_ORDER:
        style = HOLDER_STYLE[holder]
        trace = {
            "type": "scattergeo",
            "mode": "markers+text",
            "name": plotly_text(t.label("holder_" + holder)),
            "marker": {
                "symbol": style["symbol"],
                "color": style["color"],
                "size": 12,
                "line": {"color": "#1a1a1a", "width": 1},
            },
            "textfont": {"size": 11, "color": "#1a1a1a"},
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        trace.update(holder_trace_data(months, month, holder, t, positions))
        data.append(trace)
    data.append(
        {
            "type": "scattergeo",
            "mode": "markers",
            "lat": [focus.lat],
            "lon": [focus.lon],
            "name": plotly_text(t.label("focus") + ": " + focus.name),
            "hoverinfo": "skip",
            "marker": {"symbol": "circle-open", "size": 24, "color": "#000000", "line": {"width": 2}},
        }
    )
    lon_range, lat_range = view_ranges(focus)
    layout = {
        "height": MAP_HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        "showlegend": False,  # the page's own legend lists every holder, also in months without one
        "uirevision": "keep-zoom",
        "geo": {
            "scope": "europe",
            "resolution": 50,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": lon_range},
            "lataxis": {"range": lat_range},
            "showland": True,
            "landcolor": "#f3f0ea",
            "showocean": True,
            "oceancolor": "#dcebf5",
            "showlakes": True,
            "lakecolor": "#dcebf5",
            "showrivers": True,
            "rivercolor": "#8fb8de",
            "riverwidth": 1,
            "showcountries": True,
            "countrycolor": "#555555",
            "countrywidth": 1.4,
            "showcoastlines": True,
            "coastlinecolor": "#7a9cb8",
            "showframe": False,
            "bgcolor": "rgba(0,0,0,0)",
        },
    }
    return {"data": data, "layout": layout}


PLOTLY_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


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


def payload(months: Months, focus: Settlement, t: Texts, range_km: float) -> dict:
    """Everything report.js needs to redraw the map and lists for any month, without a kernel."""
    positions = label_positions(months.settlements, focus)
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
                "label": short_name(s) if positions[s.settlement_id] else "",
                "lat": s.lat,
                "lon": s.lon,
                "pop": s.population,
                "pos": positions[s.settlement_id] or "top center",
            }
            for s in months.settlements
        ],
        "holders": ["".join(HOLDER_STYLE[st.holder]["code"] for st in months.states[m]) for m in months.months],
        "steps": steps,
        "causes": causes,
        "summaries": [month_summary(months, m, t) for m in months.months],
        "focus": focus.settlement_id,
        "rangeKm": range_km,
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
            )
        },
    }
