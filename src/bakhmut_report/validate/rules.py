"""Consistency rules beyond the Table Schema, checked before every render.

Each rule reports file, line, column, value and what is allowed; all
problems are collected and raised together.
"""

from __future__ import annotations

import datetime as dt
import re

from ..model.calendar import month_of
from ..model.changes import control_changes
from ..model.dataset import Dataset
from ..model.errors import DataError, Problem
from ..model.records import Event
from ..model.vocabulary import DATA_WINDOW, FIGHTING_ENDS, FIGHTING_STARTS, WAR_START, WINDOW_END, CheckName
from .sourcing import check_not_copies_alone, check_origins, check_sources
from .spells import check_contested_before_change, check_duplicate_changes, check_fighting_spells

SOURCES_FROM = dt.date(1990, 1, 1)  # reference material (e.g. weapon ranges) predates the war
EVENTS = "data/events.csv"


def at_event(event: Event, column: str | None, value: str | None, message: str) -> Problem:
    """A problem in the events table at ``event``'s line."""
    return Problem(EVENTS, event.line, column, value, message)


def check_consistency(dataset: Dataset) -> None:
    problems: list[Problem] = []
    _check_event_dates(dataset, problems)
    _check_control_rows(dataset, problems)
    _check_changes(dataset, problems)
    _check_source_dates(dataset, problems)
    _check_claims(dataset, problems)
    _check_article(dataset, problems)
    _check_presets(dataset, problems)
    _check_routes(dataset, problems)
    check_sources(dataset, problems)
    check_not_copies_alone(dataset, problems)
    check_origins(dataset, problems)
    check_duplicate_changes(dataset, problems)
    check_fighting_spells(dataset, problems)
    check_contested_before_change(dataset, problems)
    if problems:
        raise DataError(problems)


def _check_event_dates(dataset: Dataset, problems: list[Problem]) -> None:
    for e in dataset.events:
        if not WAR_START <= e.date <= WINDOW_END:
            problems.append(
                at_event(
                    e,
                    "date",
                    e.date.isoformat(),
                    f"outside the data window: use a date from {WAR_START} to {WINDOW_END}",
                )
            )
        if e.date_precision == "month" and e.date.day != 1:
            problems.append(
                at_event(e, "date", e.date.isoformat(), "date_precision is 'month': write the 1st of the month")
            )


def _check_control_rows(dataset: Dataset, problems: list[Problem]) -> None:
    for e in dataset.events:
        needs_one = e.is_control or e.kind in (FIGHTING_STARTS, FIGHTING_ENDS)
        if needs_one and len(e.settlements) != 1:
            problems.append(
                at_event(
                    e,
                    "settlements",
                    ";".join(e.settlements),
                    f"a {e.kind} concerns exactly one settlement: split the row per settlement",
                )
            )
        if not e.is_control:
            for column in ("change_id", "holder_before", "holder_after"):
                if getattr(e, column):
                    problems.append(
                        at_event(
                            e,
                            column,
                            getattr(e, column),
                            f"only control_claim and control_confirmation rows have a {column}: "
                            "leave it empty or change the kind",
                        )
                    )
            continue
        for column in ("change_id", "holder_before", "holder_after", "statement_by", "side"):
            if not getattr(e, column):
                problems.append(
                    at_event(
                        e,
                        column,
                        "",
                        f"is required for a {e.kind}: say "
                        + {
                            "change_id": "which change of control (settlement_id-YYYY-MM) it belongs to",
                            "holder_before": "who held the settlement before (UA or RU)",
                            "holder_after": "who holds it after (UA or RU)",
                            "statement_by": "who made the statement",
                            "side": "the side of who made it (UA, RU or independent)",
                        }[column],
                    )
                )
        if e.holder_before and e.holder_before == e.holder_after:
            problems.append(
                at_event(
                    e,
                    "holder_after",
                    e.holder_after,
                    "equals holder_before: a change of control needs two different holders",
                )
            )
        if e.change_id and e.settlements and not e.change_id.startswith(e.settlements[0] + "-"):
            problems.append(
                at_event(
                    e,
                    "change_id",
                    e.change_id,
                    f"must start with the settlement id: {e.settlements[0]}-YYYY-MM",
                )
            )
        if e.kind == "control_claim" and e.side and e.holder_after and e.side != e.holder_after:
            problems.append(
                at_event(
                    e,
                    "side",
                    e.side,
                    f"a claim is made by the side that gains the settlement ({e.holder_after}); "
                    "an acknowledgement by the losing side is a control_confirmation",
                )
            )
        if (
            e.kind == "control_confirmation"
            and e.side
            and e.holder_before
            and e.side not in (e.holder_before, "independent")
        ):
            problems.append(
                at_event(
                    e,
                    "side",
                    e.side,
                    f"a confirmation comes from the losing side ({e.holder_before}) or an "
                    "independent assessment; the gaining side's statement is a control_claim",
                )
            )


def _check_changes(dataset: Dataset, problems: list[Problem]) -> None:
    by_settlement: dict[str, list] = {}
    for change in control_changes(dataset):
        events = change.claims + change.confirmations
        for e in events[1:]:
            for column in ("holder_before", "holder_after"):
                if getattr(e, column) != getattr(change, column):
                    problems.append(
                        at_event(
                            e,
                            column,
                            getattr(e, column),
                            f"differs from line {events[0].line} of the same change "
                            f"{change.change_id} ({getattr(change, column)})",
                        )
                    )
            if e.settlements[:1] != (change.settlement_id,):
                problems.append(
                    at_event(
                        e,
                        "settlements",
                        ";".join(e.settlements),
                        f"differs from the settlement of change {change.change_id}",
                    )
                )
        if not (change.claims and change.confirmations) and not any(e.provenance for e in events):
            missing = "confirmation" if change.claims else "claim"
            problems.append(
                Problem(
                    EVENTS,
                    events[0].line,
                    "provenance",
                    "",
                    f"change {change.change_id} has no {missing}: record it, or say in the provenance why it is "
                    "missing",
                )
            )
        by_settlement.setdefault(change.settlement_id, []).append(change)

    for sid, changes in by_settlement.items():
        settlement = dataset.settlements.get(sid)
        if settlement is None:
            continue
        holder = settlement.holder_at_start
        seen_days: dict[dt.date, str] = {}
        for change in changes:  # in order of first statement: the "claimed" sequence
            first = change.first_statement
            if change.holder_before != holder:
                problems.append(
                    at_event(
                        first,
                        "holder_before",
                        change.holder_before,
                        f"{settlement.name} is held by {holder} on {first.date} "
                        f"(from its earlier history); holder_before must be {holder}",
                    )
                )
            day = first.date
            if day in seen_days:
                problems.append(
                    at_event(
                        first,
                        "date",
                        day.isoformat(),
                        f"{settlement.name} already changes hands on this day "
                        f"({seen_days[day]}): one change per settlement per day",
                    )
                )
            seen_days[day] = change.change_id
            holder = change.holder_after


def _check_source_dates(dataset: Dataset, problems: list[Problem]) -> None:
    today = dt.date.today()
    for s in dataset.sources.values():
        if not s.date_published:
            continue
        parts = [int(p) for p in s.date_published.split("-")]
        try:
            day = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            problems.append(
                Problem(
                    "data/sources.csv",
                    s.line,
                    "date_published",
                    s.date_published,
                    "is not a calendar date: use YYYY-MM-DD or YYYY-MM",
                )
            )
            continue
        if not SOURCES_FROM <= day <= today:
            problems.append(
                Problem(
                    "data/sources.csv",
                    s.line,
                    "date_published",
                    s.date_published,
                    f"must lie between {SOURCES_FROM} and today",
                )
            )


CLAIM_ARGUMENTS: dict[CheckName, set[str]] = {  # the arguments each check needs; settlement ids are checked too
    "fighting_longer_than": {"settlement", "months"},
    "holder_at_article": {"settlement", "holder"},
    "contested_at_article": {"settlement"},
    "last_big_cities": {"oblast", "cities"},
    "artillery_reach_after_fall": {"settlement", "cities", "advance_km"},
    "captured_in": {"settlement", "month", "side"},
    "no_victories_between": {"after", "before", "side"},
    "victories_between": {"after", "before", "side"},
    "surrounded_sides": {"settlement", "radius_km", "sides"},
    "reported": {"kind"},
    "not_checkable": {"why_en", "why_nl"},
}
SETTLEMENT_ARGUMENTS = {"settlement", "after", "before"}
ARGUMENT_FORMS = {  # arguments the checks compute with: (pattern, what to write)
    "months": (r"[0-9]{1,4}", "a whole number of months"),
    "days": (r"[0-9]{1,5}", "a whole number of days"),
    "sides": (r"[0-4]", "a number of sides from 0 to 4"),
    "advance_km": (r"[0-9]{1,4}(\.[0-9]+)?", "a distance in km such as 15 or 7.5"),
    "radius_km": (r"[0-9]{1,4}(\.[0-9]+)?", "a distance in km such as 30 or 7.5"),
    "side": (r"UA|RU", "UA or RU"),
    "holder": (r"UA|RU", "UA or RU"),
    "month": (r"\d{4}-(0[1-9]|1[0-2])", "a month YYYY-MM"),
    "only": (r"true", "true (the claim says only this side won)"),
}


def _check_claims(dataset: Dataset, problems: list[Problem]) -> None:
    def flag(line: int, column: str, value: str, message: str) -> None:
        problems.append(Problem("data/article_claims.csv", line, column, value, message))

    blocks = {b.block_id: b for b in dataset.article}
    for claim in dataset.claims:
        block = blocks.get(claim.block_id)
        for column, text in (
            ("quote_nl", block.text_nl if block else ""),
            ("quote_en", block.text_en if block else ""),
        ):
            quote = getattr(claim, column)
            if block and quote not in text:
                language = "Dutch text" if column == "quote_nl" else "English translation"
                flag(
                    claim.line,
                    column,
                    quote,
                    f"does not occur verbatim in the {language} of article block {claim.block_id}: copy it exactly",
                )
        missing = CLAIM_ARGUMENTS[claim.check] - set(claim.arguments)
        if missing:
            given = ";".join(f"{k}={v}" for k, v in claim.arguments.items())
            flag(
                claim.line,
                "arguments",
                given,
                f"check {claim.check} needs {', '.join(sorted(missing))} (key=value items)",
            )
        for key, value in claim.arguments.items():
            if key in ARGUMENT_FORMS and not re.fullmatch(ARGUMENT_FORMS[key][0], value):
                flag(claim.line, "arguments", f"{key}={value}", f"{key} must be {ARGUMENT_FORMS[key][1]}")
                continue
            ids = (
                value.split("|")
                if key == "cities" and claim.check == "artillery_reach_after_fall"
                else ([value] if key in SETTLEMENT_ARGUMENTS else [])
            )
            for sid in ids:
                if sid not in dataset.settlements:
                    flag(claim.line, "arguments", f"{key}={value}", f"no settlement {sid!r} in data/settlements.csv")


def _check_presets(dataset: Dataset, problems: list[Problem]) -> None:
    for preset in dataset.presets:
        if not preset.low_km <= preset.km <= preset.high_km:
            problems.append(
                Problem(
                    "data/range_presets.csv",
                    preset.line,
                    "km",
                    f"{preset.km:g}",
                    f"must lie between low_km ({preset.low_km:g}) and high_km ({preset.high_km:g})",
                )
            )


def _check_article(dataset: Dataset, problems: list[Problem]) -> None:
    """A block's month lies in the data window and is the article's month or that of an event it mentions."""
    for block in dataset.article:
        wrong = []
        months = {month_of(dataset.event_index[e].date) for e in block.events if e in dataset.event_index}
        if not DATA_WINDOW[0] <= block.month <= DATA_WINDOW[1]:
            wrong.append(f"outside the data window {DATA_WINDOW[0]}..{DATA_WINDOW[1]}")
        if months and block.month not in months | {dataset.article_month}:
            wrong.append(f"is not the month of any event the block mentions ({', '.join(sorted(months))})")
        problems += [Problem("data/article.csv", block.line, "month", block.month, message) for message in wrong]


def _check_routes(dataset: Dataset, problems: list[Problem]) -> None:
    for route in dataset.routes:
        if len(route.waypoints) < 2:
            problems.append(
                Problem(
                    "data/routes.csv",
                    route.line,
                    "waypoints",
                    ";".join(route.waypoints),
                    "a road connects at least two settlements",
                )
            )
