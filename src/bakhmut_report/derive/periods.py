"""Per-month views of the derived control table: who holds what, and artillery reach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ..model.calendar import months_between
from ..model.dataset import Dataset
from ..model.geo import distance_km
from ..model.records import Event, Settlement
from ..model.vocabulary import MAP_STATES, Basis, MapState
from .control import MonthState, control_table

RING_CENTRES = 3  # range rings are drawn around the Russian-held places nearest the focus


@dataclass(frozen=True)
class Reach:
    """A Ukrainian-held place and the nearest Russian-held or contested place."""

    settlement: Settlement
    nearest: Settlement
    km: float

    def inside(self, range_km: float) -> bool:
        return self.km <= range_km


@dataclass
class Months:
    """The control table for a period, indexed for the report's views."""

    dataset: Dataset
    start: str
    end: str
    basis: Basis
    #: the places artillery reach is measured between (the map's theatre); None: every place
    scope: Callable[[Settlement], bool] | None = None

    @cached_property
    def months(self) -> list[str]:
        return months_between(self.start, self.end)

    @cached_property
    def settlements(self) -> list[Settlement]:
        """Settlements in table order (by name)."""
        return sorted(self.dataset.settlements.values(), key=lambda s: s.name)

    @cached_property
    def states(self) -> dict[str, list[MonthState]]:
        """Month -> states in settlement order."""
        by_month: dict[str, list[MonthState]] = {m: [] for m in self.months}
        for state in control_table(self.dataset, self.start, self.end, self.basis):
            by_month[state.month].append(state)
        return by_month

    @cached_property
    def _holders(self) -> dict[str, dict[str, MapState]]:
        return {m: {s.settlement_id: s.holder for s in states} for m, states in self.states.items()}

    def holders(self, month: str) -> dict[str, MapState]:
        return self._holders[month]

    @cached_property
    def _events_by_month(self) -> dict[str, list[Event]]:
        grouped: dict[str, list[Event]] = {m: [] for m in self.months}
        for event in self.dataset.events:
            if event.month in grouped:
                grouped[event.month].append(event)
        return grouped

    def events_in(self, month: str) -> list[Event]:
        return self._events_by_month.get(month, [])

    def names_by_state(self, month: str) -> dict[MapState, list[str]]:
        """Settlement names per map state at the end of the month, in table order."""
        holders = self.holders(month)
        return {h: [s.name for s in self.settlements if holders[s.settlement_id] == h] for h in MAP_STATES}

    @cached_property
    def in_scope(self) -> list[Settlement]:
        return [s for s in self.settlements if self.scope is None or self.scope(s)]

    def russian_presence(self, month: str) -> list[Settlement]:
        """Russian-held or contested places in scope at the end of the month."""
        holders = self.holders(month)
        return [s for s in self.in_scope if holders[s.settlement_id] in ("RU", "contested")]

    def reach(self, month: str) -> list[Reach]:
        """Every Ukrainian-held place with its nearest Russian-held or contested place, nearest first."""
        if month not in self._reach:
            self._reach[month] = self._compute_reach(month)
        return self._reach[month]

    @cached_property
    def _reach(self) -> dict[str, list[Reach]]:
        return {}

    def _compute_reach(self, month: str) -> list[Reach]:
        holders = self.holders(month)
        presence = self.russian_presence(month)
        if not presence:
            return []
        out = []
        for s in self.in_scope:
            if holders[s.settlement_id] != "UA":
                continue
            nearest = min(presence, key=lambda r: (distance_km(s.lat, s.lon, r.lat, r.lon), r.name))
            out.append(Reach(s, nearest, distance_km(s.lat, s.lon, nearest.lat, nearest.lon)))
        return sorted(out, key=lambda r: (r.km, r.settlement.name))

    def ring_centres(self, month: str, focus: Settlement) -> list[Settlement]:
        """The Russian-held or contested places nearest the focus city."""
        presence = self.russian_presence(month)
        return sorted(presence, key=lambda r: (distance_km(focus.lat, focus.lon, r.lat, r.lon), r.name))[:RING_CENTRES]

    def first_month_within(self, range_km: float, min_population: int) -> dict[str, str | None]:
        """For each big city: the first month it is Ukrainian-held and within range (None: never).

        Only the big cities are measured (not every place), so this stays cheap with many settlements.
        """
        big = [s for s in self.in_scope if s.population >= min_population]
        first: dict[str, str | None] = {s.settlement_id: None for s in big}
        for month in self.months:
            holders = self.holders(month)
            waiting = [s for s in big if first[s.settlement_id] is None and holders[s.settlement_id] == "UA"]
            if not waiting:
                continue
            presence = self.russian_presence(month)
            for s in waiting:
                if any(distance_km(s.lat, s.lon, r.lat, r.lon) <= range_km for r in presence):
                    first[s.settlement_id] = month
        return first
