"""Map labels placed at render time so that no two overlap, and none covers a marker.

Priority: the focus, then the places that must be named (the article's places, the supply roads'
towns, the places near the focus its claims rest on), then the others by population. Each label tries
eight positions around its marker and never overlaps another label; it keeps clear of every marker
too, except that a must-name label may, as a last resort, sit over a smaller place's marker rather than
go missing, and the focus and the article's places may sit over any marker (labels are drawn above
the markers, in a trace of their own). A must-name place whose name fits nowhere is named shortened,
with an ellipsis. Any other place with no room gets no label (its name stays in the hover text and the
month summary). Widths come from the metrics of the label font (DejaVu Sans, the font the page asks
for first; Verdana, the fallback, is as wide), with a margin for fonts that run wider. The same layout
serves the plotly figure, the first-paint SVG and the live explorer, so it is computed once per view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..model.records import Settlement
from .theatre import View

FONT_FAMILY = "'DejaVu Sans', Verdana, 'Liberation Sans', Arial, sans-serif"
FONT_SIZE = 11
MARKER_RADIUS = 6  # half the marker size (12 px): labels keep clear of every marker
OFFSET_X, OFFSET_TOP, OFFSET_BOTTOM = 8.5, 8.2, 6.7  # plotly.js's offsets of a name from its marker centre
LINE_HEIGHT, MIDDLE_ABOVE, BASELINE = 13.0, 7.3, 10.0  # a line of 11 px text: its height, centre, baseline
PAD = 1.0
WIDTH_MARGIN = 1.08  # other fonts (Verdana, Arial) within 8% of DejaVu Sans

# Advance widths of DejaVu Sans in em (from DejaVuSans.ttf with fontTools, generated once; not a dependency).
_ADVANCE = {
    " ": 0.318,
    "'": 0.275,
    "(": 0.39,
    ")": 0.39,
    "-": 0.361,
    ".": 0.318,
    "0": 0.636,
    "1": 0.636,
    "2": 0.636,
    "3": 0.636,
    "4": 0.636,
    "5": 0.636,
    "6": 0.636,
    "7": 0.636,
    "8": 0.636,
    "9": 0.636,
    "A": 0.684,
    "B": 0.686,
    "C": 0.698,
    "D": 0.77,
    "E": 0.632,
    "F": 0.575,
    "G": 0.775,
    "H": 0.752,
    "I": 0.295,
    "J": 0.295,
    "K": 0.656,
    "L": 0.557,
    "M": 0.863,
    "N": 0.748,
    "O": 0.787,
    "P": 0.603,
    "Q": 0.787,
    "R": 0.695,
    "S": 0.635,
    "T": 0.611,
    "U": 0.732,
    "V": 0.684,
    "W": 0.989,
    "X": 0.685,
    "Y": 0.611,
    "Z": 0.685,
    "a": 0.613,
    "b": 0.635,
    "c": 0.55,
    "d": 0.635,
    "e": 0.615,
    "f": 0.352,
    "g": 0.635,
    "h": 0.634,
    "i": 0.278,
    "j": 0.278,
    "k": 0.579,
    "l": 0.278,
    "m": 0.974,
    "n": 0.634,
    "o": 0.612,
    "p": 0.635,
    "q": 0.635,
    "r": 0.411,
    "s": 0.521,
    "t": 0.392,
    "u": 0.634,
    "v": 0.592,
    "w": 0.818,
    "x": 0.592,
    "y": 0.592,
    "z": 0.525,
}
_WIDEST = 1.0  # anything not in the table counts as a full em

# plotly textposition -> where the label box sits relative to the marker centre (dx, dy as fractions)
MUST = 3  # tiers below MUST must be named: the focus (0), the article's places (1), the most reported (2.x)
POSITIONS = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "bottom right",
    "top left",
    "bottom left",
)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return sum(_ADVANCE.get(ch, _WIDEST) for ch in text) * size * WIDTH_MARGIN


def short_name(settlement: Settlement) -> str:
    """Map label: the name without its disambiguation, 'Andriivka (Bakhmut Raion)' -> 'Andriivka'."""
    return settlement.name.split(" (")[0]


Box = tuple[float, float, float, float]


def label_box(x: float, y: float, width: float, position: str) -> Box:
    """The label's box for a marker at (x, y) and a plotly textposition, as plotly.js places it.

    Measured in Chromium for 11 px text beside a 12 px marker: the name starts (or ends) 8.5 px from
    the marker's centre; a middle line spans y-7.3..y+5.7; a top one ends 8.2 px above, a bottom one
    starts 6.7 px below. A pixel of padding on every side keeps neighbours visibly apart.
    """
    vertical, horizontal = position.split()
    if horizontal == "right":
        x0 = x + OFFSET_X
    elif horizontal == "left":
        x0 = x - OFFSET_X - width
    else:
        x0 = x - width / 2
    y0 = {"top": y - OFFSET_TOP - LINE_HEIGHT, "bottom": y + OFFSET_BOTTOM, "middle": y - MIDDLE_ABOVE}[vertical]
    return x0 - PAD, y0 - PAD, x0 + width + PAD, y0 + LINE_HEIGHT + PAD


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass(frozen=True)
class Label:
    settlement_id: str
    text: str
    position: str  # plotly textposition
    box: Box


class _Boxes:
    """Boxes on a grid of cells, so that a query looks only at the boxes near it: with thousands of
    places (the bench's synthetic data) testing every box made the layout quadratic."""

    CELL = 48.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[Box, str]]] = {}

    def _keys(self, box: Box):
        for i in range(int(box[0] // self.CELL), int(box[2] // self.CELL) + 1):
            for j in range(int(box[1] // self.CELL), int(box[3] // self.CELL) + 1):
                yield i, j

    def add(self, box: Box, owner: str = "") -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append((box, owner))

    def hits(self, box: Box, ignore: str = "") -> bool:
        """Whether ``box`` overlaps a stored box (other than ``ignore``'s own)."""
        return any(
            overlaps(box, other)
            for key in self._keys(box)
            for other, owner in self.cells.get(key, ())
            if not (ignore and owner == ignore)
        )


@lru_cache(maxsize=64)
def _layout(
    view: View, places: tuple[tuple[str, str, float, float, int], ...], tiers: tuple[tuple[str, float], ...]
) -> tuple[Label, ...]:
    points = {sid: view.xy(lon, lat) for sid, _, lon, lat, _ in places}
    tier = dict(tiers)
    every_marker, must_markers, placed, nothing = _Boxes(), _Boxes(), _Boxes(), _Boxes()
    for sid, (x, y) in points.items():
        marker = (x - MARKER_RADIUS, y - MARKER_RADIUS, x + MARKER_RADIUS, y + MARKER_RADIUS)
        every_marker.add(marker, sid)
        if tier.get(sid, MUST) < MUST:
            must_markers.add(marker, sid)
    frame = (0.0, 0.0, float(view.width), float(view.height))
    order = sorted(places, key=lambda p: (tier.get(p[0], MUST), -p[4], p[1]))
    chosen = []
    for sid, text, lon, lat, _ in order:
        if not view.contains(lon, lat):
            continue
        x, y = points[sid]
        rank = tier.get(sid, MUST)
        # never over another label; clear of every marker, or else (must-name places) of the must markers,
        # or else (the focus and the article's places) over any marker: the labels are drawn on top
        passes = [every_marker] + ([must_markers] if rank < MUST else []) + ([nothing] if rank <= 1 else [])
        # a must-name place whose name does not fit anywhere is named shortened ("Name…"; the hover has it whole)
        texts = [text] + (
            [_shortened(text, n) for n in range(min(len(text) - 1, MAX_SHORTENED), 2, -1)] if rank <= 1 else []
        )
        found = None
        for shown in texts:
            width = text_width(shown)
            for obstacles in passes:
                for position in POSITIONS:
                    box = label_box(x, y, width, position)
                    inside = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]
                    if inside and not placed.hits(box) and not obstacles.hits(box, ignore=sid):
                        found = Label(sid, shown, position, box)
                        break
                if found:
                    break
            if found:
                chosen.append(found)
                placed.add(found.box)
                break
    return tuple(chosen)


MAX_SHORTENED = 160  # no wider map fits more characters on one line


def _shortened(text: str, length: int) -> str:
    return text[:length].rstrip() + "\u2026"


def place_labels(view: View, settlements: list[Settlement], tiers: dict[str, float]) -> dict[str, Label]:
    """Labels that fit, by settlement id; ``tiers`` ranks the places that must be named (0 first, up to MUST)."""
    places = tuple((s.settlement_id, short_name(s), s.lon, s.lat, s.population) for s in settlements)
    return {label.settlement_id: label for label in _layout(view, places, tuple(sorted(tiers.items())))}
