"""The report's sections as HTML: the facts each template needs, rendered by ``html.render``.

Lists are capped so the page grows with settlements x months, not with the number
of events (a conflict-event export can have tens of thousands); claims and
confirmations come first, and every event another part of the page links to stays.
"""

from __future__ import annotations

from markupsafe import Markup

from ..derive.claims import Verdict
from ..derive.periods import Months
from ..model.changes import ControlChange
from ..model.dataset import Dataset
from ..model.records import Event, Settlement, Source
from ..model.vocabulary import Basis
from .html import render
from .i18n import Texts
from .styles import HOLDER_ORDER, HOLDER_STYLE, MAP_DIV_ID

MAX_MONTH_EVENTS = 12
MAX_TABLE_ROWS = 250
MAX_CHANGE_ROWS = 250
MAX_SOURCES = 400
EVENT_COLUMNS = ("col_date", "col_settlements", "col_kind", "col_event", "col_by", "col_sources")


def header(title: str, subtitle: str, meta: str) -> Markup:
    return render("header.html.j2", title=title, subtitle=subtitle, meta=meta)


def article(dataset: Dataset, t: Texts, annotations: dict[str, Markup] | None = None) -> Markup:
    """The article by section; videos shown as references; ``annotations`` HTML per block id."""
    return render("article.html.j2", t=t, sections=dataset.sections(), annotations=annotations or {})


def claim_notes(verdicts: list[Verdict], t: Texts, params: dict) -> dict[str, Markup]:
    """Per article block: the claims made there with their verdicts, thresholds and evidence links."""
    by_block: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_block.setdefault(v.claim.block_id, []).append(v)

    def shown_parameter(name: str) -> str:
        value = params[name]
        return t.km(value) + " km" if name == "artillery_range_km" else t.number(value)

    return {
        block: render("claims.html.j2", t=t, verdicts=vs, shown_parameter=shown_parameter)
        for block, vs in by_block.items()
    }


def shown_events(events: list[Event], limit: int, keep: frozenset[str] = frozenset()) -> tuple[list[Event], int]:
    """At most ``limit`` events plus those in ``keep`` (linked from elsewhere on the page), in date order.

    Claims and confirmations are chosen first; returns the events and how many were left out.
    """
    if len(events) <= limit:
        return events, 0
    ranked = sorted(events, key=lambda e: (e.event_id not in keep, not e.is_control, e.date, e.event_id))
    chosen = {e.event_id for e in ranked[:limit]} | {e.event_id for e in events if e.event_id in keep}
    shown = [e for e in events if e.event_id in chosen]
    return shown, len(events) - len(shown)


def _sources_of(dataset: Dataset):
    def sources_of(event: Event) -> list[Source]:
        return [dataset.sources[sid] for sid in event.sources]

    return sources_of


def month_event_list(dataset: Dataset, months: Months, initial: str, t: Texts) -> Markup:
    """The period's events by month (capped per month); report.js shows only the selected month's."""
    listed = []
    for month in months.months:
        shown, left_out = shown_events(months.events_in(month), MAX_MONTH_EVENTS)
        listed.append((month, shown, left_out))
    return render(
        "month_events.html.j2",
        t=t,
        months=listed,
        initial=initial,
        any_initial=bool(months.events_in(initial)),
        sources_of=_sources_of(dataset),
    )


def reach_list(months: Months, month: str, t: Texts, range_km: float) -> Markup:
    return render("reach.html.j2", t=t, reach=months.reach(month), range_km=range_km)


def first_within(months: Months, range_km: float, min_population: int) -> list[tuple[Settlement, str | None]]:
    """Big cities held by Ukraine at some point, each with the first month within range (None: never)."""
    firsts = months.first_month_within(range_km, min_population)
    return [
        (s, firsts[s.settlement_id])
        for s in months.settlements
        if s.settlement_id in firsts and any(months.holders(m)[s.settlement_id] == "UA" for m in months.months)
    ]


def map_section(
    dataset: Dataset,
    months: Months,
    figure: dict,
    payload: dict,
    initial: str,
    focus: Settlement,
    t: Texts,
    basis: Basis,
    range_km: float,
    min_population: int,
    summary: str,
) -> Markup:
    """The map with its month slider, play button, range input and the month's lists."""
    return render(
        "map.html.j2",
        t=t,
        basis=basis,
        month_count=len(months.months),
        index=months.months.index(initial),
        initial=initial,
        range_km=range_km,
        presets=dataset.presets,
        summary=summary,
        holders=HOLDER_ORDER,
        styles=HOLDER_STYLE,
        focus=focus,
        map_div_id=MAP_DIV_ID,
        height=figure["layout"]["height"],
        figure=figure,
        payload=payload,
        month_events=month_event_list(dataset, months, initial, t),
        preset_sources=lambda p: [dataset.sources[sid] for sid in p.sources],
        reach=reach_list(months, initial, t, range_km),
        first_within=first_within(months, range_km, min_population),
    )


def events_table(dataset: Dataset, t: Texts, linked: frozenset[str] = frozenset()) -> Markup:
    """Every event with its sources; report.js makes it sortable and searchable."""
    shown, left_out = shown_events(dataset.events, MAX_TABLE_ROWS, linked)
    return render(
        "events.html.j2",
        t=t,
        events=shown,
        left_out=left_out,
        total=len(dataset.events),
        columns=EVENT_COLUMNS,
        sources_of=_sources_of(dataset),
        names_of=lambda e: ", ".join(dataset.settlements[sid].name for sid in e.settlements),
    )


def sources_section(dataset: Dataset, t: Texts) -> Markup:
    ordered = sorted(dataset.sources.values(), key=lambda s: (s.origin.casefold(), s.source_id))
    return render("sources.html.j2", t=t, sources=ordered[:MAX_SOURCES], total=len(ordered))


def linked_events(changes: list[ControlChange], verdicts: list[Verdict]) -> frozenset[str]:
    """Event ids the page links to (claim evidence, the changes table): the event table keeps them."""
    ids = {eid for v in verdicts for eid in v.events}
    for c in changes[:MAX_CHANGE_ROWS]:
        ids |= {e.event_id for e in (c.first_claim, c.first_confirmation) if e is not None}
    return frozenset(ids)


def method_section(dataset: Dataset, changes: list[ControlChange], t: Texts, basis: Basis) -> Markup:
    names = {sid: s.name for sid, s in dataset.settlements.items()}
    return render(
        "method.html.j2", t=t, basis=basis, changes=changes[:MAX_CHANGE_ROWS], total=len(changes), names=names
    )


def citation(t: Texts, version: str, data_version: str, stamp: str) -> Markup:
    return render("citation.html.j2", t=t, version=version, data_version=data_version, stamp=stamp)
