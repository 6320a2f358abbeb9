"""Who holds what, derived from the claims and confirmations in events.csv.

The rule (stated in the report and the README):

* Every settlement starts with ``holder_at_start`` on 2022-02-24.
* A change of control (all events sharing a ``change_id``) takes effect on
  - its first statement, claim or confirmation, when ``basis="claimed"``;
  - its first confirmation (the losing side acknowledges it, or an independent
    assessment states it as fact; hedged "most likely" assessments do not count)
    when ``basis="confirmed"``; a change that was never
    confirmed does not take effect on that map.
* A ``fighting_in_settlement`` event makes the settlement ``contested`` from its
  date until the next change of control takes effect.
* A month's holder is the holder at the end of the month's last day.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .dataset import Dataset, Event

HOLDERS = ("UA", "RU", "contested")
BASES = ("confirmed", "claimed")
WAR_START = dt.date(2022, 2, 24)


@dataclass(frozen=True)
class ControlChange:
    """One change of control with every claim and confirmation of it."""

    change_id: str
    settlement_id: str
    holder_before: str
    holder_after: str
    claims: tuple[Event, ...]
    confirmations: tuple[Event, ...]

    @property
    def first_claim(self) -> Event | None:
        return self.claims[0] if self.claims else None

    @property
    def first_confirmation(self) -> Event | None:
        return self.confirmations[0] if self.confirmations else None

    @property
    def first_statement(self) -> Event:
        return min(self.claims + self.confirmations, key=lambda e: (e.date, e.event_id))

    def takes_effect(self, basis: str) -> dt.date | None:
        """The day this change shows on a map with the given basis (None: never)."""
        if basis == "claimed":
            return self.first_statement.date
        first = self.first_confirmation
        return first.date if first else None

    def cause(self, basis: str) -> Event | None:
        return self.first_statement if basis == "claimed" else self.first_confirmation


@dataclass(frozen=True)
class Step:
    """A settlement's state from ``date`` on, and the event that set it."""

    date: dt.date
    holder: str  # UA, RU or contested
    controller: str  # UA or RU: who held it before any fighting inside
    event: Event | None


@lru_cache(maxsize=8)
def control_changes(dataset: Dataset) -> list[ControlChange]:
    """Group claim and confirmation events by change_id, in order of first statement (cached per dataset)."""
    grouped: dict[str, list[Event]] = {}
    for event in dataset.events:
        if event.is_control and event.change_id:
            grouped.setdefault(event.change_id, []).append(event)
    changes = []
    for change_id, events in grouped.items():
        first = events[0]
        changes.append(ControlChange(
            change_id=change_id,
            settlement_id=first.settlements[0] if first.settlements else "",
            holder_before=first.holder_before or "",
            holder_after=first.holder_after or "",
            claims=tuple(e for e in events if e.kind == "control_claim"),
            confirmations=tuple(e for e in events if e.kind == "control_confirmation"),
        ))
    return sorted(changes, key=lambda c: (c.first_statement.date, c.change_id))


def timelines(dataset: Dataset, basis: str) -> dict[str, list[Step]]:
    """Per settlement, the dated steps of its state under the given basis."""
    return _timelines(dataset, basis)


@lru_cache(maxsize=8)
def _timelines(dataset: Dataset, basis: str) -> dict[str, list[Step]]:
    happenings: dict[str, list[tuple[dt.date, int, str, object]]] = {
        sid: [] for sid in dataset.settlements}
    for event in dataset.events:
        if event.kind == "fighting_in_settlement":
            for sid in event.settlements:
                happenings[sid].append((event.date, 0, event.event_id, event))
    for change in control_changes(dataset):
        day = change.takes_effect(basis)
        if day is not None and change.settlement_id in happenings:
            happenings[change.settlement_id].append((day, 1, change.change_id, change))
    result: dict[str, list[Step]] = {}
    for sid, settlement in dataset.settlements.items():
        controller = settlement.holder_at_start
        steps = [Step(WAR_START, controller, controller, None)]
        for day, _, _, what in sorted(happenings[sid], key=lambda h: h[:3]):
            if isinstance(what, ControlChange):
                controller = what.holder_after
                steps.append(Step(day, controller, controller, what.cause(basis)))
            else:
                steps.append(Step(day, "contested", controller, what))
        result[sid] = steps
    return result


def state_on(steps: list[Step], day: dt.date) -> Step:
    """The step in force at the end of ``day``."""
    current = steps[0]
    for step in steps:
        if step.date <= day:
            current = step
        else:
            break
    return current


def month_end(month: str) -> dt.date:
    year, mon = (int(p) for p in month.split("-"))
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def months_between(start: str, end: str) -> list[str]:
    """Inclusive list of YYYY-MM strings."""
    year, mon = (int(p) for p in start.split("-"))
    out = []
    while f"{year:04d}-{mon:02d}" <= end:
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out


@dataclass(frozen=True)
class MonthState:
    month: str
    settlement_id: str
    holder: str
    since: dt.date
    event: Event | None


def control_table(dataset: Dataset, start: str, end: str, basis: str = "confirmed") -> list[MonthState]:
    """Month × settlement holder table, months in order, settlements by name."""
    lines = timelines(dataset, basis)
    ordered = sorted(dataset.settlements.values(), key=lambda s: s.name)
    table = []
    for month in months_between(start, end):
        last_day = month_end(month)
        for settlement in ordered:
            step = state_on(lines[settlement.settlement_id], last_day)
            table.append(MonthState(month, settlement.settlement_id, step.holder, step.date, step.event))
    return table


def data_months(dataset: Dataset) -> tuple[str, str]:
    """The full window the data covers: the invasion month to the last event's month."""
    return WAR_START.strftime("%Y-%m"), max(dataset.last_event_date, dt.date(2024, 12, 31)).strftime("%Y-%m")
