"""The article's factual claims, each checked against the data with the report's parameters.

``data/article_claims.csv`` ties every claim to its paragraph and names a check
below with its arguments. A check returns a ``Verdict``: supported,
contradicted or not checkable from this data, with the evidence (event ids,
settlement states) it used. Change the data or the parameters and the verdicts
follow; nothing here is typed by hand.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable

from . import i18n
from .control import ControlChange, control_changes, month_end, state_on, timelines
from .dataset import Dataset, Event
from .geo import distance_km

SUPPORTED, CONTRADICTED, NOT_CHECKABLE = "supported", "contradicted", "not_checkable"
VERDICT_LABELS = {
    "nl": {SUPPORTED: "klopt volgens de data", CONTRADICTED: "klopt niet volgens de data",
           NOT_CHECKABLE: "niet te controleren met deze data"},
    "en": {SUPPORTED: "supported by the data", CONTRADICTED: "contradicted by the data",
           NOT_CHECKABLE: "not checkable from this data"},
}
RECENT_DAYS = 45  # "recently", "last week", "this week": within this many days before the article's month ends


@dataclass(frozen=True)
class Claim:
    claim_id: str
    block_id: str
    quote_nl: str
    claim_en: str
    check: str
    arguments: dict[str, str]
    line: int


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    verdict: str
    explanation_en: str
    explanation_nl: str
    events: tuple[str, ...] = ()

    def explanation(self, language: str) -> str:
        return self.explanation_nl if language == "nl" else self.explanation_en


@dataclass
class Context:
    """What a check may use: the data, the parameters and the article's date."""

    dataset: Dataset
    params: dict

    @property
    def basis(self) -> str:
        return self.params["control_basis"]

    @property
    def article_end(self) -> dt.date:
        return month_end(self.dataset.descriptor_article_month)

    def settlement(self, sid: str):
        return self.dataset.settlements[sid]

    def step(self, sid: str, day: dt.date):
        return state_on(timelines(self.dataset, self.basis)[sid], day)

    def changes(self) -> list[ControlChange]:
        """Changes that show on this basis (computed once per context)."""
        if not hasattr(self, "_changes"):
            self._changes = [c for c in control_changes(self.dataset) if c.takes_effect(self.basis)]
        return self._changes

    def captures(self, side: str, min_population: int) -> list[ControlChange]:
        """Changes won by ``side`` of settlements at least ``min_population`` big, by effective date."""
        won = [c for c in self.changes() if c.holder_after == side
               and self.settlement(c.settlement_id).population >= min_population]
        return sorted(won, key=lambda c: (c.takes_effect(self.basis), c.change_id))

    def recent(self, kind: str, by: str = "", settlement: str = "", days: int = RECENT_DAYS) -> list[Event]:
        start = self.article_end - dt.timedelta(days=days)
        return [e for e in self.dataset.events if e.kind == kind and start <= e.date <= self.article_end
                and by.casefold() in (e.statement_by or "").casefold()
                and (not settlement or settlement in e.settlements)]


def _v(claim, verdict, en, nl, events=()):
    return Verdict(claim, verdict, en, nl, tuple(events))


def _fmt(day: dt.date, language: str) -> str:
    return i18n.format_date(language, day)


def check_fighting_longer_than(ctx: Context, claim: Claim) -> Verdict:
    sid, months = claim.arguments["settlement"], int(claim.arguments["months"])
    starts = [e for e in ctx.dataset.events_for(sid) if e.kind == "battle_start"]
    if not starts:
        return _v(claim, NOT_CHECKABLE, "No battle start is recorded for this place.",
                  "Er is geen begin van de strijd vastgelegd voor deze plaats.")
    start = starts[0]
    days = (ctx.article_end - start.date).days
    verdict = SUPPORTED if days >= months * 30.4 else CONTRADICTED
    return _v(claim, verdict,
              f"The battle began on {_fmt(start.date, 'en')}: {days} days before the end of the article's month.",
              f"De strijd begon op {_fmt(start.date, 'nl')}: {days} dagen voor het eind van de maand van het artikel.",
              [start.event_id])


def check_holder_at_article(ctx: Context, claim: Claim) -> Verdict:
    sid, expected = claim.arguments["settlement"], claim.arguments["holder"]
    step = ctx.step(sid, ctx.article_end)
    name = ctx.settlement(sid).name
    ok = step.controller == expected
    events = [step.event.event_id] if step.event else []
    state_en = {"UA": "Ukraine", "RU": "Russia"}[step.controller]
    state_nl = {"UA": "Oekraïne", "RU": "Rusland"}[step.controller]
    extra_en = " (with fighting inside)" if step.holder == "contested" else ""
    extra_nl = " (met gevechten in de stad)" if step.holder == "contested" else ""
    return _v(claim, SUPPORTED if ok else CONTRADICTED,
              f"At the end of the article's month {name} is held by {state_en}{extra_en}.",
              f"Aan het eind van de maand van het artikel is {name} in handen van {state_nl}{extra_nl}.", events)


def check_contested_at_article(ctx: Context, claim: Claim) -> Verdict:
    sid = claim.arguments["settlement"]
    step = ctx.step(sid, ctx.article_end)
    name = ctx.settlement(sid).name
    events = [step.event.event_id] if step.event else []
    if step.holder == "contested":
        return _v(claim, SUPPORTED, f"Fighting inside {name} is recorded from {_fmt(step.date, 'en')}.",
                  f"Gevechten in {name} zijn vastgelegd vanaf {_fmt(step.date, 'nl')}.", events)
    return _v(claim, CONTRADICTED, f"The data records no fighting inside {name} at the time.",
              f"De data leggen op dat moment geen gevechten in {name} vast.", events)


def check_last_big_cities(ctx: Context, claim: Claim) -> Verdict:
    oblast, expected = claim.arguments["oblast"], set(claim.arguments["cities"].split("|"))
    threshold = ctx.params["big_city_population"]
    held = {s.name for s in ctx.dataset.settlements.values()
            if s.oblast == oblast and s.population >= threshold
            and ctx.step(s.settlement_id, ctx.article_end).controller == "UA"}
    listing = ", ".join(sorted(held)) or "-"
    pop_en, pop_nl = i18n.format_int("en", threshold), i18n.format_int("nl", threshold)
    return _v(claim, SUPPORTED if held == expected else CONTRADICTED,
              f"Ukrainian-held places in {oblast} oblast with at least {pop_en} inhabitants: {listing}.",
              f"Oekraïense plaatsen in de oblast {oblast} met minstens {pop_nl} inwoners: {listing}.")


def check_artillery_reach_after_fall(ctx: Context, claim: Claim) -> Verdict:
    sid, advance = claim.arguments["settlement"], float(claim.arguments["advance_km"])
    targets = claim.arguments["cities"].split("|")
    range_km = ctx.params["artillery_range_km"]
    fall = next((c for c in ctx.changes() if c.settlement_id == sid and c.holder_after == "RU"), None)
    if fall is None:
        return _v(claim, NOT_CHECKABLE, "The data has no fall of the city to measure from.",
                  "De data bevatten geen val van de stad om vanaf te meten.")
    day = fall.takes_effect(ctx.basis)
    lines = timelines(ctx.dataset, ctx.basis)
    russian = [s for s in ctx.dataset.settlements.values()
               if state_on(lines[s.settlement_id], day).holder in ("RU", "contested")]
    gaps_en, gaps_nl, ok = [], [], True
    for sid_t in targets:
        t = ctx.settlement(sid_t)
        near = min(russian, key=lambda r: distance_km(t.lat, t.lon, r.lat, r.lon))
        km = distance_km(t.lat, t.lon, near.lat, near.lon)
        ok = ok and km - range_km <= advance
        gaps_en.append(f"{t.name} {i18n.format_km('en', km)} km from {near.name}")
        gaps_nl.append(f"{t.name} {i18n.format_km('nl', km)} km van {near.name}")
    return _v(claim, SUPPORTED if ok else CONTRADICTED,
              f"After the fall: {'; '.join(gaps_en)}; range {range_km:g} km, an advance of up to "
              f"{advance:g} km counts as 'a little further'.",
              f"Na de val: {'; '.join(gaps_nl)}; bereik {i18n.format_km('nl', range_km)} km, een opmars van "
              f"hooguit {advance:g} km telt als 'iets verder'.", [e.event_id for e in (fall.cause(ctx.basis),) if e])


def check_captured_in(ctx: Context, claim: Claim) -> Verdict:
    sid, month, side = claim.arguments["settlement"], claim.arguments["month"], claim.arguments["side"]
    name = ctx.settlement(sid).name
    hits = [c for c in ctx.changes() if c.settlement_id == sid and c.holder_after == side]
    when = [c for c in hits if c.takes_effect(ctx.basis).strftime("%Y-%m") == month]
    if when:
        c = when[0]
        return _v(claim, SUPPORTED, f"{name} changes hands on {_fmt(c.takes_effect(ctx.basis), 'en')}.",
                  f"{name} wisselt van handen op {_fmt(c.takes_effect(ctx.basis), 'nl')}.",
                  [e.event_id for e in c.claims + c.confirmations])
    if hits:
        c = hits[0]
        return _v(claim, CONTRADICTED, f"{name} changes hands on {_fmt(c.takes_effect(ctx.basis), 'en')}, not in {month}.",
                  f"{name} wisselt van handen op {_fmt(c.takes_effect(ctx.basis), 'nl')}, niet in {month}.",
                  [e.event_id for e in c.claims + c.confirmations])
    return _v(claim, CONTRADICTED, f"The data records no capture of {name}.",
              f"De data bevatten geen verovering van {name}.")


@dataclass(frozen=True)
class Window:
    """Captures of places of victory size by one side between two Russian captures."""

    start: dt.date
    end: dt.date
    edges: tuple[ControlChange, ControlChange]
    captures: list[ControlChange]


def _window(ctx: Context, claim: Claim) -> Window | Verdict:
    def russian_capture(sid):
        return next((c for c in ctx.changes() if c.settlement_id == sid and c.holder_after == "RU"), None)

    first, second = russian_capture(claim.arguments["after"]), russian_capture(claim.arguments["before"])
    if not first or not second:
        return _v(claim, CONTRADICTED, "One of the two captures the claim relies on is not in the data.",
                  "Een van de twee veroveringen waar de bewering op steunt, staat niet in de data.")
    start, end = first.takes_effect(ctx.basis), second.takes_effect(ctx.basis)
    inside = [c for c in ctx.captures(claim.arguments["side"], ctx.params["victory_population"])
              if start < c.takes_effect(ctx.basis) < end]
    return Window(start, end, (first, second), inside)


def _causes(ctx: Context, changes) -> list[str]:
    return [e.event_id for c in changes for e in (c.cause(ctx.basis),) if e]


def check_no_victories_between(ctx: Context, claim: Claim) -> Verdict:
    """``side`` won no place of victory size between two Russian captures."""
    window = _window(ctx, claim)
    if isinstance(window, Verdict):
        return window
    side, threshold = claim.arguments["side"], ctx.params["victory_population"]
    names = ", ".join(ctx.settlement(c.settlement_id).name for c in window.captures)
    span_en = f"between {_fmt(window.start, 'en')} and {_fmt(window.end, 'en')}"
    span_nl = f"tussen {_fmt(window.start, 'nl')} en {_fmt(window.end, 'nl')}"
    who_en = {"RU": "Russian", "UA": "Ukrainian"}[side]
    who_nl = {"RU": "Russische", "UA": "Oekraïense"}[side]
    pop_en, pop_nl = i18n.format_int("en", threshold), i18n.format_int("nl", threshold)
    if window.captures:
        return _v(claim, CONTRADICTED, f"{who_en} captures of places of {pop_en}+ {span_en}: {names}.",
                  f"{who_nl} veroveringen van plaatsen met {pop_nl}+ inwoners {span_nl}: {names}.",
                  _causes(ctx, window.captures))
    return _v(claim, SUPPORTED, f"No {who_en} capture of a place of {pop_en}+ inhabitants {span_en}.",
              f"Geen {who_nl} verovering van een plaats met {pop_nl}+ inwoners {span_nl}.",
              _causes(ctx, window.edges))


def check_victories_between(ctx: Context, claim: Claim) -> Verdict:
    """``side`` won at least one place between the two Russian captures."""
    window = _window(ctx, claim)
    if isinstance(window, Verdict):
        return window
    names = ", ".join(ctx.settlement(c.settlement_id).name for c in window.captures) or "-"
    return _v(claim, SUPPORTED if window.captures else CONTRADICTED,
              f"Ukrainian recaptures in that period: {names}.", f"Oekraïense heroveringen in die periode: {names}.",
              _causes(ctx, window.captures))


def check_surrounded_sides(ctx: Context, claim: Claim) -> Verdict:
    """How many of the four compass sectors hold a Russian-held or contested place within the radius."""
    sid, radius, sides = claim.arguments["settlement"], float(claim.arguments["radius_km"]), int(claim.arguments["sides"])
    centre = ctx.settlement(sid)
    lines = timelines(ctx.dataset, ctx.basis)
    sectors: dict[str, list[str]] = {}
    for s in ctx.dataset.settlements.values():
        if s.settlement_id == sid or state_on(lines[s.settlement_id], ctx.article_end).holder == "UA":
            continue
        if distance_km(centre.lat, centre.lon, s.lat, s.lon) > radius:
            continue
        dy = s.lat - centre.lat
        dx = (s.lon - centre.lon) * math.cos(math.radians(centre.lat))
        bearing = (math.degrees(math.atan2(dx, dy)) + 360) % 360
        sector = ("N", "E", "S", "W")[int(((bearing + 45) % 360) // 90)]
        sectors.setdefault(sector, []).append(s.name)
    def listing(names: dict[str, str]) -> str:
        return "; ".join(f"{names[k]}: {', '.join(sorted(sectors[k]))}" for k in "NESW" if k in sectors) or "-"

    return _v(claim, SUPPORTED if len(sectors) >= sides else CONTRADICTED,
              f"Russian-held or contested places within {radius:g} km, by side: "
              f"{listing({'N': 'north', 'E': 'east', 'S': 'south', 'W': 'west'})}.",
              f"Russische of betwiste plaatsen binnen {radius:g} km, per kant: "
              f"{listing({'N': 'noord', 'E': 'oost', 'S': 'zuid', 'W': 'west'})}.")


def check_reported(ctx: Context, claim: Claim) -> Verdict:
    """A statement the article reports: is it in the data, recently, by that speaker?"""
    args = claim.arguments
    found = ctx.recent(args["kind"], args.get("by", ""), args.get("settlement", ""), int(args.get("days", RECENT_DAYS)))
    weekday = claim.arguments.get("weekday")
    if weekday:
        found = [e for e in found if e.date.strftime("%A") == weekday]
    if not found:
        return _v(claim, CONTRADICTED, "No such statement is recorded in the weeks before the article.",
                  "Zo'n uitspraak staat in de weken voor het artikel niet in de data.")
    first = found[0]
    return _v(claim, SUPPORTED, f"Recorded: {first.title_en} ({_fmt(first.date, 'en')}).",
              f"Vastgelegd: {first.title_nl} ({_fmt(first.date, 'nl')}).", [e.event_id for e in found])


def check_not_checkable(ctx: Context, claim: Claim) -> Verdict:
    return _v(claim, NOT_CHECKABLE, claim.arguments.get("why_en", "The data has nothing on this."),
              claim.arguments.get("why_nl", "De data zeggen hier niets over."))


CHECKS: dict[str, Callable[[Context, Claim], Verdict]] = {
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
