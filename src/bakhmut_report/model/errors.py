"""One error family, each message saying what is wrong and how to fix it.

Every error the user can cause derives from ``ReportError``; the CLI prints its
message (no traceback) and exits with ``exit_code``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class ReportError(Exception):
    """Base class: an expected failure with a message written for the user."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One mistake in one data file, located as precisely as we can."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        """'data/events.csv:14: column 'kind', value 'x': what is allowed'."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        details = []
        if self.column:
            details.append(f"column {self.column!r}")
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            details.append(f"value {shown!r}")
        return ": ".join([where] + ([", ".join(details)] if details else []) + [self.message])


class DataError(ReportError):
    """The data in ``data/`` breaks the schema or a consistency rule.

    Holds every problem found, not just the first.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data:"
        super().__init__("\n".join([head] + [f"  {p}" for p in self.problems]))

    @classmethod
    def at(cls, file: str, message: str, line: int | None = None) -> DataError:
        """One problem with a whole file (or one of its lines), no column or value."""
        return cls([Problem(file, line, None, None, message)])


class ParameterError(ReportError):
    """A report parameter is unknown, has the wrong type or an impossible value."""


class RenderError(ReportError):
    """Executing or exporting the notebook failed."""

    exit_code = 1


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' Did you mean ...?' suffix naming the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""
