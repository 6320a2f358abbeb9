"""The static report in headless Chromium, opened from disk with no network: the controls a reader uses."""

from __future__ import annotations

import pytest
from pages import DESKTOP, READY, holder_of, open_page, set_month, shown_text

from bakhmut_report.load import params
from bakhmut_report.present.html import plotly_text
from bakhmut_report.present.i18n import texts
from bakhmut_report.present.mapfig import hover_text, month_summary
from bakhmut_report.present.report import Report

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser, rendered):
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    yield page
    page.context.close()


def test_slider_moves_bakhmut_from_ukrainian_to_russian(page):
    set_month(page, "2022-06")
    assert holder_of(page, "Bakhmut") == "circle"  # UA
    assert page.inner_text("#bk-month-label") == "juni 2022"
    set_month(page, "2023-06")
    assert holder_of(page, "Bakhmut") == "square"  # RU
    assert "Bakhmut" in page.text_content("#bk-summary")
    assert page.url.endswith("#2023-06")


def test_starts_at_the_chosen_month_and_plays_without_announcing_every_step(page):
    assert page.inner_text("#bk-month-label") == "maart 2023"
    assert holder_of(page, "Bakhmut") == "diamond"  # contested in March 2023
    page.click("#bk-play")
    page.wait_for_function("document.getElementById('bakhmut-map').dataset.month === '2023-04'", timeout=5000)
    assert page.text_content("#bk-announce") == "", "the live region stays quiet during play"
    page.click("#bk-play")
    assert page.get_attribute("#bk-play", "aria-pressed") == "false"
    assert page.text_content("#bk-announce").startswith("In april 2023"), "it speaks when the reader stops"


def test_no_network_and_no_console_errors(page):
    set_month(page, "2023-01")
    assert [u for u in page.requests if not u.startswith("file://")] == []
    assert page.errors == []
    drawn = page.evaluate(
        "document.querySelectorAll('#bakhmut-map .layer.land path, #bakhmut-map .layer.countries path').length"
    )
    assert drawn >= 2, "embedded geometry drawn"


def test_table_sorts_and_searches_names_and_their_variants(page):
    rows = "#bk-events tbody tr:not([hidden])"
    total = page.locator(rows).count()
    page.fill("#bk-search", "Soledar")
    assert 0 < page.locator(rows).count() < total
    assert all("Soledar" in t for t in page.locator(rows).all_inner_texts())
    page.fill("#bk-search", "Bakhmut")

    def at_bakhmut(text: str) -> bool:
        return "Bakhmut" in text.split("\t")[1].split(", ")

    bakhmut = sum(map(at_bakhmut, page.locator(rows).all_inner_texts()))
    for variant in ("Artemivsk", "Bachmoet"):  # a former name, the Dutch spelling: every Bakhmut row is found
        page.fill("#bk-search", variant)
        found = page.locator(rows).all_inner_texts()
        assert sum(map(at_bakhmut, found)) == bakhmut > 0, variant
    page.fill("#bk-search", "")
    page.click("#bk-events thead button[data-sort='0']")
    assert page.get_attribute("#bk-events thead th:first-child", "aria-sort") == "ascending"
    page.click("#bk-events thead button[data-sort='0']")
    assert page.get_attribute("#bk-events thead th:first-child", "aria-sort") == "descending"
    assert page.locator("#bk-events tbody tr").first.get_attribute("id").startswith("ev-2024-")


def month_items(page) -> list[str]:
    return page.eval_on_selector_all("#bk-month-events li", "els => els.map(e => e.textContent)")


def test_event_list_and_summary_follow_the_month(page):
    set_month(page, "2022-06")
    june = month_items(page)
    assert june and all("juni 2022" in t for t in june)
    set_month(page, "2023-06")
    assert month_items(page) != june
    assert page.text_content("#bk-summary").startswith("In juni 2023 houdt Rusland")


def test_arrow_keys_move_the_slider(page):
    page.focus("#bk-month")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#bk-month-label") == "april 2023"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#bk-month-label") == "februari 2023"
    assert page.get_attribute("#bk-month", "aria-valuetext") == "februari 2023"


def ring_points(page) -> int:
    return page.evaluate("""() => { const d = document.getElementById('bakhmut-map');
        const T = JSON.parse(document.getElementById('bk-data').textContent).traces;
        return d.data[T.rings].lat.filter(v => v !== null).length; }""")


def ring_radius_km(page) -> float:
    """The rings' radius: half the north-south extent of the first ring (its first point is due north)."""
    return page.evaluate("""() => { const d = document.getElementById('bakhmut-map');
        const T = JSON.parse(document.getElementById('bk-data').textContent).traces, r = d.data[T.rings];
        const n = r.lat.indexOf(null), lats = r.lat.slice(0, n), lons = r.lon.slice(0, n);
        const top = lats.indexOf(Math.max(...lats)), bottom = lats.indexOf(Math.min(...lats));
        return window.BakhmutReport.distanceKm({lat: lats[top], lon: lons[top]},
                                               {lat: lats[bottom], lon: lons[bottom]}) / 2; }""")


def test_range_rings_kramatorsk_distance_and_impossible_ranges(page):
    set_month(page, "2023-06")
    assert ring_points(page) >= 73
    kramatorsk = shown_text(page, "#bk-reach li[data-settlement=kramatorsk]")
    assert kramatorsk.startswith("Kramatorsk: ") and " km tot " in kramatorsk and kramatorsk.endswith("buiten bereik")
    page.fill("#bk-range", "40")
    assert page.inner_text("#bk-reach li[data-settlement=kramatorsk]").endswith("binnen bereik")
    assert abs(ring_radius_km(page) - 40) < 0.5
    assert "40 km" in page.inner_text("#bk-ring-legend")
    for bad in ("500", "0", "-10"):
        page.fill("#bk-range", bad)
        assert page.get_attribute("#bk-range", "aria-invalid") == "true", bad
        assert "1 tot 200 km" in page.inner_text("#bk-range-message")
        assert abs(ring_radius_km(page) - 40) < 0.5, "the last good range stays"
    page.fill("#bk-range", "25")
    assert page.get_attribute("#bk-range", "aria-invalid") is None and page.inner_text("#bk-range-message") == ""


def test_javascript_hover_and_summary_match_python(page, dataset):
    report = Report(dict(params.DEFAULTS), dataset)
    t = texts("nl")
    for month in ("2022-06", "2023-03", "2023-12"):
        set_month(page, month)
        m = report.months.months.index(month)
        js = page.evaluate(
            "m => JSON.parse(document.getElementById('bk-data').textContent).settlements.map("
            "(s, i) => window.BakhmutReport.hover(m, Object.assign(s, {index: i})))",
            m,
        )
        python = [hover_text(report.months, month, i, t) for i in range(len(report.months.settlements))]
        assert js == python
        assert page.evaluate("m => window.BakhmutReport.summary(m)", m) == month_summary(report.months, month, t)


HOSTILE = [
    "<b>x</b>",
    "a & b",
    '<a href="http://x">y</a>',
    '<span style="fill:url(http://x)">z</span>',
    "&lt;already&gt;",
    "plain",
]


def test_javascript_and_python_escape_plotly_markup_alike(page):
    assert page.evaluate("xs => xs.map(window.BakhmutReport.plotlyText)", HOSTILE) == [plotly_text(x) for x in HOSTILE]


def test_focus_moves_the_rings(page):
    set_month(page, "2023-06")
    page.select_option("#bk-focus", "kramatorsk")
    assert page.inner_text("#bk-focus-name") == "Kramatorsk"
    assert "focus=kramatorsk" in page.url
    focus = page.evaluate("""() => {
        const d = document.getElementById('bakhmut-map');
        const T = JSON.parse(document.getElementById('bk-data').textContent).traces;
        return d.data[T.focus].lat[0];
    }""")
    assert abs(focus - 48.72) < 0.05


def test_desktop_viewport_is_the_default(page):
    assert page.viewport_size == DESKTOP
