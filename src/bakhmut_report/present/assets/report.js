/* Bakhmut report: the JavaScript that makes the static page work without a kernel.
 *
 * - First paint: the map is an inline SVG drawn at render time; plotly.js (inlined, but not run while
 *   the page first paints) is evaluated after that paint and replaces the SVG with the interactive map.
 * - Two starts: the map starts as soon as the story, the map panel and their data are parsed (the page
 *   calls BakhmutReport.mapParsed() there, before the event table and the sources), after the first
 *   paint; the table, the downloads and the lists that need the table start when the page is parsed.
 * - Story: each article block carries data-month; while "follow the article" is on, the block at the
 *   reading line sets the map's month. The slider, play, the timeline strip, deep links (#2023-01) and
 *   evidence links set it too (and pause following until the reader asks again).
 * - Map: the month's traces are built here from #bk-data (computed in Python: present/mapfig.py);
 *   range rings around the Russian-held or contested places nearest the focus, great-circle distances.
 * - Table: sort, search (with the places' other names), evidence links that find their row.
 * - Downloads: CSV and JSON written from what the page carries; formula-leading cells neutralised.
 * Text from the data goes in with textContent, or through plotlyText() into plotly's markup.
 */
(function () {
  "use strict";
  var EARTH_RADIUS_KM = 6371.0088;
  var STEP_MS = 900;
  var PHONE = "(max-width: 760px)"; // the phone layout (report.css): a sticky band and the narrow view

  // ---------------------------------------------------------------- helpers
  function $(id) { return document.getElementById(id); }
  function mark(name) { performance.mark("bakhmut:" + name); } // the start-up's steps (bench/figures/interactive.py)
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function readJson(id) { var node = $(id); return node ? JSON.parse(node.textContent) : null; }
  function rad(d) { return d * Math.PI / 180; }
  function deg(r) { return r * 180 / Math.PI; }

  function plotlyText(text) { // data as plain text in plotly's markup: present/html.py plotly_text
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function distanceKm(a, b) { // haversine, as model/geo.py distance_km
    var p1 = rad(a.lat), p2 = rad(b.lat), dp = p2 - p1, dl = rad(b.lon - a.lon);
    var h = Math.pow(Math.sin(dp / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function ring(centre, km, points) { // as model/geo.py ring
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

  function hasOwn(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function csvCell(value) { // RFC 4180 quoting; cells starting =, +, -, @, tab or return get a leading quote (OWASP)
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csv(rows) { return rows.map(function (r) { return r.map(csvCell).join(","); }).join("\n") + "\n"; }

  function save(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url; a.download = name; a.hidden = true;
    document.body.appendChild(a); a.click();
    window.setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 0);
  }

  function main(afterPaint) { // afterPaint: the first paint is on screen (mapParsed), so plotly.js may run now
  mark("start");
  // ---------------------------------------------------------------- the page's data and state
  var data = readJson("bk-data"), fig = readJson("bk-figure");
  if (!data) return;
  var L = data.labels, T = data.traces, N = data.settlements.length;
  var byId = Object.create(null);
  data.settlements.forEach(function (s, i) { s.index = i; byId[s.id] = s; });
  var state = {
    index: 0, follow: true, zoom: false, playing: null, rangeKm: data.rangeKm, focus: data.focus,
    view: "wide", ready: false, plotting: false
  };
  var HOLDER_OF = { U: "UA", R: "RU", C: "contested" };
  var TRACE_OF = { U: T.UA, R: T.RU, C: T.contested };

  function formatKm(km) { return km.toFixed(1).replace(".", data.calendar.decimal); }
  function groupDigits(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, data.calendar.thousands); }
  var startDay = new Date(data.calendar.start + "T00:00:00Z");
  function formatDay(dayNumber) { // i18n.Texts.date
    var d = new Date(startDay.getTime() + dayNumber * 86400000);
    return d.getUTCDate() + " " + data.calendar.months[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  function holderAt(m, s) { return data.holders[m].charAt(s.index); }

  function presence(m) { // Russian-held or contested places inside the theatre
    return data.settlements.filter(function (s) { return s.theatre && holderAt(m, s) !== "U"; });
  }

  function summary(m) { // mapfig.month_summary
    var names = { R: [], C: [], U: [] };
    data.settlements.forEach(function (s) { names[holderAt(m, s)].push(s.name); });
    function list(code) { return names[code].join(", ") || L.none; }
    return L["in"] + " " + data.monthNames[m] + " " + L.summary_ru + ": " + list("R") + "; " +
      L.summary_contested + ": " + list("C") + "; " + L.summary_ua + ": " + list("U") + ".";
  }

  function hover(m, s) { // mapfig.hover_text
    var steps = data.steps[s.index], step = steps[0];
    for (var i = 0; i < steps.length && steps[i][0] <= data.monthEnds[m]; i++) step = steps[i];
    var holder = { U: L.holder_UA, R: L.holder_RU, C: L.holder_contested }[holderAt(m, s)];
    var text = "<b>" + plotlyText(s.name) + "</b> (" + groupDigits(s.pop) + ")<br>" + holder + ", " +
      data.calendar.since + " " + formatDay(step[0]);
    return step[1] >= 0 ? text + "<br>" + data.causes[step[1]] : text;
  }

  function ringCentres(m) {
    var focus = byId[state.focus];
    return presence(m).sort(function (a, b) {
      return distanceKm(focus, a) - distanceKm(focus, b) || (a.name < b.name ? -1 : 1);
    }).slice(0, data.ringCentres);
  }

  function labelsFor(width) { // the largest label layout not wider than the map as drawn (mapfig.view_payload)
    var sets = data.views[state.view].labelSets, chosen = sets[0];
    sets.forEach(function (set) { if (set.width <= width) chosen = set; });
    return chosen;
  }

  function labelsTrace() { // the place names for the current view and width: the same for every month
    var set = labelsFor(state.drawnWidth || 0), t = { lat: [], lon: [], text: [], textposition: [] };
    var texts = set.texts || {};
    data.settlements.forEach(function (s) {
      var code = set.at.charAt(s.index);
      if (code === "-" || code === "") return;
      var label = Object.prototype.hasOwnProperty.call(texts, s.id) ? texts[s.id] : s.label;
      t.lat.push(s.lat); t.lon.push(s.lon); t.text.push(plotlyText(label)); t.textposition.push(data.positions[+code]);
    });
    return t;
  }

  function traces(m) { // the month's dynamic traces: rings and one marker trace per holder
    var out = {};
    [T.UA, T.RU, T.contested].forEach(function (k) { out[k] = { lat: [], lon: [], customdata: [] }; });
    data.settlements.forEach(function (s) {
      var t = out[TRACE_OF[holderAt(m, s)]];
      t.lat.push(s.lat); t.lon.push(s.lon); t.customdata.push(hover(m, s));
    });
    var lat = [], lon = [];
    ringCentres(m).forEach(function (c) {
      var r = ring(c, state.rangeKm, 72);
      lat = lat.concat(r.lat, [null]); lon = lon.concat(r.lon, [null]);
    });
    out[T.rings] = { lat: lat, lon: lon };
    return out;
  }

  // ---------------------------------------------------------------- elements
  var slider = $("bk-month"), monthLabel = $("bk-month-label"), play = $("bk-play"), follow = $("bk-follow");
  var zoom = $("bk-zoom"), rangeInput = $("bk-range"), rangeMessage = $("bk-range-message"), focusSelect = $("bk-focus");
  var summaryNode = $("bk-summary"), announce = $("bk-announce"), mapDiv = $("bakhmut-map"), frame = $("bk-map-frame");
  var timelineButtons = all("#bk-timeline .bk-tl-month");
  var table = null, search = null; // the event table's part of the page: set by initPage once it is parsed
  var pageParsed = false;

  // ---------------------------------------------------------------- the map (plotly.js)
  function fitBox() { // the box the drawing fills inside the frame (as the SVG's preserveAspectRatio=meet does)
    var view = data.views[state.view], w = frame.clientWidth, h = frame.clientHeight;
    var scale = Math.min(w / view.width, h / view.height);
    return { width: Math.floor(view.width * scale), height: Math.floor(view.height * scale), w: w, h: h };
  }

  function chooseView() { return chooseNarrowLayout() ? "narrow" : "wide"; }

  function geoRanges() {
    var view = data.views[state.view];
    return { "geo.lonaxis.range": view.lon.slice(), "geo.lataxis.range": view.lat.slice() };
  }

  function placeMap() {
    var box = fitBox();
    state.drawnWidth = box.width;
    mapDiv.style.width = box.width + "px"; mapDiv.style.height = box.height + "px";
    mapDiv.style.left = Math.floor((box.w - box.width) / 2) + "px";
    mapDiv.style.top = Math.floor((box.h - box.height) / 2) + "px";
    return box;
  }

  function restyle() {
    if (!state.ready) return;
    var t = traces(state.index), keys = [T.rings, T.UA, T.RU, T.contested];
    var update = { lat: [], lon: [], customdata: [] };
    keys.forEach(function (k) {
      Object.keys(update).forEach(function (key) { update[key].push(t[k][key] || []); });
    });
    window.Plotly.restyle(mapDiv, update, keys);
  }

  function relabel() {
    var t = labelsTrace();
    window.Plotly.restyle(mapDiv, { lat: [t.lat], lon: [t.lon], text: [t.text], textposition: [t.textposition] },
      [T.labels]);
  }

  function plot() {
    if (state.plotting || !window.Plotly || !fig || !mapDiv) return;
    state.plotting = true;
    state.view = chooseView();
    var box = placeMap(), t = traces(state.index);
    Object.keys(t).forEach(function (k) { Object.assign(fig.data[k], t[k]); });
    Object.assign(fig.data[T.labels], labelsTrace());
    var focus = byId[state.focus];
    fig.data[T.focus].lat = [focus.lat]; fig.data[T.focus].lon = [focus.lon];
    fig.layout.width = box.width; fig.layout.height = box.height; fig.layout.autosize = false;
    fig.layout.geo.lonaxis.range = data.views[state.view].lon.slice();
    fig.layout.geo.lataxis.range = data.views[state.view].lat.slice();
    fig.config.responsive = false;
    mark("newplot");
    window.Plotly.newPlot(mapDiv, fig.data, fig.layout, fig.config).then(function () {
      mark("map-ready");
      state.ready = true;
      all(".modebar-btn", mapDiv).forEach(function (b) { // plotly's icon links get their names for screen readers
        b.setAttribute("aria-label", b.getAttribute("data-title") || "");
        b.setAttribute("role", "button");
      });
      frame.classList.add("bk-interactive");
      mapDiv.setAttribute("data-month", data.months[state.index]);
      mapDiv.setAttribute("data-ready", "true");
      document.documentElement.setAttribute("data-map-ready", "true");
    });
  }

  function onResize() {
    if (!state.ready) return;
    var view = chooseView(), box = placeMap(), update = { width: box.width, height: box.height };
    if (view !== state.view) { state.view = view; Object.assign(update, geoRanges()); }
    window.Plotly.relayout(mapDiv, update).then(function () { restyle(); relabel(); });
  }

  function setZoom(on) {
    state.zoom = on;
    zoom.setAttribute("aria-pressed", on ? "true" : "false");
    zoom.textContent = on ? L.zoom_on : L.zoom_off;
    frame.classList.toggle("bk-zoomable", on);
    if (!state.ready) return;
    fig.config.scrollZoom = on;
    fig.layout.dragmode = on ? "pan" : false;
    window.Plotly.react(mapDiv, mapDiv.data, Object.assign(mapDiv.layout, { dragmode: on ? "pan" : false }), fig.config);
  }

  function loadPlotly() { // run the inlined plotly.js after the first paint (cdn mode: it loads itself)
    var source = $("bk-plotly-src");
    if (!window.Plotly && source) {
      mark("plotly-run");
      var script = document.createElement("script");
      script.textContent = source.textContent;
      document.head.appendChild(script);
      source.remove();
      mark("plotly-ran");
    }
    if (window.Plotly) plot();
    else window.addEventListener("load", plot);
  }

  // ---------------------------------------------------------------- lists beside the map
  function reach(m) { // Ukrainian-held places in the theatre and the nearest Russian-held or contested place
    var ru = presence(m);
    if (!ru.length) return [];
    return data.settlements.filter(function (s) { return s.theatre && holderAt(m, s) === "U"; }).map(function (s) {
      var best = null, bestKm = Infinity;
      ru.forEach(function (r) {
        var km = distanceKm(s, r);
        if (km < bestKm || (km === bestKm && r.name < best.name)) { best = r; bestKm = km; }
      });
      return { settlement: s, nearest: best, km: bestKm };
    }).sort(function (a, b) { return a.km - b.km || (a.settlement.name < b.settlement.name ? -1 : 1); });
  }

  function renderReach() {
    var list = $("bk-reach");
    if (list) {
      list.textContent = "";
      reach(state.index).forEach(function (r) {
        var inside = r.km <= state.rangeKm, li = document.createElement("li");
        li.className = inside ? "bk-in" : "bk-out";
        li.setAttribute("data-settlement", r.settlement.id);
        var b = document.createElement("b"); b.textContent = r.settlement.name; li.appendChild(b);
        li.appendChild(document.createTextNode(": " + formatKm(r.km) + " " + L.km_to + " " + r.nearest.name +
          " \u2014 " + (inside ? L.inside : L.outside)));
        list.appendChild(li);
      });
    }
    all("#bk-first-within li").forEach(function (li) {
      var s = byId[li.getAttribute("data-settlement")], when = L.range_never;
      for (var i = 0; i < data.months.length; i++) {
        if (holderAt(i, s) !== "U") continue;
        if (presence(i).some(function (r) { return distanceKm(s, r) <= state.rangeKm; })) { when = data.monthNames[i]; break; }
      }
      var b = li.querySelector("b");
      li.textContent = ""; li.appendChild(b);
      li.appendChild(document.createTextNode(" (" + groupDigits(s.pop) + "): " + when));
    });
    var legend = $("bk-ring-legend");
    if (legend) legend.textContent = data.templates.ring_legend.replace(/\{km(:[a-z]+)?\}/, String(state.rangeKm));
  }

  var rowsByMonth = null;
  function monthRows(month) {
    if (!rowsByMonth) {
      rowsByMonth = {};
      all("#bk-events tbody tr").forEach(function (row) {
        var m = row.id.slice(3, 10);
        (rowsByMonth[m] = rowsByMonth[m] || []).push(row);
      });
    }
    return rowsByMonth[month] || [];
  }

  function renderMonthEvents() { // the month's events, from the event table's rows
    var list = $("bk-month-events"), month = data.months[state.index];
    if (!list) return;
    var title = document.querySelector("#bk-month-events-title .bk-month-name");
    if (title) title.textContent = data.monthNames[state.index];
    list.textContent = "";
    monthRows(month).forEach(function (row) {
      var li = document.createElement("li"), cells = row.cells;
      var time = document.createElement("time"); time.textContent = cells[0].textContent;
      var kind = document.createElement("span"); kind.className = "bk-kind"; kind.textContent = cells[2].textContent;
      var link = document.createElement("a"); link.href = "#" + row.id; link.className = "bk-event-link";
      link.textContent = cells[3].firstChild ? cells[3].firstChild.textContent : cells[3].textContent;
      var sources = document.createElement("span"); sources.className = "bk-sources";
      sources.appendChild(document.createTextNode("("));
      all("a", cells[5]).forEach(function (a, i) {
        if (i) sources.appendChild(document.createTextNode(", "));
        sources.appendChild(a.cloneNode(true));
      });
      sources.appendChild(document.createTextNode(")"));
      [time, document.createTextNode(" "), kind, document.createTextNode(" "), link, document.createTextNode(" "), sources]
        .forEach(function (n) { li.appendChild(n); });
      list.appendChild(li);
    });
    var none = $("bk-no-events");
    if (none) none.hidden = list.children.length > 0;
  }

  // ---------------------------------------------------------------- the month: one function moves everything
  function hashFor() {
    var parts = [data.months[state.index]];
    if (state.rangeKm !== data.rangeKm) parts.push("range=" + state.rangeKm);
    if (state.focus !== data.focus) parts.push("focus=" + state.focus);
    return "#" + parts.join("&");
  }

  function writeHash() {
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", hashFor());
  }

  function show(m, source) { // source: reader, story, play, hash, init
    m = Math.max(0, Math.min(data.months.length - 1, m));
    var changed = m !== state.index || source === "init";
    state.index = m;
    slider.value = String(m);
    slider.setAttribute("aria-valuetext", data.monthNames[m]);
    monthLabel.textContent = data.monthNames[m];
    timelineButtons.forEach(function (b, i) {
      b.setAttribute("aria-pressed", i === m ? "true" : "false");
      b.tabIndex = i === m ? 0 : -1;
    });
    var text = summary(m);
    summaryNode.textContent = text;
    if (announce && (source === "reader" || source === "hash")) announce.textContent = text; // not on every step
    if (changed) { restyle(); if (pageParsed) { renderMonthEvents(); renderReach(); } }
    if (mapDiv && state.ready) mapDiv.setAttribute("data-month", data.months[m]);
    if (source !== "init" && source !== "story") writeHash();
  }

  function setFollow(on) {
    state.follow = on;
    follow.setAttribute("aria-pressed", on ? "true" : "false");
    follow.textContent = on ? L.following : L.follow;
    if (on) { stop(); storyMonth(); }
  }

  function readerMoves(m) { stop(); setFollow(false); show(m, "reader"); }

  function stop() {
    if (state.playing) window.clearInterval(state.playing);
    state.playing = null;
    play.textContent = L.play;
    play.setAttribute("aria-pressed", "false");
  }

  function start() {
    setFollow(false);
    if (state.index >= data.months.length - 1) show(0, "play");
    play.textContent = L.pause;
    play.setAttribute("aria-pressed", "true");
    state.playing = window.setInterval(function () {
      if (state.index >= data.months.length - 1) { stop(); show(state.index, "reader"); return; }
      show(state.index + 1, "play");
    }, STEP_MS);
  }

  // ---------------------------------------------------------------- story: paragraphs move the map
  var steps = all(".bk-step[data-month]"), observer = null, visible = {};
  function monthIndex(month) { return data.months.indexOf(month); }

  function storyMonth() { // the step at the reading line sets the month
    if (!state.follow) return;
    var line = readingLine(), best = null;
    steps.forEach(function (step) {
      if (skipped(step)) return;
      var box = step.getBoundingClientRect();
      if (box.top <= line && (!best || box.top > best.top)) best = { top: box.top, step: step };
    });
    if (!best) return;
    var m = monthIndex(best.step.getAttribute("data-month"));
    if (m >= 0 && m !== state.index) show(m, "story");
  }

  function skipped(node) { // in a section laid out only near the view (report.css): far from the reading line
    return node.checkVisibility ? !node.checkVisibility({ contentVisibilityAuto: true }) : false;
  }

  function readingLine() {
    var panel = document.querySelector(".bk-map-panel");
    var sticky = panel && window.getComputedStyle(panel).position === "sticky" && chooseNarrowLayout();
    return sticky ? panel.getBoundingClientRect().bottom + 40 : window.innerHeight * 0.45;
  }

  function chooseNarrowLayout() { return window.matchMedia(PHONE).matches; }

  function watchStory() {
    if (observer) observer.disconnect();
    if (!("IntersectionObserver" in window)) { window.addEventListener("scroll", storyMonth, { passive: true }); return; }
    var top = chooseNarrowLayout() ? 55 : 40;
    observer = new IntersectionObserver(function () { storyMonth(); },
      { rootMargin: "-" + top + "% 0px -" + (95 - top) + "% 0px", threshold: 0 });
    steps.forEach(function (s) { observer.observe(s); });
  }

  // ---------------------------------------------------------------- hash: #2023-01&range=40&focus=soledar
  function fromHash(scroll) {
    var parts = window.location.hash.replace(/^#/, "").split("&"), m = monthIndex(parts[0]);
    if (m < 0) return false;
    parts.slice(1).forEach(function (p) {
      var kv = p.split("=");
      if (kv[0] === "range") setRange(Number(kv[1]), false);
      if (kv[0] === "focus" && byId[kv[1]]) setFocus(kv[1], false);
    });
    setFollow(false);
    show(m, "hash");
    if (scroll) { var story = $("bk-story"); if (story) story.scrollIntoView({ block: "start" }); }
    return true;
  }

  // ---------------------------------------------------------------- range and focus
  function validRange(value) { return isFinite(value) && value >= data.rangeLimits[0] && value <= data.rangeLimits[1]; }

  function setRange(value, fromInput) {
    if (!validRange(value)) {
      if (rangeInput) rangeInput.setAttribute("aria-invalid", "true");
      if (rangeMessage) rangeMessage.textContent = L.range_invalid;
      return false;
    }
    if (rangeInput) {
      rangeInput.removeAttribute("aria-invalid");
      if (!fromInput) rangeInput.value = String(value);
    }
    if (rangeMessage) rangeMessage.textContent = "";
    state.rangeKm = value;
    restyle(); if (pageParsed) renderReach();
    return true;
  }

  function setFocus(id, update) {
    state.focus = id;
    if (focusSelect) focusSelect.value = id;
    var name = $("bk-focus-name");
    if (name) name.textContent = byId[id].name;
    if (state.ready) {
      window.Plotly.restyle(mapDiv, { lat: [[byId[id].lat]], lon: [[byId[id].lon]] }, [T.focus]);
      restyle();
    }
    if (update !== false) writeHash();
  }

  // ---------------------------------------------------------------- evidence and event links find their row
  function findRow(id) {
    var row = $(id);
    if (!row || row.tagName !== "TR") return false;
    if (row.hidden && search) { search.value = ""; filter(); }
    var m = monthIndex(id.slice(3, 10));
    if (m >= 0) readerMoves(m);
    all("tr.bk-highlight").forEach(function (r) { r.classList.remove("bk-highlight"); });
    row.classList.add("bk-highlight");
    row.tabIndex = -1;
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
    return true;
  }

  // ---------------------------------------------------------------- table: sort and search
  var rows = [], texts = [], countNode = null, countSuffix = "";
  function readTable() {
    table = $("bk-events"); search = $("bk-search");
    rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
    texts = rows.map(function (r) { // what the search matches: the row's text and its places' name variants
      var variants = settlementsOf(r).map(function (id) { return (byId[id].variants || []).join(" "); });
      return (r.textContent + " " + variants.join(" ")).toLowerCase();
    });
    countNode = $("bk-count"); countSuffix = countNode ? countNode.textContent.replace(/^\d+\s*/, "") : "";
  }
  function settlementsOf(row) { // events.html.j2: data-s lists the row's settlement ids
    return (row.getAttribute("data-s") || "").split(" ").filter(function (id) { return hasOwn(byId, id); });
  }

  function filter() {
    var words = ((search && search.value) || "").toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    rows.forEach(function (row, i) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      row.hidden = !hit; if (hit) shown++;
    });
    if (countNode) countNode.textContent = shown + " " + countSuffix;
  }

  function sortKey(row, col) {
    return col === 0 ? row.id : row.cells[col].textContent.toLowerCase();
  }

  function initTable() {
    if (!table) return;
    all("button[data-sort]", table.tHead).forEach(function (button) {
      button.addEventListener("click", function () {
        var col = Number(button.getAttribute("data-sort")), th = button.parentNode;
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        all("th", table.tHead).forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", dir);
        var sign = dir === "ascending" ? 1 : -1, body = table.tBodies[0];
        rows.slice().sort(function (a, b) {
          var ka = sortKey(a, col), kb = sortKey(b, col);
          return (ka < kb ? -1 : ka > kb ? 1 : 0) * sign || (a.id < b.id ? -1 : 1);
        }).forEach(function (row) { body.appendChild(row); });
      });
    });
    if (search) search.addEventListener("input", filter);
  }

  // ---------------------------------------------------------------- downloads
  var kindIds = null;
  function kindOf(label) {
    if (!kindIds) { kindIds = {}; Object.keys(data.kinds).forEach(function (k) { kindIds[data.kinds[k]] = k; }); }
    return kindIds[label] || label;
  }

  function sourceIdOf(anchor) {
    var li = $(anchor.getAttribute("href").slice(1));
    return li ? li.getAttribute("data-id") : "";
  }

  function eventsCsv() {
    var out = [["event_id", "date", "date_precision", "kind", "settlements", "change_id", "holder_before",
      "holder_after", "statement_by", "side", "title", "note", "sources"]];
    rows.forEach(function (row) {
      var c = row.cells, holders = (row.getAttribute("data-holders") || ">").split(">");
      var note = c[3].querySelector("small");
      out.push([row.id, row.getAttribute("data-date") || row.id.slice(3, 13), // the id starts with the date
        row.getAttribute("data-precision") || "day", kindOf(c[2].textContent), settlementsOf(row).join(";"),
        row.getAttribute("data-change") || "", holders[0], holders[1], c[4].textContent,
        row.getAttribute("data-side") || "", c[3].firstChild ? c[3].firstChild.textContent : "",
        note ? note.textContent : "", all("a", c[5]).map(sourceIdOf).join(";")]);
    });
    return csv(out);
  }

  function controlCsv() {
    var out = [["month", "settlement_id", "settlement", "holder"]];
    data.months.forEach(function (month, m) {
      data.settlements.forEach(function (s) { out.push([month, s.id, s.name, HOLDER_OF[holderAt(m, s)]]); });
    });
    return csv(out);
  }

  function sourceTitle(li) { // sources.html.j2: the item's last link or span is the page we read
    var parts = li.querySelectorAll(":scope > a, :scope > span");
    return parts.length ? parts[parts.length - 1] : null;
  }

  function sourcesCsv() {
    var out = [["source_id", "publisher", "title", "url", "date_published", "source_type", "original_publisher",
      "original_title", "original_url"]];
    all("#sources li[data-id]").forEach(function (li) {
      var type = li.getAttribute("data-type") || "publisher", title = sourceTitle(li);
      var original = li.querySelector(".bk-src-original"), origin = li.querySelector("b");
      var date = li.querySelector("time");
      out.push([li.getAttribute("data-id"), li.getAttribute("data-publisher") || origin.textContent,
        title ? title.textContent : "", title && title.href ? title.getAttribute("href") : "",
        date ? date.textContent : "", type, type === "publisher" ? "" : origin.textContent,
        original ? original.textContent : "", original && original.href ? original.getAttribute("href") : ""]);
    });
    return csv(out);
  }

  function download(button) {
    var file = button.getAttribute("data-file"), name = button.getAttribute("data-name");
    if (file === "events") save(name, eventsCsv(), "text/csv");
    else if (file === "control") save(name, controlCsv(), "text/csv");
    else if (file === "sources") save(name, sourcesCsv(), "text/csv");
    else if (file === "package") save(name, JSON.stringify(readJson("bk-descriptor"), null, 2) + "\n", "application/json");
  }

  // ---------------------------------------------------------------- copy link
  function copyLink() {
    var url = window.location.href.split("#")[0] + hashFor(), status = $("bk-copy-status");
    function done() { if (status) status.textContent = L.copied; }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = url; area.setAttribute("readonly", ""); area.className = "bk-visually-hidden";
      document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); } catch (e) { /* the address bar still shows the link */ }
      area.remove(); done();
    }
    writeHash();
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, fallback);
    else fallback();
  }

  // ---------------------------------------------------------------- wiring
  function initMap() { // the map and what sits above it in the page: the story, the tools, the map panel
    state.index = Number(slider.value);
    slider.addEventListener("input", function () { readerMoves(Number(slider.value)); });
    play.addEventListener("click", function () { if (state.playing) { stop(); show(state.index, "reader"); } else start(); });
    follow.addEventListener("click", function () { setFollow(!state.follow); });
    zoom.addEventListener("click", function () { setZoom(!state.zoom); });
    timelineButtons.forEach(function (b, i) {
      b.addEventListener("click", function () { readerMoves(i); });
      b.addEventListener("keydown", function (e) {
        var to = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 :
          e.key === "End" ? timelineButtons.length - 1 : null;
        if (to === null) return;
        e.preventDefault();
        to = Math.max(0, Math.min(timelineButtons.length - 1, to));
        readerMoves(to); timelineButtons[to].focus();
      });
    });
    if (rangeInput) rangeInput.addEventListener("input", function () {
      if (setRange(rangeInput.value === "" ? NaN : Number(rangeInput.value), true)) writeHash();
    });
    all(".bk-preset").forEach(function (button) {
      button.addEventListener("click", function () { setRange(Number(button.getAttribute("data-km")), false); writeHash(); });
    });
    if (focusSelect) focusSelect.addEventListener("change", function () { setFocus(focusSelect.value); });
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[href^='#ev-'], a.bk-month-link");
      if (!a) return;
      var target = a.getAttribute("href").slice(1);
      if (a.classList.contains("bk-month-link")) {
        e.preventDefault(); readerMoves(monthIndex(target));
        var story = $("bk-story"); if (story && chooseNarrowLayout()) story.scrollIntoView({ block: "start" });
      } else if (findRow(target)) e.preventDefault();
    });
    var details = $("bk-details-toggle");
    if (details) details.addEventListener("click", function () {
      var open = details.getAttribute("aria-expanded") !== "true";
      details.setAttribute("aria-expanded", open ? "true" : "false");
      document.querySelector(".bk-map-panel").classList.toggle("bk-details-open", open);
    });
    window.addEventListener("hashchange", function () { fromHash(true); });
    window.addEventListener("resize", function () { watchStory(); onResize(); });
    show(state.index, "init");
    if (!fromHash(true)) storyMonth();
    watchStory();
  }

  function initPage() { // the rest of the page is parsed: the event table, the downloads, the lists built from the table
    readTable();
    initTable();
    var copy = $("bk-copy-link");
    if (copy) copy.addEventListener("click", copyLink);
    all(".bk-download").forEach(function (b) { b.addEventListener("click", function () { download(b); }); });
    pageParsed = true;
    renderMonthEvents(); renderReach();
  }

  window.BakhmutReport = {
    show: function (m) { readerMoves(m); }, distanceKm: distanceKm, plotlyText: plotlyText, csvCell: csvCell,
    summary: summary, hover: hover, state: state, eventsCsv: eventsCsv, controlCsv: controlCsv, sourcesCsv: sourcesCsv
  };
  initMap();
  // plotly.js runs after the first paint: the SVG map is on screen by then
  if (afterPaint) loadPlotly();
  else window.requestAnimationFrame(function () { window.setTimeout(loadPlotly, 0); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initPage);
  else initPage();
  }

  // ---------------------------------------------------------------- start
  // The map starts once its data is parsed (the page calls mapParsed() there) and a frame has drawn the
  // whole SVG map; otherwise, at the latest, when the page is parsed (hidden tabs draw no frames).
  var started = false, mapDataParsed = false, mapPainted = false;
  function boot(afterPaint) { if (!started) { started = true; main(afterPaint); } }
  function bootWhenPainted() { if (mapDataParsed && mapPainted) boot(true); }
  function afterFrame(fn) { // a task right after this frame, ahead of the parser's next chunk (postTask where there is one)
    if (window.scheduler && window.scheduler.postTask) window.scheduler.postTask(fn, { priority: "user-blocking" });
    else window.setTimeout(fn, 0);
  }
  function watchFirstPaint() { // #bk-figure follows the SVG maps: a frame that starts with it in the page draws them whole
    if ($("bk-figure")) afterFrame(function () { mapPainted = true; bootWhenPainted(); });
    else window.requestAnimationFrame(watchFirstPaint);
  }
  window.BakhmutReport = {
    plotlyText: plotlyText, csvCell: csvCell, distanceKm: distanceKm,
    mapParsed: function () { mapDataParsed = true; bootWhenPainted(); }
  };
  if (document.readyState === "loading") {
    window.requestAnimationFrame(watchFirstPaint);
    document.addEventListener("DOMContentLoaded", function () { boot(false); });
  } else boot(false);
})();
