"""The validated data of one report: records indexed the ways the layers above look them up.

A ``Dataset`` is built by ``load.dataset.load_dataset`` and checked by
``validate``; it does no I/O itself, so every layer may hold one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import ParameterError, did_you_mean
from .records import ArticleBlock, BaseLayer, Claim, Event, RangePreset, Route, Settlement, Source


@dataclass(eq=False)  # compared and hashed by identity (derivations are cached per dataset)
class Dataset:
    data_dir: Path
    descriptor: dict
    version: str  # short hash of every file in the data directory: the data version the report states
    sources: dict[str, Source]
    settlements: dict[str, Settlement]
    events: list[Event]
    article: list[ArticleBlock]
    claims: list[Claim]  # in claim_id order
    presets: list[RangePreset]
    routes: list[Route]
    layers: dict[str, BaseLayer]
    topology: dict  # the base map (TopoJSON), parsed and checked

    @property
    def article_month(self) -> str:
        """The article's month (YYYY-MM), from the data package."""
        article = next(r for r in self.descriptor["resources"] if r["name"] == "article")
        return str(article["x-article"]["date"])

    @cached_property
    def event_index(self) -> dict[str, Event]:
        return {e.event_id: e for e in self.events}

    @cached_property
    def disputed_by(self) -> dict[str, list[Event]]:
        """Event id -> the recorded events that contradict its statement."""
        found: dict[str, list[Event]] = {}
        for event in self.events:
            for target in event.disputes:
                found.setdefault(target, []).append(event)
        return found

    @cached_property
    def last_event_date(self) -> dt.date:
        return max(e.date for e in self.events)

    def settlement_named(self, name: str) -> Settlement:
        """Find a settlement by id, canonical name or any name variant (case-insensitive)."""
        wanted = name.strip().casefold()
        for s in self.settlements.values():
            if wanted in (n.casefold() for n in s.names):
                return s
        every = [n for s in self.settlements.values() for n in (s.name, *s.name_variants)]
        raise ParameterError(
            f"focus_city: no settlement called {name!r}.{did_you_mean(name, every)} "
            f"Known settlements: {', '.join(sorted(s.name for s in self.settlements.values()))}."
        )

    @cached_property
    def _events_by_settlement(self) -> dict[str, list[Event]]:
        found: dict[str, list[Event]] = {}
        for event in self.events:
            for sid in event.settlements:
                found.setdefault(sid, []).append(event)
        return found

    def events_for(self, settlement_id: str) -> list[Event]:
        """The settlement's events in date order (indexed once: the rules ask for them per change)."""
        return self._events_by_settlement.get(settlement_id, [])

    def sections(self) -> list[list[ArticleBlock]]:
        """Article blocks grouped by section, in order."""
        grouped: dict[str, list[ArticleBlock]] = {}
        for block in self.article:
            grouped.setdefault(block.section_id, []).append(block)
        return list(grouped.values())
