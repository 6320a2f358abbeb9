"""The article's factual claims, each checked against the data with the report's parameters.

``data/article_claims.csv`` ties every claim to its paragraph and names a check
below with its arguments. A check returns a ``Verdict``: a verdict kind, a
message id with its arguments (facts: names, dates, numbers; the sentence is
written by ``present.i18n`` in the reader's language) and the evidence (event
ids) it used. Change the data or the parameters and the verdicts follow;
nothing here is typed by hand.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..model.calendar import month_end, month_of
from ..model.changes import ControlChange, effective_changes
from ..model.dataset import Dataset
from ..model.geo import distance_km
from ..model.records import Claim, Event, Settlement
from ..model.vocabulary import (
    CONTRADICTED,
    DISPUTED,
    NOT_CHECKABLE,
    PARTLY_SUPPORTED,
    SUPPORTED,
    Basis,
    CheckName,
    VerdictKind,
)
from .control import Step, state_on, timelines

RECENT_DAYS = 45  # "recently", "last week", "this week": within this many days before the article's month ends
SECTORS = ("N", "E", "S", "W")  # the compass quarters a "side" of a city is


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict, as facts: the sentence is the catalogue's ``message`` filled with ``args``."""

    claim: Claim
    verdict: VerdictKind
    message: str
    args: dict[str, Any] = field(default_factory=dict)
    events: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()  # the report parameters (thresholds) the verdict depends on
    no_evidence: str | None = None  # message id saying why no event is cited, when none is


@dataclass
class Context:
    """What a check may use: the data, the parameters and the article's date."""

    dataset: Dataset
    params: dict

    @property
    def basis(self) -> Basis:
        return self.params["control_basis"]

    @property
    def article_end(self) -> dt.date:
        return month_end(self.dataset.article_month)

    def settlement(self, sid: str) -> Settlement:
        return self.dataset.settlements[sid]

    def step(self, sid: str, day: dt.date) -> Step:
        return state_on(timelines(self.dataset, self.basis)[sid], day)

    @cached_property
    def changes(self) -> list[ControlChange]:
        """Changes that show on this basis."""
        return effective_changes(self.dataset, self.basis)

    def effective(self, change: ControlChange) -> dt.date:
        day = change.takes_effect(self.basis)
        assert day is not None, "Context.changes holds only changes that take effect"
        return day

    def captures(self, side: str, min_population: int) -> list[ControlChange]:
        """Changes won by ``side`` of settlements at least ``min_population`` big, by effective date."""
        won = [
            c
            for c in self.changes
            if c.holder_after == side and self.settlement(c.settlement_id).population >= min_population
        ]
        return sorted(won, key=lambda c: (self.effective(c), c.change_id))

    def first_capture(self, sid: str, side: str = "RU") -> ControlChange | None:
        return next((c for c in self.changes if c.settlement_id == sid and c.holder_after == side), None)

    def recent(self, kind: str, by: str = "", settlement: str = "", days: int = RECENT_DAYS) -> list[Event]:
        start = self.article_end - dt.timedelta(days=days)
        return [
            e
            for e in self.dataset.events
            if e.kind == kind
            and start <= e.date <= self.article_end
            and by.casefold() in (e.statement_by or "").casefold()
            and (not settlement or settlement in e.settlements)
        ]

    def causes(self, changes: list[ControlChange] | tuple[ControlChange, ...]) -> list[str]:
        return [e.event_id for c in changes for e in (c.cause(self.basis),) if e]


def check_fighting_longer_than(ctx: Context, claim: Claim) -> Verdict:
    sid, months = claim.arguments["settlement"], int(claim.arguments["months"])
    starts = [e for e in ctx.dataset.events_for(sid) if e.kind == "battle_start"]
    if not starts:
        return Verdict(claim, NOT_CHECKABLE, "fighting_longer_than.no_start")
    start = starts[0]
    days = (ctx.article_end - start.date).days
    verdict = SUPPORTED if days >= months * 30.4 else CONTRADICTED
    return Verdict(claim, verdict, "fighting_longer_than.began", {"start": start.date, "days": days}, (start.event_id,))


def check_holder_at_article(ctx: Context, claim: Claim) -> Verdict:
    sid, expected = claim.arguments["settlement"], claim.arguments["holder"]
    step = ctx.step(sid, ctx.article_end)
    message = "holder_at_article.held_contested" if step.holder == "contested" else "holder_at_article.held"
    events = (step.event.event_id,) if step.event else ()
    return Verdict(
        claim,
        SUPPORTED if step.controller == expected else CONTRADICTED,
        message,
        {"settlement": ctx.settlement(sid).name, "holder": step.controller},
        events,
    )


def check_contested_at_article(ctx: Context, claim: Claim) -> Verdict:
    sid = claim.arguments["settlement"]
    step = ctx.step(sid, ctx.article_end)
    args = {"settlement": ctx.settlement(sid).name, "since": step.date}
    events = (step.event.event_id,) if step.event else ()
    if step.holder == "contested":
        return Verdict(claim, SUPPORTED, "contested_at_article.fighting", args, events)
    return Verdict(claim, CONTRADICTED, "contested_at_article.none", args, events)


def check_last_big_cities(ctx: Context, claim: Claim) -> Verdict:
    oblast, expected = claim.arguments["oblast"], set(claim.arguments["cities"].split("|"))
    threshold = ctx.params["big_city_population"]
    held = {
        s.name
        for s in ctx.dataset.settlements.values()
        if s.oblast == oblast
        and s.population >= threshold
        and ctx.step(s.settlement_id, ctx.article_end).controller == "UA"
    }
    return Verdict(
        claim,
        SUPPORTED if held == expected else CONTRADICTED,
        "last_big_cities.held",
        {"oblast": oblast, "population": threshold, "places": sorted(held)},
        parameters=("big_city_population",),
        no_evidence="evidence.holders_and_populations",
    )


def check_artillery_reach_after_fall(ctx: Context, claim: Claim) -> Verdict:
    sid, advance = claim.arguments["settlement"], float(claim.arguments["advance_km"])
    range_km = ctx.params["artillery_range_km"]
    fall = ctx.first_capture(sid)
    if fall is None:
        return Verdict(claim, NOT_CHECKABLE, "artillery_reach_after_fall.no_fall")
    lines = timelines(ctx.dataset, ctx.basis)
    day = ctx.effective(fall)
    russian = [
        s
        for s in ctx.dataset.settlements.values()
        if state_on(lines[s.settlement_id], day).holder in ("RU", "contested")
    ]
    gaps, ok = [], True
    for target in (ctx.settlement(t) for t in claim.arguments["cities"].split("|")):
        near = min(russian, key=lambda r: distance_km(target.lat, target.lon, r.lat, r.lon))
        km = distance_km(target.lat, target.lon, near.lat, near.lon)
        ok = ok and km - range_km <= advance
        gaps.append({"place": target.name, "km": km, "nearest": near.name})
    return Verdict(
        claim,
        SUPPORTED if ok else CONTRADICTED,
        "artillery_reach_after_fall.gaps",
        {"gaps": gaps, "range": range_km, "advance": advance},
        tuple(ctx.causes([fall])),
        parameters=("artillery_range_km",),
    )


def check_captured_in(ctx: Context, claim: Claim) -> Verdict:
    sid, month, side = claim.arguments["settlement"], claim.arguments["month"], claim.arguments["side"]
    name = ctx.settlement(sid).name
    hits = [c for c in ctx.changes if c.settlement_id == sid and c.holder_after == side]
    when = [c for c in hits if month_of(ctx.effective(c)) == month]
    if when or hits:
        change = (when or hits)[0]
        args = {"settlement": name, "date": ctx.effective(change), "month": month}
        events = tuple(e.event_id for e in change.statements)
        if when:
            return Verdict(claim, SUPPORTED, "captured_in.changes_hands", args, events)
        return Verdict(claim, CONTRADICTED, "captured_in.other_month", args, events)
    return Verdict(claim, CONTRADICTED, "captured_in.no_capture", {"settlement": name})


@dataclass(frozen=True)
class Window:
    """Captures of places of victory size by one side between two Russian captures."""

    start: dt.date
    end: dt.date
    edges: tuple[ControlChange, ControlChange]
    captures: list[ControlChange]


def _window(ctx: Context, claim: Claim, side: str) -> Window | Verdict:
    """Captures by ``side`` of places of victory size between the Russian captures of ``after`` and ``before``.

    A victory is dated by its announcement (the change's first claim or confirmation: the day it was
    celebrated) and counts if it shows on the map's basis; a capture announced before the window and
    confirmed inside it is not a victory of that period.
    """
    first, second = ctx.first_capture(claim.arguments["after"]), ctx.first_capture(claim.arguments["before"])
    if not first or not second:
        return Verdict(claim, CONTRADICTED, "window.missing_capture")
    start, end = first.first_statement.date, second.first_statement.date
    inside = [c for c in ctx.captures(side, ctx.params["victory_population"]) if start < c.first_statement.date < end]
    return Window(start, end, (first, second), inside)


def check_no_victories_between(ctx: Context, claim: Claim) -> Verdict:
    """``side`` won no place of victory size between two Russian captures.

    Captures smaller than the place that ends the window (the article's own "small victory",
    Soledar) make the claim partly supported: the gist holds, the letter does not.
    """
    side = claim.arguments["side"]
    window = _window(ctx, claim, side)
    if isinstance(window, Verdict):
        return window
    closing = ctx.settlement(window.edges[1].settlement_id)
    places = [ctx.settlement(c.settlement_id) for c in window.captures]
    args = {
        "side": side,
        "population": ctx.params["victory_population"],
        "start": window.start,
        "end": window.end,
        "places": [{"name": s.name, "population": s.population} for s in places],
        "closing": closing.name,
        "closing_population": closing.population,
    }
    parameters = ("victory_population",)
    if not window.captures:
        return Verdict(claim, SUPPORTED, "no_victories_between.none", args, tuple(ctx.causes(window.edges)), parameters)
    smaller = all(s.population < closing.population for s in places)
    return Verdict(
        claim,
        PARTLY_SUPPORTED if smaller else CONTRADICTED,
        "no_victories_between.smaller" if smaller else "no_victories_between.captures",
        args,
        tuple(ctx.causes(window.captures)),
        parameters,
    )


def check_victories_between(ctx: Context, claim: Claim) -> Verdict:
    """``side`` won at least one place between the two Russian captures; with ``only``, and nobody else did."""
    side = claim.arguments["side"]
    window = _window(ctx, claim, side)
    if isinstance(window, Verdict):
        return window
    places = [ctx.settlement(c.settlement_id).name for c in window.captures]
    other = _window(ctx, claim, "RU" if side == "UA" else "UA")
    rivals = other.captures if isinstance(other, Window) and claim.arguments.get("only") else []
    args = {
        "side": side,
        "places": places,
        "rival_places": [ctx.settlement(c.settlement_id).name for c in rivals],
        "population": ctx.params["victory_population"],
    }
    events = tuple(ctx.causes(window.captures + rivals))
    parameters = ("victory_population",)
    if not window.captures:
        return Verdict(claim, CONTRADICTED, "victories_between.recaptures", args, events, parameters)
    if rivals:
        return Verdict(claim, PARTLY_SUPPORTED, "victories_between.not_only", args, events, parameters)
    return Verdict(claim, SUPPORTED, "victories_between.recaptures", args, events, parameters)


def compass_sector(centre: Settlement, other: Settlement) -> str:
    """N, E, S or W: the quarter of the compass ``other`` lies in, seen from ``centre``."""
    dy = other.lat - centre.lat
    dx = (other.lon - centre.lon) * math.cos(math.radians(centre.lat))
    bearing = (math.degrees(math.atan2(dx, dy)) + 360) % 360
    return SECTORS[int(((bearing + 45) % 360) // 90)]


def check_surrounded_sides(ctx: Context, claim: Claim) -> Verdict:
    """How many of the four compass sectors hold a Russian-held or contested place within the radius."""
    sid = claim.arguments["settlement"]
    radius, sides = float(claim.arguments["radius_km"]), int(claim.arguments["sides"])
    centre = ctx.settlement(sid)
    sectors: dict[str, list[str]] = {}
    causes: list[str] = []
    for s in ctx.dataset.settlements.values():
        step = ctx.step(s.settlement_id, ctx.article_end)
        if s.settlement_id == sid or step.holder == "UA":
            continue
        if distance_km(centre.lat, centre.lon, s.lat, s.lon) <= radius:
            sectors.setdefault(compass_sector(centre, s), []).append(s.name)
            if step.event is not None:
                causes.append(step.event.event_id)
    by_sector = {k: sorted(sectors[k]) for k in SECTORS if k in sectors}
    return Verdict(
        claim,
        SUPPORTED if len(sectors) >= sides else CONTRADICTED,
        "surrounded_sides.sectors",
        {"radius": radius, "sectors": by_sector},
        tuple(sorted(causes)),
        no_evidence="evidence.holders_from_start",
    )


def check_reported(ctx: Context, claim: Claim) -> Verdict:
    """A statement the article reports: is it in the data, recently, by that speaker? Is it disputed?"""
    args = claim.arguments
    found = ctx.recent(args["kind"], args.get("by", ""), args.get("settlement", ""), int(args.get("days", RECENT_DAYS)))
    weekday = args.get("weekday")
    if weekday:
        found = [e for e in found if e.date.strftime("%A") == weekday]
    if not found:
        return Verdict(claim, CONTRADICTED, "reported.none", no_evidence="evidence.not_recorded")
    first = found[0]
    counter = [e for f in found for e in ctx.dataset.disputed_by.get(f.event_id, [])]
    evidence = tuple(dict.fromkeys(e.event_id for e in found + counter))
    if counter:
        return Verdict(
            claim,
            DISPUTED,
            "reported.disputed",
            {
                "event": first,
                "date": first.date,
                "by": first.statement_by or "",
                "counter": counter[0],
                "counter_date": counter[0].date,
                "counter_by": counter[0].statement_by or "",
            },
            evidence,
        )
    return Verdict(claim, SUPPORTED, "reported.recorded", {"event": first, "date": first.date}, evidence)


def check_not_checkable(ctx: Context, claim: Claim) -> Verdict:
    return Verdict(
        claim,
        NOT_CHECKABLE,
        "not_checkable.why",
        {"why_en": claim.arguments.get("why_en", ""), "why_nl": claim.arguments.get("why_nl", "")},
        no_evidence="not_checkable.why",
    )


CHECKS: dict[CheckName, Callable[[Context, Claim], Verdict]] = {
    "fighting_longer_than": check_fighting_longer_than,
    "holder_at_article": check_holder_at_article,
    "contested_at_article": check_contested_at_article,
    "last_big_cities": check_last_big_cities,
    "artillery_reach_after_fall": check_artillery_reach_after_fall,
    "captured_in": check_captured_in,
    "no_victories_between": check_no_victories_between,
    "victories_between": check_victories_between,
    "surrounded_sides": check_surrounded_sides,
    "reported": check_reported,
    "not_checkable": check_not_checkable,
}


def verdicts(dataset: Dataset, params: dict) -> list[Verdict]:
    ctx = Context(dataset, params)
    return [CHECKS[claim.check](ctx, claim) for claim in dataset.claims]
