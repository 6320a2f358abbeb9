"""Print: the default report printed to PDF (A4, print media) — how many pages."""

from __future__ import annotations

import re
import time

from bench import harness
from bench.harness import Row

TITLE = "Print (A4 PDF page count)"
COST_S = 8


def count_pages(pdf: bytes) -> dict:
    """Page objects in the PDF (pypdf when installed; else ``/Type /Page`` objects and the page tree's /Count)."""
    objects = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    counts = [int(x) for x in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(x) for x in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    out = {"page_objects": objects, "page_tree_count": max(counts) if counts else None, "method": "regex"}
    try:
        import io

        import pypdf

        out["pypdf"] = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        out["method"] = "pypdf"
    except ImportError:
        pass
    return out


def measure(ctx: harness.Context) -> dict:
    report = ctx.default_html()
    with harness.chromium() as browser:
        tab = harness.load(browser, report, wait_for=harness.MAP_READY)
        try:
            page = tab.page
            page.emulate_media(media="print")
            page.wait_for_timeout(200)  # report.js's resize/relayout, if any, settles
            probe = page.evaluate(harness.js("print_probe"))
            start = time.perf_counter()
            pdf = page.pdf(format="A4", print_background=True)
            seconds = time.perf_counter() - start
            errors, foreign = list(tab.errors), tab.foreign()
        finally:
            tab.close()
    pages = count_pages(pdf)
    value = pages.get("pypdf", pages["page_objects"])
    return {
        "pages": value,
        "counts": pages,
        "pdf_bytes": len(pdf),
        "pdf_seconds": seconds,
        "under_print_media": probe,
        "errors": errors,
        "foreign_requests": foreign,
    }


def rows(result: dict) -> list[Row]:
    c = result["counts"]
    agree = c.get("page_tree_count") in (None, c["page_objects"])
    return [
        Row(
            "Print: pages of the default report (A4, print media)",
            f"{result['pages']} pages" + ("" if agree else f" (page tree says {c['page_tree_count']})"),
            "—",
            "—",
            "— (reported)",
            None,
        )
    ]


def details(result: dict) -> str:
    c, probe = result["counts"], result["under_print_media"]
    return "\n".join(
        [
            'Method. The default report in headless Chromium, map ready, then `page.emulate_media(media="print")` '
            'and `page.pdf(format="A4", print_background=True)` (Chromium\'s default margins). Pages are counted '
            "with pypdf when it is installed, else as the PDF's `/Type /Page` objects, checked against the page "
            "tree's `/Count`.",
            "",
            f"{result['pages']} pages ({c['method']}; `/Type /Page` objects {c['page_objects']}, page tree /Count "
            f"{c['page_tree_count']}); PDF {result['pdf_bytes']:,} B, written in "
            f"{harness.fmt_s(result['pdf_seconds'])}. "
            f"Laid out under print media: plotly map {probe['plotly_map']}, SVG map {probe['svg_map']}, story "
            f"{probe['story']}, events table {probe['events_table']}; document height {probe['scroll_height']:,} px. "
            + harness.hygiene(result),
        ]
    )
