"""The static report in headless Chromium, opened from disk with no network."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser, rendered):
    context = browser.new_context()
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(rendered.html.as_uri())
    page.wait_for_selector("#bakhmut-map[data-ready=true]", timeout=20000)
    yield page
    context.close()


def holder_of(page, name: str) -> str:
    """Which holder trace Bakhmut is drawn in (trace names are the legend labels)."""
    return page.evaluate(
        """name => {
        const div = document.getElementById('bakhmut-map');
        const named = t => (t.customdata || []).some(c => c.startsWith('<b>' + name + '</b>'));
        const trace = div.data.slice(1, 4).find(named);
        return trace ? trace.marker.symbol : null;
    }""",
        name,
    )


def set_month(page, month: str) -> None:
    index = page.evaluate("m => JSON.parse(document.getElementById('bk-data').textContent).months.indexOf(m)", month)
    assert index >= 0
    page.eval_on_selector(
        "#bk-month", "(el, i) => { el.value = String(i); el.dispatchEvent(new Event('input')); }", index
    )


def test_slider_moves_bakhmut_from_ukrainian_to_russian(page):
    set_month(page, "2022-06")
    assert holder_of(page, "Bakhmut") == "circle"  # UA
    assert page.inner_text("#bk-month-label") == "juni 2022"
    set_month(page, "2023-06")
    assert holder_of(page, "Bakhmut") == "square"  # RU
    assert "Bakhmut" in page.inner_text("#bk-summary")
    assert page.url.endswith("#2023-06")


def test_starts_at_the_chosen_month_and_plays(page):
    assert page.inner_text("#bk-month-label") == "maart 2023"
    assert holder_of(page, "Bakhmut") == "diamond"  # contested in March 2023
    page.click("#bk-play")
    page.wait_for_function("document.getElementById('bakhmut-map').dataset.month === '2023-04'", timeout=5000)
    page.click("#bk-play")
    assert page.get_attribute("#bk-play", "aria-pressed") == "false"


def test_no_network_and_no_console_errors(page):
    set_month(page, "2023-01")
    assert [u for u in page.requests if not u.startswith("file://")] == []
    assert page.errors == []
    assert (
        page.evaluate(
            "document.querySelectorAll('#bakhmut-map .layer.land path, #bakhmut-map .layer.countries path').length"
        )
        >= 2
    ), "embedded geometry drawn"


def test_table_sorts_and_searches(page):
    rows = "#bk-events tbody tr:not([hidden])"
    total = page.locator(rows).count()
    page.fill("#bk-search", "Soledar")
    assert 0 < page.locator(rows).count() < total
    assert all("Soledar" in t for t in page.locator(rows).all_inner_texts())
    page.fill("#bk-search", "")
    page.click("#bk-events thead button[data-sort='0']")
    page.click("#bk-events thead button[data-sort='0']")
    first = page.locator("#bk-events tbody tr").first.get_attribute("id")
    assert first.startswith("ev-2024-")


def month_items(page) -> list[str]:
    return page.eval_on_selector_all("#bk-month-events li:not([hidden])", "els => els.map(e => e.textContent)")


def test_event_list_and_summary_follow_the_month(page):
    set_month(page, "2022-06")
    june = month_items(page)
    assert june and all("juni 2022" in t for t in june)
    set_month(page, "2023-06")
    assert month_items(page) != june
    assert page.inner_text("#bk-summary").startswith("In juni 2023 houdt Rusland")


def test_deep_link_opens_at_that_month(browser, rendered):
    page = browser.new_page()
    page.goto(rendered.html.as_uri() + "#2023-01")
    page.wait_for_selector("#bakhmut-map[data-ready=true]")
    assert page.inner_text("#bk-month-label") == "januari 2023"
    assert page.get_attribute("#bakhmut-map", "data-month") == "2023-01"
    page.close()


def test_arrow_keys_move_the_slider(page):
    page.focus("#bk-month")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#bk-month-label") == "april 2023"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#bk-month-label") == "februari 2023"
    assert page.get_attribute("#bk-month", "aria-valuetext") == "februari 2023"


def test_range_rings_and_kramatorsk_distance(page):
    set_month(page, "2023-06")
    ring_points = page.evaluate("document.getElementById('bakhmut-map').data[0].lat.filter(v => v !== null).length")
    assert ring_points >= 73
    kramatorsk = page.inner_text("#bk-reach li[data-settlement=kramatorsk]")
    assert kramatorsk == "Kramatorsk: 35,1 km tot Bakhmut — buiten bereik"
    page.fill("#bk-range", "40")
    page.dispatch_event("#bk-range", "input")
    assert page.inner_text("#bk-reach li[data-settlement=kramatorsk]").endswith("binnen bereik")


def test_javascript_hover_matches_python(page, dataset):
    """Back at the initial month, report.js's hover texts equal the ones Python rendered."""
    initial = page.evaluate("document.getElementById('bakhmut-map').data.slice(1, 4).map(t => t.customdata)")
    set_month(page, "2022-06")
    set_month(page, "2023-03")
    again = page.evaluate("document.getElementById('bakhmut-map').data.slice(1, 4).map(t => t.customdata)")
    assert again == initial


def test_range_presets_come_from_the_data_and_set_the_range(page):
    set_month(page, "2023-06")
    buttons = page.locator(".bk-preset")
    assert buttons.count() == 2
    page.click(".bk-preset[data-km='70']")
    assert page.input_value("#bk-range") == "70"
    assert page.inner_text("#bk-reach li[data-settlement=sloviansk]").endswith("binnen bereik")
    assert "tass.com" in page.inner_html("#map .bk-note >> nth=1")
