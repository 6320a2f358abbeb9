"""What the notebook calls: one ``Report`` whose parts display as HTML blocks.

The notebook stays thin: a parameters cell, ``Report.from_parameters(...)`` and one call per
section: ``story`` (the title, the article's date and provenance, a lead computed from the data, contents,
then the article, all beside a sticky map with its controls and timeline), then
``events_table``, ``method``, ``sources``, ``downloads``, ``colophon`` (parameters, input hash,
how to cite) and ``key_months`` (small multiples for print). Each part is a ``Block`` with a fixed
text/plain summary (no memory addresses), so outputs are deterministic for nbval.
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
from . import downloads, mapfig, sections, story
from .i18n import Texts, texts
from .theatre import inside_theatre


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
        return Months(self.dataset, p["start_month"], p["end_month"], p["control_basis"], scope=inside_theatre)

    @cached_property
    def verdicts(self) -> list[Verdict]:
        return verdicts(self.dataset, self.params)

    @cached_property
    def map_layout(self) -> mapfig.MapLayout:
        return mapfig.MapLayout(self.months, self.focus, mapfig.label_tiers(self.dataset, self.focus))

    @property
    def title(self) -> str:
        return self.params["title"] or self.label("title")

    def stamp(self) -> str:
        """Data version and parameters, as stated in the report's colophon."""
        shown = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return (
            f"bakhmut-report {VERSION} · {self.label('data_version')} {self.dataset.version} · "
            f"{self.label('parameters')}: {shown}"
        )

    def verdict_counts(self) -> dict[str, int]:
        counts = {k: sum(v.verdict == k for v in self.verdicts) for k in VERDICT_KINDS}
        return {k: n for k, n in counts.items() if n}

    def story(self) -> Block:
        """The first screen and the story: title, the article's date and provenance, a lead computed
        from the data, then the article with each claim's verdict, all beside the sticky map."""
        lead = story.lead(self.dataset, self.months, self.focus, self.params, self.t)
        header = sections.header(self.title, self.dataset, self.t, lead, self.verdict_counts())
        html = story.story(self.dataset, self.months, self.map_layout, self.verdicts, self.params, self.t, header)
        return Block(
            html,
            f"{self.title}. Article: {len(self.dataset.article)} blocks; claims {self.verdict_counts()}; "
            + mapfig.month_summary(self.months, self.params["initial_month"], self.t),
        )

    def events_table(self) -> Block:
        linked = sections.linked_events(control_changes(self.dataset), self.verdicts)
        linked |= {
            e.event_id for e in self.months.events_in(self.params["initial_month"])
        }  # the opening month's list links to them
        return Block(sections.events_table(self.dataset, self.t, linked), f"Events: {len(self.dataset.events)} rows")

    def method(self) -> Block:
        changes = control_changes(self.dataset)
        return Block(
            sections.method_section(self.dataset, changes, self.t, self.params["control_basis"]),
            f"Method: {len(changes)} changes of control",
        )

    def sources(self) -> Block:
        return Block(sections.sources_section(self.dataset, self.t), f"Sources: {len(self.dataset.sources)}")

    def downloads(self) -> Block:
        return Block(downloads.section(self.dataset, self.months, self.t, self.params), "Downloads: 4 files")

    def colophon(self) -> Block:
        """Parameters, data version and how to cite (the page's footer adds the input hash)."""
        return Block(sections.colophon(self.t, VERSION, self.dataset.version, self.params), self.stamp())

    def key_months(self) -> Block:
        """Small multiples of the article's month and the big changes (shown in print)."""
        html, months = story.key_months(self.dataset, self.months, self.map_layout, self.params, self.t)
        return Block(html, "Key months: " + ", ".join(months))
