"""Every enumeration and fixed fact of the report, stated once.

The data package, the checks, the parameters, the notebook and the page all take their
words from here: who can hold a place, which bases a map can follow, the data window,
the tables the loader reads, the notebook's cell tags and the verdicts a claim can get.
Where a value is an enumeration it is a ``Literal`` type and its tuple of values is
derived from that type, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

VERSION = "2.0.0"

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

Holder = Literal["UA", "RU"]
HOLDERS: tuple[Holder, ...] = get_args(Holder)
#: what a place shows on the map: a holder, or fighting inside it
MapState = Literal["UA", "RU", "contested"]
MAP_STATES: tuple[MapState, ...] = get_args(MapState)
Side = Literal["UA", "RU", "independent"]

Basis = Literal["confirmed", "claimed"]
BASES: tuple[Basis, ...] = get_args(Basis)

ControlKind = Literal["control_claim", "control_confirmation"]
CONTROL_KINDS: tuple[ControlKind, ...] = get_args(ControlKind)
FIGHTING_STARTS = "fighting_in_settlement"
FIGHTING_ENDS = "fighting_ended"

SourceType = Literal["publisher", "agency", "encyclopedia", "copy"]
SOURCE_TYPES: tuple[SourceType, ...] = get_args(SourceType)

#: the window the data covers: the full-scale invasion to the end of 2024
WAR_START = dt.date(2022, 2, 24)
WINDOW_END = dt.date(2024, 12, 31)
DATA_WINDOW = (WAR_START.strftime("%Y-%m"), WINDOW_END.strftime("%Y-%m"))

TableName = Literal["sources", "settlements", "events", "article", "article_claims", "range_presets", "routes"]
TABLES: tuple[TableName, ...] = get_args(TableName)
GEOMETRY_RESOURCE = "geometry"

NotebookTag = Literal["parameters", "injected-parameters", "live-only", "remove-in-report", "nbval-skip"]
PARAMETERS_TAG, INJECTED_TAG, LIVE_ONLY_TAG, REMOVE_TAG, NBVAL_SKIP_TAG = get_args(NotebookTag)

CheckName = Literal[
    "fighting_longer_than",
    "holder_at_article",
    "contested_at_article",
    "last_big_cities",
    "artillery_reach_after_fall",
    "captured_in",
    "no_victories_between",
    "victories_between",
    "surrounded_sides",
    "reported",
    "not_checkable",
]
CHECK_NAMES: tuple[CheckName, ...] = get_args(CheckName)

VerdictKind = Literal["supported", "partly_supported", "contradicted", "disputed", "not_checkable"]
VERDICT_KINDS: tuple[VerdictKind, ...] = get_args(VerdictKind)
SUPPORTED, PARTLY_SUPPORTED, CONTRADICTED, DISPUTED, NOT_CHECKABLE = VERDICT_KINDS


def in_language(record: object, field: str, language: Language) -> str:
    """The ``field_nl`` or ``field_en`` attribute of a bilingual record: the one way to pick a language."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    return str(getattr(record, f"{field}_{language}"))
