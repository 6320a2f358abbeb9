"""One module per figure of ``make bench``; ORDER is the fixed order of the run and of bench/results.md.

Each module exposes TITLE, COST_S, ``measure(ctx) -> dict``, ``rows(result) -> list[Row]`` and
``details(result) -> str`` (the protocol is ``bench.harness.Figure``). Modules are imported only
when they run, so ``python -m bench.figures.profile`` starts as light as a render.
"""

ORDER = (
    "render",
    "cache_hit",
    "batch",
    "html_size",
    "first_paint",
    "interactive",
    "month_step",
    "scroll_to_month",
    "print_pages",
    "lab_step",
    "memory",
    "scale",
    "profile",
)
