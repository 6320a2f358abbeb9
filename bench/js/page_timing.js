// What paint_observer.js recorded, with the navigation timing of the load.
() => {
  const n = performance.getEntriesByType("navigation")[0];
  const paint = {};
  performance.getEntriesByType("paint").forEach((e) => { paint[e.name] = e.startTime; });
  const marks = {}; // report.js's start-up steps (User Timing "bakhmut:*"); the bare page sets the same names
  performance.getEntriesByType("mark").forEach((e) => {
    if (e.name.startsWith("bakhmut:") && !(e.name.slice(8) in marks)) marks[e.name.slice(8)] = e.startTime;
  });
  return Object.assign({}, window.__bench, marks, {
    fcp: window.__bench.fcp !== null ? window.__bench.fcp : (paint["first-contentful-paint"] ?? null),
    first_paint: paint["first-paint"] ?? null,
    dom_content_loaded: n.domContentLoadedEventEnd,
    load: n.loadEventEnd,
    response_end: n.responseEnd,
  });
}
