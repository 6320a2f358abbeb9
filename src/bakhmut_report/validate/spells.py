"""Changes and fighting spells that hang together: no change twice, no fighting without an end.

* One change of control is recorded once: two change ids for the same settlement
  and direction with no change back in between are one change recorded twice.
* A spell of fighting inside a settlement ends at a claim or confirmation of a
  change of control, at a ``fighting_ended`` event, or is still being reported in
  the last months of the data window. A report of fighting within a week after a
  claim answers that claim (the losing side says the place is still fought over):
  it belongs to the spell the claim closes, and the map says contested until a
  confirmation settles it.
* A change that comes less than a month after a report of fighting at the place
  has a contested spell before it, or its provenance says why not ("not contested: ...").
"""

from __future__ import annotations

import datetime as dt

from ..model.changes import ControlChange, control_changes
from ..model.dataset import Dataset
from ..model.errors import Problem
from ..model.records import Event
from ..model.vocabulary import FIGHTING_ENDS, FIGHTING_STARTS, WINDOW_END

EVENTS = "data/events.csv"
ANSWER = dt.timedelta(days=7)  # a report of fighting this soon after a claim answers the claim
STILL_REPORTED = dt.timedelta(days=150)  # a spell open at the window's end was reported in its last five months
FIGHTING_NEAR = dt.timedelta(days=31)  # "under a month" before a change
FIGHTING_REPORTS = frozenset(
    {"battle_start", "military_operation", "situation_report", "intelligence_assessment", "partial_control_change"}
)
NOT_CONTESTED = "not contested"


def _changes_by_settlement(dataset: Dataset) -> dict[str, list[ControlChange]]:
    out: dict[str, list[ControlChange]] = {}
    for change in control_changes(dataset):
        out.setdefault(change.settlement_id, []).append(change)
    return out


def check_duplicate_changes(dataset: Dataset, problems: list[Problem]) -> None:
    for changes in _changes_by_settlement(dataset).values():
        for earlier, later in zip(changes, changes[1:], strict=False):
            same = (earlier.holder_before, earlier.holder_after) == (later.holder_before, later.holder_after)
            if same:
                first = later.first_statement
                problems.append(
                    Problem(
                        EVENTS,
                        first.line,
                        "change_id",
                        later.change_id,
                        f"repeats change {earlier.change_id} ({earlier.holder_before} -> {earlier.holder_after}, "
                        f"line {earlier.first_statement.line}) with no change back in between: one change is recorded "
                        "once, give its rows the same change_id",
                    )
                )


def _spells(dataset: Dataset, sid: str, changes: list[ControlChange]) -> list[tuple[Event, Event, dt.date | None]]:
    """(first report, last report, end day or None) of each spell of fighting inside a settlement."""
    marks: list[tuple[dt.date, int, Event | None]] = []
    for e in dataset.events_for(sid):
        if e.kind in (FIGHTING_STARTS, FIGHTING_ENDS):
            marks.append((e.date, 0 if e.kind == FIGHTING_STARTS else 2, e))
    for change in changes:  # any claim or confirmation of a change ends the fighting reported before it
        marks.extend((statement.date, 1, None) for statement in change.statements)
    spells: list[tuple[Event, Event, dt.date | None]] = []
    first = last = None
    closed: dt.date | None = None  # the last change statement, which a report soon after answers
    for day, order, event in sorted(marks, key=lambda m: (m[0], m[1])):
        if order == 0 and event is not None:
            if first is None and closed is not None and day - closed <= ANSWER:
                continue  # answers the claim just made: part of the spell that claim closed
            first, last = first or event, event
        elif order == 1:
            closed = day
            if first is not None and last is not None:
                spells.append((first, last, day))
                first = last = None
        elif first is not None and last is not None:
            spells.append((first, last, day))
            first = last = None
    if first is not None and last is not None:
        spells.append((first, last, None))
    return spells


def check_fighting_spells(dataset: Dataset, problems: list[Problem]) -> None:
    by_settlement = _changes_by_settlement(dataset)
    for sid, settlement in dataset.settlements.items():
        for first, last, end in _spells(dataset, sid, by_settlement.get(sid, [])):
            if end is None and last.date < WINDOW_END - STILL_REPORTED:
                problems.append(
                    Problem(
                        EVENTS,
                        first.line,
                        "kind",
                        first.kind,
                        f"fighting inside {settlement.name} (from {first.date}, last reported {last.date}) never ends: "
                        f"record the change of control, a {FIGHTING_ENDS} event with its source, or a report that it "
                        f"still goes on after {WINDOW_END - STILL_REPORTED}",
                    )
                )


def check_contested_before_change(dataset: Dataset, problems: list[Problem]) -> None:
    by_settlement = _changes_by_settlement(dataset)
    for sid, changes in by_settlement.items():
        spells = _spells(dataset, sid, changes)
        for change in changes:
            first = change.first_statement
            day = first.date
            open_spell = any(f.date <= day and (end is None or end >= day) for f, _, end in spells)
            reports = [
                e for e in dataset.events_for(sid) if e.kind in FIGHTING_REPORTS and day - FIGHTING_NEAR <= e.date < day
            ]
            noted = any(NOT_CONTESTED in (e.provenance or "").casefold() for e in change.statements)
            if reports and not open_spell and not noted:
                problems.append(
                    Problem(
                        EVENTS,
                        first.line,
                        "provenance",
                        first.provenance or "",
                        f"change {change.change_id} follows fighting reported on {reports[-1].date} "
                        f"(line {reports[-1].line}) by under a month: record the fighting inside "
                        f"({FIGHTING_STARTS}) or say in the provenance why not ('{NOT_CONTESTED}: ...')",
                    )
                )
