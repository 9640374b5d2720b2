/* Search-as-you-type pickers: every <select data-picker-url> becomes a Tom Select
 * box that asks its endpoint (ui/autocomplete.py) for at most twenty matches as
 * the user types. The page carries only the chosen options, so a form stays
 * small however many organisations the city has. No inline script: the page
 * may run under a Content-Security-Policy without 'unsafe-inline'.
 *
 * Keyboard: type, ↑/↓ to move, Enter to pick, Backspace to remove, Tab to leave.
 */
(function () {
  "use strict";

  function upgrade(select) {
    if (select.tomselect) return;
    var url = select.getAttribute("data-picker-url");
    var empty = select.getAttribute("data-picker-empty") || "";
    var multiple = select.multiple;
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      // The server has already searched; matching the hint (the credit code)
      // too keeps its prefix matches in the list rather than filtered out here.
      searchField: ["text", "hint"],
      placeholder: select.getAttribute("data-picker-placeholder") || "",
      maxOptions: 20,
      loadThrottle: 250,
      closeAfterSelect: !multiple,
      hidePlaceholder: false,
      plugins: multiple
        ? { remove_button: { title: select.getAttribute("data-picker-remove") || "" } }
        : { clear_button: { title: select.getAttribute("data-picker-clear") || "" } },
      load: function (query, callback) {
        var sep = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (data) {
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        option: function (item, escape) {
          var hint = item.hint ? '<span class="picker-hint">' + escape(item.hint) + "</span>" : "";
          return "<div>" + escape(item.text) + hint + "</div>";
        },
        item: function (item, escape) {
          return "<div>" + escape(item.text) + "</div>";
        },
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = empty;
          return div;
        },
      },
    });
  }

  function upgradeAll() {
    document.querySelectorAll("select[data-picker-url]").forEach(upgrade);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", upgradeAll);
  } else {
    upgradeAll();
  }
})();
