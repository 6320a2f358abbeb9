"""Where the map looks and how a (lon, lat) lands on screen: the theatre, its views, the projection.

The default extent is the theatre of the battle (Kupiansk-Izium to Vuhledar, Lyman to the Svitlodarsk
bulge) fitted to the places inside it; places outside (Kherson, Mariupol) are named in a note under the
map instead of squeezing the map. A ``View`` is a lon/lat box drawn at a width in pixels with the
Mercator projection plotly.js uses; the page sets the map's height to ``View.height`` so that plotly
fills the box exactly, and labels, the first-paint SVG and the figure then agree to the pixel.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.records import Settlement

#: the box the base layers are clipped to (data/geo/PROVENANCE.md): nothing is drawn outside it
THEATRE_BOX = ((36.5, 39.5), (47.5, 49.8))
PADDING_DEG = 0.12  # around the outermost places, so markers and labels stay inside the frame
WIDE_WIDTH = 500  # the drawing's nominal width (pixels of the first-paint SVG)
NARROW_WIDTH = 360  # a phone's band (390 px screen minus margins)
#: widths the labels are placed for: the page uses the largest not wider than the map as drawn,
#: so that no two labels overlap at any size (a map drawn larger only spreads them further apart);
#: from the smallest map the page draws (its frame is at least 320 px tall: 186 px wide) upwards
LABEL_WIDTHS = (180, 240, 270, 300, 330, 360, 390, 420, 480, 560, 660)
NARROW_ASPECT = 0.9  # height / width of the phone's sticky band


def mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def inside_theatre(s: Settlement) -> bool:
    (lon0, lon1), (lat0, lat1) = THEATRE_BOX
    return lon0 <= s.lon <= lon1 and lat0 <= s.lat <= lat1


@dataclass(frozen=True)
class View:
    """A lon/lat box drawn ``width`` pixels wide (Mercator, as plotly.js draws scattergeo)."""

    name: str
    lon: tuple[float, float]
    lat: tuple[float, float]
    width: int

    @property
    def height(self) -> int:
        span_x = math.radians(self.lon[1] - self.lon[0])
        span_y = mercator_y(self.lat[1]) - mercator_y(self.lat[0])
        return round(self.width * span_y / span_x)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.lon[0]) / (self.lon[1] - self.lon[0]) * self.width
        top, bottom = mercator_y(self.lat[1]), mercator_y(self.lat[0])
        return x, (top - mercator_y(lat)) / (top - bottom) * self.height

    def km_per_px(self) -> float:
        """Ground distance of one pixel at the view's middle latitude."""
        middle = (self.lat[0] + self.lat[1]) / 2
        km_per_deg = 111.32 * math.cos(math.radians(middle))
        return (self.lon[1] - self.lon[0]) * km_per_deg / self.width

    def contains(self, lon: float, lat: float) -> bool:
        return self.lon[0] <= lon <= self.lon[1] and self.lat[0] <= lat <= self.lat[1]

    def as_dict(self) -> dict:
        return {"lon": list(self.lon), "lat": list(self.lat), "width": self.width, "height": self.height}


def _clamp(low: float, high: float, box: tuple[float, float]) -> tuple[float, float]:
    return round(max(low, box[0]), 3), round(min(high, box[1]), 3)


def wide_view(settlements: Iterable[Settlement]) -> View:
    """The theatre fitted to the places inside it."""
    inside = [s for s in settlements if inside_theatre(s)]
    lons, lats = [s.lon for s in inside], [s.lat for s in inside]
    lon = _clamp(min(lons) - PADDING_DEG, max(lons) + PADDING_DEG, THEATRE_BOX[0])
    lat = _clamp(min(lats) - PADDING_DEG, max(lats) + PADDING_DEG, THEATRE_BOX[1])
    return View("wide", lon, lat, WIDE_WIDTH)


def narrow_view(wide: View, focus: Settlement) -> View:
    """A phone's band: the wide view's longitudes, latitudes cut to the band around the focus."""
    span_x = math.radians(wide.lon[1] - wide.lon[0])
    wanted = span_x * NARROW_ASPECT  # Mercator height of the band
    centre = min(max(mercator_y(focus.lat), mercator_y(wide.lat[0]) + wanted / 2), mercator_y(wide.lat[1]) - wanted / 2)

    def lat_of(y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)

    lat = (
        round(max(lat_of(centre - wanted / 2), wide.lat[0]), 3),
        round(min(lat_of(centre + wanted / 2), wide.lat[1]), 3),
    )
    return View("narrow", wide.lon, lat, NARROW_WIDTH)
