"""Story first: the lead computed from the data, the article beside the sticky map, the key months.

The lead says, in the reader's language, how long Bakhmut was fought over, who held it in the
article's month and what fell around it. The story block lays the article (with its claims and the
map tools) beside a map panel that stays in view: each article block carries the month it is about
(``data-month``), and report.js moves the map there as the block comes into view.
"""

from __future__ import annotations

from markupsafe import Markup

from ..derive.claims import Verdict
from ..derive.control import state_on, timelines
from ..derive.periods import Months
from ..model.calendar import month_end
from ..model.changes import effective_changes
from ..model.dataset import Dataset
from ..model.geo import distance_km
from ..model.records import Settlement
from ..model.vocabulary import DATA_WINDOW, MapState
from . import mapfig, sections, svgmap
from .html import render
from .i18n import Texts
from .styles import HOLDER_ORDER, HOLDER_STYLE, MAP_DIV_ID

AROUND_KM = 30  # "around it": the places within this distance of the focus
KEY_MONTHS = 4  # the big changes shown besides the article's month


def lead(dataset: Dataset, months: Months, focus: Settlement, params: dict, t: Texts) -> list[str]:
    """Two or three sentences from the data: the battle's length, the article's month, what fell around it."""
    basis = params["control_basis"]
    out = []
    start = next((e for e in dataset.events_for(focus.settlement_id) if e.kind == "battle_start"), None)
    fall = next(
        (
            c
            for c in effective_changes(dataset, basis)
            if c.settlement_id == focus.settlement_id and c.holder_after == "RU"
        ),
        None,
    )
    fall_day = fall.takes_effect(basis) if fall else None
    if start and fall_day:
        days = (fall_day - start.date).days
        out.append(
            t.message(
                "lead.battle",
                {"place": focus.name, "start": start.date, "end": fall_day, "months": round(days / 30.44)},
            )
        )
    article_month = dataset.article_month
    step = state_on(timelines(dataset, basis)[focus.settlement_id], month_end(article_month))
    out.append(
        t.message(
            "lead.article_contested" if step.holder == "contested" else "lead.article_held",
            {"place": focus.name, "month": article_month, "holder": step.controller, "since": step.date},
        )
    )
    if start and fall_day:
        fallen = []
        for change in effective_changes(dataset, basis):
            day = change.takes_effect(basis)
            place = dataset.settlements[change.settlement_id]
            near = distance_km(focus.lat, focus.lon, place.lat, place.lon) <= AROUND_KM
            if (
                change.holder_after == "RU"
                and day
                and start.date <= day < fall_day
                and near
                and place.settlement_id != focus.settlement_id
            ):
                fallen.append(place)
        biggest = sorted(fallen, key=lambda s: -s.population)[:4]
        if fallen:
            out.append(
                t.message(
                    "lead.around",
                    {"count": len(fallen), "km": AROUND_KM, "place": focus.name, "places": [s.name for s in biggest]},
                )
            )
    return out


def key_month_list(months: Months, article_month: str) -> list[str]:
    """The article's month and the months in which the most people's places changed hands, in order."""
    weight: dict[str, int] = {}
    for previous, month in zip(months.months, months.months[1:], strict=False):
        before, after = months.holders(previous), months.holders(month)
        weight[month] = sum(s.population for s in months.in_scope if before[s.settlement_id] != after[s.settlement_id])
    big = sorted((m for m in weight if weight[m]), key=lambda m: (-weight[m], m))[:KEY_MONTHS]
    chosen = set(big) | ({article_month} if article_month in months.months else set())
    return sorted(chosen)


def _tick(month: str, t: Texts, first: bool) -> str:
    """The strip's ticks: the year at January (and at the first month), the month's short name each quarter."""
    if month.endswith("-01") or first:
        return month[:4]
    return t.month_short(month) if month[5:] in ("04", "07", "10") else ""


def month_counts(months: Months, month: str) -> tuple[dict[MapState, int], dict[MapState, int]]:
    """The number and the pre-war population of the theatre's places per state at the end of ``month``."""
    holders = months.holders(month)
    scope = months.in_scope
    counts = {h: sum(holders[s.settlement_id] == h for s in scope) for h in HOLDER_ORDER}
    people = {h: sum(s.population for s in scope if holders[s.settlement_id] == h) for h in HOLDER_ORDER}
    return counts, people


def month_count_label(months: Months, month: str, t: Texts) -> str:
    """'maart 2023: 51 plaatsen Oekraïens, 4 betwist, 31 Russisch (…inwoners)'."""
    counts, people = month_counts(months, month)
    return t.message(
        "timeline.month",
        {
            "month": month,
            "ua": counts["UA"],
            "ru": counts["RU"],
            "contested": counts["contested"],
            "ua_people": people["UA"],
            "ru_people": people["RU"],
            "contested_people": people["contested"],
        },
    )


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1)


def timeline(months: Months, t: Texts, key: list[str], article_month: str, initial: str) -> list[dict]:
    """Per month: the count and pre-war population of places per state, for the strip under the slider."""
    out = []
    total = max(1, len(months.in_scope))
    for month in months.months:
        counts, _ = month_counts(months, month)
        out.append(
            {
                "month": month,
                "name": t.month(month),
                "short": _tick(month, t, first=month == months.months[0]),
                # where the stacked bar's colours change (top down: RU, contested, UA), in % of its height
                "stops": (_share(counts["RU"], total), _share(counts["RU"] + counts["contested"], total)),
                "label": month_count_label(months, month, t),
                "key": month in key,
                "article": month == article_month,
                "current": month == initial,
            }
        )
    return out


def story(
    dataset: Dataset,
    months: Months,
    layout: mapfig.MapLayout,
    verdicts: list[Verdict],
    p: dict,
    t: Texts,
    header: Markup,
) -> Markup:
    """The header and the article (with claims and map tools) beside the sticky map panel."""
    initial = p["initial_month"]
    figure = mapfig.figure(months, initial, layout, t, p["artillery_range_km"])
    payload = mapfig.payload(months, layout, t, p["artillery_range_km"])
    summary = mapfig.month_summary(months, initial, t)
    title = t.label("map_title")
    wide, narrow = layout.wide, layout.narrow
    svgs = [
        svgmap.map_svg(
            months,
            initial,
            figure,
            wide,
            layout.labels(wide),
            base=svgmap.base_svg(dataset, wide, figure, f"{mapfig.SCALE_KM} km"),
            title=title,
            description=summary,
            element_id="bk-svg-wide",
            css_class="bk-first-paint bk-wide",
        ),
        svgmap.crop_svg(
            wide,
            narrow,
            title=title,
            description=summary,
            element_id="bk-svg-narrow",
            source_id="bk-svg-wide",
            css_class="bk-first-paint bk-narrow",
        ),
    ]
    notes = sections.claim_notes(verdicts, t, p)
    key = key_month_list(months, dataset.article_month)
    blocks_month = {b.block_id: b.month for b in dataset.article}
    page_figure = mapfig.page_figure(figure, t)
    return render(
        "story.html.j2",
        t=t,
        header=header,
        sections_=dataset.sections(),
        annotations=notes,
        blocks_month=blocks_month,
        months=months,
        initial=initial,
        index=months.months.index(initial),
        month_count=len(months.months),
        summary=summary,
        svgs=svgs,
        map_div_id=MAP_DIV_ID,
        figure=page_figure,
        payload=payload,
        timeline=timeline(months, t, key, dataset.article_month, initial),
        styles=HOLDER_STYLE,
        holders=HOLDER_ORDER,
        basis=p["control_basis"],
        focus=layout.focus,
        month_events=sections.month_event_list(dataset, months, initial, t),
        tools=sections.map_tools(dataset, months, t, p, layout.focus, layout.outside, initial),
        range_km=p["artillery_range_km"],
        window=DATA_WINDOW,
        aspect=round(wide.height / wide.width, 4),
    )


def key_months(
    dataset: Dataset, months: Months, layout: mapfig.MapLayout, p: dict, t: Texts
) -> tuple[Markup, list[str]]:
    """Small multiples (inline SVG, base and marker shapes reused) of the key months, for print."""
    key = key_month_list(months, dataset.article_month)
    named = frozenset(sid for sid, tier in layout.tiers.items() if tier <= 1)
    drawings = []
    for month in key:
        # counts and the contested places: the full lists are in the page's month summary, not 5 times over
        contested = ", ".join(months.names_by_state(month)["contested"]) or t.label("none")
        summary = f"{month_count_label(months, month, t)}; {t.label('summary_contested')}: {contested}."
        svg = svgmap.small_svg(
            months,
            month,
            layout.wide,
            layout.labels(layout.wide),
            named,
            title=t.month(month),
            description=summary,
            element_id=f"bk-key-{month}",
        )
        drawings.append({"month": month, "name": t.month(month), "svg": svg, "article": month == dataset.article_month})
    return render("key_months.html.j2", t=t, drawings=drawings), key
