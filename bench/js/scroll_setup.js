// Installs the bench's own observers on the report page (after the map is ready) and returns the story
// steps report.js follows (.bk-step[data-month]).
// - viewport: an IntersectionObserver on each step with the viewport as root (the step enters view);
// - band: one with report.js's reading band (rootMargin -40% 0px -55% 0px at this width; report.js
//   moves the map when a step reaches the reading line at 45% of the window height);
// - months: a MutationObserver on #bakhmut-map's data-month (report.js sets it after the restyle).
() => {
  const steps = Array.from(document.querySelectorAll(".bk-step[data-month]"));
  const s = (window.__scroll = { viewport: {}, band: {}, months: [] });
  const record = (store) => (entries) => {
    const now = performance.now();
    entries.forEach((e) => {
      if (!e.isIntersecting) return;
      const i = e.target.getAttribute("data-bench-step");
      (store[i] = store[i] || []).push({ time: e.time, callback: now });
    });
  };
  const top = window.matchMedia("(max-width: 760px)").matches ? 55 : 40;
  const viewport = new IntersectionObserver(record(s.viewport), { threshold: 0 });
  const band = new IntersectionObserver(record(s.band), {
    rootMargin: "-" + top + "% 0px -" + (95 - top) + "% 0px",
    threshold: 0,
  });
  steps.forEach((el, i) => {
    el.setAttribute("data-bench-step", String(i));
    viewport.observe(el);
    band.observe(el);
  });
  const div = document.getElementById("bakhmut-map");
  new MutationObserver(() => {
    s.months.push({ month: div.getAttribute("data-month"), time: performance.now() });
  }).observe(div, { attributes: true, attributeFilter: ["data-month"] });
  const y = (el) => el.getBoundingClientRect().top + window.scrollY;
  return steps.map((el) => ({ month: el.dataset.month, tag: el.tagName.toLowerCase(), id: el.id, top: y(el) }));
}
