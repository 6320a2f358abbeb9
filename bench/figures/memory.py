"""Peak memory of a render: the CLI process and its kernel, against the toolchain floor and the naive pipeline."""

from __future__ import annotations

import json

from bench import harness
from bench.figures import render as render_figure
from bench.harness import PY, Row, check, median, ok_runs, run

TITLE = "Peak memory of a render"
COST_S = 2
OWN_ROUNDS = 3  # only when figure 1 did not run in this process


def by_side(runs: dict) -> dict:
    out = {}
    for side, side_runs in runs.items():
        good = ok_runs(side_runs)
        roles: dict[str, list[int]] = {}
        for r in good:
            for role, kb in r.get("peak_rss_kb_by_role", {}).items():
                roles.setdefault(role, []).append(kb)
        out[side] = {
            "runs": len(good),
            "peak_rss_kb_by_role_median": {k: median(v) for k, v in roles.items()},
            "peak_total_rss_kb_median": median([r.get("peak_total_rss_kb") for r in good]),
            "maxrss_kb_tree_median": median([r.get("maxrss_kb_tree") for r in good]),
        }
    return out


def measure(ctx: harness.Context) -> dict:
    render = ctx.results.get("render") or {}
    if render.get("runs"):
        return {"source": "the runs of figure 1", "sides": by_side(render["runs"])}
    params = render_figure.default_params()
    out_render, out_floor = ctx.tmp / "memory-render", ctx.tmp / "memory-floor"
    floor_cmd = [PY, str(harness.fixture("floor.py")), str(out_floor), json.dumps(params)]
    data = harness.alternate(
        ctx,
        {
            "render": lambda: check(run(harness.render_cmd(out_render)), "render"),
            "floor": lambda: check(run(floor_cmd), "floor"),
        },
        OWN_ROUNDS,
    )
    return {"source": f"{OWN_ROUNDS} renders and floors of its own", "sides": by_side(data["runs"])}


def mb(kb) -> str:
    return f"{(kb or 0) / 1024:.0f} MB"


def rows(result: dict) -> list[Row]:
    r = result["sides"]["render"]["peak_rss_kb_by_role_median"]
    f = result["sides"]["floor"]["peak_rss_kb_by_role_median"]
    ours, floor = r.get("main", 0) + r.get("kernel", 0), f.get("main", 0) + f.get("kernel", 0)
    return [
        Row(
            "Peak memory of a render: CLI process + kernel",
            f"{mb(r.get('main'))} + {mb(r.get('kernel'))}",
            f"floor {mb(f.get('main'))} + {mb(f.get('kernel'))}",
            f"{ours / floor:.2f}×" if floor else "—",
            "— (reported)",
            None,
        )
    ]


def details(result: dict) -> str:
    body = []
    for side, v in result["sides"].items():
        roles = v["peak_rss_kb_by_role_median"]
        body.append(
            [
                side,
                v["runs"],
                mb(roles.get("main")),
                mb(roles.get("kernel")),
                mb(v["maxrss_kb_tree_median"]),
                mb(v["peak_total_rss_kb_median"]),
            ]
        )
    return "\n".join(
        [
            "Method. Peak resident set (VmHWM from /proc, polled every 50 ms) of each process of the tree, median over "
            f"{result['source']}; **tree max** is wait4's ru_maxrss (the largest process of the tree); **peak sum** is "
            "the largest sum of the tree's resident sets at one poll.",
            "",
            harness.table(["", "runs", "CLI / main process", "kernel", "tree max", "peak sum of the tree"], body, "lr"),
        ]
    )
