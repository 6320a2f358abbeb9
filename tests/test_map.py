"""The map a reader of conflict maps trusts: labels, layers, contrast, interaction, range, first paint."""

from __future__ import annotations

import pytest
from pages import DESKTOP, LAPTOP, PHONE, READY, box, open_page, set_month, shown_text

from bakhmut_report.present.labels import POSITIONS, label_box, overlaps
from bakhmut_report.present.styles import BASE_STYLE, HOLDER_STYLE
from bench.harness import js

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LABEL_BOXES = """() => {
  const div = document.getElementById('bakhmut-map');
  const T = JSON.parse(document.getElementById('bk-data').textContent).traces;
  const groups = div.querySelectorAll('.scattergeo.trace');
  const labels = Array.from(groups[T.labels].querySelectorAll('text')).filter(t => t.textContent.trim());
  const markers = [T.UA, T.RU, T.contested].flatMap(i => Array.from(groups[i].querySelectorAll('path.point')));
  const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {labels: labels.map(t => [t.textContent, ...rect(t)]), markers: markers.map(rect)};
}"""


def label_boxes(page) -> dict:
    return page.evaluate(LABEL_BOXES)


@pytest.fixture(params=[DESKTOP, LAPTOP, PHONE], ids=["desktop", "laptop", "phone"])
def map_page(request, browser, rendered):
    page = open_page(browser, rendered.html.as_uri(), request.param)
    page.wait_for_selector(READY, timeout=20000)
    yield page
    page.context.close()


def test_no_two_labels_overlap_and_the_key_places_are_named(map_page):
    found = label_boxes(map_page)
    labels = found["labels"]
    clashes = [(a[0], b[0]) for i, a in enumerate(labels) for b in labels[i + 1 :] if overlaps(a[1:], b[1:])]
    assert clashes == []
    names = {label[0] for label in labels}
    must = {"Bakhmut", "Soledar", "Lysychansk", "Chasiv Yar", "Klishchiivka"}
    if map_page.viewport_size == DESKTOP:
        must |= {"Kramatorsk", "Sloviansk"}  # the phone's band shows the battle's centre; these are at its edge
    assert must <= names, must - names


def test_labels_stay_in_every_month(map_page):
    first = {label[0] for label in label_boxes(map_page)["labels"]}
    for month in ("2022-03", "2022-07", "2023-05", "2023-12"):
        set_month(map_page, month)
        assert {label[0] for label in label_boxes(map_page)["labels"]} == first, month


def test_the_label_model_matches_plotly(browser, rendered):
    """Every label plotly.js drew lies inside the box labels.label_box predicted for it."""
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    measured = page.evaluate("""() => {
      const div = document.getElementById('bakhmut-map'), sub = div._fullLayout.geo._subplot;
      const T = JSON.parse(document.getElementById('bk-data').textContent).traces, tr = div.data[T.labels];
      const g = div.getBoundingClientRect(), group = div.querySelectorAll('.scattergeo.trace')[T.labels];
      return Array.from(group.querySelectorAll('text')).map((t, i) => { const r = t.getBoundingClientRect();
        const xy = sub.projection([tr.lon[i], tr.lat[i]]);
        return [t.textContent, tr.textposition[i], xy[0], xy[1], r.left - g.left, r.top - g.top, r.width, r.height]; });
    }""")
    page.context.close()
    assert measured
    for text, position, x, y, left, top, width, height in measured:
        x0, y0, x1, y1 = label_box(x, y, width, position)
        assert x0 - 0.5 <= left and left + width <= x1 + 0.5 and y0 - 0.5 <= top and top + height <= y1 + 0.5, text


def test_every_label_position_is_one_plotly_knows():
    assert set(POSITIONS) <= {f"{v} {h}" for v in ("top", "middle", "bottom") for h in ("left", "center", "right")}


def relative_luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("holder", list(HOLDER_STYLE))
@pytest.mark.parametrize("base", ["land", "water"])
def test_markers_keep_3_to_1_contrast_with_the_map(holder, base):
    assert contrast(HOLDER_STYLE[holder]["color"], BASE_STYLE[base]["color"]) >= 3.0


def test_colour_is_never_the_only_cue():
    assert len({s["symbol"] for s in HOLDER_STYLE.values()}) == len(HOLDER_STYLE)
    assert len({s["color"] for s in HOLDER_STYLE.values()}) == len(HOLDER_STYLE)


def test_a_wheel_over_the_map_scrolls_the_page_and_leaves_the_map(browser, rendered):
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    before = page.evaluate("document.getElementById('bakhmut-map')._fullLayout.geo.projection.scale")
    page.evaluate("window.scrollTo(0, 0)")
    b = box(page, "#bakhmut-map")
    page.mouse.move(b["left"] + b["width"] / 2, b["top"] + b["height"] / 2)
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(400)
    assert page.evaluate("document.getElementById('bakhmut-map')._fullLayout.geo.projection.scale") == before
    assert page.evaluate("window.scrollY") > 0
    page.click("#bk-zoom")  # the reader asks for zoom: then the wheel zooms
    assert page.get_attribute("#bk-zoom", "aria-pressed") == "true"
    assert page.evaluate("document.getElementById('bakhmut-map')._context.scrollZoom") is True
    page.context.close()


def test_modebar_offers_only_what_works_offline_in_the_readers_language(browser, rendered):
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    page.hover("#bakhmut-map")
    titles = page.eval_on_selector_all("#bakhmut-map .modebar-btn", "bs => bs.map(b => b.getAttribute('data-title'))")
    assert titles == ["Kaart downloaden als png", "Beginbeeld"]
    assert not page.query_selector(
        "#bakhmut-map [data-title*='Cloud'], #bakhmut-map [data-title*='Chart Studio'],"
        " #bakhmut-map [data-title*='Share']"
    )
    page.context.close()


def test_places_outside_the_theatre_are_named_and_left_out_of_the_range_list(browser, rendered):
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    set_month(page, "2022-06")
    assert not page.query_selector("#bk-reach li[data-settlement=kherson]")
    assert "Kherson" not in shown_text(page, "#bk-reach")
    assert "Kherson" in shown_text(page, "#bk-outside") and "Mariupol" in page.inner_text("#bk-outside")
    page.context.close()


def test_rivers_boundaries_roads_and_scale_are_drawn_and_said_to_be_schematic(browser, rendered):
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    counts = page.evaluate("""() => { const d = document.getElementById('bakhmut-map');
        const T = JSON.parse(document.getElementById('bk-data').textContent).traces;
        const n = i => d.data[i].lon.filter(v => v !== null).length;
        const paths = i => d.querySelectorAll('.scattergeo.trace')[i].querySelectorAll('path.js-line').length;
        return {donets: n(T.donets), rivers: n(T.rivers), oblasts: n(T.oblasts), routes: n(T.routes),
                drawn: paths(T.donets) + paths(T.routes) + paths(T.oblasts)}; }""")
    assert counts["donets"] > 50 and counts["rivers"] > 50 and counts["oblasts"] > 50 and counts["routes"] >= 6
    assert counts["drawn"] >= 3
    legend = page.inner_text(".bk-legend")
    assert "schematisch" in legend and "Siverskyi Donets" in legend
    assert "frontlinie" in page.inner_text(".bk-caption")
    assert page.evaluate("document.getElementById('bakhmut-map').data.some(t => (t.text || []).includes('20 km'))")
    page.context.close()


def test_the_svg_map_shows_before_plotly_runs_and_without_it(browser, rendered):
    page = open_page(browser, rendered.html.as_uri(), block_plotly=True)
    page.wait_for_timeout(800)
    svg = box(page, "#bk-svg-wide")
    assert svg["width"] > 300 and svg["top"] < DESKTOP["height"]
    assert page.evaluate("getComputedStyle(document.getElementById('bk-svg-wide')).visibility") == "visible"
    assert page.query_selector("#bakhmut-map[data-ready=true]") is None
    assert page.evaluate("document.querySelectorAll('#bk-svg-wide .bk-svg-markers use').length") >= 70
    assert page.evaluate("document.querySelectorAll('#bk-svg-wide .bk-svg-labels text').length") >= 20
    # the slider still moves the month's lists without the map
    set_month(page, "2023-06")
    assert page.inner_text("#bk-month-label") == "juni 2023"
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP, {"width": 1920, "height": 1080}])
def test_the_zoom_button_and_the_legend_are_on_the_first_screen(browser, rendered, viewport):
    """Beside the article the map leaves room under it: its zoom button and the legend's holders show."""
    page = open_page(browser, rendered.html.as_uri(), viewport)
    page.wait_for_selector(READY, timeout=20000)
    caption = box(page, ".bk-caption")
    for selector in ("#bk-zoom", ".bk-legend li:nth-child(1)", ".bk-legend li:nth-child(3)"):
        shown = box(page, selector)
        assert shown["height"] > 0 and shown["bottom"] <= viewport["height"], (selector, shown)
        if selector != "#bk-zoom":  # inside the caption's scrolling box, not cut off by it
            assert caption["top"] <= shown["top"] and shown["bottom"] <= caption["bottom"] + 1, (selector, caption)
    assert box(page, "#bk-map-frame")["height"] >= 0.6 * viewport["height"]
    page.context.close()


def test_the_timeline_strip_moves_the_map_by_click_and_keys(browser, rendered):
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    months = page.evaluate("JSON.parse(document.getElementById('bk-data').textContent).months")
    bars = page.locator("#bk-timeline .bk-tl-month")
    assert bars.count() == len(months)
    tops = page.eval_on_selector_all(
        "#bk-timeline .bk-tl-bar", "bs => bs.map(b => Math.round(b.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, "the bars stand on one line"
    i = months.index("2023-05")
    bars.nth(i).click()
    assert page.get_attribute("#bakhmut-map", "data-month") == "2023-05"
    assert page.inner_text("#bk-month-label") == "mei 2023"
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#bakhmut-map", "data-month") == "2023-06"
    assert (
        bars.nth(i + 1).get_attribute("aria-pressed") == "true" and bars.nth(i).get_attribute("aria-pressed") == "false"
    )
    page.keyboard.press("Home")
    assert page.get_attribute("#bakhmut-map", "data-month") == months[0]
    page.context.close()


def test_plotly_runs_after_the_map_is_drawn_and_before_the_table_is_parsed(browser, rendered):
    """plotly.js follows the map's cell, and runs only once a frame has drawn the SVG map."""
    html = rendered.html.read_text(encoding="utf-8")
    order = ['id="bk-svg-wide"', 'id="bk-data"', 'id="bk-plotly-src"', "BakhmutReport.mapParsed()", 'id="events"']
    assert [html.index(s) for s in order] == sorted(html.index(s) for s in order)
    assert '<link rel="expect" href="#bk-figure" blocking="render">' in html.split("</head>")[0]
    for _ in range(3):  # fresh contexts: the order holds however the parser and the frames interleave
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.add_init_script(js("paint_observer"))  # svgFrame: the first frame with the SVG map laid out
        page.goto(rendered.html.as_uri())
        page.wait_for_selector(READY, timeout=20000)
        t = page.evaluate(js("page_timing"))  # with report.js's marks (bakhmut:*) by step
        assert t["svgFrame"] is not None and t["svgFrame"] < t["plotly-run"], t
        assert t["start"] <= t["plotly-run"] < t["plotly-ran"] <= t["newplot"] < t["map-ready"]
        context.close()


def test_the_map_starts_at_the_latest_when_the_page_is_parsed(browser, rendered, tmp_path):
    """Without the early call (another template, a hidden tab draws no frames) the map and the table still start."""
    html = rendered.html.read_text(encoding="utf-8")
    early = "<script>BakhmutReport.mapParsed();</script>"
    assert html.count(early) == 1
    late = tmp_path / "late.html"
    late.write_text(html.replace(early, ""), encoding="utf-8")
    page = open_page(browser, late.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    page.fill("#bk-search", "Soledar")
    assert 0 < page.locator("#bk-events tbody tr:not([hidden])").count() < 40
    assert not page.errors
    page.context.close()


def test_the_svg_first_paint_agrees_with_the_figure(browser, rendered):
    """The SVG's labels are the ones plotly.js draws for the same size (same layout, same names)."""
    page = open_page(browser, rendered.html.as_uri())
    page.wait_for_selector(READY, timeout=20000)
    svg_names = set(page.eval_on_selector_all("#bk-svg-wide .bk-svg-labels text", "ts => ts.map(t => t.textContent)"))
    assert {"Bakhmut", "Soledar", "Kramatorsk", "Sloviansk", "Lysychansk"} <= svg_names
    page.context.close()
