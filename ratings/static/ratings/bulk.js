// The bulk review bar: counts the ticked evaluations, keeps its buttons off
// while none is ticked, works the "select all" box of the table heading, and
// asks for the reason before a return is sent. Without it the form still
// works: the server says what is missing.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("bulk-review");
  if (!form) return;
  const boxes = () => Array.from(document.querySelectorAll('input[type=checkbox][form="bulk-review"]'));
  const allBoxes = Array.from(document.querySelectorAll("input[data-select-all]"));
  const count = form.querySelector("[data-bulk-count]");
  const buttons = Array.from(form.querySelectorAll("button[name=action]"));
  const reason = form.querySelector("#bulk-reason");

  const update = () => {
    const all = boxes();
    const ticked = all.filter((box) => box.checked).length;
    if (count) count.textContent = String(ticked);
    buttons.forEach((button) => { button.disabled = ticked === 0; });
    allBoxes.forEach((box) => {
      box.checked = all.length > 0 && ticked === all.length;
      box.indeterminate = ticked > 0 && ticked < all.length;
    });
  };

  allBoxes.forEach((box) => {
    box.hidden = boxes().length === 0;
    box.addEventListener("change", () => {
      boxes().forEach((each) => { each.checked = box.checked; });
      update();
    });
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches('input[type=checkbox][form="bulk-review"]')) update();
  });

  // A return needs its reason; an approval none. The browser then asks for it.
  buttons.forEach((button) => {
    button.addEventListener("click", () => {
      if (reason) reason.required = button.value === "return";
    });
  });
  update();
});
