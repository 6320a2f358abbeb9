"""How the map draws each state: colour *and* shape (Okabe-Ito colours, safe for colour-blind readers)."""

from __future__ import annotations

from ..model.vocabulary import MAP_STATES, MapState

HOLDER_STYLE: dict[MapState, dict[str, str]] = {
    "UA": {"color": "#0072B2", "symbol": "circle", "code": "U"},
    "RU": {"color": "#D55E00", "symbol": "square", "code": "R"},
    "contested": {"color": "#F0E442", "symbol": "diamond", "code": "C"},
}
HOLDER_ORDER: tuple[MapState, ...] = MAP_STATES
MAP_DIV_ID = "bakhmut-map"
