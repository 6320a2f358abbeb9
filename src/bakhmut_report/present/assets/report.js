/* Bakhmut report: the small amount of JavaScript that makes the static page work without a kernel.
 *
 * - Map: draws the figure embedded in #bk-figure; the month slider (#bk-month, arrow keys work),
 *   the play button and deep links (#2023-01) restyle the holder traces from the per-month data
 *   in #bk-data (computed in Python: bakhmut_report.mapfig.payload) and show that month's events.
 * - Range: #bk-range redraws range rings around the Russian-held or contested places nearest the
 *   focus and lists Ukrainian-held places by great-circle distance (same formulas as geo.py).
 * - Table: header buttons sort #bk-events, #bk-search filters its rows.
 * Text from the data is inserted with textContent only, never as HTML.
 */
(function () {
  "use strict";
  var EARTH_RADIUS_KM = 6371.0088;
  var HOLDER_CODES = { U: 1, R: 2, C: 3 }; // trace index per holder code

  function rad(d) { return d * Math.PI / 180; }
  function deg(r) { return r * 180 / Math.PI; }

  function distanceKm(a, b) {
    var p1 = rad(a.lat), p2 = rad(b.lat), dp = p2 - p1, dl = rad(b.lon - a.lon);
    var h = Math.pow(Math.sin(dp / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function ring(centre, km, points) {
    var p1 = rad(centre.lat), l1 = rad(centre.lon), d = km / EARTH_RADIUS_KM, lat = [], lon = [];
    for (var i = 0; i <= points; i++) {
      var b = 2 * Math.PI * i / points;
      var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
      var l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
      lat.push(Math.round(deg(p2) * 1e4) / 1e4);
      lon.push(Math.round(deg(l2) * 1e4) / 1e4);
    }
    return { lat: lat, lon: lon };
  }

  function formatKm(km, language) {
    var text = km.toFixed(1);
    return language === "nl" ? text.replace(".", ",") : text;
  }

  function plotlyText(text) { // data as plain text in plotly's markup (labels, hover): html.plotly_text in Python
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function groupDigits(n, sep) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep); }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function initMap() {
    var div = document.getElementById("bakhmut-map");
    var fig = readJson("bk-figure"), data = readJson("bk-data");
    if (!div || !fig || !data || !window.Plotly) return;
    var slider = document.getElementById("bk-month");
    var label = document.getElementById("bk-month-label");
    var play = document.getElementById("bk-play");
    var rangeInput = document.getElementById("bk-range");
    var summary = document.getElementById("bk-summary");
    var monthTitle = document.querySelector("#bk-month-events-title .bk-month-name");
    var noEvents = document.getElementById("bk-no-events");
    var eventItems = Array.prototype.slice.call(document.querySelectorAll("#bk-month-events li"));
    var byId = {};
    data.settlements.forEach(function (s, i) { s.index = i; byId[s.id] = s; });
    var state = { index: Number(slider.value), timer: null };

    function presence(m) {
      return data.settlements.filter(function (s) { return data.holders[m][s.index] !== "U"; });
    }

    var HOLDER_LABEL = { U: data.labels.holder_UA, R: data.labels.holder_RU, C: data.labels.holder_contested };
    var startDay = new Date(data.calendar.start + "T00:00:00Z");

    function formatDay(dayNumber) { // same text as i18n.format_date in Python
      var d = new Date(startDay.getTime() + dayNumber * 86400000);
      return d.getUTCDate() + " " + data.calendar.months[d.getUTCMonth()] + " " + d.getUTCFullYear();
    }

    function hover(m, s) { // same text as mapfig.hover_text in Python
      var steps = data.steps[s.index], step = steps[0];
      for (var i = 0; i < steps.length && steps[i][0] <= data.monthEnds[m]; i++) step = steps[i];
      var cause = step[1] >= 0 ? "<br>" + data.causes[step[1]] : "";
      return "<b>" + plotlyText(s.name) + "</b> (" + groupDigits(s.pop, data.calendar.thousands) + ")<br>" +
        HOLDER_LABEL[data.holders[m][s.index]] + ", " + data.calendar.since + " " + formatDay(step[0]) + cause;
    }

    function traces(m) {
      var out = { 1: null, 2: null, 3: null };
      Object.keys(out).forEach(function (k) {
        out[k] = { lat: [], lon: [], text: [], textposition: [], customdata: [] };
      });
      data.settlements.forEach(function (s) {
        var t = out[HOLDER_CODES[data.holders[m][s.index]]];
        t.lat.push(s.lat); t.lon.push(s.lon); t.text.push(plotlyText(s.label));
        t.textposition.push(s.pos); t.customdata.push(hover(m, s));
      });
      return out;
    }

    function rings(m, km) {
      var focus = byId[data.focus];
      var centres = presence(m).sort(function (a, b) {
        return distanceKm(focus, a) - distanceKm(focus, b) || (a.name < b.name ? -1 : 1);
      }).slice(0, data.ringCentres);
      var lat = [], lon = [];
      centres.forEach(function (c) {
        var r = ring(c, km, 72);
        lat = lat.concat(r.lat, [null]); lon = lon.concat(r.lon, [null]);
      });
      return { lat: lat, lon: lon };
    }

    function reach(m) {
      var ru = presence(m);
      if (!ru.length) return [];
      return data.settlements.filter(function (s) { return data.holders[m][s.index] === "U"; }).map(function (s) {
        var best = null, bestKm = Infinity;
        ru.forEach(function (r) {
          var km = distanceKm(s, r);
          if (km < bestKm || (km === bestKm && r.name < best.name)) { best = r; bestKm = km; }
        });
        return { settlement: s, nearest: best, km: bestKm };
      }).sort(function (a, b) { return a.km - b.km || (a.settlement.name < b.settlement.name ? -1 : 1); });
    }

    function renderReach(m, km) {
      var list = document.getElementById("bk-reach");
      if (!list) return;
      list.textContent = "";
      reach(m).forEach(function (r) {
        var inside = r.km <= km;
        var li = el("li", undefined, inside ? "bk-in" : "bk-out");
        li.setAttribute("data-settlement", r.settlement.id);
        li.appendChild(el("b", r.settlement.name));
        li.appendChild(document.createTextNode(": " + formatKm(r.km, data.language) + " " + data.labels.km_to + " " +
          r.nearest.name + " \u2014 " + (inside ? data.labels.inside : data.labels.outside)));
        list.appendChild(li);
      });
      var firsts = document.querySelectorAll("#bk-first-within li");
      Array.prototype.forEach.call(firsts, function (li) {
        var s = byId[li.getAttribute("data-settlement")], when = data.labels.range_never;
        for (var i = 0; i < data.months.length; i++) {
          if (data.holders[i][s.index] !== "U") continue;
          var near = presence(i).some(function (r) { return distanceKm(s, r) <= km; });
          if (near) { when = data.monthNames[i]; break; }
        }
        var b = li.querySelector("b");
        li.textContent = "";
        li.appendChild(b);
        li.appendChild(document.createTextNode(" (" + s.pop.toLocaleString(data.language === "nl" ? "nl-NL" : "en-GB") + "): " + when));
      });
    }

    function rangeKm() {
      var km = Number(rangeInput && rangeInput.value);
      return km > 0 && km <= 200 ? km : data.rangeKm;
    }

    function show(m, updateHash) {
      m = Math.max(0, Math.min(data.months.length - 1, m));
      state.index = m;
      slider.value = String(m);
      slider.setAttribute("aria-valuetext", data.monthNames[m]);
      label.textContent = data.monthNames[m];
      if (monthTitle) monthTitle.textContent = data.monthNames[m];
      summary.textContent = data.summaries[m];
      var t = traces(m), r = rings(m, rangeKm());
      var update = { lat: [r.lat], lon: [r.lon], text: [[]], textposition: [[]], customdata: [[]] };
      [1, 2, 3].forEach(function (k) {
        ["lat", "lon", "text", "textposition", "customdata"].forEach(function (key) { update[key].push(t[k][key]); });
      });
      window.Plotly.restyle(div, update, [0, 1, 2, 3]);
      var any = false, month = data.months[m];
      eventItems.forEach(function (li) {
        var hit = li.getAttribute("data-month") === month;
        li.hidden = !hit; any = any || hit;
      });
      if (noEvents) noEvents.hidden = any;
      renderReach(m, rangeKm());
      div.setAttribute("data-month", month);
      if (updateHash && window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#" + month);
      }
    }

    function fromHash() {
      var m = data.months.indexOf(window.location.hash.replace("#", ""));
      if (m >= 0) show(m, false);
      return m >= 0;
    }

    function stop() {
      if (state.timer) window.clearInterval(state.timer);
      state.timer = null;
      play.textContent = data.labels.play;
      play.setAttribute("aria-pressed", "false");
    }

    function start() {
      if (state.index >= data.months.length - 1) show(0, true);
      play.textContent = data.labels.pause;
      play.setAttribute("aria-pressed", "true");
      state.timer = window.setInterval(function () {
        if (state.index >= data.months.length - 1) { stop(); return; }
        show(state.index + 1, true);
      }, 900);
    }

    slider.addEventListener("input", function () { stop(); show(Number(slider.value), true); });
    play.addEventListener("click", function () { if (state.timer) stop(); else start(); });
    if (rangeInput) rangeInput.addEventListener("input", function () { show(state.index, false); });
    Array.prototype.forEach.call(document.querySelectorAll(".bk-preset"), function (button) {
      button.addEventListener("click", function () {
        rangeInput.value = button.getAttribute("data-km");
        show(state.index, false);
      });
    });
    window.addEventListener("hashchange", fromHash);

    window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(function () {
      if (!fromHash()) div.setAttribute("data-month", data.months[state.index]);
      div.setAttribute("data-ready", "true");
    });
    window.BakhmutReport.show = show;
  }

  function initTable() {
    var table = document.getElementById("bk-events");
    var search = document.getElementById("bk-search");
    var count = document.getElementById("bk-count");
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var suffix = count ? count.textContent.replace(/^\d+\s*/, "") : "";
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });

    function filter() {
      var words = (search.value || "").toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      rows.forEach(function (row, i) {
        var hit = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        row.hidden = !hit; if (hit) shown++;
      });
      if (count) count.textContent = shown + " " + suffix;
    }

    function key(row, col) {
      var cell = row.cells[col];
      return (cell.getAttribute("data-sort-key") || cell.textContent).toLowerCase();
    }

    Array.prototype.forEach.call(table.tHead.querySelectorAll("button[data-sort]"), function (button) {
      button.addEventListener("click", function () {
        var col = Number(button.getAttribute("data-sort"));
        var th = button.parentNode;
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        Array.prototype.forEach.call(table.tHead.querySelectorAll("th"), function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", dir);
        var sign = dir === "ascending" ? 1 : -1;
        rows.slice().sort(function (a, b) {
          var ka = key(a, col), kb = key(b, col);
          return (ka < kb ? -1 : ka > kb ? 1 : 0) * sign || (a.id < b.id ? -1 : 1);
        }).forEach(function (row) { body.appendChild(row); });
      });
    });
    if (search) search.addEventListener("input", filter);
  }

  window.BakhmutReport = { initMap: initMap, initTable: initTable, distanceKm: distanceKm };
  document.addEventListener("DOMContentLoaded", function () { initMap(); initTable(); });
})();
