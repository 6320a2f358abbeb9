// What the map draws now: places (markers of the UA, RU and contested traces), range rings, place labels,
// in plotly's data and as SVG nodes (plotly draws one g.trace.scattergeo per trace, in trace order).
// ``traces``: the trace indices from #bk-data (name -> index).
([traces]) => {
  const div = document.getElementById("bakhmut-map");
  const data = div.data || [];
  const groups = Array.from(div.querySelectorAll("g.trace.scattergeo"));
  const count = (k) => (data[k] && data[k].lat ? data[k].lat.length : 0);
  const nodes = (k, selector) => (groups[k] ? groups[k].querySelectorAll(selector).length : 0);
  const ringLat = data[traces.rings] && data[traces.rings].lat ? data[traces.rings].lat : [];
  return {
    places: count(traces.UA) + count(traces.RU) + count(traces.contested),
    rings: ringLat.filter((v) => v === null).length,
    labels: data[traces.labels] && data[traces.labels].text ? data[traces.labels].text.length : 0,
    traces: data.length,
    marker_nodes: nodes(traces.UA, ".point") + nodes(traces.RU, ".point") + nodes(traces.contested, ".point"),
    label_nodes: nodes(traces.labels, "text"),
    ring_paths: nodes(traces.rings, "path"),
    trace_groups: groups.length,
  };
}
