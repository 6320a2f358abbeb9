"""Typed records of the data package: one frozen dataclass per table row.

Records carry the file line they came from, so a consistency rule can name it.
Bilingual fields come in ``_nl``/``_en`` pairs and are read with
``vocabulary.in_language``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .vocabulary import CONTROL_KINDS, CheckName, Language, SourceType, in_language


@dataclass(frozen=True)
class Source:
    source_id: str
    publisher: str
    title: str
    url: str
    date_published: str | None
    source_type: SourceType
    original_publisher: str | None
    original_title: str | None
    original_url: str | None
    note: str | None
    line: int

    @property
    def is_copy(self) -> bool:
        return self.source_type == "copy"

    @property
    def origin(self) -> str:
        """Who published the original: the agency of a wire story, the page a copy copies, else the publisher."""
        return self.original_publisher or self.publisher


@dataclass(frozen=True)
class Settlement:
    settlement_id: str
    name: str
    name_variants: tuple[str, ...]
    lat: float
    lon: float
    coordinates_source: str
    oblast: str
    population: int
    population_year: int | None
    population_source: str
    population_note: str | None
    holder_at_start: str
    sources: tuple[str, ...]
    note: str | None
    line: int

    @property
    def names(self) -> tuple[str, ...]:
        """Id, canonical name and every variant: what a reader may call the place."""
        return (self.settlement_id, self.name, *self.name_variants)


@dataclass(frozen=True)
class Event:
    event_id: str
    date: dt.date
    date_precision: str
    kind: str
    settlements: tuple[str, ...]
    change_id: str | None
    holder_before: str | None
    holder_after: str | None
    statement_by: str | None
    side: str | None
    title_en: str
    title_nl: str
    note_en: str | None
    note_nl: str | None
    sources: tuple[str, ...]
    disputes: tuple[str, ...]
    provenance: str | None
    line: int

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")

    @property
    def is_control(self) -> bool:
        return self.kind in CONTROL_KINDS

    def title(self, language: Language) -> str:
        return in_language(self, "title", language)

    def note(self, language: Language) -> str | None:
        """The note for readers, or None (maintainers' provenance stays out of the page)."""
        return getattr(self, f"note_{language}") or None


@dataclass(frozen=True)
class ArticleBlock:
    block_id: str
    section_id: str
    position: int
    kind: str
    text_nl: str
    text_en: str
    video_duration: str | None
    month: str
    events: tuple[str, ...]
    line: int

    def text(self, language: Language) -> str:
        return in_language(self, "text", language)


@dataclass(frozen=True)
class RangePreset:
    preset_id: str
    label_en: str
    label_nl: str
    km: float
    low_km: float
    high_km: float
    sources: tuple[str, ...]
    note: str | None
    line: int

    def label(self, language: Language) -> str:
        return in_language(self, "label", language)


@dataclass(frozen=True)
class Claim:
    """One factual claim of the article and the check that tests it."""

    claim_id: str
    block_id: str
    quote_nl: str
    quote_en: str
    claim_en: str
    check: CheckName
    arguments: dict[str, str]
    line: int

    def quote(self, language: Language) -> str:
        return in_language(self, "quote", language)


@dataclass(frozen=True)
class BaseLayer:
    """Lines of a base map layer (rivers, boundaries): (lon, lat) positions, already checked."""

    name: str
    title: str
    feature_names: tuple[str, ...]
    lines: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class Route:
    """A supply road, drawn as a schematic line through the settlements it connects."""

    route_id: str
    name_en: str
    name_nl: str
    waypoints: tuple[str, ...]
    sources: tuple[str, ...]
    note: str | None
    line: int

    def name(self, language: Language) -> str:
        return in_language(self, "name", language)
