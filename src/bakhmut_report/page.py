"""HTML fragments of the report. Every string from data or parameters is escaped here."""
from __future__ import annotations

import html
import json
import re
from functools import partial

from . import i18n
from .analysis import Months
from .dataset import Dataset, Event, Settlement
from .mapfig import HOLDER_ORDER, HOLDER_STYLE, MAP_DIV_ID, PLOTLY_CONFIG

# Lists are capped so the page grows with settlements x months, not with the number of events
# (a conflict-event export can have tens of thousands); claims and confirmations come first.
MAX_MONTH_EVENTS = 12
MAX_TABLE_ROWS = 250
MAX_CHANGE_ROWS = 250
MAX_SOURCES = 400
SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def link(url: str, text: str) -> str:
    """An <a> only for http(s) URLs; anything else is shown as inert text."""
    if SAFE_URL.match(url or ""):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>'
    return esc(text)


def json_for_script(value: object) -> str:
    """JSON safe to place inside <script>: no '<', '>' or '&' can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def header(title: str, subtitle: str, meta: str) -> str:
    return (f'<header class="bk-header"><h1>{esc(title)}</h1>'
            f'<p class="bk-subtitle">{esc(subtitle)}</p><p class="bk-meta">{esc(meta)}</p></header>')


def article(dataset: Dataset, language: str, annotations: dict[str, str] | None = None) -> str:
    """The article by section; videos shown as references; ``annotations`` HTML per block id."""
    annotations = annotations or {}
    L = partial(i18n.label, language)
    parts = [f'<section class="bk-article" id="article" lang="{esc(language)}">',
             f'<h2>{esc(L("article"))}</h2><p class="bk-note">{esc(L("article_note"))}</p>']
    for section in dataset.sections():
        parts.append(f'<section class="bk-article-section" id="{esc(section[0].section_id)}">')
        for block in section:
            text = esc(block.text(language))
            anchor = f'id="{esc(block.block_id)}"'
            if block.kind == "title":
                parts.append(f'<h3 class="bk-article-title" {anchor}>{text}</h3>')
            elif block.kind == "heading":
                parts.append(f'<h3 {anchor}>{text}</h3>')
            elif block.kind == "video":
                parts.append(f'<p class="bk-video" {anchor}><span class="bk-video-tag">{esc(L("video"))} '
                             f'{esc(block.video_duration or "")}</span> {text}</p>')
            else:
                parts.append(f'<p {anchor}>{text}</p>')
            parts.append(annotations.get(block.block_id, ""))
        parts.append("</section>")
    parts.append("</section>")
    return "".join(parts)


def source_links(dataset: Dataset, event: Event) -> str:
    items = []
    for sid in event.sources:
        source = dataset.sources[sid]
        items.append(link(source.url, source.publisher))
    return ", ".join(items)


def settlement_names(dataset: Dataset, ids: tuple[str, ...]) -> str:
    return ", ".join(dataset.settlements[sid].name for sid in ids)


def event_by(event: Event) -> str:
    return event.statement_by or ""


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


def month_event_list(dataset: Dataset, months: Months, initial: str, language: str) -> str:
    """The period's events by month (capped per month); report.js shows only the selected month's."""
    L = partial(i18n.label, language)
    by_month: dict[str, list[Event]] = {m: [] for m in months.months}
    for event in dataset.events:
        if event.month in by_month:
            by_month[event.month].append(event)
    items = []
    for month, events in by_month.items():
        shown, left_out = shown_events(events, MAX_MONTH_EVENTS)
        items += [_month_item(dataset, e, initial, language, L) for e in shown]
        if left_out:
            hidden = "" if month == initial else " hidden"
            items.append(f'<li data-month="{month}" class="bk-more"{hidden}>{esc(L("more_events").format(n=left_out))}</li>')
    empty_hidden = " hidden" if by_month.get(initial) else ""
    return (f'<h3 id="bk-month-events-title">{esc(L("events_in_month"))}: '
            f'<span class="bk-month-name">{esc(i18n.month_name(language, initial))}</span></h3>'
            f'<ol class="bk-month-events" id="bk-month-events">{"".join(items)}</ol>'
            f'<p id="bk-no-events"{empty_hidden}>{esc(L("no_events"))}</p>')


def _month_item(dataset: Dataset, event: Event, initial: str, language: str, L) -> str:
    hidden = "" if event.month == initial else " hidden"
    return (f'<li data-month="{event.month}"{hidden}><time datetime="{event.date.isoformat()}">'
            f'{esc(i18n.format_date(language, event.date, event.date_precision))}</time> '
            f'<span class="bk-kind bk-kind-{esc(event.kind)}">{esc(L("kind")[event.kind])}</span> '
            f'{esc(event.title(language))} <span class="bk-sources">({source_links(dataset, event)})</span></li>')


def reach_list(months: Months, month: str, language: str, range_km: float) -> str:
    L = partial(i18n.label, language)
    rows = []
    for r in months.reach(month):
        inside = r.inside(range_km)
        rows.append(f'<li data-settlement="{esc(r.settlement.settlement_id)}" class="{"bk-in" if inside else "bk-out"}">'
                    f'<b>{esc(r.settlement.name)}</b>: {esc(i18n.format_km(language, r.km))} {esc(L("km_to"))} '
                    f'{esc(r.nearest.name)} — {esc(L("inside") if inside else L("outside"))}</li>')
    return "".join(rows)


def first_within_list(months: Months, language: str, range_km: float, min_population: int) -> str:
    L = partial(i18n.label, language)
    rows = []
    firsts = months.first_month_within(range_km, min_population)
    for s in months.settlements:
        if s.settlement_id not in firsts:
            continue
        if not any(months.holders(m)[s.settlement_id] == "UA" for m in months.months):
            continue
        month = firsts[s.settlement_id]
        when = i18n.month_name(language, month) if month else L("range_never")
        rows.append(f'<li data-settlement="{esc(s.settlement_id)}"><b>{esc(s.name)}</b> '
                    f'({esc(i18n.format_int(language, s.population))}): {esc(when)}</li>')
    return "".join(rows)


def preset_buttons(dataset: Dataset, language: str) -> str:
    """One button per range preset (data/range_presets.csv); report.js sets the range from it."""
    return "".join(f'<button type="button" class="bk-preset" data-km="{p.km:g}" title="{esc(p.label(language))}">'
                   f'{esc(p.label(language).split(" (")[0])} {p.km:g} km</button>' for p in dataset.presets)


def preset_sources(dataset: Dataset, language: str) -> str:
    """Where the preset ranges come from: '... 20–30 km (sources) ...'."""
    parts = []
    for p in dataset.presets:
        links = ", ".join(link(dataset.sources[sid].url, dataset.sources[sid].publisher) for sid in p.sources)
        parts.append(f"{esc(p.label(language))}: {p.low_km:g}–{p.high_km:g} km ({links})")
    lead = esc(i18n.label(language, "range_source"))
    return f"{lead} " + "; ".join(parts) + "."


def map_section(dataset: Dataset, months: Months, figure: dict, payload: dict, initial: str,
                focus: Settlement, language: str, basis: str, range_km: float, min_population: int) -> str:
    """The map with its month slider, play button, range input and the month's lists."""
    L = partial(i18n.label, language)
    index = months.months.index(initial)
    legend = "".join(
        f'<li><span class="bk-swatch bk-{h}" style="background:{HOLDER_STYLE[h]["color"]}"></span>'
        f'{esc(L("holder_" + h))}</li>' for h in HOLDER_ORDER)
    legend += (f'<li><span class="bk-swatch bk-focus"></span>{esc(L("focus"))}: {esc(focus.name)}</li>'
               f'<li><span class="bk-swatch bk-ring"></span>{esc(L("range"))}</li>')
    return f"""<section class="bk-map-section" id="map">
<h2>{esc(L("map"))}</h2>
<p class="bk-note">{esc(L("basis_" + basis))} {esc(L("month_rule"))}</p>
<div class="bk-controls">
<button type="button" id="bk-play" aria-pressed="false">{esc(L("play"))}</button>
<label for="bk-month">{esc(L("month"))}</label>
<input type="range" id="bk-month" min="0" max="{len(months.months) - 1}" step="1" value="{index}"
 aria-valuetext="{esc(i18n.month_name(language, initial))}">
<output id="bk-month-label" for="bk-month">{esc(i18n.month_name(language, initial))}</output>
<label for="bk-range">{esc(L("range"))}</label>
<input type="number" id="bk-range" min="1" max="200" step="1" value="{range_km:g}">
{preset_buttons(dataset, language)}
</div>
<p id="bk-summary" class="bk-summary" aria-live="polite">{esc(months.summary(initial, language))}</p>
<ul class="bk-legend">{legend}</ul>
<div id="{MAP_DIV_ID}" class="bk-map" style="height:{figure['layout']['height']}px"></div>
<script type="application/json" id="bk-figure">{json_for_script({"data": figure["data"], "layout": figure["layout"], "config": PLOTLY_CONFIG})}</script>
<script type="application/json" id="bk-data">{json_for_script(payload)}</script>
<div class="bk-columns">
<div>{month_event_list(dataset, months, initial, language)}</div>
<div><h3>{esc(L("range_list"))}</h3>
<p class="bk-note">{preset_sources(dataset, language)}</p>
<ol id="bk-reach" class="bk-reach">{reach_list(months, initial, language, range_km)}</ol>
<h3>{esc(L("range_first"))}</h3>
<ul id="bk-first-within" class="bk-first-within">{first_within_list(months, language, range_km, min_population)}</ul>
</div></div>
</section>"""


def events_table(dataset: Dataset, language: str, linked: frozenset[str] = frozenset()) -> str:
    """Every event with its sources; report.js makes it sortable and searchable."""
    L = partial(i18n.label, language)
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" data-sort="{i}">{esc(L(key))}</button></th>'
        for i, key in enumerate(("col_date", "col_settlements", "col_kind", "col_event", "col_by", "col_sources")))
    rows = []
    shown, left_out = shown_events(dataset.events, MAX_TABLE_ROWS, linked)
    for e in shown:
        rows.append(
            f'<tr id="{esc(e.event_id)}"><td data-sort-key="{e.date.isoformat()}">'
            f'{esc(i18n.format_date(language, e.date, e.date_precision))}</td>'
            f'<td>{esc(settlement_names(dataset, e.settlements))}</td>'
            f'<td>{esc(L("kind")[e.kind])}</td><td>{esc(e.title(language))}'
            + (f'<br><small>{esc(e.note)}</small>' if e.note else "")
            + f'</td><td>{esc(event_by(e))}</td><td>{source_links(dataset, e)}</td></tr>')
    return f"""<section class="bk-events" id="events">
<h2>{esc(L("events"))}</h2>
<p><label for="bk-search">{esc(L("search"))}</label>
<input type="search" id="bk-search" autocomplete="off">
<span id="bk-count" aria-live="polite">{len(rows)} {esc(L("rows_shown"))}</span></p>
{f'<p class="bk-note">{esc(L("table_capped").format(shown=len(rows), total=len(dataset.events)))}</p>' if left_out else ""}
<div class="bk-table-wrap"><table id="bk-events">
<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>
</section>"""


def sources_section(dataset: Dataset, language: str) -> str:
    L = partial(i18n.label, language)
    items = []
    ordered = sorted(dataset.sources.values(), key=lambda s: (s.publisher.casefold(), s.source_id))
    for s in ordered[:MAX_SOURCES]:
        date = f" ({esc(s.date_published)})" if s.date_published else ""
        items.append(f'<li id="src-{esc(s.source_id)}">{esc(s.publisher)}{date}: {link(s.url, s.title)}</li>')
    capped = (f'<p class="bk-note">{esc(L("list_capped").format(shown=len(items), total=len(ordered)))}</p>'
              if len(ordered) > len(items) else "")
    return (f'<section class="bk-sources-section" id="sources"><h2>{esc(L("sources"))}</h2>'
            f'<ol>{"".join(items)}</ol>{capped}</section>')


def claim_notes(dataset: Dataset, verdicts: list, language: str) -> dict[str, str]:
    """Per article block: the claims made there with their verdicts and evidence links."""
    from .claims import VERDICT_LABELS

    L = partial(i18n.label, language)
    by_block: dict[str, list[str]] = {}
    for v in verdicts:
        claim = v.claim
        text = claim.quote_nl if language == "nl" else claim.claim_en
        evidence = "".join(
            f' <a class="bk-evidence" href="#{esc(eid)}">{esc(L("evidence"))} {i + 1}</a>'
            for i, eid in enumerate(v.events))
        by_block.setdefault(claim.block_id, []).append(
            f'<li class="bk-claim bk-verdict-{esc(v.verdict)}" id="claim-{esc(claim.claim_id)}" '
            f'data-verdict="{esc(v.verdict)}"><span class="bk-badge">{esc(VERDICT_LABELS[language][v.verdict])}</span> '
            f'<q>{esc(text)}</q> — {esc(v.explanation(language))}{evidence}</li>')
    return {block: f'<aside class="bk-claims" aria-label="{esc(L("claim"))}"><ul>{"".join(items)}</ul></aside>'
            for block, items in by_block.items()}


def linked_events(changes: list, verdicts: list) -> frozenset[str]:
    """Event ids the page links to (claim evidence, the changes table): the event table keeps them."""
    ids = {eid for v in verdicts for eid in v.events}
    for c in changes[:MAX_CHANGE_ROWS]:
        ids |= {e.event_id for e in (c.first_claim, c.first_confirmation) if e is not None}
    return frozenset(ids)


def changes_table(dataset: Dataset, changes: list, language: str) -> str:
    """Every change of control with its first claim and first confirmation (who and when)."""
    L = partial(i18n.label, language)

    def statement(event, missing: str) -> str:
        if event is None:
            return f'<span class="bk-missing">{esc(missing)}</span>'
        return (f'<a href="#{esc(event.event_id)}">{esc(i18n.format_date(language, event.date, event.date_precision))}'
                f'</a>, {esc(event.statement_by or "")}')

    rows = []
    for c in changes[:MAX_CHANGE_ROWS]:
        rows.append(f'<tr><td>{esc(dataset.settlements[c.settlement_id].name)}</td>'
                    f'<td>{esc(c.holder_before)} → {esc(c.holder_after)}</td>'
                    f'<td>{statement(c.first_claim, L("no_claim"))}</td>'
                    f'<td>{statement(c.first_confirmation, L("not_confirmed"))}</td></tr>')
    head = "".join(f"<th scope=\"col\">{esc(L(k))}</th>" for k in ("col_settlement", "col_change", "col_claim",
                                                                   "col_confirmation"))
    capped = (f'<p class="bk-note">{esc(L("list_capped").format(shown=len(rows), total=len(changes)))}</p>'
              if len(changes) > len(rows) else "")
    return (f'<h3>{esc(L("changes"))}</h3><div class="bk-table-wrap"><table class="bk-changes">'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{capped}')


def method_section(dataset: Dataset, changes: list, language: str, basis: str) -> str:
    L = partial(i18n.label, language)
    return (f'<section class="bk-method" id="method"><h2>{esc(L("method"))}</h2>'
            f'<p>{esc(L("method_text"))}</p><p>{esc(L("basis_" + basis))} {esc(L("month_rule"))}</p>'
            f'{changes_table(dataset, changes, language)}</section>')


def citation(language: str, version: str, data_version: str, stamp: str) -> str:
    L = partial(i18n.label, language)
    return (f'<section class="bk-cite" id="cite"><h2>{esc(L("how_to_cite"))}</h2>'
            f'<p>{esc(L("cite_text").format(version=version, data=data_version))}</p>'
            f'<p class="bk-meta">{esc(stamp)}</p></section>')
