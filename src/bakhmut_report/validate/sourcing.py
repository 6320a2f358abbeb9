"""Sources you can stand behind: typed sources, originals named, no row resting on copies alone."""

from __future__ import annotations

from ..model.dataset import Dataset
from ..model.errors import Problem

SOURCES = "data/sources.csv"


def check_sources(dataset: Dataset, problems: list[Problem]) -> None:
    """A copy names its original; an agency story names its agency."""
    for s in dataset.sources.values():
        if s.source_type == "copy":
            for column in ("original_publisher", "original_title", "original_url"):
                if not getattr(s, column):
                    problems.append(
                        Problem(
                            SOURCES,
                            s.line,
                            column,
                            "",
                            "is required for a copy: name the page it copies (publisher, title, URL)",
                        )
                    )
        if s.source_type == "agency" and not s.original_publisher:
            problems.append(
                Problem(
                    SOURCES,
                    s.line,
                    "original_publisher",
                    "",
                    "is required for an agency story: name the agency (Reuters, AFP, AP...)",
                )
            )


def _only_copies(dataset: Dataset, ids: tuple[str, ...]) -> bool:
    known = [dataset.sources[i] for i in ids if i in dataset.sources]
    return bool(known) and all(s.is_copy for s in known)


def check_not_copies_alone(dataset: Dataset, problems: list[Problem]) -> None:
    """Every row cites at least one source that is not a copy of another page."""
    message = (
        "cites only copies of other pages: add the original publisher's page (or another source that is not "
        "a copy) to sources.csv and cite it"
    )
    rows = [("data/events.csv", e.line, e.sources) for e in dataset.events]
    rows += [("data/settlements.csv", s.line, s.sources) for s in dataset.settlements.values()]
    rows += [("data/range_presets.csv", p.line, p.sources) for p in dataset.presets]
    rows += [("data/routes.csv", r.line, r.sources) for r in dataset.routes]
    for file, line, ids in rows:
        if _only_copies(dataset, ids):
            problems.append(Problem(file, line, "sources", ";".join(ids), message))


def check_origins(dataset: Dataset, problems: list[Problem]) -> None:
    """Coordinates and populations say where they come from: GeoNames or a cited source."""
    for s in dataset.settlements.values():
        for column in ("coordinates_source", "population_source"):
            value = getattr(s, column)
            if value and not value.startswith("geonames:") and value not in dataset.sources:
                problems.append(
                    Problem(
                        "data/settlements.csv",
                        s.line,
                        column,
                        value,
                        "must be geonames:<geonameid> or a source_id in data/sources.csv",
                    )
                )
            elif value and value in dataset.sources and value not in s.sources:
                problems.append(
                    Problem("data/settlements.csv", s.line, column, value, "cite this source in the row's sources too")
                )
