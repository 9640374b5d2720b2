/* Draws every <canvas data-chart-url> from its django-chartjs JSON with the
   Chart.js that ships in the django-chartjs package (no CDN). */
(function () {
  "use strict";
  var charts = [];

  // The bar under the pointer opens the list of the records it counts:
  // links[dataset][label] (one list per bar), or links[label] (one per label).
  function linkFor(links, chart, event, elements) {
    if (!links || !links.length) { return null; }
    var hit = chart.getElementAtEvent(event)[0] || (elements && elements[0]);
    if (!hit) { return null; }
    if (Array.isArray(links[0])) { return (links[hit._datasetIndex] || [])[hit._index] || null; }
    return links[hit._index] || null;
  }

  function draw(canvas, spec) {
    var stacked = !!spec.stacked;
    var unit = spec.unit || "";
    var chart = new Chart(canvas.getContext("2d"), {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 0 },  // printed and screenshotted as drawn
        legend: { position: "bottom" },
        scales: spec.type === "pie" ? {} : {
          xAxes: [{ stacked: stacked, ticks: { autoSkip: false, maxRotation: 60 } }],
          yAxes: [{ stacked: stacked, ticks: { beginAtZero: true, callback: function (v) { return v + unit; } } }]
        },
        tooltips: { callbacks: { label: function (item, data) {
          return data.datasets[item.datasetIndex].label + ": " + item.yLabel + unit;
        } } },
        onClick: function (event, elements) {
          var link = linkFor(spec.links, this, event, elements);
          if (link) { window.location.href = link; }
        },
        onHover: function (event, elements) {
          canvas.style.cursor = linkFor(spec.links, this, event, elements) ? "pointer" : "default";
        }
      }
    });
    canvas.setAttribute("data-drawn", "true");
    canvas.chart = chart;
    charts.push(chart);
  }

  function load(canvas) {
    var request = new XMLHttpRequest();
    request.open("GET", canvas.getAttribute("data-chart-url"));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { canvas.setAttribute("data-error", String(request.status)); return; }
      var spec = JSON.parse(request.responseText);
      if (!spec.labels.length) {
        canvas.setAttribute("data-empty", "true");
        canvas.setAttribute("data-drawn", "true");
        canvas.parentNode.insertAdjacentHTML("beforeend", '<p class="muted empty">' + (document.documentElement.lang === "en" ? "No data." : "暂无数据。") + "</p>");
        return;
      }
      draw(canvas, spec);
    };
    request.send();
  }

  document.querySelectorAll("canvas[data-chart-url]").forEach(load);

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-png-for]");
    if (!link) { return; }
    var canvas = document.getElementById(link.getAttribute("data-png-for"));
    link.href = canvas.toDataURL("image/png");
  });

  // Resize before printing so each chart fits its printed cell.
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
