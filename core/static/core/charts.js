/* Terang charts: draw <canvas data-chart="…" data-source="<json_script id>"> with the vendored Chart.js.
   The numbers are always in a table beside the chart; without JavaScript the table is the chart. */
(function () {
  "use strict";
  function data(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }
  var draw = {
    distribution: function (canvas, d) {
      var bound = function (values, label, color) {
        return {
          type: "line", label: label, data: values, showLine: false, borderColor: color,
          backgroundColor: color, pointStyle: "line", pointRadius: 22, pointHoverRadius: 22,
          pointBorderWidth: 4, order: 1
        };
      };
      var datasets = [{ type: "bar", label: d.names.count, data: d.counts, backgroundColor: "#9cc3de", borderColor: "#0b5c8a", borderWidth: 1, order: 2 }];
      if (d.max.some(function (v) { return v !== null; })) { datasets.push(bound(d.max, d.names.max, "#a32020")); }
      if (d.min.some(function (v) { return v !== null; })) { datasets.push(bound(d.min, d.names.min, "#145c2e")); }
      return new window.Chart(canvas, {
        data: { labels: d.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } }
        }
      });
    }
  };
  function init() {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var kind = draw[canvas.dataset.chart];
      var d = data(canvas);
      if (kind && d && !canvas.dataset.drawn) { kind(canvas, d); canvas.dataset.drawn = "1"; }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
