/* Sikker By site script: charts and the activity explorer.
 * Runs on every page view, including Material's instant navigation (document$).
 * plotly.js is fetched from this site only when a page has a chart. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/sikkerby\.js(\?.*)?$/, "") : "";
  var plotlyLoading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + "plotly-basic.min.js";
        s.onload = function () { resolve(window.Plotly); };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return plotlyLoading;
  }

  function drawChart(el) {
    if (el.hasAttribute("data-drawn") || el.hasAttribute("data-drawing")) return;
    el.setAttribute("data-drawing", "");
    loadPlotly().then(function (Plotly) {
      var spec = JSON.parse(el.getAttribute("data-figure"));
      /* plotly's own toolbar offers "Edit in Chart Studio", which uploads the chart to a cloud
       * service: it is off, and so is every cloud link. The chart menu is the site's own. */
      return Plotly.newPlot(el, spec.data, spec.layout, {
        displayModeBar: false, displaylogo: false, showSendToCloud: false, showEditInChartStudio: false,
        showLink: false, sendData: false, responsive: true, locale: "da"
      });
    }).then(function () { el.setAttribute("data-drawn", ""); });
  }

  /* plotly.js (~390 KB gzip) is fetched only when a chart comes near the viewport. */
  function drawCharts() {
    var plots = document.querySelectorAll("[data-sb-chart]:not([data-drawn])");
    if (!plots.length) return;
    if (!("IntersectionObserver" in window)) { plots.forEach(drawChart); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); drawChart(entry.target); }
      });
    }, { rootMargin: "300px 0px" });
    plots.forEach(function (el) { observer.observe(el); });
  }

  /* ---------------- explorer ---------------- */
  var FILTERS = ["q", "forvaltning", "kategori", "princip", "omraade", "opfyldelse", "score"];

  function initExplorer() {
    var form = document.getElementById("sb-filters");
    var table = document.getElementById("sb-explorer");
    if (!form || !table || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var count = document.getElementById("sb-count");
    var empty = document.getElementById("sb-empty");
    var sort = { key: "name", dir: "ascending" };

    function readState() {
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) {
        var el = form.elements[name];
        if (el) el.value = params.get(name) || "";
      });
      if (params.get("sort")) {
        var parts = params.get("sort").split(":");
        sort = { key: parts[0], dir: parts[1] === "desc" ? "descending" : "ascending" };
      }
    }

    function writeState() {
      var params = new URLSearchParams();
      FILTERS.forEach(function (name) {
        var el = form.elements[name];
        if (el && el.value) params.set(name, el.value);
      });
      if (sort.key !== "name" || sort.dir !== "ascending") {
        params.set("sort", sort.key + ":" + (sort.dir === "descending" ? "desc" : "asc"));
      }
      var query = params.toString();
      history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function matches(row) {
      var v = function (n) { return (form.elements[n] && form.elements[n].value) || ""; };
      var q = v("q").trim().toLowerCase();
      if (q && row.dataset.q.indexOf(q) === -1) return false;
      if (v("forvaltning") && row.dataset.forvaltning.split(" ").indexOf(v("forvaltning")) === -1) return false;
      if (v("kategori") && row.dataset.kategori !== v("kategori")) return false;
      if (v("princip") && row.dataset.princip.split(" ").indexOf(v("princip")) === -1) return false;
      /* district filter: the district's own activities plus the city-wide ones ("hele-byen": city-wide only) */
      if (v("omraade") && !(row.dataset.citywide === "1" || (v("omraade") !== "hele-byen" && row.dataset.omraade.split(" ").indexOf(v("omraade")) !== -1))) return false;
      if (v("opfyldelse") && row.dataset.opfyldelse !== v("opfyldelse")) return false;
      if (v("score") && Number(row.dataset.score) < Number(v("score"))) return false;
      return true;
    }

    function sortValue(row) {
      if (sort.key === "score") return Number(row.dataset.score);
      if (sort.key === "opfyldelse") return Number(row.dataset.opfyldelseRank);
      return (row.dataset[sort.key] || "").toLowerCase();
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = matches(row);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      var sorted = rows.slice().sort(function (a, b) {
        var x = sortValue(a), y = sortValue(b);
        var c = typeof x === "number" ? x - y : x.localeCompare(y, "da");
        if (c === 0) c = a.dataset.name.localeCompare(b.dataset.name, "da");
        return sort.dir === "descending" ? -c : c;
      });
      sorted.forEach(function (row) { tbody.appendChild(row); });
      table.querySelectorAll("th[data-sort]").forEach(function (th) {
        if (th.dataset.sort === sort.key) th.setAttribute("aria-sort", sort.dir);
        else th.removeAttribute("aria-sort");
      });
      count.textContent = shown === rows.length
        ? "Viser alle " + rows.length + " aktiviteter."
        : "Viser " + shown + " af " + rows.length + " aktiviteter.";
      empty.hidden = shown !== 0;
      writeState();
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () {
      sort = { key: "name", dir: "ascending" };
      window.setTimeout(apply, 0);
    });
    table.querySelectorAll("th[data-sort] button").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.parentElement.dataset.sort;
        var defaultDir = key === "score" || key === "opfyldelse" ? "descending" : "ascending";
        if (sort.key === key) sort.dir = sort.dir === "ascending" ? "descending" : "ascending";
        else sort = { key: key, dir: defaultDir };
        apply();
      });
    });
    readState();
    apply();
  }

  function onPage() {
    drawCharts();
    initExplorer();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
