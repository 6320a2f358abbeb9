"""Typed records of the report's data, loaded once and validated before use."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .datapackage import Row, load_tables
from .errors import ParameterError, did_you_mean

#: data/ beside src/ in a checkout (the package is installed editable).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

CONTROL_KINDS = ("control_claim", "control_confirmation")


@dataclass(frozen=True)
class Source:
    source_id: str
    publisher: str
    title: str
    url: str
    date_published: str | None
    note: str | None
    line: int


@dataclass(frozen=True)
class Settlement:
    settlement_id: str
    name: str
    name_variants: tuple[str, ...]
    lat: float
    lon: float
    oblast: str
    population: int
    population_note: str | None
    holder_at_start: str
    sources: tuple[str, ...]
    note: str | None
    line: int


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
    sources: tuple[str, ...]
    note: str | None
    line: int

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")

    @property
    def is_control(self) -> bool:
        return self.kind in CONTROL_KINDS

    def title(self, language: str) -> str:
        return self.title_nl if language == "nl" else self.title_en


@dataclass(frozen=True)
class ArticleBlock:
    block_id: str
    section_id: str
    position: int
    kind: str
    text_nl: str
    text_en: str
    video_duration: str | None

    def text(self, language: str) -> str:
        return self.text_nl if language == "nl" else self.text_en


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

    def label(self, language: str) -> str:
        return self.label_nl if language == "nl" else self.label_en


def _record(cls, row: Row):
    values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in row.values.items()}
    if "line" in cls.__dataclass_fields__:
        values["line"] = row.line
    return cls(**values)


def _claim(row: Row):
    from .claims import Claim

    arguments = dict(item.split("=", 1) if "=" in item else (item, "") for item in row["arguments"] or [])
    return Claim(row["claim_id"], row["block_id"], row["quote_nl"], row["claim_en"], row["check"],
                 arguments, row.line)


@dataclass(eq=False)  # compared and hashed by identity (derivations are cached per dataset)
class Dataset:
    data_dir: Path
    descriptor: dict
    sources: dict[str, Source]
    settlements: dict[str, Settlement]
    events: list[Event]
    article: list[ArticleBlock]
    claims: list  # claims.Claim, in claim_id order
    presets: list[RangePreset]

    @classmethod
    def load(cls, data_dir: Path | str | None = None, validate: bool = True) -> "Dataset":
        """Load ``data/`` (or $BAKHMUT_DATA_DIR); raises DataError naming every problem."""
        data_dir = Path(data_dir or os.environ.get("BAKHMUT_DATA_DIR") or DEFAULT_DATA_DIR)
        descriptor, tables = load_tables(data_dir)
        dataset = cls(
            data_dir=data_dir,
            descriptor=descriptor,
            sources={r["source_id"]: _record(Source, r) for r in tables["sources"].rows},
            settlements={r["settlement_id"]: _record(Settlement, r) for r in tables["settlements"].rows},
            events=sorted((_record(Event, r) for r in tables["events"].rows),
                          key=lambda e: (e.date, e.event_id)),
            article=sorted((_record(ArticleBlock, r) for r in tables["article"].rows),
                           key=lambda b: b.position),
            claims=[_claim(r) for r in tables["article_claims"].rows],
            presets=[_record(RangePreset, r) for r in tables["range_presets"].rows],
        )
        if validate:
            from .validation import check_consistency

            check_consistency(dataset)
        return dataset

    @cached_property
    def version(self) -> str:
        """Short hash of every file in data/: the data version the report states."""
        digest = hashlib.sha256()
        for path in sorted(p for p in self.data_dir.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.data_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()[:12]

    @property
    def descriptor_article_month(self) -> str:
        """The article's month (YYYY-MM), from the data package."""
        article = next(r for r in self.descriptor["resources"] if r["name"] == "article")
        return article["x-article"]["date"]

    def block(self, block_id: str) -> ArticleBlock:
        return next(b for b in self.article if b.block_id == block_id)

    @cached_property
    def last_event_date(self) -> dt.date:
        return max(e.date for e in self.events)

    def settlement_named(self, name: str) -> Settlement:
        """Find a settlement by id, canonical name or any name variant (case-insensitive)."""
        wanted = name.strip().casefold()
        for s in self.settlements.values():
            names = (s.settlement_id, s.name, *s.name_variants)
            if wanted in (n.casefold() for n in names):
                return s
        every = [n for s in self.settlements.values() for n in (s.name, *s.name_variants)]
        raise ParameterError(
            f"focus_city: no settlement called {name!r}.{did_you_mean(name, every)} "
            f"Known settlements: {', '.join(sorted(s.name for s in self.settlements.values()))}.")

    def events_for(self, settlement_id: str) -> list[Event]:
        return [e for e in self.events if settlement_id in e.settlements]

    def sections(self) -> list[list[ArticleBlock]]:
        """Article blocks grouped by section, in order."""
        grouped: dict[str, list[ArticleBlock]] = {}
        for block in self.article:
            grouped.setdefault(block.section_id, []).append(block)
        return list(grouped.values())
