/* The status line of a ledger file being checked or imported: ask the
   status endpoint every 2 seconds, show the progress it reports, and reload
   the page once the work is done (the page then shows the stored check or
   the import's counts). Without JavaScript the line shows the state as of
   the page load and a link reloads it. Nothing here loads from the internet. */
(function () {
  "use strict";

  var INTERVAL = 2000;
  var line = document.querySelector("[data-import-progress]");
  if (!line || !window.fetch) {
    return;
  }
  var url = line.getAttribute("data-status-url");
  var label = line.querySelector("[data-import-label]");
  var text = line.querySelector("[data-import-text]");
  var refresh = line.querySelector("[data-import-refresh]");
  var failures = 0;

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
        line.setAttribute("data-job-state", data.status);
        label.textContent = data.label;
        text.textContent = data.text;
        if (data.live) {
          window.setTimeout(poll, INTERVAL);
        } else {
          window.location.reload();
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

  if (refresh) {
    refresh.hidden = true;
  }
  window.setTimeout(poll, INTERVAL);
})();
