"""Every label of the report in Dutch (the article's language) and English."""
from __future__ import annotations

import datetime as dt

MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}

LABELS = {
    "nl": {
        "title": "De slag om Bakhmut",
        "claim": "Bewering",
        "evidence": "bewijs",
        "changes": "Wisselingen van controle: claim en bevestiging",
        "col_settlement": "Plaats",
        "col_change": "Wisseling",
        "col_claim": "Eerste claim",
        "col_confirmation": "Eerste bevestiging",
        "not_confirmed": "niet bevestigd",
        "no_claim": "geen aparte claim",
        "method_text": "Wie een plaats houdt, wordt niet met de hand ingevoerd maar afgeleid uit de gebeurtenissen: elke wisseling van controle heeft claims (de winnende partij meldt de verovering) en bevestigingen (de verliezende partij erkent het verlies, of een onafhankelijke bron stelt het vast). 'Betwist' betekent gevechten in de plaats zelf: het begint bij een gedocumenteerde melding van gevechten in de plaats en eindigt bij de volgende wisseling van controle. Bij elke bewering uit het artikel staat een controle die met dezelfde data en parameters wordt berekend.",
        "cite_text": "Bakhmut-rapport, versie {version}, data {data}. Samengesteld uit openbare bronnen (zie Bronnen). Het artikel is van de oorspronkelijke uitgever; de Engelse vertaling is van ons.",
        "subtitle": "Een stad van weinig strategische waarde, maandenlang bevochten: het artikel, de gebeurtenissen en de kaart",
        "article": "Het artikel",
        "article_note": "Origineel Nederlandstalig nieuwsartikel (maart 2023), integraal.",
        "video": "Video",
        "map": "Wie controleert wat, per maand",
        "play": "Afspelen",
        "pause": "Pauze",
        "month": "Maand",
        "range": "Bereik artillerie (km)",
        "holder_UA": "Oekraïne",
        "holder_RU": "Rusland",
        "holder_contested": "Betwist (gevechten in de plaats)",
        "since": "sinds",
        "focus": "Focus",
        "events_in_month": "Gebeurtenissen in deze maand",
        "no_events": "Geen gebeurtenissen in deze maand.",
        "events": "Gebeurtenissen",
        "search": "Zoeken in de gebeurtenissen",
        "col_date": "Datum",
        "col_settlements": "Plaatsen",
        "col_kind": "Soort",
        "col_event": "Gebeurtenis",
        "col_by": "Door",
        "col_sources": "Bronnen",
        "rows_shown": "rijen getoond",
        "list_capped": "{shown} van {total} getoond; de volledige lijst staat in data/.",
        "more_events": "… en nog {n} gebeurtenissen deze maand (zie data/events.csv).",
        "table_capped": "De tabel toont {shown} van de {total} gebeurtenissen: eerst alle claims en bevestigingen, dan op datum. De volledige lijst staat in data/events.csv.",
        "sources": "Bronnen",
        "method": "Werkwijze",
        "how_to_cite": "Zo citeert u dit rapport",
        "made_with": "Gemaakt met",
        "data_version": "dataversie",
        "parameters": "parameters",
        "basis_confirmed": "De kaart volgt bevestigde wisselingen: een plaats wisselt van kleur op de dag dat de verliezende partij het verlies erkent of een onafhankelijke bron het bevestigt.",
        "basis_claimed": "De kaart volgt claims: een plaats wisselt van kleur op de dag van de eerste claim of bevestiging.",
        "month_rule": "Elke maand toont de situatie aan het eind van de laatste dag van die maand.",
        "summary_ru": "houdt Rusland",
        "summary_ua": "Oekraïne houdt",
        "summary_contested": "betwist",
        "none": "geen",
        "in": "In",
        "range_list": "Oekraïense plaatsen binnen bereik van Russische of betwiste plaatsen",
        "range_first": "Grote steden: eerste maand binnen bereik",
        "range_never": "niet binnen bereik in deze periode",
        "km_to": "km tot",
        "inside": "binnen bereik",
        "outside": "buiten bereik",
        "range_source": "Voorinstellingen zijn richtwaarden uit openbare bronnen, geen harde grens:",
        "kind": {
            "control_claim": "claim", "control_confirmation": "bevestiging",
            "fighting_in_settlement": "gevechten in de plaats", "partial_control_change": "gedeeltelijk verlies",
            "battle_start": "begin van de strijd", "military_operation": "militaire operatie",
            "command_decision": "besluit", "political_statement": "verklaring", "visit": "bezoek",
            "wagner_ammunition_dispute": "Wagner en munitie", "intelligence_assessment": "inlichtingen",
            "situation_report": "situatie", "annexation_claim": "annexatie", "force_rotation": "aflossing",
            "mutiny": "muiterij", "death": "dood", "war_start": "begin van de oorlog",
            "status_snapshot": "stand van zaken",
        },
    },
    "en": {
        "title": "The battle for Bakhmut",
        "claim": "Claim",
        "evidence": "evidence",
        "changes": "Changes of control: claim and confirmation",
        "col_settlement": "Place",
        "col_change": "Change",
        "col_claim": "First claim",
        "col_confirmation": "First confirmation",
        "not_confirmed": "not confirmed",
        "no_claim": "no separate claim",
        "method_text": "Who holds a place is never typed in by hand but derived from the events: every change of control has claims (the winning side announces the capture) and confirmations (the losing side acknowledges the loss, or an independent source establishes it). 'Contested' means fighting inside the place itself: it starts with a documented report of fighting inside and ends at the next change of control. Next to each of the article's claims stands a check computed from the same data and parameters.",
        "cite_text": "Bakhmut report, version {version}, data {data}. Compiled from public sources (see Sources). The article belongs to its original publisher; the English translation is our own.",
        "subtitle": "A city of little strategic value, fought over for months: the article, the events and the map",
        "article": "The article",
        "article_note": "Dutch news article (March 2023) in full, in our own English translation (the Dutch original is the authoritative text).",
        "video": "Video",
        "map": "Who holds what, month by month",
        "play": "Play",
        "pause": "Pause",
        "month": "Month",
        "range": "Artillery range (km)",
        "holder_UA": "Ukraine",
        "holder_RU": "Russia",
        "holder_contested": "Contested (fighting inside)",
        "since": "since",
        "focus": "Focus",
        "events_in_month": "Events this month",
        "no_events": "No events this month.",
        "events": "Events",
        "search": "Search the events",
        "col_date": "Date",
        "col_settlements": "Places",
        "col_kind": "Kind",
        "col_event": "Event",
        "col_by": "By",
        "col_sources": "Sources",
        "rows_shown": "rows shown",
        "list_capped": "{shown} of {total} shown; the full list is in data/.",
        "more_events": "… and {n} more events this month (see data/events.csv).",
        "table_capped": "The table shows {shown} of {total} events: every claim and confirmation first, then by date. The full list is in data/events.csv.",
        "sources": "Sources",
        "method": "Method",
        "how_to_cite": "How to cite this report",
        "made_with": "Made with",
        "data_version": "data version",
        "parameters": "parameters",
        "basis_confirmed": "The map follows confirmed changes: a place changes colour on the day the losing side acknowledges the loss or an independent source confirms it.",
        "basis_claimed": "The map follows claims: a place changes colour on the day of the first claim or confirmation.",
        "month_rule": "Each month shows the situation at the end of the month's last day.",
        "summary_ru": "Russia holds",
        "summary_ua": "Ukraine holds",
        "summary_contested": "contested",
        "none": "none",
        "in": "In",
        "range_list": "Ukrainian-held places within range of Russian-held or contested places",
        "range_first": "Big cities: first month within range",
        "range_never": "not within range in this period",
        "km_to": "km to",
        "inside": "within range",
        "outside": "out of range",
        "range_source": "Presets are typical published ranges, not a hard limit:",
        "kind": {
            "control_claim": "claim", "control_confirmation": "confirmation",
            "fighting_in_settlement": "fighting inside", "partial_control_change": "partial loss",
            "battle_start": "battle starts", "military_operation": "military operation",
            "command_decision": "decision", "political_statement": "statement", "visit": "visit",
            "wagner_ammunition_dispute": "Wagner and ammunition", "intelligence_assessment": "intelligence",
            "situation_report": "situation", "annexation_claim": "annexation", "force_rotation": "rotation",
            "mutiny": "mutiny", "death": "death", "war_start": "war begins",
            "status_snapshot": "status",
        },
    },
}


def label(language: str, key: str) -> str:
    return LABELS[language][key]


def month_name(language: str, month: str) -> str:
    """'maart 2023' / 'March 2023' for '2023-03'."""
    year, mon = month.split("-")
    return f"{MONTHS[language][int(mon) - 1]} {year}"


def format_date(language: str, day: dt.date, precision: str = "day") -> str:
    """'21 mei 2023' / '21 May 2023'; 'mei 2023' for month precision; '~' for approximate days."""
    if precision == "month":
        return month_name(language, day.strftime("%Y-%m"))
    prefix = "~" if precision == "approx-day" else ""
    return f"{prefix}{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def format_int(language: str, number: int) -> str:
    """Thousands separators: 71.094 (nl) / 71,094 (en)."""
    text = f"{number:,}"
    return text.replace(",", ".") if language == "nl" else text


def format_km(language: str, km: float) -> str:
    text = f"{km:.1f}"
    return text.replace(".", ",") if language == "nl" else text
