"""Changes of control: the claims and confirmations that share a ``change_id``.

A change takes effect on a map
- with ``basis="claimed"``: on its first statement, claim or confirmation;
- with ``basis="confirmed"``: on its first confirmation (the losing side
  acknowledges it, or an independent assessment states it as fact; hedged
  "most likely" assessments do not count). A change never confirmed does not
  take effect on that map.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .dataset import Dataset
from .records import Event
from .vocabulary import Basis


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
    def statements(self) -> tuple[Event, ...]:
        return self.claims + self.confirmations

    @property
    def first_claim(self) -> Event | None:
        return self.claims[0] if self.claims else None

    @property
    def first_confirmation(self) -> Event | None:
        return self.confirmations[0] if self.confirmations else None

    @property
    def first_statement(self) -> Event:
        return min(self.statements, key=lambda e: (e.date, e.event_id))

    def cause(self, basis: Basis) -> Event | None:
        """The statement from which this change shows on a map with the given basis (None: never)."""
        return self.first_statement if basis == "claimed" else self.first_confirmation

    def takes_effect(self, basis: Basis) -> dt.date | None:
        """The day this change shows on a map with the given basis (None: never)."""
        cause = self.cause(basis)
        return cause.date if cause else None


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
        changes.append(
            ControlChange(
                change_id=change_id,
                settlement_id=first.settlements[0] if first.settlements else "",
                holder_before=first.holder_before or "",
                holder_after=first.holder_after or "",
                claims=tuple(e for e in events if e.kind == "control_claim"),
                confirmations=tuple(e for e in events if e.kind == "control_confirmation"),
            )
        )
    return sorted(changes, key=lambda c: (c.first_statement.date, c.change_id))


def effective_changes(dataset: Dataset, basis: Basis) -> list[ControlChange]:
    """The changes that show on a map with this basis."""
    return [c for c in control_changes(dataset) if c.takes_effect(basis) is not None]
