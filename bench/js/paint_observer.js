// Init script (runs before any page script). Times are performance.now(), 0 = navigation start.
// - fcp: the browser's first-contentful-paint entry (paint timing: when that frame was presented);
// - svgFrame: the first animation frame in which a .bk-first-paint SVG map is laid out and visible;
// - plotFrame: the first animation frame in which plotly's SVG (#bakhmut-map .main-svg) is laid out;
// - ready: a MutationObserver sees data-ready="true" on #bakhmut-map; readyFrame: the next frame.
(() => {
  const b = (window.__bench = {
    fcp: null, svgFrame: null, svgId: null, plotFrame: null, ready: null, readyFrame: null, frames: 0,
  });
  const visible = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none" && Number(s.opacity) > 0;
  };
  const tick = () => {
    const t = performance.now();
    b.frames += 1;
    if (b.svgFrame === null) {
      const el = Array.from(document.querySelectorAll(".bk-first-paint")).find(visible);
      if (el) {
        b.svgFrame = t;
        b.svgId = el.id;
      }
    }
    if (b.plotFrame === null && visible(document.querySelector("#bakhmut-map .main-svg"))) b.plotFrame = t;
    if (b.readyFrame === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "first-contentful-paint") b.fcp = e.startTime;
  }).observe({ type: "paint", buffered: true });
  new MutationObserver((_, obs) => {
    const div = document.getElementById("bakhmut-map");
    if (div && div.getAttribute("data-ready") === "true" && b.ready === null) {
      b.ready = performance.now();
      requestAnimationFrame(() => {
        b.readyFrame = performance.now();
      });
      obs.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
})();
