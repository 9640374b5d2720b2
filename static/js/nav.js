// The top navigation's menu button (templates/base.html). On a narrow screen
// app.css folds the links and the account behind it once this script has run;
// without the script the button stays hidden and the menu stays open, so
// every link stays reachable. Loaded synchronously right after the header so
// the menu is folded before the rest of the page is drawn.
(function () {
  "use strict";
  var header = document.querySelector(".topbar[data-menu]");
  if (!header) {
    return;
  }
  var button = header.querySelector(".nav-toggle");
  var menu = document.getElementById(button.getAttribute("aria-controls"));

  function isOpen() {
    return button.getAttribute("aria-expanded") === "true";
  }

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }

  header.classList.add("menu-ready");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(!isOpen());
  });
  // Escape closes the menu and hands focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen()) {
      setOpen(false);
      button.focus();
    }
  });
  // A click outside the open menu closes it, as a native menu would.
  document.addEventListener("click", function (event) {
    if (isOpen() && !menu.contains(event.target) && !button.contains(event.target)) {
      setOpen(false);
    }
  });
})();
