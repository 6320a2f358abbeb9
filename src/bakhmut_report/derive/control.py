"""Who holds what, derived from the claims and confirmations in events.csv.

The rule (stated in the report and the README):

* Every settlement starts with ``holder_at_start`` on 2022-02-24.
* A change of control takes effect on its first statement (``basis="claimed"``)
  or its first confirmation (``basis="confirmed"``; see ``model.changes``).
* A ``fighting_in_settlement`` event makes the settlement ``contested`` from its
  date until the next change of control takes effect, or a ``fighting_ended``
  event says the fighting inside ended without one.
* A month's holder is the holder at the end of the month's last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from ..model.calendar import month_end, month_of, months_between
from ..model.changes import ControlChange, control_changes
from ..model.dataset import Dataset
from ..model.records import Event
from ..model.vocabulary import FIGHTING_ENDS, FIGHTING_STARTS, WAR_START, WINDOW_END, Basis, Holder, MapState


@dataclass(frozen=True)
class Step:
    """A settlement's state from ``date`` on, and the event that set it."""

    date: dt.date
    holder: MapState  # UA, RU or contested
    controller: Holder  # UA or RU: who held it before any fighting inside
    event: Event | None


@lru_cache(maxsize=8)
def timelines(dataset: Dataset, basis: Basis) -> dict[str, list[Step]]:
    """Per settlement, the dated steps of its state under the given basis (cached per dataset)."""
    happenings: dict[str, list[tuple[dt.date, int, str, Event | ControlChange]]] = {
        sid: [] for sid in dataset.settlements
    }
    order = {FIGHTING_STARTS: 0, FIGHTING_ENDS: 2}  # on one day: fighting starts, the holder changes, fighting ends
    for event in dataset.events:
        if event.kind in order:
            for sid in event.settlements:
                happenings[sid].append((event.date, order[event.kind], event.event_id, event))
    for change in control_changes(dataset):
        day = change.takes_effect(basis)
        if day is not None and change.settlement_id in happenings:
            happenings[change.settlement_id].append((day, 1, change.change_id, change))
    result: dict[str, list[Step]] = {}
    for sid, settlement in dataset.settlements.items():
        controller: Holder = "RU" if settlement.holder_at_start == "RU" else "UA"
        steps = [Step(WAR_START, controller, controller, None)]
        for day, _, _, what in sorted(happenings[sid], key=lambda h: h[:3]):
            if isinstance(what, ControlChange):
                controller = "RU" if what.holder_after == "RU" else "UA"
                steps.append(Step(day, controller, controller, what.cause(basis)))
            elif what.kind == FIGHTING_STARTS:
                steps.append(Step(day, "contested", controller, what))
            elif steps[-1].holder == "contested":  # fighting ended without a change of control
                steps.append(Step(day, controller, controller, what))
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


@dataclass(frozen=True)
class MonthState:
    month: str
    settlement_id: str
    holder: MapState
    since: dt.date
    event: Event | None


def control_table(dataset: Dataset, start: str, end: str, basis: Basis = "confirmed") -> list[MonthState]:
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
    return month_of(WAR_START), month_of(max(dataset.last_event_date, WINDOW_END))
