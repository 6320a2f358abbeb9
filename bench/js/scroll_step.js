// One scroll measurement for story step ``index``:
// 1. scroll (instantly) so that ``from`` (a step with another month) sits at the reading line, and let
//    the map follow it (it must then show another month than the target's);
// 2. one instant scroll that puts the target step's top 5 px above the reading line (45% of the height);
// 3. wait, frame by frame, until #bakhmut-map's data-month is the target's month.
// Returns the IntersectionObserver entry times of the target for that jump (viewport: it entered view,
// only if it was out of view before; band: it reached the reading band), the data-month mutation time,
// and the first animation frame after it (the frame that paints the map at that month). ms, page clock.
async ([index, from]) => {
  const s = window.__scroll;
  const steps = document.querySelectorAll(".bk-step[data-month]");
  const el = steps[index], other = steps[from];
  const div = document.getElementById("bakhmut-map");
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const line = window.innerHeight * 0.45;
  const y = (node) => node.getBoundingClientRect().top + window.scrollY;
  const want = el.dataset.month;

  window.scrollTo({ top: y(other) - (line - 5), behavior: "instant" });
  for (let i = 0; i < 3; i++) await frame();
  await wait(50);
  await frame();
  const before = div.getAttribute("data-month");
  const r = el.getBoundingClientRect();
  const inView = r.bottom > 0 && r.top < window.innerHeight;
  delete s.viewport[index];
  delete s.band[index];
  s.months = [];

  const t0 = performance.now();
  window.scrollTo({ top: y(el) - (line - 5), behavior: "instant" });
  const placed = el.getBoundingClientRect().top;
  let shown = null, shownFrame = null;
  while (performance.now() - t0 < 2000) {
    const now = await frame();
    const hit = s.months.find((m) => m.month === want);
    if (hit) {
      shown = hit.time;
      shownFrame = now;
      break;
    }
  }
  await frame();
  const first = (list) => (list && list.length ? list[0] : null);
  return {
    index: index, from: from, month: want, before: before, in_view_before: inView,
    placed_top: placed, line: line, t0: t0,
    viewport: first(s.viewport[index]), band: first(s.band[index]),
    shown: shown, shown_frame: shownFrame, follow: window.BakhmutReport && window.BakhmutReport.state
      ? window.BakhmutReport.state.follow : null,
  };
}
