"""Story first: the map beside the article, paragraphs that move it, links, downloads, print, phone, axe."""

from __future__ import annotations

import csv
import io
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from pages import DESKTOP, PHONE, READY, box, in_view, open_page, read_to, set_month

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def ready_page(browser, url, viewport=DESKTOP, **kw):
    page = open_page(browser, url, viewport, **kw)
    page.wait_for_selector(READY, timeout=20000)
    return page


def test_first_screen_has_title_dateline_lead_and_the_whole_map(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri())
    assert page.inner_text("h1") == "De slag om Bakhmut"
    assert "maart 2023" in page.inner_text(".bk-dateline") and "uitgever niet" in page.inner_text(".bk-dateline")
    lead = page.inner_text(".bk-lead")
    assert "De slag om Bakhmut duurde van" in lead and "In maart 2023" in lead
    m = box(page, "#bakhmut-map")
    assert m["top"] >= 0 and m["bottom"] <= DESKTOP["height"], m
    assert "parameters:" not in page.inner_text(".bk-header")
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_map_follows_the_paragraph_being_read(browser, rendered, viewport):
    page = ready_page(browser, rendered.html.as_uri(), viewport)
    for block, month in (("s2-p1", "2022-07"), ("s2-p2", "2023-01"), ("s1-p3", "2023-05")):
        read_to(page, block)
        assert page.get_attribute("#bakhmut-map", "data-month") == month, block
        assert in_view(box(page, "#bakhmut-map"), viewport), block
        assert in_view(box(page, "#" + block), viewport)
    assert "juli 2022" not in page.inner_text("#bk-month-events-title")
    page.context.close()


def test_moving_the_slider_pauses_following_until_asked_again(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri())
    set_month(page, "2023-10")
    assert page.get_attribute("#bk-follow", "aria-pressed") == "false"
    read_to(page, "s2-p1")
    assert page.get_attribute("#bakhmut-map", "data-month") == "2023-10", "the reader's month stays"
    page.click("#bk-follow")
    assert page.get_attribute("#bk-follow", "aria-pressed") == "true"
    assert page.get_attribute("#bakhmut-map", "data-month") == "2022-07"
    page.context.close()


def test_an_evidence_link_moves_the_map_clears_the_search_and_highlights_its_row(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri())
    page.fill("#bk-search", "Kherson")
    link = page.locator("#claim-c08 a.bk-evidence").first
    event = link.get_attribute("data-event")
    link.click()
    row = page.locator(f"tr#{event}")
    assert row.is_visible() and "bk-highlight" in row.get_attribute("class")
    assert page.input_value("#bk-search") == ""
    assert page.get_attribute("#bakhmut-map", "data-month") == event[3:10]
    assert in_view(box(page, f"tr#{event}"), DESKTOP)
    page.context.close()


def test_every_verdict_has_evidence_or_says_why_not(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri())
    claims = page.eval_on_selector_all(
        ".bk-claim",
        "cs => cs.map(c => [c.id, c.querySelectorAll('a.bk-evidence').length, "
        "!!c.querySelector('.bk-no-evidence'), c.dataset.verdict])",
    )
    assert len(claims) == 18
    for claim_id, links, why, verdict in claims:
        assert links or why or verdict == "not_checkable", claim_id
    page.context.close()


def test_a_deep_link_opens_with_the_map_in_view_and_keeps_range_and_focus(browser, rendered):
    for viewport in (DESKTOP, PHONE):
        page = ready_page(browser, rendered.html.as_uri() + "#2023-01&range=40&focus=soledar", viewport)
        assert page.inner_text("#bk-month-label") == "januari 2023"
        assert page.get_attribute("#bakhmut-map", "data-month") == "2023-01"
        assert in_view(box(page, "#bakhmut-map"), viewport)
        assert page.input_value("#bk-range") == "40" and page.input_value("#bk-focus") == "soledar"
        page.context.close()


def test_copy_link_gives_the_view_as_a_link(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri())
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    set_month(page, "2023-01")
    page.fill("#bk-range", "40")
    page.click("#bk-copy-link")
    page.wait_for_function("document.getElementById('bk-copy-status').textContent.length > 0")
    assert page.url.endswith("#2023-01&range=40")
    page.context.close()


def download(page, file: str):
    with page.expect_download() as info:
        page.click(f".bk-download[data-file={file}]")
    path = info.value.path()
    return info.value.suggested_filename, open(path, encoding="utf-8").read()


def test_downloads_are_built_in_the_page_and_parse(browser, rendered, dataset):
    page = ready_page(browser, rendered.html.as_uri())
    name, text = download(page, "events")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert name == "bakhmut-events.csv" and len(rows) == len(dataset.events)
    soledar = next(r for r in rows if r["event_id"] == "ev-2023-01-25-ua-confirms-soledar-withdrawal")
    assert soledar["kind"] == "control_confirmation" and soledar["settlements"] == "soledar"
    assert soledar["holder_before"] == "UA" and soledar["holder_after"] == "RU"
    assert set(soledar["sources"].split(";")) == set(dataset.event_index[soledar["event_id"]].sources)
    name, text = download(page, "control")
    control = list(csv.DictReader(io.StringIO(text)))
    assert len(control) == 23 * len(dataset.settlements)
    assert {"month": "2023-05", "settlement_id": "bakhmut", "settlement": "Bakhmut", "holder": "RU"} in control
    name, text = download(page, "sources")
    sources = list(csv.DictReader(io.StringIO(text)))
    assert len(sources) == len(dataset.sources)
    copy = next(s for s in sources if s["source_type"] == "copy")
    assert copy["original_url"].startswith("http") and copy["original_publisher"]
    name, text = download(page, "package")
    assert json.loads(text)["resources"][0]["name"] == "sources"
    assert [u for u in page.requests if not u.startswith(("file://", "blob:"))] == []
    page.context.close()


def test_downloaded_csv_neutralises_formula_cells(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri())
    cells = page.evaluate("['=1+1', '+x', '-y', '@z', 'ok', 'a,b'].map(window.BakhmutReport.csvCell)")
    assert cells == ["'=1+1", "'+x", "'-y", "'@z", "ok", '"a,b"']
    page.context.close()


def test_print_shows_no_controls_keeps_the_map_whole_and_prints_source_urls(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri(), media="print")
    for selector in ("#bk-play", "#bk-month", "#bk-follow", "#bk-search", "#bk-range", ".bk-download"):
        assert not page.is_visible(selector), selector
    figure = box(page, ".bk-figure")
    assert figure["height"] < 1000, "the map fits on one A4 page (about 1,000 px at 96 dpi)"
    assert page.evaluate("getComputedStyle(document.querySelector('.bk-figure')).breakInside") == "avoid"
    assert page.is_visible(".bk-key-months") and page.locator(".bk-key svg").count() >= 3
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.bk-source-list a[href^=\"http\"]'), '::after').content"
    )
    assert "http" in after
    page.context.close()


def test_a_phone_never_scrolls_sideways(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri(), PHONE)
    for y in (0, 2000, 6000, 12000):
        page.evaluate(f"window.scrollTo(0, {y})")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    m = box(page, "#bk-map-frame")
    assert m["width"] >= PHONE["width"] - 40, "the map fills the width"
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_axe_finds_no_violations(browser, rendered, rendered_en, viewport, language):
    report = rendered if language == "nl" else rendered_en
    page = ready_page(browser, report.html.as_uri(), viewport)
    results = Axe().run(page)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == []
    page.context.close()


def test_skip_links_and_contents(browser, rendered):
    page = ready_page(browser, rendered.html.as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "bk-skip"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bk-play", "the controls are two key presses away"
    toc = page.eval_on_selector_all(".bk-toc a", "as => as.map(a => a.getAttribute('href'))")
    assert toc == ["#bk-story", "#events", "#method", "#sources", "#downloads", "#colophon"]
    page.context.close()
