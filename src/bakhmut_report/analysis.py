"""Per-month views of the derived control table: summaries and artillery reach."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from . import i18n
from .control import MonthState, control_table, months_between
from .dataset import Dataset, Event, Settlement
from .geo import distance_km

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
    basis: str

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

    def holders(self, month: str) -> dict[str, str]:
        return {s.settlement_id: s.holder for s in self.states[month]}

    def events_in(self, month: str) -> list[Event]:
        return [e for e in self.dataset.events if e.month == month]

    def summary(self, month: str, language: str) -> str:
        """One sentence for screen readers: who holds what at the end of the month."""
        holders = self.holders(month)
        names = {h: [s.name for s in self.settlements if holders[s.settlement_id] == h]
                 for h in ("RU", "UA", "contested")}
        none = i18n.label(language, "none")
        parts = [
            f"{i18n.label(language, 'in')} {i18n.month_name(language, month)} "
            f"{i18n.label(language, 'summary_ru')}: {', '.join(names['RU']) or none}",
            f"{i18n.label(language, 'summary_contested')}: {', '.join(names['contested']) or none}",
            f"{i18n.label(language, 'summary_ua')}: {', '.join(names['UA']) or none}",
        ]
        return "; ".join(parts) + "."

    def russian_presence(self, month: str) -> list[Settlement]:
        holders = self.holders(month)
        return [s for s in self.settlements if holders[s.settlement_id] in ("RU", "contested")]

    def reach(self, month: str) -> list[Reach]:
        """Every Ukrainian-held place with its nearest Russian-held or contested place, nearest first."""
        holders = self.holders(month)
        presence = self.russian_presence(month)
        if not presence:
            return []
        out = []
        for s in self.settlements:
            if holders[s.settlement_id] != "UA":
                continue
            nearest = min(presence, key=lambda r: (distance_km(s.lat, s.lon, r.lat, r.lon), r.name))
            out.append(Reach(s, nearest, distance_km(s.lat, s.lon, nearest.lat, nearest.lon)))
        return sorted(out, key=lambda r: (r.km, r.settlement.name))

    def ring_centres(self, month: str, focus: Settlement) -> list[Settlement]:
        """The Russian-held or contested places nearest the focus city."""
        presence = self.russian_presence(month)
        return sorted(presence, key=lambda r: (distance_km(focus.lat, focus.lon, r.lat, r.lon), r.name))[
            :RING_CENTRES]

    def first_month_within(self, range_km: float, min_population: int) -> dict[str, str | None]:
        """For each big city: the first month it is Ukrainian-held and within range (None: never)."""
        big = [s for s in self.settlements if s.population >= min_population]
        first: dict[str, str | None] = {}
        for s in big:
            first[s.settlement_id] = None
            for month in self.months:
                hit = next((r for r in self.reach(month) if r.settlement.settlement_id == s.settlement_id), None)
                if hit and hit.inside(range_km):
                    first[s.settlement_id] = month
                    break
        return first
