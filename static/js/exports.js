/* The status of a large Excel export: while the job is queued or running,
   ask its status endpoint every 2 seconds, show the rows written so far,
   and show the download link once the file is ready. Without JavaScript
   the page shows the job as of its load, and a link reloads it. Nothing
   here loads from the internet. */
(function () {
  "use strict";

  var INTERVAL = 2000;
  var box = document.querySelector("[data-export-status]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var label = box.querySelector("[data-export-label]");
  var text = box.querySelector("[data-export-text]");
  var bar = box.querySelector("[data-export-progress]");
  var downloadBox = box.querySelector("[data-export-download-box]");
  var download = box.querySelector("[data-export-download]");
  var refresh = box.querySelector("[data-export-refresh]");
  var failures = 0;

  function live(state) {
    return state === "queued" || state === "running";
  }

  function show(data) {
    box.setAttribute("data-job-state", data.status);
    box.className = "job-state state-" + data.status;
    label.textContent = data.label;
    text.textContent = data.text;
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    bar.hidden = !live(data.status);
    if (data.download_url) {
      download.href = data.download_url;
      downloadBox.hidden = false;
    }
    if (refresh) {
      refresh.hidden = live(data.status);
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (live(data.status)) {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A dropped request (a restarting server) is retried a few times,
        // then the reload link is left for the user.
        failures += 1;
        if (refresh) {
          refresh.hidden = false;
        }
        if (failures < 5) {
          window.setTimeout(poll, INTERVAL * failures);
        }
      });
  }

  if (live(box.getAttribute("data-job-state"))) {
    if (refresh) {
      refresh.hidden = true;
    }
    window.setTimeout(poll, INTERVAL);
  }
})();
