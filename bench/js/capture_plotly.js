// Init script (runs before any page script): records what report.js passes to Plotly.newPlot and,
// while __benchCapture.recording is true, to Plotly.restyle. plotly.js defines window.Plotly when
// report.js runs it after the first paint; the setter wraps the two functions on that object.
(() => {
  const cap = (window.__benchCapture = { newPlot: null, restyle: [], recording: false });
  let real;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    enumerable: true,
    get() {
      return real;
    },
    set(value) {
      real = value;
      if (!value || !value.newPlot || value.__benchWrapped) return;
      const newPlot = value.newPlot;
      const restyle = value.restyle;
      value.newPlot = function (gd, data, layout, config) {
        cap.newPlot = JSON.stringify({ data: data, layout: layout, config: config });
        return newPlot.apply(this, arguments);
      };
      value.restyle = function (gd, update, traces) {
        if (cap.recording) cap.restyle.push(JSON.stringify({ update: update, traces: traces }));
        return restyle.apply(this, arguments);
      };
      value.__benchWrapped = true;
    },
  });
})();
