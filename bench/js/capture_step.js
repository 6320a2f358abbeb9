// One slider step on the report page, recording report.js's Plotly.restyle calls (capture_plotly.js).
async ([value]) => {
  const cap = window.__benchCapture;
  const slider = document.getElementById("bk-month");
  cap.restyle = [];
  cap.recording = true;
  slider.value = String(value);
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  cap.recording = false;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return cap.restyle.slice();
}
