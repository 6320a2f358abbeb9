"""How the map draws each state and layer: colour *and* shape, with contrast checked against the base.

Holders use Okabe-Ito blue and vermillion (safe for colour-blind readers) and a dark purple for
contested places, each with its own marker shape, so colour is never the only cue; every marker
colour keeps a contrast of at least 3:1 against the land and the water it sits on (WCAG 1.4.11;
tests/test_map.py computes it from these values).
"""

from __future__ import annotations

from ..model.vocabulary import MAP_STATES, MapState

HOLDER_STYLE: dict[MapState, dict[str, str]] = {
    "UA": {"color": "#0072B2", "symbol": "circle", "code": "U"},
    "RU": {"color": "#D55E00", "symbol": "square", "code": "R"},
    "contested": {"color": "#7B3294", "symbol": "diamond", "code": "C"},
}
HOLDER_ORDER: tuple[MapState, ...] = MAP_STATES
MAP_DIV_ID = "bakhmut-map"

BASE_STYLE: dict[str, dict] = {
    "land": {"color": "#f3f0ea"},
    "water": {"color": "#dcebf5"},
    "oblasts": {"color": "#8a8a8a", "width": 1, "dash": "dash"},
    "donets": {"color": "#4a90c8", "width": 2.2},
    "rivers": {"color": "#7fb0d8", "width": 1},
    "routes": {"color": "#6b4f2a", "width": 2, "dash": "dashdot"},
}
