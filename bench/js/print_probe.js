// Under print media: which of the page's parts are laid out (the map as drawn, the story, the table).
() => {
  const shown = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).display !== "none";
  };
  return {
    plotly_map: shown("#bakhmut-map .main-svg"),
    svg_map: shown(".bk-first-paint"),
    story: shown("#bk-story"),
    events_table: shown("#bk-events"),
    scroll_height: document.documentElement.scrollHeight,
  };
}
