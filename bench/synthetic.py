"""Seeded synthetic data in the project's own schema, for the scale benchmark.

``generate(out_dir, factor, seed)`` copies the real ``data/`` to ``out_dir`` and
appends synthetic rows to ``settlements.csv``, ``events.csv`` and ``sources.csv``
(the real rows stay byte for byte; article, claims and geometry are untouched),
so the result passes ``bakhmut-report check --data OUT`` and renders.

Growth (documented in bench/results.md):

* events: ``factor`` x the rows of the real events.csv (1x = the real data unchanged);
* settlements: ``factor ** 0.65`` x the rows of the real settlements.csv (log 20 / log 100
  = 0.6505: 100x events come with 20x settlements, 10x with ~4.5x), i.e. the map gets
  denser while each settlement also gets a longer history;
* sources: one per 8 added events (each synthetic row cites one or two of them);
* dates: 2022-02-24 .. 2024-12-31 (the validator's window), so a render of all of it
  uses start_month=2022-02, end_month=2024-12: 35 months.

Consistency rules hold by construction: every synthetic settlement gets a chain of
changes of control in distinct months (at most one change per settlement per month,
so never two on one day), each change's ``holder_before`` is the holder after the
previous change (``holder_at_start`` for the first), claims come from the gaining side,
confirmations from the losing side or ``independent``, all statements of a change fall
in its month (so the claimed order is the chain order), a change that is never
confirmed carries a note saying so, and ``fighting_in_settlement`` rows precede their
change. About 60 % of the synthetic events are claims or confirmations, as in the real data.

Same ``seed`` and ``factor`` -> byte-identical files.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import math
import random
import shutil
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
REAL_DATA = PROJECT / "data"


def _rows_in(name: str) -> int:
    """Records in a real data file (the synthetic counts scale from them)."""
    with (REAL_DATA / name).open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


REAL_SETTLEMENTS = _rows_in("settlements.csv")
REAL_EVENTS = _rows_in("events.csv")
SETTLEMENT_EXPONENT = math.log(20) / math.log(100)  # 100x events -> 20x settlements
EVENTS_PER_SOURCE = 8
CONTROL_SHARE = 0.6
WAR_START = dt.date(2022, 2, 24)
WINDOW_END = dt.date(2024, 12, 31)
LON, LAT = (22.0, 40.3), (44.0, 52.5)  # Ukraine's bounding box, as data/datapackage.json allows

OBLAST_CENTRES = {"Donetsk": (48.0, 37.8), "Luhansk": (48.6, 39.3), "Kharkiv": (49.6, 36.5), "Kherson": (46.6, 32.6)}
NON_CONTROL_KINDS = (
    "situation_report",
    "intelligence_assessment",
    "political_statement",
    "battle_start",
    "military_operation",
    "command_decision",
    "visit",
    "partial_control_change",
    "status_snapshot",
    "force_rotation",
)
ROOTS = (
    "bil",
    "chor",
    "dol",
    "hor",
    "kam",
    "krasn",
    "lys",
    "mal",
    "myr",
    "nov",
    "ozer",
    "pet",
    "pol",
    "rud",
    "sok",
    "star",
    "tern",
    "vel",
    "vys",
    "zel",
    "yas",
    "klyn",
    "berez",
    "dub",
    "lip",
    "slav",
)
MIDS = ("", "o", "a", "y", "i")
ENDS = ("ivka", "ove", "ne", "ske", "yne", "anka", "ivske", "opil", "ohirsk", "odar", "yar", "ka")
STATEMENT_BY = {
    "RU": "Russian MoD (synthetic)",
    "UA": "Ukrainian General Staff (synthetic)",
    "independent": "Independent monitor (synthetic)",
}


def settlement_count(factor: float) -> int:
    return max(REAL_SETTLEMENTS, round(REAL_SETTLEMENTS * factor**SETTLEMENT_EXPONENT))


def event_count(factor: float) -> int:
    return max(REAL_EVENTS, round(REAL_EVENTS * factor))


def months_in_window() -> list[tuple[int, int]]:
    out, (year, month) = [], (WAR_START.year, WAR_START.month)
    while (year, month) <= (WINDOW_END.year, WINDOW_END.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _days(year: int, month: int) -> tuple[int, int]:
    first = WAR_START.day if (year, month) == (WAR_START.year, WAR_START.month) else 1
    return first, calendar.monthrange(year, month)[1]


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return rows[0], rows[1:]


def _append_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    if not rows:
        return
    text = path.read_text(encoding="utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + out.getvalue(), encoding="utf-8", newline="")


def _names(rng: random.Random, taken: set[str], count: int) -> list[str]:
    names = []
    while len(names) < count:
        name = (rng.choice(ROOTS) + rng.choice(MIDS) + rng.choice(ENDS)).capitalize()
        if rng.random() < 0.25:
            name = rng.choice(("Nova ", "Stara ", "Velyka ", "Mala ")) + name
        base, n = name, 2
        while name.casefold() in taken:
            name, n = f"{base} {n}", n + 1
        taken.add(name.casefold())
        names.append(name)
    return names


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.casefold()).strip("-")


def generate(out_dir: Path | str, factor: float = 10, seed: int = 0, data_dir: Path | str = REAL_DATA) -> dict:
    """Write data/ plus synthetic rows for ``factor`` into ``out_dir``; returns the counts."""
    out_dir, data_dir = Path(out_dir), Path(data_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(data_dir, out_dir, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    rng = random.Random(f"bakhmut-synthetic/{seed}/{float(factor):g}")

    s_header, s_rows = _read_rows(out_dir / "settlements.csv")
    e_header, e_rows = _read_rows(out_dir / "events.csv")
    src_header, src_rows = _read_rows(out_dir / "sources.csv")
    add_settlements = settlement_count(factor) - len(s_rows)
    add_events = event_count(factor) - len(e_rows)
    months = months_in_window()

    # sources: one per EVENTS_PER_SOURCE added events (at least one when anything is added)
    n_sources = math.ceil(add_events / EVENTS_PER_SOURCE) if add_events > 0 else 0
    sources = []
    for i in range(n_sources):
        y, m = rng.choice(months)
        day = rng.randint(*_days(y, m))
        sources.append(
            {
                "source_id": f"synth-src-{i + 1:05d}",
                "publisher": rng.choice(("Synthetic Wire", "Bench Daily", "Example Monitor", "Test Gazette")),
                "title": f"Synthetic report {i + 1}",
                "url": f"https://example.org/bench/{seed}/{i + 1}",
                "date_published": f"{y:04d}-{m:02d}-{day:02d}",
                "source_type": "publisher",
                "note": "Synthetic row for the scale benchmark.",
            }
        )
    source_ids = [s["source_id"] for s in sources]

    def cite() -> str:
        return ";".join(sorted(rng.sample(source_ids, min(len(source_ids), rng.choice((1, 1, 2))))))

    # settlements: unique ids and names (not clashing with any real name or variant)
    taken = set()
    for row in s_rows:
        record = dict(zip(s_header, row, strict=False))
        taken.update(
            n.casefold()
            for n in [record["settlement_id"], record["name"], *filter(None, record["name_variants"].split(";"))]
        )
    settlements = []
    for i, name in enumerate(_names(rng, taken, max(0, add_settlements))):
        lat, lon = round(rng.uniform(*LAT), 4), round(rng.uniform(*LON), 4)
        oblast = min(
            OBLAST_CENTRES, key=lambda o: (OBLAST_CENTRES[o][0] - lat) ** 2 + (OBLAST_CENTRES[o][1] - lon) ** 2
        )
        cited = cite()
        settlements.append(
            {
                "settlement_id": f"syn-{i + 1:04d}-{_slug(name)}",
                "name": name,
                "name_variants": f"{name}-Synth{i + 1}" if rng.random() < 0.3 else "",
                "lat": f"{lat:.4f}",
                "lon": f"{lon:.4f}",
                "oblast": oblast,
                "coordinates_source": cited.split(";")[0],
                "population": str(int(rng.lognormvariate(7.5, 1.6))),
                "population_year": "2022",
                "population_source": cited.split(";")[0],
                "population_note": "synthetic",
                "holder_at_start": "RU" if rng.random() < 0.2 else "UA",
                "sources": cited,
                "note": "Synthetic settlement for the scale benchmark.",
            }
        )

    events: list[dict] = []
    serial = iter(range(1, 10**7))

    def event(day: dt.date, kind: str, sids: list[str], **extra) -> dict:
        n = next(serial)
        title = extra.pop("title", f"Synthetic {kind.replace('_', ' ')} #{n}")
        return {
            "event_id": f"ev-{day.isoformat()}-synth-{n:05d}",
            "date": day.isoformat(),
            "date_precision": extra.pop("precision", "day"),
            "kind": kind,
            "settlements": ";".join(sids),
            "title_en": title,
            "title_nl": f"Synthetische gebeurtenis {n} ({kind})",
            "sources": cite(),
            **extra,
        }

    # control chains: k changes per settlement in distinct months, k averaging what keeps ~60 % control rows
    chains: list[list[list[dict]]] = []
    if settlements:
        per_settlement = add_events / len(settlements)
        mean_changes = CONTROL_SHARE * per_settlement / 2.4  # ~2.4 rows per change (claims, confirmations, fighting)
        top = max(0, min(len(months), round(2 * mean_changes)))
        for s in settlements:
            holder, chain = s["holder_at_start"], []
            for y, m in sorted(rng.sample(months, rng.randint(0, top))):
                first, last = _days(y, m)
                before, after = holder, ("RU" if holder == "UA" else "UA")
                change_id = f"{s['settlement_id']}-{y:04d}-{m:02d}"
                d0 = rng.randint(first, max(first, last - 6))
                rows = []
                if rng.random() < 0.35:
                    rows.append(
                        event(
                            dt.date(y, m, rng.randint(first, d0)),
                            "fighting_in_settlement",
                            [s["settlement_id"]],
                            title=f"Fighting inside {s['name']} (synthetic)",
                        )
                    )
                control = {"change_id": change_id, "holder_before": before, "holder_after": after}
                for c in range(rng.choice((1, 1, 2))):
                    day = dt.date(y, m, d0 if c == 0 else rng.randint(d0, min(last, d0 + 5)))
                    rows.append(
                        event(
                            day,
                            "control_claim",
                            [s["settlement_id"]],
                            **control,
                            statement_by=STATEMENT_BY[after],
                            side=after,
                            title=f"{after} claims {s['name']} (synthetic)",
                            provenance="Synthetic; not contested: no fighting inside recorded.",
                        )
                    )
                n_conf = rng.choices((0, 1, 2), weights=(15, 60, 25))[0]
                for _ in range(n_conf):
                    side = before if rng.random() < 0.6 else "independent"
                    day = dt.date(y, m, rng.randint(min(last, d0 + 1), min(last, d0 + 6)))
                    rows.append(
                        event(
                            day,
                            "control_confirmation",
                            [s["settlement_id"]],
                            **control,
                            statement_by=STATEMENT_BY[side],
                            side=side,
                            title=f"{s['name']} lost by {before}, confirmed (synthetic)",
                        )
                    )
                if n_conf == 0:
                    rows[-1]["provenance"] = "Synthetic: this change was never confirmed; not contested."
                chain.append(rows)
                holder = after
            chains.append(chain)
        # keep the control rows within the event budget: drop whole changes from the ends of chains
        total = sum(len(rows) for chain in chains for rows in chain)
        while total > add_events:
            longest = max(chains, key=len)
            total -= len(longest.pop())
        for chain in chains:
            for rows in chain:
                events.extend(rows)

    # fill up with non-control events spread over the window
    span = (WINDOW_END - WAR_START).days
    ids = [s["settlement_id"] for s in settlements]
    while len(events) < add_events:
        day = WAR_START + dt.timedelta(days=rng.randint(0, span))
        precision = rng.choices(("day", "approx-day", "month"), weights=(85, 10, 5))[0]
        if precision == "month":
            day = day.replace(day=1) if day.replace(day=1) >= WAR_START else day.replace(day=WAR_START.day)
            precision = "month" if day.day == 1 else "day"
        many = rng.choices((0, 1, 2, 3), weights=(20, 60, 12, 8))[0] if ids else 0
        sids = sorted(rng.sample(ids, min(many, len(ids))))
        side = rng.choice(("UA", "RU", "independent", ""))
        events.append(
            event(
                day,
                rng.choice(NON_CONTROL_KINDS),
                sids,
                precision=precision,
                statement_by=STATEMENT_BY[side] if side else "",
                side=side,
            )
        )

    events.sort(key=lambda e: (e["date"], e["event_id"]))
    _append_rows(out_dir / "sources.csv", src_header, sources)
    _append_rows(out_dir / "settlements.csv", s_header, settlements)
    _append_rows(out_dir / "events.csv", e_header, events)
    control_rows = sum(e["kind"] in ("control_claim", "control_confirmation") for e in events)
    return {
        "factor": factor,
        "seed": seed,
        "settlements": len(s_rows) + len(settlements),
        "events": len(e_rows) + len(events),
        "sources": len(src_rows) + len(sources),
        "added_control_rows": control_rows,
        "changes": sum(len(c) for c in chains),
        "months": len(months),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="output directory (replaced)")
    parser.add_argument("--factor", type=float, default=10, help="events as a multiple of the real 84 (default 10)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(generate(args.out, args.factor, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
