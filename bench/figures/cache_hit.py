"""Cache hit: an unchanged re-render is a verified no-op (manifest and both outputs' sha256), under 0.5 s."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from bench import harness
from bench.harness import CLI, Row, check, fmt_s, ok_runs, run

TITLE = "Cache-hit re-render"
COST_S = 8
ROUNDS = 7
TARGET_S = 0.5


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(out: Path) -> dict[str, Path]:
    """The files OUT/report.html and OUT/report.ipynb point to (they are symbolic links into OUT/.bakhmut-report)."""
    return {name: (out / name).resolve() for name in ("report.html", "report.ipynb")}


def state(out: Path) -> dict:
    files = outputs(out)
    return {name: {"path": str(p), "mtime_ns": p.stat().st_mtime_ns, "sha256": sha256(p)} for name, p in files.items()}


def matches_manifest(out: Path) -> dict:
    """Each output's size and sha256 against the manifest of its generation directory."""
    files = outputs(out)
    manifest = json.loads((files["report.html"].parent / "manifest.json").read_text(encoding="utf-8"))
    return {
        name: manifest["outputs"][name]["sha256"] == sha256(p)
        and manifest["outputs"][name]["bytes"] == p.stat().st_size
        for name, p in files.items()
    }


def measure(ctx: harness.Context) -> dict:
    out = ctx.default_out()
    before = state(out)

    def hit() -> dict:
        r = check(run([CLI, "render", "--out", str(out)]), "cache-hit render")
        r["cache_hit"] = "cache hit" in r["stdout"]
        return r

    data = harness.alternate(
        ctx, {"cache_hit": hit, "cli_floor": lambda: check(run([CLI, "params"]), "params")}, ROUNDS
    )
    after = state(out)
    manifest_ok = matches_manifest(out)
    # A hit must be checked, not assumed: one byte of a copy's HTML changed (same size) must not be a hit.
    tampered = ctx.tmp / "tampered"
    shutil.copytree(out, tampered, symlinks=True)
    victim = outputs(tampered)["report.html"]
    body = bytearray(victim.read_bytes())
    body[len(body) // 2] ^= 0x01
    victim.write_bytes(bytes(body))
    t = check(run([CLI, "render", "--out", str(tampered)], watch=False), "render after tampering")
    return {
        "runs": data["runs"],
        "warmup": data["warmup"],
        "failures": data["failures"],
        "median_s": harness.summarise(data["runs"])["seconds"],
        "all_cache_hits": all(r["cache_hit"] for r in ok_runs(data["runs"]["cache_hit"])),
        "outputs_unchanged": before == after,
        "manifest_matches": manifest_ok,
        "tampered": {
            "seconds": t["seconds"],
            "cache_hit": "cache hit" in t["stdout"],
            "restored_identical": sha256(outputs(tampered)["report.html"]) == before["report.html"]["sha256"],
            "stdout": t["stdout"][-300:],
        },
    }


def verified(result: dict) -> bool:
    return (
        result["all_cache_hits"]
        and result["outputs_unchanged"]
        and all(result["manifest_matches"].values())
        and not result["tampered"]["cache_hit"]
    )


def rows(result: dict) -> list[Row]:
    hit, cli = result["median_s"]["cache_hit"], result["median_s"]["cli_floor"]
    ok = verified(result)
    return [
        Row(
            "Cache-hit re-render, outputs verified (fresh process)",
            fmt_s(hit),
            f"`bakhmut-report params` {fmt_s(cli)}",
            f"{hit / cli:.2f}×" if hit and cli else "—",
            f"≤ {TARGET_S} s, verified",
            (hit <= TARGET_S and ok) if hit else None,
            f"{hit - TARGET_S:.2f} s over {TARGET_S} s" if hit and hit > TARGET_S else "the hit was not verified",
        )
    ]


def details(result: dict) -> str:
    t = result["tampered"]
    return "\n".join(
        [
            f"Method. `bakhmut-report render --out TMP` on a default report rendered earlier in this run (unchanged "
            f"inputs), alternating with `bakhmut-report params` (interpreter and CLI start-up, no data), "
            f"{ROUNDS} runs each after a warm-up. A hit counts as verified when every run printed `cache hit`, both "
            "outputs (followed through their symbolic links) match the size and sha256 of their generation's "
            "manifest, they were not rewritten (same path, mtime and sha256 before and after the runs), and a copy "
            "of the output directory whose HTML had one byte flipped (same size) is re-rendered, not taken as a hit.",
            "",
            f"Cache hit: median {fmt_s(result['median_s']['cache_hit'])}; runs "
            f"{harness.fmt_list(harness.seconds_of(result['runs']['cache_hit']), 's', 3)}. CLI start-up: median "
            f"{fmt_s(result['median_s']['cli_floor'])}.",
            f"Every run a cache hit: {result['all_cache_hits']}; outputs unchanged: {result['outputs_unchanged']}; "
            f"manifest matches: {result['manifest_matches']}.",
            f"Tampered copy: cache hit {t['cache_hit']} (must be False), re-rendered in {fmt_s(t['seconds'])}, "
            f"the new HTML byte-identical to the original: {t['restored_identical']}.",
        ]
    )
