"""Helpers for the tests that open the report in headless Chromium."""

from __future__ import annotations

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 720}  # a short screen: the map is drawn smaller than at 1440×900
READY = "#bakhmut-map[data-ready=true]"


def open_page(browser, url: str, viewport: dict = DESKTOP, *, block_plotly: bool = False, media: str = "screen"):
    """A fresh page at ``url`` that records requests, errors and dialogs (dismissed): ``page.requests``,
    ``page.errors``, ``page.dialogs``; ``page.context.close()`` when done."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.emulate_media(media=media)
    page.requests, page.errors, page.dialogs = [], [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    if block_plotly:  # a page whose plotly.js never runs: what a reader without JavaScript for the map sees
        page.add_init_script("Object.defineProperty(window, 'Plotly', {get() { return undefined; }, set() {}});")
    page.goto(url)
    return page


def shown_text(page, selector: str) -> str:
    """The text a reader sees at ``selector`` once scrolled to it: parts of the page far from the view are
    laid out only when scrolled near (report.css, content-visibility: auto), and have no innerText before."""
    page.locator(selector).first.scroll_into_view_if_needed()
    page.wait_for_function("s => document.querySelector(s).innerText.trim().length > 0", arg=selector)
    return page.inner_text(selector)


def traces(page) -> dict:
    return page.evaluate("JSON.parse(document.getElementById('bk-data').textContent).traces")


def holder_of(page, name: str) -> str | None:
    """The marker symbol of the holder trace a place is drawn in (circle UA, square RU, diamond contested)."""
    return page.evaluate(
        """name => {
        const div = document.getElementById('bakhmut-map');
        const T = JSON.parse(document.getElementById('bk-data').textContent).traces;
        const named = t => (t.customdata || []).some(c => c.startsWith('<b>' + name + '</b>'));
        const trace = [T.UA, T.RU, T.contested].map(i => div.data[i]).find(named);
        return trace ? trace.marker.symbol : null;
    }""",
        name,
    )


def set_month(page, month: str) -> None:
    index = page.evaluate("m => JSON.parse(document.getElementById('bk-data').textContent).months.indexOf(m)", month)
    assert index >= 0, month
    page.eval_on_selector(
        "#bk-month", "(el, i) => { el.value = String(i); el.dispatchEvent(new Event('input')); }", index
    )


def box(page, selector: str) -> dict:
    return page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height}; }",
        selector,
    )


def read_to(page, block_id: str) -> None:
    """Scroll as a reader does: the block's top just below the reading line (below the map band on a phone)."""
    page.evaluate(
        """id => {
        const el = document.getElementById(id), panel = document.querySelector('.bk-map-panel');
        const phone = matchMedia('(max-width: 760px)').matches;
        const y = el.getBoundingClientRect().top + scrollY;
        window.scrollTo(0, y - (phone ? panel.getBoundingClientRect().height + 20 : innerHeight * 0.35));
    }""",
        block_id,
    )
    page.wait_for_timeout(250)


def in_view(b: dict, viewport: dict) -> bool:
    return b["top"] < viewport["height"] and b["bottom"] > 0 and b["height"] > 0
