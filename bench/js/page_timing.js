// What paint_observer.js recorded, with the navigation timing of the load.
() => {
  const n = performance.getEntriesByType("navigation")[0];
  const paint = {};
  performance.getEntriesByType("paint").forEach((e) => { paint[e.name] = e.startTime; });
  return Object.assign({}, window.__bench, {
    fcp: window.__bench.fcp !== null ? window.__bench.fcp : (paint["first-contentful-paint"] ?? null),
    first_paint: paint["first-paint"] ?? null,
    dom_content_loaded: n.domContentLoadedEventEnd,
    load: n.loadEventEnd,
    response_end: n.responseEnd,
  });
}
