"""HTML size: the default report against the plotly.js bundle it inlines, part by part; the CDN variant."""

from __future__ import annotations

from bench import harness, pages
from bench.harness import MB, Row, check, fmt_mb, run

TITLE = "HTML size"
COST_S = 5
OVER_BUNDLE = 524_288  # 0.5 MB (MiB) over the inlined plotly.js bundle
OVER_FULL_PLOTLY = 419_430  # 0.4 MB over plotly.py's full plotly.min.js (the earlier target)
ABSOLUTE = 5.3 * MB
CDN = 0.5 * MB


def measure(ctx: harness.Context) -> dict:
    html = ctx.default_html()
    text = html.read_text(encoding="utf-8")
    bundle, version = pages.plotly_bundle()
    out = ctx.tmp / "cdn"
    r = check(run(harness.render_cmd(out, "-p", "plotly_js=cdn"), watch=False), "cdn render")
    cdn = next(iter(out.glob("*.html"))).resolve()
    return {
        "default_bytes": html.stat().st_size,
        "bundle_bytes": len(bundle.encode("utf-8")),
        "bundle_version": version,
        "bundle_inlined_verbatim": bundle in text,
        "plotly_min_js_bytes": pages.plotly_min_js().stat().st_size,
        "cdn_bytes": cdn.stat().st_size,
        "cdn_file": cdn.name,
        "cdn_render_s": r["seconds"],
        "parts": pages.parts(text),
        "cdn_parts": pages.parts(cdn.read_text(encoding="utf-8")),
    }


def rows(result: dict) -> list[Row]:
    d, b, full, cdn = (
        result["default_bytes"],
        result["bundle_bytes"],
        result["plotly_min_js_bytes"],
        result["cdn_bytes"],
    )
    return [
        Row(
            "HTML size over the plotly.js bundle it inlines",
            fmt_mb(d),
            f"inlined bundle {fmt_mb(b)}",
            f"{(d - b) / MB:+.3f} MB",
            f"≤ bundle + 0.5 MB ({OVER_BUNDLE:,} B)",
            d - b <= OVER_BUNDLE and result["bundle_inlined_verbatim"],
            f"{d - b - OVER_BUNDLE:,} bytes over bundle + 0.5 MB",
        ),
        Row(
            "HTML size against plotly.py's full plotly.min.js",
            fmt_mb(d),
            f"plotly.min.js {fmt_mb(full)}",
            f"{(d - full) / MB:+.3f} MB",
            "≤ +0.4 MB",
            d - full <= OVER_FULL_PLOTLY,
            f"{d - full - OVER_FULL_PLOTLY:,} bytes over",
        ),
        Row(
            "HTML size, default, absolute",
            fmt_mb(d),
            "—",
            "—",
            "≤ 5.3 MB",
            d <= ABSOLUTE,
            f"{d - ABSOLUTE:,.0f} B over",
        ),
        Row(
            "HTML size, `-p plotly_js=cdn`",
            fmt_mb(cdn),
            f"default {fmt_mb(d)}",
            f"{cdn / d:.3f}×",
            "≤ 0.5 MB",
            cdn <= CDN,
            f"{cdn - CDN:,.0f} B over",
        ),
    ]


def details(result: dict) -> str:
    p, c = result["parts"], result["cdn_parts"]
    keys = [k for k in p if k != "total"] + [k for k in c if k not in p and k != "total"] + ["total"]
    budget = result["bundle_bytes"] + OVER_BUNDLE
    body = [[k, f"{p.get(k, 0):,}", f"{c.get(k, 0):,}"] for k in keys]
    return "\n".join(
        [
            "Method. The default report (`bakhmut-report render`, the file behind the OUT/report.html link) split into "
            "parts: each <script> and <style> element by its id or role, each top-level inline <svg> by its class, "
            'then the HTML of each notebook cell (`id="cell-id=..."`) without the parts inside it, and the rest '
            "(head, page frame, footer). Parts include their tags and add up to the file's size. The bundle is "
            "`bakhmut_report.run.export.plotly_js()`; `-p plotly_js=cdn` is rendered once for the last column.",
            "",
            f"The bundle (plotly.js {result['bundle_version']}, {result['bundle_bytes']:,} B) is inlined verbatim: "
            f"{result['bundle_inlined_verbatim']}. Budget: bundle + 0.5 MB = {budget:,} B; the page is "
            f"{result['default_bytes']:,} B, {result['default_bytes'] - budget:+,} B against it. The page without "
            f"plotly.js is {result['default_bytes'] - result['bundle_bytes']:,} B.",
            "",
            harness.table(["part", "default (bytes)", f"cdn: {result['cdn_file']} (bytes)"], body, "lrr"),
        ]
    )
