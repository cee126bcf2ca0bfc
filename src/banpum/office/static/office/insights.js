// Draws each insight chart: a <canvas data-chart="ID"> whose data is the JSON block <script
// type="application/json" id="ID"> that Django's json_script wrote (never executed, so the CSP
// allows it). Numbers are formatted per column kind with the page's unit words (3,500원, 12.5%,
// 3.2일); with prefers-reduced-motion the charts appear without animation. After drawing, the
// canvas gets data-drawn="1" (the browser tests wait for it).
(function () {
  "use strict";
  var PALETTE = ["#2457c5", "#e07b39", "#2f9e73", "#c2410c", "#7c3aed", "#0891b2", "#b45309",
    "#be185d", "#4d7c0f", "#64748b"];

  function lang() {
    return document.documentElement.lang || "ko";
  }

  function fill(template, value) {
    return String(template).replace(/%\([a-z_]+\)s/, value).replace("%%", "%");
  }

  function numberText(value, digits) {
    return Number(value).toLocaleString(lang(), {
      minimumFractionDigits: digits, maximumFractionDigits: digits
    });
  }

  function formatter(kind, units) {
    return function (value) {
      if (value === null || value === undefined || isNaN(value)) return "-";
      switch (kind) {
        case "won": return fill(units.won || "%(amount)s", numberText(Math.round(value), 0));
        case "percent": return fill(units.percent || "%(value)s%%", numberText(value * 100, 1));
        case "days": return fill(units.days || "%(days)s", numberText(value, 1));
        case "rating": return numberText(value, 2);
        case "count": return numberText(value, Number.isInteger(value) ? 0 : 1);
        default: return String(value);
      }
    };
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function config(data) {
    var type = data.type;
    var stacked = type === "stacked_bar";
    var doughnut = type === "doughnut";
    var units = data.units || {};
    var first = data.datasets[0] || { kind: "count" };
    var format = formatter(first.kind, units);
    var datasets = data.datasets.map(function (set, index) {
      var colour = PALETTE[index % PALETTE.length];
      var out = { label: set.label, data: set.data, kind: set.kind };
      if (doughnut) {
        out.backgroundColor = set.data.map(function (_, i) { return PALETTE[i % PALETTE.length]; });
      } else {
        out.backgroundColor = colour;
        out.borderColor = colour;
      }
      if (!doughnut) out.maxBarThickness = 56;
      if (type === "line") {
        out.fill = false;
        out.tension = 0.2;
        out.spanGaps = true;
      }
      return out;
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : { duration: 400 },
      plugins: {
        legend: { display: doughnut || datasets.length > 1, position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (item) {
              var kind = item.dataset.kind || first.kind;
              var value = doughnut ? item.raw : item.parsed.y;
              return (item.dataset.label ? item.dataset.label + ": " : "") +
                formatter(kind, units)(value);
            }
          }
        }
      }
    };
    if (!doughnut) {
      options.scales = {
        x: { stacked: stacked, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { stacked: stacked, beginAtZero: true, ticks: {
          precision: first.kind === "count" || first.kind === "won" ? 0 : undefined,
          callback: function (v) { return format(v); } } }
      };
    }
    return { type: doughnut ? "doughnut" : type === "line" ? "line" : "bar", data: {
      labels: data.labels, datasets: datasets }, options: options };
  }

  function draw(canvas) {
    if (canvas.getAttribute("data-drawn") === "1" || typeof window.Chart !== "function") return;
    var block = document.getElementById(canvas.getAttribute("data-chart"));
    if (!block) return;
    var data;
    try {
      data = JSON.parse(block.textContent);
    } catch (error) {
      return; // the table beside it still says everything
    }
    if (!data || !data.datasets || !data.datasets.length) return;
    new window.Chart(canvas, config(data));
    canvas.setAttribute("data-drawn", "1");
  }

  function drawAll() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
