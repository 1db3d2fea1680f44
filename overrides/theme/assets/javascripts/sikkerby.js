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
    if (el.hasAttribute("data-drawn") || el.hasAttribute("data-drawing")) return el.sbDrawn || Promise.resolve();
    el.setAttribute("data-drawing", "");
    return (el.sbDrawn = loadPlotly().then(function (Plotly) {
      var spec = JSON.parse(el.getAttribute("data-figure"));
      /* plotly's own toolbar offers "Edit in Chart Studio", which uploads the chart to a cloud
       * service: it is off, and so is every cloud link. The chart menu is the site's own. */
      /* The build-time SVG sketch is the first paint; plotly's chart replaces it in place. */
      var sketch = el.querySelector(".sb-chart__fallback");
      if (sketch) el.removeChild(sketch);
      return Plotly.newPlot(el, spec.data, spec.layout, {
        displayModeBar: false, displaylogo: false, showSendToCloud: false, showEditInChartStudio: false,
        showLink: false, sendData: false, responsive: true, locale: "da"
      });
    }).then(function () { el.setAttribute("data-drawn", ""); }));
  }

  /* ---------------- chart menu: PNG, SVG (plotly's own export, offline), citation ---------------- */
  function initChartMenus() {
    document.querySelectorAll("button[data-sb-download]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var el = document.getElementById(button.dataset.chart);
        if (!el) return;
        var format = button.dataset.sbDownload;
        button.disabled = true;
        drawChart(el).then(function () { return citedImage(el, format); })
          .then(function (url) {
            var a = document.createElement("a");
            a.href = url; a.download = button.dataset.chart + "." + format;
            document.body.appendChild(a); a.click(); a.remove();
          }).catch(function () { /* the CSV link and the table stay available */ })
          .then(function () { button.disabled = false; });
      });
    });
    var here = window.location.origin + window.location.pathname;
    document.querySelectorAll("[data-sb-page-url]").forEach(function (span) { span.textContent = here; });
  }

  /* An exported image cites itself: title (and unit) on top; source, period, the programme and
   * the page's address underneath, because images are shared without the page around them. */
  function plotlyText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function wrapLine(text, width) {
    var words = String(text).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > width) { lines.push(line); line = w; } else { line = line ? line + " " + w : w; }
    });
    if (line) lines.push(line);
    return lines;
  }
  function citedImage(el, format) {
    var figure = el.closest("figure") || el;
    var d = figure.dataset;
    var title = d.sbHeading || "";  /* the chart's title with its unit */
    var lines = wrapLine("Kilde: " + (d.sbSource || ""), 120)
      .concat(wrapLine("Periode: " + (d.sbPeriod || "") + " · Sikker By, Københavns Kommune", 120))
      .concat([window.location.origin + window.location.pathname]);
    var width = 1000, bottom = 96 + 18 * lines.length, top = 84, height = 560 + 18 * lines.length;
    var layout = JSON.parse(JSON.stringify(el.layout || {}));
    layout.title = { text: "<b>" + plotlyText(title) + "</b>", x: 0.01, xanchor: "left", y: 0.98, yanchor: "top", font: { size: 18 } };
    layout.legend = { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" };
    layout.margin = { l: (layout.margin && layout.margin.l) || 56, r: (layout.margin && layout.margin.r) || 16, t: top, b: bottom };
    layout.width = width; layout.height = height;
    layout.paper_bgcolor = "#ffffff";
    var plotHeight = height - top - bottom;
    layout.annotations = (layout.annotations || []).concat([{
      xref: "paper", yref: "paper", x: 0, y: -(bottom - 12 - 18 * lines.length) / plotHeight, xanchor: "left", yanchor: "top",
      align: "left", showarrow: false, font: { size: 12, color: "#4f5a64" }, text: lines.map(plotlyText).join("<br>")
    }]);
    return window.Plotly.toImage({ data: el.data, layout: layout }, { format: format, width: width, height: height });
  }

  /* Printing (the browser's and the build's PDFs): every chart drawn, not only those scrolled to. */
  function drawAllCharts() {
    return Promise.all(Array.prototype.map.call(document.querySelectorAll("[data-sb-chart]"), drawChart));
  }
  window.sikkerbyDrawAllCharts = drawAllCharts;
  window.addEventListener("beforeprint", drawAllCharts);

  /* plotly.js (~390 KB gzip) is fetched only when a chart comes near the viewport, and not
   * while the page is loading: until the reader interacts with the page (or a few seconds after
   * it has loaded) the build-time SVG sketch stands in, so a phone is not blocked by plotly. */
  var settled = null;
  function pageSettled() {
    if (!settled) {
      settled = new Promise(function (resolve) {
        var events = ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "scroll"];
        function done() {
          events.forEach(function (name) { window.removeEventListener(name, done, true); });
          resolve();
        }
        events.forEach(function (name) { window.addEventListener(name, done, { capture: true, passive: true }); });
        function later() { window.setTimeout(done, 4000); }
        if (document.readyState === "complete") later();
        else window.addEventListener("load", later, { once: true });
      });
    }
    return settled;
  }

  function drawCharts() {
    var plots = document.querySelectorAll("[data-sb-chart]:not([data-drawn])");
    if (!plots.length) return;
    pageSettled().then(function () { observeCharts(plots); });
  }

  function observeCharts(plots) {
    if (!("IntersectionObserver" in window)) { plots.forEach(drawChart); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); drawChart(entry.target); }
      });
    }, { rootMargin: "300px 0px" });
    plots.forEach(function (el) { observer.observe(el); });
  }

  /* ---------------- explorer ---------------- */
  var FILTERS = ["q", "forvaltning", "kategori", "princip", "omraade", "opfyldelse", "score", "aar"];

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
      if (v("opfyldelse") && yearValues(row).marking !== v("opfyldelse")) return false;
      if (v("score") && yearValues(row).score < Number(v("score"))) return false;
      return true;
    }

    /* The follow-up year (issue 9): "" = each activity's latest follow-up (the rendered cells);
     * a year = that year's values from data-y<year>="marking|share|score|change|a/b". */
    function yearValues(row) {
      var year = (form.elements.aar && form.elements.aar.value) || "";
      if (!year) {
        return { marking: row.dataset.opfyldelse, share: Number(row.dataset.opfyldelseRank), score: Number(row.dataset.score),
                 change: row.dataset.aendring === "" || row.dataset.aendring === undefined ? null : Number(row.dataset.aendring), year: "" };
      }
      var raw = row.dataset["y" + year];
      if (!raw) return { marking: "no_followup", share: -1, score: -1, change: null, fulfilment: "", year: year };
      var f = raw.split("|");
      return { marking: f[0], share: Number(f[1]), score: Number(f[2]), change: f[3] === "" ? null : Number(f[3]), fulfilment: f[4], year: year };
    }

    function markingHtml(key) {
      var option = form.elements.opfyldelse && form.elements.opfyldelse.querySelector('option[value="' + key + '"]');
      var span = document.createElement("span");
      span.className = "sb-mark " + (option ? option.dataset.css : "");
      var icon = document.createElement("span");
      icon.className = "sb-mark__icon";
      icon.setAttribute("aria-hidden", "true");
      span.appendChild(icon);
      span.appendChild(document.createTextNode(option ? option.textContent : key));
      return span;
    }

    function showYear(row) {
      var cells = { opfyldelse: row.querySelector(".sb-cell-opfyldelse"), score: row.querySelector(".sb-cell-score"), aendring: row.querySelector(".sb-cell-aendring") };
      if (!cells.opfyldelse || !cells.score || !cells.aendring) return;
      if (!row.sbRendered) row.sbRendered = [cells.opfyldelse.innerHTML, cells.score.innerHTML, cells.aendring.innerHTML];
      var y = yearValues(row);
      if (!y.year) {
        cells.opfyldelse.innerHTML = row.sbRendered[0]; cells.score.innerHTML = row.sbRendered[1]; cells.aendring.innerHTML = row.sbRendered[2];
        return;
      }
      cells.opfyldelse.textContent = "";
      cells.opfyldelse.appendChild(markingHtml(y.marking));
      if (y.fulfilment) cells.opfyldelse.appendChild(document.createTextNode(" " + y.fulfilment));
      cells.score.textContent = y.score >= 0 ? y.score + " / 20" : "";
      if (y.score < 0) {
        var none = document.createElement("span"); none.className = "sb-muted"; none.textContent = y.marking === "no_followup" ? "Ikke fulgt op i " + y.year : "Ingen score";
        cells.score.appendChild(none);
      }
      cells.aendring.textContent = y.change === null ? "–" : (y.change > 0 ? "+" + y.change : y.change < 0 ? "\u2212" + (-y.change) : "\u00b10");
    }

    function sortValue(row) {
      if (sort.key === "score") return yearValues(row).score;
      if (sort.key === "opfyldelse") return yearValues(row).share;
      if (sort.key === "aendring") { var c = yearValues(row).change; return c === null ? -1e9 : c; }
      return (row.dataset[sort.key] || "").toLowerCase();
    }

    function apply() {
      rows.forEach(showYear);
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
        var defaultDir = key === "score" || key === "opfyldelse" || key === "aendring" ? "descending" : "ascending";
        if (sort.key === key) sort.dir = sort.dir === "ascending" ? "descending" : "ascending";
        else sort = { key: key, dir: defaultDir };
        apply();
      });
    });
    readState();
    apply();
  }

  /* The 404 page's "Søg på sitet" button opens the header's search (Material's toggle). */
  function initSearchButtons() {
    document.querySelectorAll("[data-sb-open-search]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var toggle = document.getElementById("__search");
        var input = document.querySelector(".md-search__input");
        if (toggle) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
        if (input) input.focus();
      });
    });
  }

  /* Glossary terms (Material's abbr tooltips) by keyboard: every term can take focus, and its
   * tooltip then shows (Material follows focus); Escape hides it without moving focus or pointer
   * (WCAG 2.1.1, 1.4.13). It shows again when another term gets focus or the pointer. */
  var TIP_HIDDEN = "sb-tooltips-dismissed";
  function initGlossaryTerms() {
    document.querySelectorAll(".md-content abbr").forEach(function (abbr) {
      if (!abbr.hasAttribute("tabindex")) abbr.setAttribute("tabindex", "0");
    });
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") document.documentElement.classList.add(TIP_HIDDEN);
  });
  ["focusin", "mouseover"].forEach(function (name) {
    document.addEventListener(name, function (e) {
      if (e.target && e.target.closest && e.target.closest("abbr")) document.documentElement.classList.remove(TIP_HIDDEN);
    });
  });

  function onPage() {
    initGlossaryTerms();
    initSearchButtons();
    drawCharts();
    initChartMenus();
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
