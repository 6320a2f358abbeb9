"""Months as the report counts them: YYYY-MM strings, judged at their last day."""

from __future__ import annotations

import calendar
import datetime as dt
import re

#: a month YYYY-MM; \Z (not $) so that "2023-03\n" is refused
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z")


def is_month(text: object) -> bool:
    return isinstance(text, str) and MONTH.match(text) is not None


def month_end(month: str) -> dt.date:
    """The month's last day: a month's holder is the holder at the end of this day."""
    year, mon = (int(p) for p in month.split("-"))
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def month_of(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def months_between(start: str, end: str) -> list[str]:
    """Inclusive list of YYYY-MM strings."""
    year, mon = (int(p) for p in start.split("-"))
    out = []
    while f"{year:04d}-{mon:02d}" <= end:
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out
