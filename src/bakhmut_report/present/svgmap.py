"""The map as inline SVG, drawn at render time from the same figure data plotly.js gets.

It is the page's first paint (shown before plotly.js has run, and kept by readers without
JavaScript), and the drawing behind the printed small multiples of the key months. The base (land,
lakes, borders, rivers, oblast boundaries, roads, scale bar) is drawn once per view as a ``<g id>``;
each month's drawing adds only its rings, markers and labels and reuses the base with ``<use>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..derive.periods import Months
from ..model.dataset import Dataset
from ..model.geo import topology_lines
from .html import render
from .labels import BASELINE, FONT_FAMILY, FONT_SIZE, MARKER_RADIUS, PAD, Label, label_box
from .mapfig import TRACES
from .styles import BASE_STYLE, HOLDER_STYLE
from .theatre import View

DASHES = {"dash": "6 4", "dashdot": "8 3 2 3", "dot": "2 3", "solid": ""}


@dataclass(frozen=True)
class Path:
    d: str
    stroke: str
    width: float
    dash: str = ""
    fill: str = "none"


def _path(view: View, lines, closed: bool = False, precision: int = 1) -> str:
    """SVG path data; open lines are cut to the view (with a margin), rings are kept whole."""
    margin = 40
    parts = []
    for line in lines:
        points = [view.xy(lon, lat) for lon, lat in line if lon is not None]
        runs = [points] if closed else _visible_runs(points, view, margin)
        for run in runs:
            if len(run) < 2:
                continue
            parts.append(
                "M" + " ".join(f"{x:.{precision}f},{y:.{precision}f}" for x, y in run) + ("Z" if closed else "")
            )
    return " ".join(parts).replace(".0,", ",").replace(".0 ", " ")


def _visible_runs(points: list[tuple[float, float]], view: View, margin: float) -> list[list[tuple[float, float]]]:
    """The parts of a line that come near the view (one point beyond each end, so lines leave the frame)."""

    def near(p: tuple[float, float]) -> bool:
        return -margin <= p[0] <= view.width + margin and -margin <= p[1] <= view.height + margin

    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for i, p in enumerate(points):
        if near(p) or (i + 1 < len(points) and near(points[i + 1])) or (i > 0 and near(points[i - 1])):
            current.append(p)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _split(lons: list, lats: list) -> list[list[tuple[float, float]]]:
    """A trace's None-separated lon/lat lists as lines."""
    lines: list[list[tuple[float, float]]] = [[]]
    for lon, lat in zip(lons, lats, strict=True):
        if lon is None or lat is None:
            lines.append([])
        else:
            lines[-1].append((lon, lat))
    return [line for line in lines if len(line) > 1]


def base_paths(dataset: Dataset, view: View, figure: dict) -> list[Path]:
    """Land, lakes, borders (from the base map) and the figure's static line traces, in drawing order."""
    land, water = BASE_STYLE["land"]["color"], BASE_STYLE["water"]["color"]
    paths = [
        Path(_path(view, topology_lines(dataset.topology, "land"), closed=True, precision=0), "none", 0, fill=land),
        Path(_path(view, topology_lines(dataset.topology, "lakes"), closed=True, precision=0), "none", 0, fill=water),
        Path(_path(view, topology_lines(dataset.topology, "countries"), precision=0), "#555555", 1.4),
    ]
    for name in ("oblasts", "donets", "rivers", "routes"):
        trace = figure["data"][TRACES[name]]
        line = trace["line"]
        paths.append(
            Path(
                _path(view, _split(trace["lon"], trace["lat"]), precision=0),
                line["color"],
                line["width"],
                DASHES.get(line.get("dash", "solid"), ""),
            )
        )
    return paths


def _marker(symbol: str, x: float, y: float) -> str:
    r = MARKER_RADIUS
    if symbol == "square":
        return f"M{x - r:.1f},{y - r:.1f} h{2 * r} v{2 * r} h{-2 * r}Z"
    if symbol == "diamond":
        d = r * 1.3
        return f"M{x:.1f},{y - d:.1f} L{x + d:.1f},{y:.1f} L{x:.1f},{y + d:.1f} L{x - d:.1f},{y:.1f}Z"
    return f"M{x - r:.1f},{y:.1f} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0Z"


@dataclass(frozen=True)
class Marker:
    """A marker drawn as ``<use>`` of its state's symbol (symbol_defs), centred at x, y."""

    x: float
    y: float
    holder: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    anchor: str
    text: str


def month_layers(
    months: Months, month: str, figure: dict, view: View, labels: dict[str, Label]
) -> tuple[str, list[Marker], list[Text]]:
    """Rings (from the figure), markers and labels of one month, projected for ``view``."""
    rings = figure["data"][TRACES["rings"]]
    ring_d = _path(view, _split(rings["lon"], rings["lat"]))
    markers: list[Marker] = []
    texts: list[Text] = []
    for settlement, state in zip(months.settlements, months.states[month], strict=True):
        if not view.contains(settlement.lon, settlement.lat):
            continue
        x, y = view.xy(settlement.lon, settlement.lat)
        markers.append(Marker(round(x, 1), round(y, 1), HOLDER_STYLE[state.holder]["code"]))
        label = labels.get(settlement.settlement_id)
        if label:
            texts.append(_text(x, y, label.text, label.position))
    return ring_d, markers, texts


def _text(x: float, y: float, text: str, position: str) -> Text:
    """A label where plotly.js puts it: beside, above or below the marker (labels.label_box)."""
    box = label_box(x, y, 0, position)
    vertical, horizontal = position.split()
    anchor = {"right": "start", "left": "end", "center": "middle"}[horizontal]
    tx = box[0] + PAD if horizontal == "right" else box[2] - PAD if horizontal == "left" else x
    return Text(round(tx, 1), round(box[1] + PAD + BASELINE, 1), anchor, text)


def base_svg(dataset: Dataset, view: View, figure: dict, scale_label: str) -> Markup:
    """The view's base as a reusable ``<g id="bk-base-<view>">`` (inside the first-paint SVG)."""
    scale = figure["data"][TRACES["scale"]]
    (x0, y0), (x1, y1) = (view.xy(scale["lon"][i], scale["lat"][i]) for i in (0, 1))
    return render(
        "svg_base.svg.j2",
        view=view,
        paths=base_paths(dataset, view, figure),
        font=FONT_FAMILY,
        scale={"x0": round(x0, 1), "y0": round(y0, 1), "x1": round(x1, 1), "y1": round(y1, 1), "label": scale_label},
    )


def crop_svg(
    drawn: View, view: View, *, title: str, description: str, element_id: str, source_id: str, css_class: str
) -> Markup:
    """A phone's first paint: the wide drawing reused and cropped to ``view`` (same longitudes)."""
    _, top = drawn.xy(view.lon[0], view.lat[1])
    _, bottom = drawn.xy(view.lon[0], view.lat[0])
    return render(
        "svg_crop.svg.j2",
        box=(0, round(top, 1), drawn.width, round(bottom - top, 1)),
        view=view,
        title=title,
        description=description,
        element_id=element_id,
        source_id=source_id,
        css_class=css_class,
    )


def map_svg(
    months: Months,
    month: str,
    figure: dict,
    view: View,
    labels: dict[str, Label],
    *,
    base: Markup | None,
    title: str,
    description: str,
    element_id: str,
    css_class: str,
) -> Markup:
    """One month on the map; ``base`` inlines the base drawing, else the view's base is reused."""
    ring_d, markers, texts = month_layers(months, month, figure, view, labels)
    focus = figure["data"][TRACES["focus"]]
    fx, fy = view.xy(focus["lon"][0], focus["lat"][0])
    return render(
        "svg_map.svg.j2",
        view=view,
        base=base,
        symbols=symbol_defs() if base else [],
        ring_d=ring_d,
        markers=markers,
        texts=texts,
        focus={"x": round(fx, 1), "y": round(fy, 1)},
        font=FONT_FAMILY,
        size=FONT_SIZE,
        title=title,
        description=description,
        element_id=element_id,
        css_class=css_class,
    )


def symbol_defs() -> list[tuple[str, str, str]]:
    """(code, path centred on 0,0, fill) per state: defined once in the first-paint SVG, used by every marker."""
    return [(style["code"], _marker(style["symbol"], 0, 0), style["color"]) for style in HOLDER_STYLE.values()]


def small_svg(
    months: Months,
    month: str,
    view: View,
    labels: dict[str, Label],
    keep: frozenset[str],
    *,
    title: str,
    description: str,
    element_id: str,
) -> Markup:
    """A key month, small: the base reused, markers as symbols, labels for the article's places only."""
    markers, texts = [], []
    for settlement, state in zip(months.settlements, months.states[month], strict=True):
        if not view.contains(settlement.lon, settlement.lat):
            continue
        x, y = view.xy(settlement.lon, settlement.lat)
        markers.append(Marker(round(x), round(y), HOLDER_STYLE[state.holder]["code"]))
        label = labels.get(settlement.settlement_id)
        if label and settlement.settlement_id in keep:
            texts.append(_text(x, y, label.text, label.position))
    return render(
        "svg_small.svg.j2",
        view=view,
        markers=markers,
        texts=texts,
        font=FONT_FAMILY,
        size=FONT_SIZE,
        title=title,
        description=description,
        element_id=element_id,
    )
