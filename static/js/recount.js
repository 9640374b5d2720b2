/* The recount status line on the coverage overview: while the job is queued
   or running, ask the status endpoint every 2 seconds and say what it
   answers. Without JavaScript the line shows the job's state as of the page
   load, and a link reloads it. Nothing here loads from the internet. */
(function () {
  "use strict";

  var INTERVAL = 2000;
  var line = document.querySelector("[data-recount-status]");
  if (!line || !window.fetch) {
    return;
  }
  var url = line.getAttribute("data-status-url");
  var label = line.querySelector("[data-recount-label]");
  var text = line.querySelector("[data-recount-text]");
  var refresh = line.querySelector("[data-recount-refresh]");
  var failures = 0;

  function live(state) {
    return state === "queued" || state === "running";
  }

  function show(data) {
    line.setAttribute("data-job-state", data.status);
    line.className = "job-state state-" + data.status;
    label.textContent = data.label;
    text.textContent = data.text;
    if (refresh) {
      // Once done, the link reloads the recounted half-year (a failed run
      // changed no figure, so it offers nothing new).
      refresh.hidden = data.status !== "succeeded";
      refresh.href = data.url;
      refresh.textContent = refresh.getAttribute("data-done-text") || refresh.textContent;
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
        // A dropped request (a restarting server) is retried a few times, then
        // the reload link is left for the user.
        failures += 1;
        if (refresh) {
          refresh.hidden = false;
        }
        if (failures < 5) {
          window.setTimeout(poll, INTERVAL * failures);
        }
      });
  }

  if (live(line.getAttribute("data-job-state"))) {
    if (refresh) {
      refresh.hidden = true;
    }
    window.setTimeout(poll, INTERVAL);
  }
})();
