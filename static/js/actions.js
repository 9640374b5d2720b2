// Small page behaviours declared in the markup instead of inline handlers,
// which the Content-Security-Policy (script-src 'self') refuses:
//   <select data-autosubmit>   submits its form when the choice changes;
//   <button data-print>        opens the browser's print dialogue;
//   <a data-back href="...">   goes back a page (the href where there is no page to go back to).
// Without the script a form still has its submit button and the browser's
// own print command still prints.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      window.print();
    }
    var back = event.target.closest ? event.target.closest("a[data-back]") : null;
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
