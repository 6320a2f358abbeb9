// One month step on the report page, as a reader makes it: set #bk-month's value, dispatch `input`.
// t0 = just before the dispatch. sync: the input handler returned (report.js's whole month update ran:
// restyle, summary, month events, reach list); afterplot: plotly's plotly_afterplot event; restyle: the
// plotly_restyle event (the restyle's promise resolved: the map is redrawn); frame: the next animation
// frame after that (the frame that paints it). All in ms after t0; null if no restyle came within 10 s.
async ([value]) => {
  const div = document.getElementById("bakhmut-map");
  const slider = document.getElementById("bk-month");
  return await new Promise((resolve) => {
    let t0 = 0, tSync = 0, tAfter = null;
    const after = () => {
      if (tAfter === null) tAfter = performance.now();
    };
    const done = () => {
      const tRestyle = performance.now();
      div.removeListener("plotly_restyle", done);
      div.removeListener("plotly_afterplot", after);
      requestAnimationFrame(() => {
        resolve({
          sync: tSync - t0,
          afterplot: tAfter === null ? null : tAfter - t0,
          restyle: tRestyle - t0,
          frame: performance.now() - t0,
          month: div.getAttribute("data-month"),
        });
      });
    };
    div.on("plotly_afterplot", after);
    div.on("plotly_restyle", done);
    setTimeout(() => resolve(null), 10000);
    t0 = performance.now();
    slider.value = String(value);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    tSync = performance.now();
  });
}
