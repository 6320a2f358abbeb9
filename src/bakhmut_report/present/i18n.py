"""The report's words in one language: ``texts("nl")`` is the one way to pick a language.

Labels and message templates come from ``catalogue``; month names, dates and the
decimal and grouping symbols come from Babel's CLDR data. Numbers with decimals are
rounded by Python's ``format`` (correctly rounded, like JavaScript's ``toFixed``)
before Babel's symbols are applied, so that ``report.js``, which gets the same
symbols in its payload, writes exactly the same text.
"""

from __future__ import annotations

import datetime as dt
import string
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from ..model.records import Event
from ..model.vocabulary import LANGUAGES, Language
from . import catalogue


class _MessageFormatter(string.Formatter):
    """str.format with the report's specs: ``{start:date}``, ``{places:list}``, ``{km:km}``..."""

    def __init__(self, texts: Texts):
        super().__init__()
        self.texts = texts

    def format_field(self, value: Any, format_spec: str) -> str:
        t = self.texts
        if format_spec == "date":
            return t.date(value)
        if format_spec == "month":
            return t.month(value)
        if format_spec == "int":
            return t.number(value)
        if format_spec == "km":
            return t.km(value)
        if format_spec == "holder":
            return t.label(f"holder_{value}")
        if format_spec == "side_adj":
            return t.word(f"side_adj_{value}")
        if format_spec == "list":
            return ", ".join(value) or "-"
        if format_spec == "names":
            return ", ".join(value)
        if format_spec == "sized":  # places with their populations: "Berestove (1.278), Opytne (1.983)"
            return ", ".join(f"{p['name']} ({t.number(p['population'])})" for p in value) or "-"
        if format_spec == "title":
            return value.title(t.language) if isinstance(value, Event) else str(value)
        if format_spec == "gaps":
            return "; ".join(t.message("artillery_reach_after_fall.gap", gap) for gap in value)
        if format_spec == "sectors":
            return "; ".join(f"{t.word('sector_' + k)}: {', '.join(names)}" for k, names in value.items()) or "-"
        return super().format_field(value, format_spec)


class Texts:
    """Labels, messages, dates and numbers in one language."""

    def __init__(self, language: Language):
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language: Language = language
        self.locale = Locale.parse(language)
        self.labels = catalogue.LABELS[language]
        self.kinds = catalogue.KINDS[language]
        self.verdicts = catalogue.VERDICTS[language]
        self._formatter = _MessageFormatter(self)

    def label(self, key: str) -> str:
        return self.labels[key]

    def word(self, key: str) -> str:
        return catalogue.WORDS[self.language][key]

    def kind(self, kind: str) -> str:
        return self.kinds[kind]

    def verdict(self, verdict: str) -> str:
        return self.verdicts[verdict]

    def template(self, message_id: str) -> str:
        """A message's raw template, for report.js to fill (``{km:g}`` style placeholders)."""
        return catalogue.MESSAGES[self.language][message_id]

    def message(self, message_id: str, args: dict[str, Any]) -> str:
        return self._formatter.vformat(catalogue.MESSAGES[self.language][message_id], (), args)

    @property
    def month_names(self) -> list[str]:
        """January..December in this language (what report.js uses too)."""
        names = self.locale.months["format"]["wide"]
        return [names[i] for i in range(1, 13)]

    @property
    def decimal_symbol(self) -> str:
        return self.locale.number_symbols["latn"]["decimal"]

    @property
    def group_symbol(self) -> str:
        return self.locale.number_symbols["latn"]["group"]

    def month(self, month: str) -> str:
        """'maart 2023' / 'March 2023' for '2023-03'."""
        year, mon = (int(p) for p in month.split("-"))
        return format_date(dt.date(year, mon, 1), "MMMM y", locale=self.locale)

    def month_short(self, month: str) -> str:
        """'apr.' / 'Apr': a month's short name on the timeline (its year is shown at January)."""
        year, mon = (int(p) for p in month.split("-"))
        return format_date(dt.date(year, mon, 1), "LLL", locale=self.locale)

    def date(self, day: dt.date, precision: str = "day") -> str:
        """'21 mei 2023' / '21 May 2023'; 'mei 2023' for month precision; '~' for approximate days."""
        if precision == "month":
            return self.month(day.strftime("%Y-%m"))
        prefix = "~" if precision == "approx-day" else ""
        return prefix + format_date(day, "d MMMM y", locale=self.locale)

    def number(self, number: int) -> str:
        """Thousands grouped: 71.094 (nl) / 71,094 (en)."""
        return str(format_decimal(number, locale=self.locale))

    def km(self, km: float) -> str:
        """One decimal: 35,1 (nl) / 35.1 (en).

        Not Babel's format_decimal: it rounds the shortest decimal repr half-even
        (35.15 -> 35,2) where JavaScript's toFixed rounds the binary value (35.1).
        """
        return f"{km:.1f}".replace(".", self.decimal_symbol)


@lru_cache(maxsize=len(LANGUAGES))
def texts(language: Language) -> Texts:
    return Texts(language)
