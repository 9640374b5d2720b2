/* Draws every <canvas data-chart-url> on the page from its django-chartjs JSON
   with the vendored Chart.js 4 (static/vendor/chart.js/, no CDN). Any page that
   loads Chart.js and this file gets, for each such canvas: the chart, a click
   from a bar to the records it counts, a PNG for slides (a[data-png-for]) and
   a size fitted to the printed page (dashboard.css's --print-chart-*). */
(function () {
  "use strict";
  var charts = [];
  var printing = window.matchMedia("print");

  // The bar under the pointer opens the list of the records it counts:
  // links[dataset][label] (one list per bar), or links[label] (one per label).
  function linkFor(links, chart, event, elements) {
    if (!links || !links.length) { return null; }
    var hit = (elements && elements[0]) ||
      chart.getElementsAtEventForMode(event, "nearest", { intersect: true }, true)[0];
    if (!hit) { return null; }
    if (Array.isArray(links[0])) { return (links[hit.datasetIndex] || [])[hit.index] || null; }
    return links[hit.index] || null;
  }

  function withUnit(unit) {
    return function (value, index, ticks) {
      return Chart.Ticks.formatters.numeric.call(this, value, index, ticks) + unit;
    };
  }

  function draw(canvas, spec) {
    var stacked = !!spec.stacked;
    var unit = spec.unit || "";
    var chart = new Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,  // printed and screenshotted as drawn
        scales: spec.type === "pie" ? {} : {
          x: { stacked: stacked, ticks: { autoSkip: false, maxRotation: 60 } },
          y: { stacked: stacked, beginAtZero: true, ticks: { callback: withUnit(unit) } }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (item) {
            return (item.dataset.label ? item.dataset.label + ": " : "") + item.formattedValue + unit;
          } } }
        },
        onClick: function (event, elements, chart) {
          var link = linkFor(spec.links, chart, event, elements);
          if (link) { window.location.href = link; }
        },
        onHover: function (event, elements, chart) {
          canvas.style.cursor = linkFor(spec.links, chart, event, elements) ? "pointer" : "default";
        }
      }
    });
    canvas.setAttribute("data-drawn", "true");
    canvas.chart = chart;
    charts.push(chart);
    if (onPaper) { fitToPaper(chart); }
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

  // ---- PNG for slides: white background, the title and "scope · half-year"
  // above the chart, drawn at twice the screen's resolution.
  function slideImage(canvas, link) {
    var chart = canvas.chart;
    var screenRatio = chart.currentDevicePixelRatio;
    var ratio = Math.max(2, screenRatio);
    if (ratio !== screenRatio) { chart.options.devicePixelRatio = ratio; chart.resize(); }
    var font = getComputedStyle(document.body).fontFamily;
    var pad = 16 * ratio;
    var titleSize = 18 * ratio;
    var lineSize = 13 * ratio;
    var band = pad + titleSize + 8 * ratio + lineSize + pad;
    var out = document.createElement("canvas");
    out.width = canvas.width + 2 * pad;
    out.height = band + canvas.height + pad;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.textBaseline = "top";
    ctx.fillStyle = "#1f2937";
    ctx.font = "600 " + titleSize + "px " + font;
    ctx.fillText(link.getAttribute("data-png-title") || "", pad, pad, out.width - 2 * pad);
    ctx.fillStyle = "#475569";
    ctx.font = lineSize + "px " + font;
    var line = [link.getAttribute("data-png-scope"), link.getAttribute("data-png-period")].filter(Boolean).join(" · ");
    ctx.fillText(line, pad, pad + titleSize + 8 * ratio, out.width - 2 * pad);
    ctx.drawImage(canvas, pad, band);
    if (ratio !== screenRatio) { delete chart.options.devicePixelRatio; chart.resize(); }
    return out.toDataURL("image/png");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-png-for]");
    if (!link) { return; }
    var canvas = document.getElementById(link.getAttribute("data-png-for"));
    if (!canvas || !canvas.chart) { event.preventDefault(); return; }
    link.href = slideImage(canvas, link);
  });

  // ---- Print. Chromium lays the page out for paper after `beforeprint` and
  // does not tell the charts, so they are drawn beforehand at the size of
  // their box on paper (the stylesheet's --print-chart-width/-height, which
  // it also gives .canvas-box in print) and redrawn to fit the screen after.
  function paperSize() {
    var probe = document.createElement("div");
    probe.style.cssText = "position:absolute;visibility:hidden;width:var(--print-chart-width,0);height:var(--print-chart-height,0)";
    document.body.appendChild(probe);
    var size = { width: probe.offsetWidth, height: probe.offsetHeight };
    probe.remove();
    return size.width && size.height ? size : null;
  }

  function fitToPaper(chart) {
    var size = paperSize();
    chart.options.devicePixelRatio = Math.max(3, window.devicePixelRatio);  // sharp on a printer
    if (size) { chart.resize(size.width, size.height); } else { chart.resize(); }
    chart.update();  // a resize to the same size does not redraw with the paper's fonts
  }

  // On paper a chart is a third of the page wide, on a phone the screen's
  // width: smaller text and legend boxes leave the plot its room.
  var narrow = window.matchMedia("(max-width: 600px)");
  var onPaper = false;

  function lettering(small, size) {
    Chart.defaults.font.size = small ? size : 12;
    Chart.defaults.plugins.legend.labels.boxWidth = small ? 12 : 40;
  }

  function toPaper() {
    onPaper = true;
    lettering(true, 9);
    charts.forEach(fitToPaper);
  }

  function toScreen() {
    if (!onPaper) { return; }
    onPaper = false;
    lettering(narrow.matches, 10);
    charts.forEach(function (chart) {
      delete chart.options.devicePixelRatio;
      chart.resize();
      chart.update();
    });
  }

  window.addEventListener("beforeprint", toPaper);
  window.addEventListener("afterprint", toScreen);
  // Print preview and emulated print media switch the media without the events.
  printing.addEventListener("change", function (event) { if (event.matches) { toPaper(); } else { toScreen(); } });
  narrow.addEventListener("change", function () {
    if (onPaper) { return; }
    lettering(narrow.matches, 10);
    charts.forEach(function (chart) { chart.update(); });
  });
  if (printing.matches) { toPaper(); } else { lettering(narrow.matches, 10); }

  document.querySelectorAll("canvas[data-chart-url]").forEach(load);
})();
