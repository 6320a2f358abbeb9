// The baseline page's only script: draw the captured figure with Plotly.newPlot, as report.js does,
// and mark the map ready when the promise resolves (report.js sets the same attribute at that point), with
// report.js's User Timing names for the same steps.
document.addEventListener("DOMContentLoaded", function () {
  var div = document.getElementById("bakhmut-map");
  var fig = JSON.parse(document.getElementById("bk-figure").textContent);
  performance.mark("bakhmut:newplot");
  window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(function () {
    performance.mark("bakhmut:map-ready");
    div.setAttribute("data-ready", "true");
  });
});
