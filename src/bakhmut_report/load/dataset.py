"""Build the typed ``Dataset`` from the data package in ``data/`` (or $BAKHMUT_DATA_DIR)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from ..model.dataset import Dataset
from ..model.paths import DATA_DIR
from ..model.records import ArticleBlock, Claim, Event, RangePreset, Route, Settlement, Source
from .geometry import load_geometry
from .layers import read_layers
from .package import Row, load_tables


def data_dir_of(data_dir: Path | str | None = None) -> Path:
    """The data directory a command means: the argument, $BAKHMUT_DATA_DIR, or the project's data/."""
    return Path(data_dir or os.environ.get("BAKHMUT_DATA_DIR") or DATA_DIR)


def _record(cls: Any, row: Row) -> Any:
    values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in row.values.items()}
    if "line" in cls.__dataclass_fields__:
        values["line"] = row.line
    return cls(**values)


def _claim(row: Row) -> Claim:
    arguments = dict(item.split("=", 1) if "=" in item else (item, "") for item in row["arguments"] or [])
    return Claim(
        row["claim_id"],
        row["block_id"],
        row["quote_nl"],
        row["quote_en"],
        row["claim_en"],
        row["check"],
        arguments,
        row.line,
    )


def data_version(data_dir: Path) -> str:
    """Short hash of every file in the data directory: the data version the report states."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Read and type every table; raises DataError naming every schema problem (not yet the consistency rules)."""
    directory = data_dir_of(data_dir)
    descriptor, tables = load_tables(directory)
    return Dataset(
        data_dir=directory,
        descriptor=descriptor,
        version=data_version(directory),
        sources={r["source_id"]: _record(Source, r) for r in tables["sources"].rows},
        settlements={r["settlement_id"]: _record(Settlement, r) for r in tables["settlements"].rows},
        events=sorted((_record(Event, r) for r in tables["events"].rows), key=lambda e: (e.date, e.event_id)),
        article=sorted((_record(ArticleBlock, r) for r in tables["article"].rows), key=lambda b: b.position),
        claims=[_claim(r) for r in tables["article_claims"].rows],
        presets=[_record(RangePreset, r) for r in tables["range_presets"].rows],
        routes=[_record(Route, r) for r in tables["routes"].rows],
        layers=read_layers(directory, descriptor),
        topology=load_geometry(directory, descriptor),
    )
