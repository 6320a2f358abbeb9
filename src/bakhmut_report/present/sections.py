"""The report's sections as HTML: the facts each template needs, rendered by ``html.render``.

Lists are capped so the page grows with settlements x months, not with the number
of events (a conflict-event export can have tens of thousands); claims and
confirmations come first, and every event another part of the page links to stays.
"""

from __future__ import annotations

from markupsafe import Markup

from ..derive.claims import Verdict
from ..derive.periods import RING_CENTRES, Months
from ..model.changes import ControlChange
from ..model.dataset import Dataset
from ..model.records import Event, Settlement, Source
from ..model.vocabulary import Basis
from .html import render
from .i18n import Texts

MAX_MONTH_EVENTS = 12
MAX_TABLE_ROWS = 250
MAX_CHANGE_ROWS = 250
MAX_SOURCES = 1000
EVENT_COLUMNS = ("col_date", "col_settlements", "col_kind", "col_event", "col_by", "col_sources")


def header(title: str, dataset: Dataset, t: Texts, lead: list[str], counts: dict[str, int]) -> Markup:
    """Title, the article's date and provenance, the lead, the verdict counts, skip links and contents."""
    article = next(r for r in dataset.descriptor["resources"] if r["name"] == "article")
    return render(
        "header.html.j2",
        t=t,
        title=title,
        article_month=dataset.article_month,
        publisher=article.get("x-article", {}).get("publisher", ""),
        lead=lead,
        counts=counts,
        claims=len(dataset.claims),
    )


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
    """The opening month's events (capped); report.js lists other months' from the event table's rows."""
    shown, left_out = shown_events(months.events_in(initial), MAX_MONTH_EVENTS)
    return render(
        "month_events.html.j2", t=t, events=shown, left_out=left_out, initial=initial, sources_of=_sources_of(dataset)
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


def events_table(dataset: Dataset, t: Texts, linked: frozenset[str] = frozenset()) -> Markup:
    """Every event with its sources; report.js makes it sortable and searchable (names and their variants:
    a row names its settlements' ids in ``data-s``, the page's data carries each settlement's variants once)."""
    shown, left_out = shown_events(dataset.events, MAX_TABLE_ROWS, linked)

    def names(e: Event) -> str:
        return ", ".join(dataset.settlements[sid].name for sid in e.settlements)

    return render(
        "events.html.j2",
        t=t,
        events=shown,
        left_out=left_out,
        total=len(dataset.events),
        columns=EVENT_COLUMNS,
        sources_of=_sources_of(dataset),
        names_of=names,
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


def map_tools(
    dataset: Dataset, months: Months, t: Texts, params: dict, focus: Settlement, outside: list[Settlement], initial: str
) -> Markup:
    """Range and focus controls with the lists they drive, and the places outside the map."""
    range_km = params["artillery_range_km"]
    return render(
        "map_tools.html.j2",
        t=t,
        range_km=range_km,
        presets=dataset.presets,
        preset_sources=lambda p: [dataset.sources[sid] for sid in p.sources],
        focus=focus,
        places=list(months.in_scope),
        reach=reach_list(months, initial, t, range_km),
        first_within=first_within(months, range_km, params["big_city_population"]),
        outside=outside,
        ring_count=RING_CENTRES,
    )


def colophon(t: Texts, version: str, data_version: str, params: dict) -> Markup:
    """The report's parameters, data version and how to cite it (the page footer adds the input hash)."""
    return render("colophon.html.j2", t=t, version=version, data_version=data_version, params=params)
