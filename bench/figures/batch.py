"""Batch: 8 variants (4 focus cities × 2 languages) against one render."""

from __future__ import annotations

import os
import re

from bench import harness
from bench.harness import CLI, Row, check, fmt_s, median, ok_runs, run

TITLE = "Batch of 8 variants"
COST_S = 35
ROUNDS = 3
TARGET_RATIO = 3.0
VARIANTS = """# bench: 8 variants, 4 focus cities x 2 languages
product:
  focus_city: [Bakhmut, Soledar, Kramatorsk, Sloviansk]
  language: [nl, en]
"""
WARMUP = """product:
  focus_city: [Bakhmut, Soledar]
"""


def measure(ctx: harness.Context) -> dict:
    variants, warm = ctx.tmp / "variants.yaml", ctx.tmp / "warm.yaml"
    variants.write_text(VARIANTS, encoding="utf-8")
    warm.write_text(WARMUP, encoding="utf-8")
    out_batch, out_one = ctx.tmp / "batch", ctx.tmp / "one"
    # warm-up: a 2-variant batch (the same code path: pool, workers, kernels) and one render
    warmup = [
        run([CLI, "batch", str(warm), "--out", str(ctx.tmp / "batch-warm"), "--force"], watch=False),
        run(harness.render_cmd(out_one), watch=False),
    ]

    def batch() -> dict:
        r = check(run([CLI, "batch", str(variants), "--out", str(out_batch), "--force"]), "batch")
        r["variants_written"] = len(list(out_batch.glob("*.html")))
        r["variant_seconds"] = [
            float(x) for x in re.findall(r"^report\S*\s+(?:ok|cached)\s+([\d.]+)s", r["stdout"], re.M)
        ]
        return r

    data = harness.alternate(
        ctx,
        {"batch8": batch, "one_render": lambda: check(run(harness.render_cmd(out_one)), "render")},
        ROUNDS,
        warmup=0,
    )
    stats = harness.summarise(data["runs"])
    return {
        "runs": data["runs"],
        "warmup": warmup,
        "failures": data["failures"],
        "cpu_count": os.cpu_count(),
        "median_s": stats["seconds"],
        "median_cpu_s": stats["cpu_seconds"],
    }


def rows(result: dict) -> list[Row]:
    b, one = result["median_s"]["batch8"], result["median_s"]["one_render"]
    bc, oc = result["median_cpu_s"]["batch8"], result["median_cpu_s"]["one_render"]
    written = {r.get("variants_written") for r in ok_runs(result["runs"]["batch8"])}
    return [
        Row(
            "Batch of 8 variants (4 cities × 2 languages)",
            fmt_s(b),
            f"one render {fmt_s(one)}",
            f"{b / one:.2f}× (CPU {bc / oc:.2f}×)" if b and one and bc and oc else "—",
            f"≤ {TARGET_RATIO:g}× one render, 8 files",
            (b / one <= TARGET_RATIO and written == {8}) if b and one else None,
            f"{b - TARGET_RATIO * one:.1f} s over {TARGET_RATIO:g} × one render" if b and one else "",
        )
    ]


def details(result: dict) -> str:
    b, cpu, cores = result["median_s"], result["median_cpu_s"], result["cpu_count"]
    batches = ok_runs(result["runs"]["batch8"])
    lines = [
        f"Method. `bakhmut-report batch variants.yaml --force` with 4 focus cities × 2 languages ({cores} workers = "
        "CPU count) against `bakhmut-report render --force`, alternating, after a warm-up (a 2-variant batch and "
        "one render).",
        "",
        f"Median wall {fmt_s(b['batch8'])} vs {fmt_s(b['one_render'])}; median CPU of the process tree "
        f"{fmt_s(cpu['batch8'])} vs {fmt_s(cpu['one_render'])}. CPU-bound floor on {cores} cores: 8 × one render's "
        f"CPU / cores = {fmt_s(8 * cpu['one_render'] / cores) if cpu['one_render'] else '—'}. Batch runs: "
        f"{harness.fmt_list(harness.seconds_of(result['runs']['batch8']), 's', 2)}; HTML files written: "
        f"{', '.join(str(r.get('variants_written')) for r in batches)}.",
    ]
    if cpu["one_render"] and b["one_render"]:
        floor = 8 * cpu["one_render"] / cores
        lines.append(
            f"The target, {TARGET_RATIO:g} × one render = {fmt_s(TARGET_RATIO * b['one_render'])}, is "
            f"{'below' if TARGET_RATIO * b['one_render'] < floor else 'above'} that CPU-bound floor: a batch meets it "
            "only when a variant costs its worker less CPU than a standalone render costs its process tree."
        )
    per = [r["variant_seconds"] for r in batches if r.get("variant_seconds")]
    if per:
        inside = median([sum(v) / cores for v in per])
        lines.append(
            f"Per variant (the batch's own summary) median {fmt_s(median([x for v in per for x in v]))}; the "
            f"variants' times divided by the {cores} workers add up to {fmt_s(inside)} of the {fmt_s(b['batch8'])} "
            "wall time, the rest is start-up (pool, worker imports) and the uneven last round."
        )
    return "\n".join(lines)
