"""What the notebook calls: one ``Report`` whose parts display as HTML blocks.

The notebook stays thin: a parameters cell, ``Report.from_parameters(...)``
and one call per section. Each part is a ``Block`` with a fixed text/plain
summary (no memory addresses), so outputs are deterministic for nbval.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from . import __version__, claims, i18n, mapfig, page
from . import params as params_mod
from .analysis import Months
from .control import control_changes
from .dataset import Dataset


@dataclass(frozen=True)
class Block:
    """A displayable piece of the report."""

    html: str
    text: str
    extra: dict = field(default_factory=dict)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "text/plain": self.text, **self.extra}


class Report:
    """The report for one set of validated parameters and one validated dataset."""

    def __init__(self, params: dict, dataset: Dataset):
        self.params = params
        self.dataset = dataset
        self.language = params["language"]
        self.focus = dataset.settlement_named(params["focus_city"])

    @classmethod
    def from_parameters(cls, data_dir=None, **raw) -> "Report":
        """Validate parameters and data (raises ParameterError / DataError with the fix)."""
        params = params_mod.validate(raw)
        return cls(params, Dataset.load(data_dir))

    def label(self, key: str) -> str:
        return i18n.label(self.language, key)

    @cached_property
    def months(self) -> Months:
        p = self.params
        return Months(self.dataset, p["start_month"], p["end_month"], p["control_basis"])

    @property
    def title(self) -> str:
        return self.params["title"] or self.label("title")

    def header(self) -> Block:
        return Block(page.header(self.title, self.label("subtitle"), self.stamp()), self.title)

    def stamp(self) -> str:
        """Data version and parameters, as stated in the report."""
        shown = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return (f"bakhmut-report {__version__} · {self.label('data_version')} {self.dataset.version} · "
                f"{self.label('parameters')}: {shown}")

    @cached_property
    def verdicts(self) -> list:
        return claims.verdicts(self.dataset, self.params)

    def article(self) -> Block:
        """The article with each factual claim's verdict beside its paragraph."""
        blocks = self.dataset.article
        notes = page.claim_notes(self.dataset, self.verdicts, self.language)
        counts = {k: sum(v.verdict == k for v in self.verdicts)
                  for k in (claims.SUPPORTED, claims.CONTRADICTED, claims.NOT_CHECKABLE)}
        return Block(page.article(self.dataset, self.language, notes),
                     f"Article: {len(blocks)} blocks; claims {counts}")

    def method(self) -> Block:
        changes = control_changes(self.dataset)
        return Block(page.method_section(self.dataset, changes, self.language, self.params["control_basis"]),
                     f"Method: {len(changes)} changes of control")

    def map(self) -> Block:
        p = self.params
        month = p["initial_month"]
        figure = mapfig.figure(self.months, month, self.focus, self.language, p["artillery_range_km"])
        payload = mapfig.payload(self.months, self.focus, self.language, p["artillery_range_km"])
        html = page.map_section(self.dataset, self.months, figure, payload, month, self.focus, self.language,
                                p["control_basis"], p["artillery_range_km"], p["big_city_population"])
        lab_figure = {**figure, "config": {**mapfig.PLOTLY_CONFIG, "topojsonURL": "/files/data/geo/"}}
        return Block(html, self.months.summary(month, self.language),
                     {"application/vnd.plotly.v1+json": lab_figure})

    def events_table(self) -> Block:
        linked = page.linked_events(control_changes(self.dataset), self.verdicts)
        return Block(page.events_table(self.dataset, self.language, linked),
                     f"Events: {len(self.dataset.events)} rows")

    def sources(self) -> Block:
        """Sources, then how to cite with the data version and parameters."""
        html = page.sources_section(self.dataset, self.language) + page.citation(
            self.language, __version__, self.dataset.version, self.stamp())
        return Block(html, f"Sources: {len(self.dataset.sources)}")

    def explore(self):
        """Live widgets for JupyterLab (needs a running kernel; never part of the static report)."""
        from .explorer import Explorer

        return Explorer(self)
