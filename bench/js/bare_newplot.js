// The baseline page's only script: draw the captured figure with Plotly.newPlot, as report.js does,
// and mark the map ready when the promise resolves (report.js sets the same attribute at that point).
document.addEventListener("DOMContentLoaded", function () {
  var div = document.getElementById("bakhmut-map");
  var fig = JSON.parse(document.getElementById("bk-figure").textContent);
  window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(function () {
    div.setAttribute("data-ready", "true");
  });
});
