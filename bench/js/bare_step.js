// The baseline of a month step: Plotly.restyle alone, with the very update report.js made for that
// month (captured by capture_step.js), on the bare page. Same marks as month_step.js.
async ([calls]) => {
  const div = document.getElementById("bakhmut-map");
  const parsed = calls.map((c) => JSON.parse(c));
  return await new Promise((resolve) => {
    let t0 = 0, tSync = 0, tAfter = null, left = parsed.length;
    const after = () => {
      if (tAfter === null) tAfter = performance.now();
    };
    const done = () => {
      left -= 1;
      if (left > 0) return;
      const tRestyle = performance.now();
      div.removeListener("plotly_restyle", done);
      div.removeListener("plotly_afterplot", after);
      requestAnimationFrame(() => {
        resolve({
          sync: tSync - t0,
          afterplot: tAfter === null ? null : tAfter - t0,
          restyle: tRestyle - t0,
          frame: performance.now() - t0,
        });
      });
    };
    div.on("plotly_afterplot", after);
    div.on("plotly_restyle", done);
    setTimeout(() => resolve(null), 10000);
    t0 = performance.now();
    parsed.forEach((c) => window.Plotly.restyle(div, c.update, c.traces));
    tSync = performance.now();
  });
}
