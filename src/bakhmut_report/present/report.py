"""What the notebook calls: one ``Report`` whose parts display as HTML blocks.

The notebook stays thin: a parameters cell, ``Report.from_parameters(...)``
and one call per section. Each part is a ``Block`` with a fixed text/plain
summary (no memory addresses), so outputs are deterministic for nbval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..derive.claims import Verdict, verdicts
from ..derive.periods import Months
from ..load import params as params_mod
from ..model.changes import control_changes
from ..model.dataset import Dataset
from ..model.vocabulary import VERDICT_KINDS, VERSION
from ..validate import load_valid_dataset
from . import mapfig, sections
from .i18n import Texts, texts


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
        self.t: Texts = texts(self.language)
        self.focus = dataset.settlement_named(params["focus_city"])

    @classmethod
    def from_parameters(cls, data_dir=None, **raw) -> Report:
        """Validate parameters and data (raises ParameterError / DataError with the fix)."""
        params = params_mod.validate(raw)
        return cls(params, load_valid_dataset(data_dir))

    def label(self, key: str) -> str:
        return self.t.label(key)

    @cached_property
    def months(self) -> Months:
        p = self.params
        return Months(self.dataset, p["start_month"], p["end_month"], p["control_basis"])

    @property
    def title(self) -> str:
        return self.params["title"] or self.label("title")

    def header(self) -> Block:
        return Block(sections.header(self.title, self.label("subtitle"), self.stamp()), self.title)

    def stamp(self) -> str:
        """Data version and parameters, as stated in the report."""
        shown = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return (
            f"bakhmut-report {VERSION} · {self.label('data_version')} {self.dataset.version} · "
            f"{self.label('parameters')}: {shown}"
        )

    @cached_property
    def verdicts(self) -> list[Verdict]:
        return verdicts(self.dataset, self.params)

    def article(self) -> Block:
        """The article with each factual claim's verdict beside its paragraph."""
        notes = sections.claim_notes(self.verdicts, self.t, self.params)
        counts = {k: sum(v.verdict == k for v in self.verdicts) for k in VERDICT_KINDS}
        shown = {k: n for k, n in counts.items() if n}
        return Block(
            sections.article(self.dataset, self.t, notes),
            f"Article: {len(self.dataset.article)} blocks; claims {shown}",
        )

    def method(self) -> Block:
        changes = control_changes(self.dataset)
        return Block(
            sections.method_section(self.dataset, changes, self.t, self.params["control_basis"]),
            f"Method: {len(changes)} changes of control",
        )

    def map(self) -> Block:
        p = self.params
        month = p["initial_month"]
        figure = mapfig.figure(self.months, month, self.focus, self.t, p["artillery_range_km"])
        payload = mapfig.payload(self.months, self.focus, self.t, p["artillery_range_km"])
        page_figure = {"data": figure["data"], "layout": figure["layout"], "config": mapfig.PLOTLY_CONFIG}
        summary = mapfig.month_summary(self.months, month, self.t)
        html = sections.map_section(
            self.dataset,
            self.months,
            page_figure,
            payload,
            month,
            self.focus,
            self.t,
            p["control_basis"],
            p["artillery_range_km"],
            p["big_city_population"],
            summary,
        )
        lab_figure = {**figure, "config": {**mapfig.PLOTLY_CONFIG, "topojsonURL": "/files/data/geo/"}}
        return Block(html, summary, {"application/vnd.plotly.v1+json": lab_figure})

    def events_table(self) -> Block:
        linked = sections.linked_events(control_changes(self.dataset), self.verdicts)
        return Block(sections.events_table(self.dataset, self.t, linked), f"Events: {len(self.dataset.events)} rows")

    def sources(self) -> Block:
        """Sources, then how to cite with the data version and parameters."""
        html = sections.sources_section(self.dataset, self.t) + sections.citation(
            self.t, VERSION, self.dataset.version, self.stamp()
        )
        return Block(html, f"Sources: {len(self.dataset.sources)}")
